#!/usr/bin/env bash
# The PHP matrix (stage `matrix` of tools/test.sh): for every PHP of php_tests/matrix/phps.txt, make
# it (provision.bash: chroots and source builds cached outside the tree), build the extension there
# with --enable-smtp-dev (-Wall -Wextra -Werror) in a copy of the tree, and run the .phpt suite with
# that PHP. One result line per PHP; a PHP that cannot be made here is NOT RUN (counted as skipped).
#   bash php_tests/matrix/run.bash            every PHP
#   bash php_tests/matrix/run.bash 8.4 8.6    only these
#   SMTP_MATRIX_PHPT="php_tests/mail php_tests/args"   only these tests (default: the whole suite)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. php_tests/matrix/provision.bash

names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(mx_names)
logs="$top/.build/matrix"; mkdir -p "$logs"
passed=0; failed=0; skipped=0; lines=()

copy_tree() {  # dest: the tree as it is now (tracked and new files, not what .gitignore leaves out)
	rm -rf "$1"; mkdir -p "$1"
	git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$1"
}

one() {  # name -> appends its result line, adds to the totals
	local name=$1 log="$logs/$1.log" work rel p f s what
	echo "== matrix $name"
	if ! matrix_provision "$name" >"$log" 2>&1; then
		cat "$log"
		lines+=("NOT RUN  $name: this PHP could not be made here ($(tail -n 1 "$log"))")
		skipped=$((skipped + 1))
		return
	fi
	if [ -n "$MX_ROOT" ]; then
		rel="/work/smtp-$name"; work="$MX_ROOT$rel"
	else
		work="$logs/tree-$name"; rel=$work
	fi
	copy_tree "$work"
	# shellcheck disable=SC2016
	matrix_in bash -c '
		cd "$1" || exit 1
		php -r "echo \"PHP \", PHP_VERSION, PHP_ZTS ? \" ZTS\" : \" NTS\", PHP_DEBUG ? \" debug\" : \"\", \"\n\";"
		echo "$(gcc --version | head -n 1); c-ares $(pkg-config --modversion libcares); curl $(pkg-config --modversion libcurl); $(openssl version | cut -d" " -f1-2)"
		PHPIZE=phpize PHP_CONFIG=php-config tools/build.sh --clean || { echo "phpt: 0 passed, 1 failed (the build failed)"; exit 1; }
		SMTP_PHPT_RUNNER="$2" bash tools/run-phpt.sh ${3:-}
	' _ "$rel" "$MX_RUNNER" "${SMTP_MATRIX_PHPT:-}" >>"$log" 2>&1
	what=$(grep -m1 '^PHP ' "$log")
	p=$(sed -nE 's/^phpt: ([0-9]+) passed, ([0-9]+) failed.*/\1/p' "$log" | tail -n 1)
	f=$(sed -nE 's/^phpt: ([0-9]+) passed, ([0-9]+) failed.*/\2/p' "$log" | tail -n 1)
	s=$(sed -nE 's/^Tests skipped +: +([0-9]+).*/\1/p' "$log" | tail -n 1)
	if [ -z "$p" ]; then
		p=0; f=1
		tail -n 30 "$log"
	fi
	passed=$((passed + p)); failed=$((failed + f))
	# the leaks the tests proved to be PHP's own (run-phpt.sh's "PHP's own leaks" block)
	sed -n "/^PHP's own leaks/,/^phpt: /p" "$log" | sed '$d'
	if [ "$f" -eq 0 ]; then
		lines+=("ok       $name: ${what:-PHP ?}: $p passed, 0 failed$( [ "${s:-0}" -gt 0 ] && echo " ($s skipped by their SKIPIF)")$(grep -q "^PHP's own leaks" "$log" && echo "; PHP's own leaks shown above")")
	else
		lines+=("FAILED   $name: ${what:-PHP ?}: $p passed, $f failed (log: $log)")
		grep -E '^(FAIL|LEAK|BORK)' "$log" | head -n 20
	fi
	[ -n "$MX_ROOT" ] && rm -rf "$work"
}

for n in "${names[@]}"; do one "$n"; done
echo
printf '%s\n' "${lines[@]}"
echo "matrix: $passed passed, $failed failed${skipped:+, $skipped skipped}" | sed 's/, 0 skipped$//'
[ "$failed" -eq 0 ]
