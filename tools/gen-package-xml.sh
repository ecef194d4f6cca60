#!/usr/bin/env bash
# Writes the <contents> of package.xml from `git ls-files`, so the PECL file list never goes stale.
# Everything else in package.xml (version, notes, dependencies, configure options) is edited by hand.
#   tools/gen-package-xml.sh          rewrite package.xml's <contents>
#   tools/gen-package-xml.sh --check  exit 1 (and show the difference) when package.xml is not current
#   tools/gen-package-xml.sh --list   print "role path" for every shipped file
#
# What ships in the PECL tarball, and with which role:
#   src   config.m4, config.w32, Makefile.frag, everything under ext/
#   doc   README.md, CHANGELOG.md, LICENSE, everything under docs/
#   test  everything under php_tests/ except php_tests/e2e/ (WordPress in a browser: needs the
#         plugin, which is not in the tarball) and php_tests/packaging/ (checks of the git checkout
#         itself: they need git and this script)
# Not shipped: wordpress/ (the plugin is distributed on its own), tools/, bench/, .ci/, .gitignore, .clang-format,
# composer.json (PIE reads it from the repository, not from the PECL tarball) and package.xml
# itself (pecl package adds it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

role_of() {  # path -> role, or "-" when the file is not shipped
	case "$1" in
		php_tests/e2e/*|php_tests/packaging/*) echo - ;;
		config.m4|config.w32|Makefile.frag|ext/*) echo src ;;
		README.md|CHANGELOG.md|LICENSE|docs/*) echo doc ;;
		php_tests/*) echo test ;;
		*) echo - ;;
	esac
}

list() {
	local f r
	git ls-files -z | while IFS= read -r -d '' f; do
		# a tracked file deleted from the work tree (not yet committed) is not shipped
		[ -e "$f" ] || continue
		r=$(role_of "$f")
		[ "$r" = - ] && continue
		case "$f" in
			*[!A-Za-z0-9._/+-]*) echo "gen-package-xml: unsupported character in file name: $f" >&2; exit 1 ;;
		esac
		printf '%s %s\n' "$r" "$f"
	done | LC_ALL=C sort -k2
}

contents() {
	echo ' <contents>'
	echo '  <dir name="/">'
	list | while read -r r f; do
		printf '   <file name="%s" role="%s"/>\n' "$f" "$r"
	done
	echo '  </dir>'
	echo ' </contents>'
}

render() {  # package.xml with a fresh <contents> block, on stdout
	local block
	block=$(contents)
	grep -q '^ *<contents>' package.xml && grep -q '^ *</contents>' package.xml \
		|| { echo "gen-package-xml: package.xml has no <contents> block" >&2; exit 1; }
	BLOCK="$block" awk '
		/^ *<contents>/ { print ENVIRON["BLOCK"]; skip = 1; next }
		/^ *<\/contents>/ { skip = 0; next }
		!skip { print }
	' package.xml
}

case "${1:-}" in
	--list) list ;;
	--check)
		new=$(mktemp); trap 'rm -f "$new"' EXIT
		render >"$new"
		if ! diff -u package.xml "$new" | sed 's/^/  /'; then
			echo "package.xml is out of date: run tools/gen-package-xml.sh"; exit 1
		fi ;;
	"")
		new=$(mktemp); trap 'rm -f "$new"' EXIT
		render >"$new"
		if cmp -s package.xml "$new"; then echo "package.xml: up to date"; else cat "$new" >package.xml; echo "package.xml: contents rewritten ($(list | wc -l) files)"; fi ;;
	*) sed -n '2,6p' "$0"; exit 2 ;;
esac
