#!/usr/bin/env bash
# Packaging checks: the three drift checks, then the PECL path for real on this machine —
#   pecl package-validate, pecl package, `pecl install ./smtp-X.Y.Z.tgz` offline (in a network
#   namespace without network when unshare(1) can make one) into the machine's PHP, a smoke check
#   through the installed extension (php -n -d extension=smtp: mail() delivered to the project's
#   test SMTP server on an ephemeral loopback port), pecl uninstall, and a check that every file
#   pecl touched is as it was before (a copy of a pre-existing smtp.so or PEAR registry is put back).
#   Then PIE: composer.json checked against what PIE reads (pie_composer.py), PIE's build steps by
#   hand (phpize, ./configure without options, make) on the working tree's files (less php_tests/,
#   wordpress/, bench/) with the smoke check on the module they make, and `pie install` from a path
#   repository when PIE can be had (on PATH, or `composer create-project php/pie` into .build/pie);
#   when it cannot, a line "NOT RUN - pie install: ..." says why and the summary counts it skipped.
# Prints one line per check and "N passed, N failed" (", N skipped" when PIE was not run); exits
# non-zero on a failure. Needs root (it
# installs into the machine's PHP), php-pear, php-dev, python3. Safe to run twice, and in parallel
# (a lock serialises runs).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
here=php_tests/packaging
python=/usr/bin/python3
passed=0; failed=0; skipped=

pass() { echo "ok   - $1"; passed=$((passed + 1)); }
fail() {  # name, details...
	echo "FAIL - $1"; shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | tail -n 40 | sed 's/^/       /'
	failed=$((failed + 1))
}
check() {  # name, command...: passes when the command exits 0; shows its output on failure
	local name=$1 out; shift
	if out=$("$@" 2>&1); then pass "$name: $(printf '%s' "$out" | tail -n 1)"; else fail "$name" "$out"; fi
}
not_run() { echo "NOT RUN - $1"; skipped=$((skipped + 1)); }  # labelled, counted, never a pass
finish() { echo "$passed passed, $failed failed${skipped:+, $skipped skipped}"; [ "$failed" -eq 0 ]; exit $?; }

# ---- drift ----------------------------------------------------------------------------------
check "drift: package.xml and config.w32 list every file" "$python" $here/drift_files.py
check "drift: one version" "$python" $here/drift_version.py
check "drift: ini settings documented" "$python" $here/drift_ini.py

# ---- PECL -----------------------------------------------------------------------------------
for tool in pecl php php-config phpize; do
	command -v $tool >/dev/null || { fail "pecl: $tool not found (apt-get install php-pear php-dev)"; finish; }
done
if [ "$(id -u)" -ne 0 ]; then fail "pecl install: needs root to install into the machine's PHP"; finish; fi

version=$(sed -n 's/^#define PHP_SMTP_VERSION "\(.*\)"/\1/p' ext/php_smtp.h)
work=$(mktemp -d /tmp/smtp-packaging.XXXXXX)
mkdir -p "$work/tmp" "$work/capture"
mkdir -p "$top/.build"
exec 9>"$top/.build/packaging.lock"
flock -w 900 9 || { fail "pecl: another packaging run holds .build/packaging.lock"; rm -rf "$work"; finish; }

# pecl builds under $TMPDIR/pear/temp by default: keep that inside our work directory.
export TMPDIR="$work/tmp" PHP_PEAR_TEMP_DIR="$work/tmp/pear/temp" \
	PHP_PEAR_DOWNLOAD_DIR="$work/tmp/pear/download" PHP_PEAR_CACHE_DIR="$work/tmp/pear/cache"
ext_dir=$(pecl config-get ext_dir 2>/dev/null | tail -n 1)
php_dir=$(pecl config-get php_dir 2>/dev/null | tail -n 1)
[ -d "$ext_dir" ] && [ -d "$php_dir" ] || { fail "pecl: cannot read ext_dir/php_dir from pecl config-get" "$ext_dir" "$php_dir"; rm -rf "$work"; finish; }
# What pecl install/uninstall writes: the module, PEAR's registry and file map, docs and tests.
watched=("$ext_dir/smtp.so" "$php_dir/.filemap" "$php_dir/.depdb" "$php_dir/.depdblock" "$php_dir/.lock"
	"$php_dir/.registry/.channel.pecl.php.net" "$php_dir/docs" "$php_dir/tests" "$HOME/.pearrc" /etc/pear /tmp/pear)

