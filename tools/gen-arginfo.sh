#!/usr/bin/env bash
# Regenerates ext/smtp_arginfo.h from ext/smtp.stub.php with PHP's gen_stub.php, using Debian's
# php-parser package instead of the download gen_stub.php would attempt (no network here).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
gen=$(dirname "$(command -v php-config >/dev/null && php-config --extension-dir)")/../../lib/php/build/gen_stub.php
[ -f "$gen" ] || gen=$(ls /usr/lib/php/*/build/gen_stub.php | tail -n 1)
[ -d /usr/share/php/PhpParser ] || apt-get install -y php-parser >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$gen" "$work/gen_stub.php"
version=$(sed -n 's/^ *\$version = "\([0-9.]*\)";/\1/p' "$gen" | head -n 1)
mkdir -p "$work/PHP-Parser-$version"
ln -s /usr/share/php "$work/PHP-Parser-$version/lib"
php "$work/gen_stub.php" -f "$top/ext/smtp.stub.php"
echo "generated: ext/smtp_arginfo.h"
