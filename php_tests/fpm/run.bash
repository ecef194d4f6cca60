#!/usr/bin/env bash
# The pool under php-fpm (Debian's php8.2-fpm, started here with a private configuration and the
# built module): a pool of 2 workers serves 60 requests that each send one mail(); the kept connections
# outlive the requests, so the test SMTP server sees at most 2 connections (one per worker), every
# message arrives once, and each worker's smtp_stats() counts its reuse. FastCGI requests are made with
# cgi-fcgi (libfcgi-bin); no web server is needed. Then smtp.deferred=1 (fpm_deferred.inc). Prints
# "fpm: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fpm=${PHP_FPM:-$(command -v php-fpm8.2 || true)}
if [ -z "$fpm" ] || ! command -v cgi-fcgi >/dev/null; then
	echo "fpm: php-fpm8.2 or cgi-fcgi is missing (tools/deps.sh installs php8.2-fpm and libfcgi-bin)"
	echo "fpm: 0 passed, 1 failed"; exit 1
fi
# Two drivers: the pool (fpm_pool.inc), then smtp.deferred=1 against a server that greets after 2 s
# (fpm_deferred.inc: every page answers in well under 500 ms, every message arrives once).
status=0
php -d extension="$top/modules/smtp.so" "$here/fpm_pool.inc" "$fpm" "$top/modules/smtp.so" | tee "${TMPDIR:-/tmp}/fpm-pool.$$" || status=1
php -d extension="$top/modules/smtp.so" "$here/fpm_deferred.inc" "$fpm" "$top/modules/smtp.so" | tee "${TMPDIR:-/tmp}/fpm-deferred.$$" || status=1
p=0; f=0
for out in "${TMPDIR:-/tmp}/fpm-pool.$$" "${TMPDIR:-/tmp}/fpm-deferred.$$"; do
	line=$(grep -E ': [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	[ -n "$line" ] || { f=$((f + 1)); continue; }
	n=${line##*: }; p=$((p + ${n%% passed*})); n=${n#*passed, }; f=$((f + ${n%% failed*}))
	rm -f "$out"
done
echo "fpm: $p passed, $f failed"
[ "$f" -eq 0 ] && exit $status || exit 1
