#!/usr/bin/env bash
# The PHP matrix (stage `matrix` of tools/test.sh): for every PHP of php_tests/matrix/phps.txt, make
# it (provision.bash: chroots and source builds cached outside the tree), build the extension there
# with --enable-smtp-dev (-Wall -Wextra -Werror) in a copy of the tree, and run the .phpt suite with
# that PHP, then `pecl install` of the release tarball with that PHP's pecl (pecl.bash; for this
# machine's own PHP that is the packaging stage), then the php-src oracle (oracle.php: php-src's own
# mail() and mb_send_mail() tests, from Debian's php8.2 source package, run once as stock PHP and once
# through the extension, compared byte for byte). One result line per PHP (build, phpt, pecl, oracle),
# the counts added to the totals; a PHP that cannot be made here is NOT RUN (counted as skipped), and
# so is an oracle without the source package.
#   bash php_tests/matrix/run.bash            every PHP
#   bash php_tests/matrix/run.bash 8.4 8.6    only these
#   SMTP_MATRIX_PHPT="php_tests/mail php_tests/args"   only these tests (default: the whole suite)
#   SMTP_MATRIX_ORACLE=0   no oracle (reported NOT RUN)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. php_tests/matrix/provision.bash

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(mx_names)
logs="$top/.build/matrix"; mkdir -p "$logs"
passed=0; failed=0; skipped=0; lines=()
oracle_why=""  # why the oracle cannot run here, or "" when it can

# php-src's tests for the oracle come from the source tarball at test time (they are not part of
# this tree): the same Debian php8.2 source package the source builds use, downloaded once.
if [ "${SMTP_MATRIX_ORACLE:-1}" = 0 ]; then
	oracle_why="SMTP_MATRIX_ORACLE=0"
elif ! mx_php82_source >"$logs/oracle-source.log" 2>&1; then
	oracle_why="no php8.2 source package: $(tail -n 1 "$logs/oracle-source.log")"
fi

copy_tree() {  # dest: the tree as it is now (tracked and new files, not what .gitignore leaves out)
	rm -rf "$1"; mkdir -p "$1"
	git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$1"
}

# The release tarball, made once here (pecl package) and installed with each PHP's pecl (pecl.bash).
tgz_dir="$logs/pecl"; rm -rf "$tgz_dir"; mkdir -p "$tgz_dir"
(cd "$tgz_dir" && pecl package "$top/package.xml") >"$logs/pecl-package.log" 2>&1
tgz=$(ls "$tgz_dir"/smtp-*.tgz 2>/dev/null | head -n 1)