snapshot() {  # every watched path (recursively), with a checksum for files
	local p
	for p in "${watched[@]}"; do
		[ -e "$p" ] || [ -L "$p" ] || continue
		find "$p" \( -type f -printf '%p f ' -exec sh -c 'sha1sum <"$1" | cut -c1-16' _ {} \; \) \
			-o \( ! -type f -printf '%p %y\n' \)
	done | LC_ALL=C sort
}
snapshot >"$work/before"
backup=()
for p in "${watched[@]}"; do [ -e "$p" ] && backup+=("$p"); done
[ ${#backup[@]} -gt 0 ] && tar -cPf "$work/backup.tar" "${backup[@]}"

restore() {  # puts back every watched path as it was; safe to call twice
	if pecl list -c pecl 2>/dev/null | grep -qi '^smtp '; then
		(cd "$work" && pecl uninstall smtp >"$work/uninstall-cleanup.log" 2>&1)
	fi
	# remove what appeared (files first, then directories deepest first), then unpack the copy
	snapshot >"$work/now"
	awk '{print $1}' "$work/before" >"$work/before.paths"
	awk '{print $1}' "$work/now" | LC_ALL=C sort -r | while read -r p; do
		grep -qxF -- "$p" "$work/before.paths" && continue
		if [ -d "$p" ] && [ ! -L "$p" ]; then rmdir -- "$p" 2>/dev/null; else rm -f -- "$p"; fi
	done
	[ -f "$work/backup.tar" ] && tar -xPf "$work/backup.tar"
}
trap 'restore; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

smoke() {  # name, php -d arguments that load the extension: mail() reaches the test SMTP server
	local out
	if out=$(bash $here/smoke.bash "$@" 2>&1); then
		echo "$out"; passed=$((passed + 1))
	else
		echo "$out"; failed=$((failed + 1))
	fi
}

# package-validate: no errors
out=$(pecl package-validate package.xml 2>&1)
if printf '%s' "$out" | grep -q 'Validation: 0 error(s)'; then
	pass "pecl package-validate: $(printf '%s' "$out" | grep 'Validation:')"
else
	fail "pecl package-validate" "$out"
fi

# package: builds smtp-X.Y.Z.tgz holding every file package.xml lists
tgz="$work/smtp-$version.tgz"
out=$(cd "$work" && pecl package "$top/package.xml" 2>&1)
if [ -f "$tgz" ]; then
	listed=$("$python" - "$top/package.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://pear.php.net/dtd/package-2.0}"
def walk(el, prefix):
    for c in el:
        if c.tag == ns + "dir":
            n = c.get("name", "/")
            yield from walk(c, prefix if n == "/" else prefix + n.strip("/") + "/")
        elif c.tag == ns + "file":
            yield prefix + c.get("name").lstrip("/")
for p in sorted(walk(ET.parse(sys.argv[1]).getroot().find(ns + "contents"), "")):
    print(p)
PY
)
	all_tgz=$(tar -tzf "$tgz")
	in_tgz=$(printf '%s\n' "$all_tgz" | sed -n "s|^smtp-$version/||p" | LC_ALL=C sort)
	missing=$(comm -23 <(printf '%s\n' "$listed" | LC_ALL=C sort) <(printf '%s\n' "$in_tgz"))
	if [ -z "$missing" ] && printf '%s\n' "$all_tgz" | grep -x package.xml >/dev/null; then
		pass "pecl package: smtp-$version.tgz, $(printf '%s\n' "$in_tgz" | wc -l) files, $(du -k "$tgz" | cut -f1) KB"
	else
		fail "pecl package: files missing from smtp-$version.tgz" "$missing"
	fi
else
	fail "pecl package: no smtp-$version.tgz" "$out"
fi

# install, offline
installed=0
if [ -f "$tgz" ]; then
	netns=""
	if unshare -n true 2>/dev/null; then netns="unshare -n"; fi
	(cd "$work" && $netns pecl install --offline --force -D 'enable-smtp-dev="no"' "./smtp-$version.tgz" \
		</dev/null >"$work/install.log" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && grep -q "install ok: channel://pecl.php.net/smtp-$version" "$work/install.log" \
		&& [ -f "$ext_dir/smtp.so" ]; then
		installed=1
		pass "pecl install --offline ./smtp-$version.tgz: $ext_dir/smtp.so (${netns:+no network: }${netns:-network reachable, --offline only})"
	else
		fail "pecl install --offline ./smtp-$version.tgz (exit $rc)" "$(cat "$work/install.log")"
	fi
fi

# smoke: mail() through the installed extension reaches the test SMTP server
if [ $installed -eq 1 ]; then
	smoke "smoke: php -d extension=smtp" -d extension_dir="$ext_dir" -d extension=smtp
fi

# uninstall
if [ $installed -eq 1 ]; then
	(cd "$work" && pecl uninstall smtp >"$work/uninstall.log" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && grep -q "uninstall ok" "$work/uninstall.log" && [ ! -e "$ext_dir/smtp.so" ]; then
		pass "pecl uninstall smtp: $ext_dir/smtp.so removed"
	else
		fail "pecl uninstall smtp (exit $rc)" "$(cat "$work/uninstall.log")"
	fi
fi

# ---- PIE ------------------------------------------------------------------------------------
# composer.json as PIE reads it, then PIE's build steps by hand on the source PIE would get from a
# path repository (the working tree), then `pie install` itself when PIE can be had here.
check "pie: composer.json" "$python" $here/pie_composer.py
pie_src="$work/pie-src"
mkdir -p "$pie_src"
(git ls-files -co --exclude-standard -z | grep -zv '^php_tests/\|^wordpress/\|^bench/' | xargs -0 cp --parents -t "$pie_src") 2>"$work/pie-copy.log"
# What `pie install native-smtp/smtp` runs (PIE's documentation): phpize, ./configure with no option
# but --with-php-config (PIE passes none the user did not give), make.
if (cd "$pie_src" && phpize && ./configure --with-php-config="$(command -v php-config)" && make -j2) \
	>"$work/pie-build.log" 2>&1 && [ -f "$pie_src/modules/smtp.so" ]; then
	pass "pie: its build steps by hand (phpize, ./configure without options, make): modules/smtp.so"
	smoke "pie: the module its build steps make" -d extension="$pie_src/modules/smtp.so"
else
	fail "pie: its build steps by hand (phpize, ./configure without options, make)" "$(tail -n 20 "$work/pie-build.log")"
fi
# PIE itself: on PATH, or from the Composer registry into .build/pie (never into the tree's vendor/)
pie_bin=$(command -v pie || true)
pie_why=""
if [ -z "$pie_bin" ] && command -v composer >/dev/null; then
	rm -rf "$top/.build/pie"
	if COMPOSER_HOME="$work/composer-home" timeout 600 composer create-project --no-interaction --no-dev \
		--no-progress php/pie "$top/.build/pie" >"$work/pie-get.log" 2>&1 && [ -x "$top/.build/pie/bin/pie" ]; then
		pie_bin="$top/.build/pie/bin/pie"
	else
		pie_why="composer create-project php/pie: $(grep -m1 -o 'Could not find[^.]*' "$work/pie-get.log" || tail -n 1 "$work/pie-get.log")"
	fi
elif [ -z "$pie_bin" ]; then
	pie_why="no composer to fetch it with"
fi
if [ -n "$pie_bin" ]; then
	# PIE's state (its pie.json and working copies) in a home of its own; the module goes into the
	# machine's extension directory, which restore() puts back
	if (cd "$work" && HOME="$work/pie-home" COMPOSER_HOME="$work/pie-home/composer" \
		"$pie_bin" repository:add path "$pie_src" && HOME="$work/pie-home" COMPOSER_HOME="$work/pie-home/composer" \
		"$pie_bin" install --no-interaction --skip-enable-extension native-smtp/smtp) </dev/null >"$work/pie-install.log" 2>&1 \
		&& [ -f "$ext_dir/smtp.so" ]; then
		pass "pie install native-smtp/smtp (path repository): $ext_dir/smtp.so"
		smoke "pie: php -d extension=smtp after pie install" -d extension_dir="$ext_dir" -d extension=smtp
	else
		fail "pie install native-smtp/smtp (path repository)" "$(tail -n 20 "$work/pie-install.log")"
	fi
	rm -f "$ext_dir/smtp.so"
else
	not_run "pie install: PIE is not available here ($pie_why; none on PATH, and its phar is published on GitHub, out of reach): composer.json and PIE's build steps were checked above instead"
fi

# the machine as it was
restore
snapshot >"$work/after"
if diff "$work/before" "$work/after" >"$work/diff"; then
	pass "machine left as it was: $(wc -l <"$work/before") watched paths unchanged"
else
	fail "machine left as it was" "$(cat "$work/diff")"
fi
finish
