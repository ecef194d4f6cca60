#!/usr/bin/env bash
# Builds the extension in place (phpize + configure + make) as a development build
# (-Wall -Wextra -Werror). The module ends up in modules/smtp.so.
#   tools/build.sh            build (reconfigures only when config.m4 changed)
#   tools/build.sh --clean    start from scratch
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
phpize=${PHPIZE:-phpize}
php_config=${PHP_CONFIG:-php-config}
if [ "${1:-}" = "--clean" ]; then
	[ -f Makefile ] && make -s distclean >/dev/null 2>&1 || true
	"$phpize" --clean >/dev/null 2>&1 || true
	rm -f configure
fi
if [ ! -f configure ] || [ config.m4 -nt configure ] || [ ! -f Makefile ] || [ Makefile.frag -nt Makefile ]; then
	"$phpize" >.build-configure.log 2>&1 || { cat .build-configure.log; exit 1; }
	./configure --with-php-config="$php_config" --enable-smtp --enable-smtp-dev ${SMTP_CONFIGURE_FLAGS:-} >>.build-configure.log 2>&1 \
		|| { cat .build-configure.log; exit 1; }
fi
make -j"$(nproc)" >/dev/null
echo "built: $top/modules/smtp.so"
