#!/usr/bin/env bash
# Runs the .phpt suite (php_tests/) against the built module with PHP's run-tests.php, keeping its
# output files out of the tree. Prints run-tests' summary and a line "phpt: N passed, N failed".
#   --valgrind   run every test under valgrind (run-tests -m) and fail on any leak or error
#   PATH...      only these .phpt files or directories (default: php_tests), in either mode:
#                tools/run-phpt.sh --valgrind php_tests/oauth php_tests/auth/plain.phpt
#   SMTP_PHPT_MODULE=/path/smtp.so   test that module instead of modules/smtp.so (e.g. a copy, so a
#                rebuild during a long valgrind run does not change the module under the tests)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
runner=run-tests.php
[ -f "$runner" ] || runner=$(ls /usr/lib/php/*/build/run-tests.php | tail -n 1)
tmp="$top/.build/phpt"; rm -rf "$tmp"; mkdir -p "$tmp"
# run-tests' parallel workers race to mkdir the same --temp-target subfolder ("mkdir(): File exists"
# aborts the run): make them all beforehand.
(cd php_tests && find . -type d -not -path '*/node_modules*') | while read -r d; do mkdir -p "$tmp/$d"; done
args=(-q --show-diff -d "extension=${SMTP_PHPT_MODULE:-$top/modules/smtp.so}" --temp-source "$top/php_tests" --temp-target "$tmp")
jobs=-j2
valgrind=0 paths=()
for a in "$@"; do
	case "$a" in
	--valgrind) valgrind=1 ;;
	-*) echo "run-phpt.sh: unknown option $a (--valgrind, then test paths)" >&2; exit 2 ;;
	*) [ -e "$a" ] || { echo "run-phpt.sh: no such test path: $a" >&2; exit 2; }; paths+=("$a") ;;
	esac
done
[ ${#paths[@]} -gt 0 ] || paths=(php_tests)
if [ "$valgrind" = 1 ]; then
	args+=(-m)
	# run-tests traces children; the test servers (python3, openssl, the shell that starts them)
	# are not ours to check, and under valgrind they would start too slowly.
	export VALGRIND_OPTS="${VALGRIND_OPTS:-} --trace-children-skip=*/python3*,*/openssl,/bin/sh,/usr/bin/bash,/bin/bash"
fi
export TEST_PHP_EXECUTABLE=${TEST_PHP_EXECUTABLE:-$(command -v php)}
export NO_INTERACTION=1 REPORT_EXIT_STATUS=1
php "$runner" $jobs "${args[@]}" "${paths[@]}" 2>&1 | tee "$tmp/summary.txt"
rc=${PIPESTATUS[0]}
p=$(sed -nE 's/^Tests passed +: +([0-9]+).*/\1/p' "$tmp/summary.txt" | tail -n 1)
f=$(sed -nE 's/^Tests failed +: +([0-9]+).*/\1/p' "$tmp/summary.txt" | tail -n 1)
l=$(sed -nE 's/^Tests leaked +: +([0-9]+).*/\1/p' "$tmp/summary.txt" | tail -n 1)
b=$(sed -nE 's/^Tests borked +: +([0-9]+).*/\1/p' "$tmp/summary.txt" | tail -n 1)
w=$(sed -nE 's/^Tests warned +: +([0-9]+).*/\1/p' "$tmp/summary.txt" | tail -n 1)
total_fail=$(( ${f:-0} + ${l:-0} + ${b:-0} + ${w:-0} ))
[ -n "$p" ] || total_fail=$((total_fail + 1))
echo "phpt: ${p:-0} passed, $total_fail failed"
[ "$rc" -eq 0 ] && [ "$total_fail" -eq 0 ]
