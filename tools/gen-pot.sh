#!/usr/bin/env bash
# Regenerates wordpress/native-smtp/languages/native-smtp.pot from the plugin's PHP files
# (xgettext, Debian's gettext package). php_tests/e2e/i18n-check.inc checks that every translated
# string is in it; run this after adding or changing one.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
plugin=$top/wordpress/native-smtp
version=$(sed -n "s/^define( 'NATIVE_SMTP_PLUGIN_VERSION', '\([^']*\)' );/\1/p" "$plugin/native-smtp.php")
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cd "$plugin"
find . -name '*.php' -not -path './languages/*' | sed 's|^\./||' | LC_ALL=C sort >"$tmp.files"
xgettext --language=PHP --from-code=UTF-8 --no-wrap --sort-by-file --add-comments=translators: \
	--keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_html_e --keyword=esc_attr__ \
	--keyword=esc_attr_e --keyword=_x:1,2c --keyword=_n:1,2 --files-from="$tmp.files" -o "$tmp"
rm -f "$tmp.files"
{
	echo '# Translations template for the Native SMTP WordPress plugin.'
	echo '# This file is distributed under the same license as the plugin (BSD-2-Clause).'
	echo '#'
	# xgettext's header with the package's name, version and plural forms filled in.
	sed -e '1,/^#, fuzzy/{/^#, fuzzy/!d}' \
		-e "s/^\"Project-Id-Version: PACKAGE VERSION/\"Project-Id-Version: Native SMTP $version/" \
		-e 's/^"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;/"Plural-Forms: nplurals=2; plural=(n != 1);/' \
		-e 's/^"Content-Type: text\/plain; charset=CHARSET/"Content-Type: text\/plain; charset=UTF-8/' "$tmp"
} >"$plugin/languages/native-smtp.pot"
echo "wrote $plugin/languages/native-smtp.pot ($(grep -c '^msgid ' "$plugin/languages/native-smtp.pot") msgids)"
