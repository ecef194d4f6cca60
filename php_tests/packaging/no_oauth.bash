#!/usr/bin/env bash
# The extension built without OAuth (./configure --without-smtp-oauth, no libcurl) builds clean with
# the dev flags (-Werror) and works: smtp_oauth_status()['enabled'] is false, phpinfo() says OAuth is
# not built, smtp.auth=xoauth2 with a provider fails at stage oauth with a sentence saying so (and its
# hint), and mail() with a password is delivered to the project's test SMTP server (ephemeral port).
# The copy lives in .build/no-oauth (kept between runs: make rebuilds only what changed). No
# system-wide state: needs no lock. Prints one line per check and "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
dir="$top/.build/no-oauth"
passed=0; failed=0
pass() { echo "ok   - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; shift; [ $# -gt 0 ] && printf '%s\n' "$@" | tail -n 30 | sed 's/^/       /'; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

mkdir -p "$dir/src"
# the sources as committed files are laid out (rsync keeps their times: make redoes only what changed)
rsync -a --delete --exclude '.libs/' --exclude '.deps' --exclude '*.lo' --exclude '*.o' --exclude '*.dep' \
	config.m4 config.w32 Makefile.frag ext "$dir/src/" || { fail "copy the sources"; finish; }
cd "$dir/src"
if [ ! -f Makefile ] || [ config.m4 -nt configure ] || [ Makefile.frag -nt Makefile ]; then
	if ! out=$({ phpize && ./configure --enable-smtp --enable-smtp-dev --without-smtp-oauth; } 2>&1); then
		fail "configure --without-smtp-oauth" "$out"; finish
	fi
fi
if out=$(make -j"$(nproc)" 2>&1 >/dev/null) && [ -f modules/smtp.so ]; then
	pass "build --without-smtp-oauth (-Wall -Wextra -Werror)"
else
	fail "build --without-smtp-oauth" "$out"; finish
fi
if grep -q '^#define HAVE_SMTP_OAUTH' config.h 2>/dev/null || ldd modules/smtp.so | grep -q libcurl; then
	fail "the build has no libcurl" "$(ldd modules/smtp.so | grep curl)"
else
	pass "the build has no libcurl"
fi
cd "$top"
out=$(php -n -d "extension=$dir/src/modules/smtp.so" php_tests/packaging/no_oauth.inc 2>&1)
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) pass "${line#ok }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	esac
done <<<"$out"
grep -q '^done$' <<<"$out" && [ "$rc" -eq 0 ] || fail "no_oauth.inc ran to its end (exit $rc)" "$out"
finish
