#!/usr/bin/env bash
# Builds the extension a second time with AddressSanitizer and UndefinedBehaviorSanitizer (gcc
# -fsanitize=address,undefined) for `tools/run-phpt.sh --asan`. The system PHP is not instrumented,
# so the runtime is preloaded into it at test time (run-phpt.sh does that). The build happens in a
# copy of the sources under .build/asan/src (phpize writes its files into the source directory), so
# the dev build's modules/smtp.so stays as it is. Prints the module's path.
#   tools/build-asan.sh            build (copies changed sources, reconfigures when config.m4 changed)
#   tools/build-asan.sh --clean    start from scratch
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
phpize=${PHPIZE:-phpize}
php_config=${PHP_CONFIG:-php-config}
dir="$top/.build/asan"
src="$dir/src"
[ "${1:-}" = "--clean" ] && rm -rf "$dir"
mkdir -p "$src"
# Only changed files are copied (rsync keeps the times), so make rebuilds only what changed.
rsync -a --delete "$top/ext/" "$src/ext/"
rsync -a "$top/config.m4" "$top/config.w32" "$top/Makefile.frag" "$src/"
cd "$src"
# -O1 keeps the run fast enough; -fno-omit-frame-pointer gives whole stacks; no recovery from UB: the
# first finding ends the test (and fails it).
san="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
if [ ! -f configure ] || [ config.m4 -nt configure ] || [ ! -f Makefile ] || [ Makefile.frag -nt Makefile ]; then
	"$phpize" >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; exit 1; }
	CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" \
		./configure --with-php-config="$php_config" --enable-smtp --enable-smtp-dev ${SMTP_CONFIGURE_FLAGS:-} >>"$dir/configure.log" 2>&1 \
		|| { cat "$dir/configure.log"; exit 1; }
fi
make -j"$(nproc)" >"$dir/make.log" 2>&1 || { cat "$dir/make.log"; exit 1; }
echo "built: $src/modules/smtp.so"
