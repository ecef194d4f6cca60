#!/usr/bin/env bash
# Runs every test of the project: C unit tests (ASan/UBSan), the .phpt suite against the project's
# test SMTP server, the same suite against an ASan+UBSan build of the module (tools/build-asan.sh),
# a DNS server that never answers (in a network namespace), php-fpm, the load test (8 processes x
# 2,000 messages against a server that cuts 1% of the transactions), the same suite under valgrind
# (--leak-check=full, and a canary that must be reported as a leak), the
# interop tests against a real Postfix, the drop-in comparison with stock mail() + Postfix's
# sendmail, the PECL packaging checks and the build --without-smtp-oauth, the WordPress plugin in a
# real browser, the PHP matrix (php_tests/matrix: the extension built and the .phpt suite run on PHP
# 8.2 NTS, 8.2 NTS and ZTS debug builds, 8.4, 8.5 and 8.6), and the fuzzers for a short while.
# Ends with one line "all: N passed, N failed"; exits non-zero if anything failed.
#   SMTP_TEST_QUICK=1  skips the valgrind pass and the fuzzers, and runs a part of the suite in the matrix
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs="$top/.build/test-logs"; mkdir -p "$logs"
passed=0; failed=0; skipped=0; failures=()

count() {  # stage name, log file: adds the stage's "N passed, N failed" (last one) to the totals
	local name=$1 log=$2 rc=$3 line p f s
	line=$(grep -aE '(^|: )[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "== $name: no result line (exit $rc), see $log"; failed=$((failed + 1)); failures+=("$name"); return
	fi
	p=$(printf '%s' "$line" | sed -E 's/.*(^|[^0-9])([0-9]+) passed.*/\2/')
	f=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(printf '%s' "$line" | sed -nE 's/.* failed, ([0-9]+) skipped.*/\1/p')
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
	{ [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; } && failures+=("$name")
	echo "== $name: $p passed, $f failed${s:+, $s skipped (see its NOT RUN lines)}"
}

stage() {  # name, command...: runs it, showing its output, and counts its result
	local name=$1; shift
	local log="$logs/$name.log"
	echo "== $name: $*"
	"$@" 2>&1 | tee "$log"
	count "$name" "$log" "${PIPESTATUS[0]}"
}

bash tools/deps.sh || { echo "dependency installation failed"; exit 1; }
tools/build.sh || { echo "build failed"; echo "all: 0 passed, 1 failed"; exit 1; }

# The PHP matrix's chroots and PHP builds are made (or found in /var/cache/smtp-php-matrix) in the
# background while the other stages run: mostly downloads and package unpacking; the two PHP builds
# run niced. The matrix stage waits for it.
matrix_phps=$(awk '!/^#/ && NF && $2 != "system" { print $1 }' php_tests/matrix/phps.txt)
(t0=$SECONDS; for n in $matrix_phps; do nice -n 10 bash php_tests/matrix/provision.bash "$n"; done
	echo "matrix: making or finding its PHPs took $((SECONDS - t0)) s") >"$logs/matrix-provision.log" 2>&1 &
matrix_provision_pid=$!

stage unit php_tests/unit/run.sh
stage phpt bash tools/run-phpt.sh
stage phpt-asan bash tools/run-phpt.sh --asan
[ -x php_tests/netns/run.bash ] && stage netns php_tests/netns/run.bash
[ -x php_tests/fpm/run.bash ] && stage fpm php_tests/fpm/run.bash
[ -x php_tests/load/run.bash ] && stage load php_tests/load/run.bash
[ -x php_tests/interop/interop.bash ] && stage interop php_tests/interop/interop.bash
[ -x php_tests/interop/dropin.bash ] && stage dropin php_tests/interop/dropin.bash
[ -f php_tests/packaging/run.bash ] && stage packaging bash php_tests/packaging/run.bash
[ -f php_tests/packaging/no_oauth.bash ] && stage no-oauth bash php_tests/packaging/no_oauth.bash
[ -f php_tests/e2e/run.bash ] && stage e2e bash php_tests/e2e/run.bash
# The PHP matrix: 8.2 (this machine's, and NTS/ZTS debug builds from Debian's source), 8.4, 8.5 and
# 8.6 in chroots, made once per machine and cached outside the tree; the whole .phpt suite on each
# (quick: a part of it), plus the release tarball through each PHP's pecl.
# This machine's 8.2 NTS is in it too (its pecl install is the packaging stage's).
wait "$matrix_provision_pid"
tail -n 1 "$logs/matrix-provision.log"
if [ -n "${SMTP_TEST_QUICK:-}" ]; then
	stage matrix env SMTP_MATRIX_PHPT="php_tests/mail php_tests/mailpaths php_tests/args php_tests/ini" bash php_tests/matrix/run.bash
else
	stage matrix bash php_tests/matrix/run.bash
fi
if [ -z "${SMTP_TEST_QUICK:-}" ]; then
	stage phpt-valgrind bash tools/run-phpt.sh --valgrind
	[ -x php_tests/fuzz/run.bash ] && stage fuzz php_tests/fuzz/run.bash
fi

echo
[ ${#failures[@]} -eq 0 ] || echo "failed stages: ${failures[*]} (logs in $logs)"
if [ "$skipped" -gt 0 ]; then echo "all: $passed passed, $failed failed, $skipped skipped"; else echo "all: $passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