one() {  # name -> appends its result line, adds to the totals
	local name=$1 log="$logs/$1.log" work rel p f s what step sums="" line
	local sp=0 sf=0 ss=0
	echo "== matrix $name"
	if ! matrix_provision "$name" >"$log" 2>&1; then
		cat "$log"
		lines+=("NOT RUN  $name: this PHP could not be made here ($(tail -n 1 "$log"))")
		skipped=$((skipped + 1))
		return
	fi
	if [ -n "$MX_ROOT" ]; then
		rel="/work/smtp-$name-$$"; work="$MX_ROOT$rel"  # $$: concurrent runs do not share it
	else
		# under /tmp, readable by all: the oracle runs php-src's tests as nobody, who may not reach
		# into the checkout (a clone under /root or a 0700 mktemp directory)
		work=$(mktemp -d "/tmp/smtp-matrix-$name.XXXXXX") && chmod 755 "$work"; rel=$work
	fi
	copy_tree "$work"
	[ -n "$tgz" ] && cp "$tgz" "$work/"
	if [ -z "$oracle_why" ]; then
		mkdir -p "$work/.build/oracle-src"
		tar -xJf "$MX_SRC_TARBALL" -C "$work/.build/oracle-src" --strip-components=1 --wildcards \
			'*/ext/standard/tests/mail/*' '*/ext/mbstring/tests/mb_send_mail*' >>"$log" 2>&1
	fi
	# shellcheck disable=SC2016
	matrix_in bash -c '
		cd "$1" || exit 1
		php -r "echo \"PHP \", PHP_VERSION, PHP_ZTS ? \" ZTS\" : \" NTS\", PHP_DEBUG ? \" debug\" : \"\", \"\n\";"
		echo "$(gcc --version | head -n 1); c-ares $(pkg-config --modversion libcares); curl $(pkg-config --modversion libcurl); $(openssl version | cut -d" " -f1-2)"
		if ! PHPIZE=phpize PHP_CONFIG=php-config tools/build.sh --clean; then
			echo "build: 0 passed, 1 failed (tools/build.sh: -Wall -Wextra -Werror)"; exit 1
		fi
		echo "build: 1 passed, 0 failed"
		SMTP_PHPT_RUNNER="$2" bash tools/run-phpt.sh ${3:-}
		if [ "$6" = system ]; then
			# pecl install into the PHP of this machine is the packaging stage, which puts back
			# whatever it touched; here it would replace a module someone installed
			echo "pecl: 0 passed, 0 failed (this machine'"'"'s PHP: php_tests/packaging/run.bash installs the tarball with pecl)"
		elif [ -n "$4" ]; then bash php_tests/matrix/pecl.bash "$1/$4"; else echo "pecl: 0 passed, 1 failed (pecl package made no tarball)"; fi
		if [ -n "$5" ]; then
			echo "NOT RUN - the php-src oracle: $5"; echo "oracle: 0 passed, 0 failed, 1 skipped"
		elif [ -d .build/oracle-src/ext/standard/tests/mail ]; then
			php php_tests/matrix/oracle.php --src "$PWD/.build/oracle-src" --module "$PWD/modules/smtp.so"
		else
			echo "NOT RUN - the php-src oracle: php-src'"'"'s tests could not be extracted"; echo "oracle: 0 passed, 0 failed, 1 skipped"
		fi
	' _ "$rel" "$MX_RUNNER" "${SMTP_MATRIX_PHPT:-}" "$(basename "${tgz:-}")" "$oracle_why" "$(mx_line "$name" | cut -d" " -f1)" >>"$log" 2>&1
	what=$(grep -m1 '^PHP ' "$log")
	for step in build phpt pecl oracle; do
		line=$(grep -aE "^$step: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
		if [ -z "$line" ]; then
			sums+=" $step: no result;"; sf=$((sf + 1)); continue
		fi
		p=$(sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/^[a-z]+: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
		s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '^[0-9]+')  # "N failed, N skipped" or "(..., N skipped here)"
		[ "${s:-0}" -gt 0 ] || s=""
		sp=$((sp + p)); sf=$((sf + f)); ss=$((ss + ${s:-0}))
		sums+=" $step $p/$((p + f))${s:+ ($s not run)};"
	done
	s=$(sed -nE 's/^Tests skipped +: +([0-9]+).*/\1/p' "$log" | tail -n 1)
	[ "${s:-0}" -gt 0 ] && sums+=" $s .phpt skipped by their SKIPIF;"
	# the leaks the tests proved to be PHP's own (run-phpt.sh's "PHP's own leaks" block)
	sed -n "/^PHP's own leaks/,/^phpt: /p" "$log" | sed '$d'
	grep -q "^PHP's own leaks" "$log" && sums+=" PHP's own leaks shown above;"
	passed=$((passed + sp)); failed=$((failed + sf)); skipped=$((skipped + ss))
	if [ "$sf" -eq 0 ]; then
		lines+=("ok       $name: ${what:-PHP ?}:${sums%;}")
	else
		lines+=("FAILED   $name: ${what:-PHP ?}:${sums%;} (log: $log)")
		grep -aE '^(FAIL|LEAK|BORK)|^  DIFF' "$log" | head -n 20
	fi
	# kept where it failed (its .diff and .out files), for the log's reader
	if [ -n "$MX_ROOT" ] || [ "$sf" -eq 0 ]; then rm -rf "$work"; else echo "the tree of $name is kept in $work"; fi
}

for n in "${names[@]}"; do one "$n"; done
echo
printf '%s\n' "${lines[@]}"
echo "matrix: $passed passed, $failed failed$( [ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
