#!/usr/bin/env bash
# The release tarball on one PHP of the matrix (run by run.bash inside that PHP's environment, with
# its php, phpize and php-config first on PATH): `pecl install` of the tarball that `pecl package`
# made (into that PHP's extension directory: in the matrix, a chroot that is a cache of its own), the
# smoke check through the installed module (php_tests/packaging/smoke.bash), then `pecl uninstall`.
# A PHP without pecl (the 8.2 source builds, made --without-pear) gets the tarball's build steps by
# hand (phpize, ./configure, make) and the smoke check, and a NOT RUN line for pecl itself.
#   bash php_tests/matrix/pecl.bash /path/smtp-X.Y.Z.tgz
# Prints "pecl: N passed, N failed[, N skipped]".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tgz=$1
passed=0; failed=0; skipped=0
work=$(mktemp -d /tmp/smtp-matrix-pecl.XXXXXX)
trap 'rm -rf "$work"' EXIT
result() {  # rc, output
	echo "$2"
	if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
smoke() { local out rc; out=$(bash "$top/php_tests/packaging/smoke.bash" "$@" 2>&1); rc=$?; result $rc "$out"; }

# pecl runs on this PHP (PHP_PEAR_PHP_BIN) and needs its xml extension; a PHP without it (the 8.2
# source builds, made --disable-all --without-pear) cannot run pecl, whatever pecl is on PATH.
if command -v pecl >/dev/null && php -r 'exit(extension_loaded("xml") ? 0 : 1);'; then
	export PHP_PEAR_PHP_BIN=$(command -v php) TMPDIR="$work/tmp" PHP_PEAR_TEMP_DIR="$work/tmp/pear/temp" \
		PHP_PEAR_DOWNLOAD_DIR="$work/tmp/pear/download" PHP_PEAR_CACHE_DIR="$work/tmp/pear/cache"
	mkdir -p "$work/tmp"
	# pecl installs into this PHP's extension directory (it takes it from php-config, whatever its
	# ext_dir says): inside the matrix's chroot, a cache of its own; uninstalled again below.
	ext_dir=$(php-config --extension-dir)
	pecl uninstall smtp >/dev/null 2>&1  # a run that was cut short may have left it installed
	if (cd "$work" && pecl -d php_bin="$PHP_PEAR_PHP_BIN" -d bin_dir="$(dirname "$(command -v php-config)")" \
		install -D 'enable-smtp-dev="no"' "$tgz") >"$work/install.log" 2>&1 && [ -f "$ext_dir/smtp.so" ] \
		&& grep -q "^install ok" "$work/install.log"; then
		result 0 "ok   - pecl install $(basename "$tgz") on PHP $(php -r 'echo PHP_VERSION;'): $ext_dir/smtp.so"
		smoke "smoke after pecl install" -d extension="$ext_dir/smtp.so"
	else
		result 1 "FAIL - pecl install $(basename "$tgz")"
		tail -n 25 "$work/install.log" | sed 's/^/       /'
	fi
	if (cd "$work" && pecl uninstall smtp) >"$work/uninstall.log" 2>&1 && [ ! -e "$ext_dir/smtp.so" ]; then
		result 0 "ok   - pecl uninstall smtp: $ext_dir/smtp.so removed"
	else
		result 1 "FAIL - pecl uninstall smtp"; tail -n 10 "$work/uninstall.log" | sed 's/^/       /'
	fi
else
	echo "NOT RUN - pecl install: pecl cannot run on this PHP (no xml extension: a source build made --disable-all --without-pear); the tarball's build steps are run by hand instead"
	skipped=$((skipped + 1))
	mkdir -p "$work/src"
	if tar -xzf "$tgz" -C "$work/src" && cd "$work/src"/smtp-* \
		&& { phpize && ./configure --with-php-config="$(command -v php-config)" && make -j"$(nproc)"; } >"$work/build.log" 2>&1 \
		&& [ -f modules/smtp.so ]; then
		result 0 "ok   - the tarball's build steps (phpize, ./configure, make) on PHP $(php -r 'echo PHP_VERSION;')"
		smoke "smoke of the module built from the tarball" -d extension="$PWD/modules/smtp.so"
	else
		result 1 "FAIL - the tarball's build steps"; tail -n 25 "$work/build.log" | sed 's/^/       /'
	fi
fi
echo "pecl: $passed passed, $failed failed$( [ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
