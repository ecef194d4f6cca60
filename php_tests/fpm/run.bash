#!/usr/bin/env bash
# The pool under php-fpm (Debian's php8.2-fpm, started here with a private configuration and the
# built module): a pool of 2 workers serves 60 requests that each send one mail(); the kept connections
# outlive the requests, so the test SMTP server sees at most 2 connections (one per worker), every
# message arrives once, and each worker's smtp_stats() counts its reuse. FastCGI requests are made with
# cgi-fcgi (libfcgi-bin); no web server is needed. Prints "fpm: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fpm=${PHP_FPM:-$(command -v php-fpm8.2 || true)}
if [ -z "$fpm" ] || ! command -v cgi-fcgi >/dev/null; then
	echo "fpm: php-fpm8.2 or cgi-fcgi is missing (tools/deps.sh installs php8.2-fpm and libfcgi-bin)"
	echo "fpm: 0 passed, 1 failed"; exit 1
fi
exec php -d extension="$top/modules/smtp.so" "$here/fpm_pool.inc" "$fpm" "$top/modules/smtp.so"
