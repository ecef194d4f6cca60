#!/usr/bin/env bash
# Runs the .phpt suite (php_tests/) against the built module with PHP's run-tests.php, keeping its
# output files out of the tree. Prints run-tests' summary and a line "phpt: N passed, N failed".
#   --valgrind   run every test under valgrind (run-tests -m): memcheck with --leak-check=full, so
#                any error and any definitely or indirectly lost block makes the test LEAK (a
#                failure), except PHP's own leaks named in php_tests/valgrind.supp; then the canary
#                (tools/valgrind-canary/), which leaks on purpose and must be reported as LEAK, with
#                a result line of its own counted in the totals
#   --asan       run every test against the ASan+UBSan build of the module (tools/build-asan.sh,
#                built first) with the sanitizer runtimes preloaded into the system PHP; any finding
#                fails its test
#   PATH...      only these .phpt files or directories (default: php_tests), in either mode:
#                tools/run-phpt.sh --valgrind php_tests/oauth php_tests/auth/plain.phpt
#   SMTP_PHPT_RUNNER=/path/run-tests.php   another PHP's run-tests.php (the matrix: php_tests/matrix)
#   SMTP_PHPT_TMP=/path   where run-tests' files go (default .build/phpt, emptied first): another
#                directory lets a second run go on beside a long one in the same tree
#   SMTP_PHPT_MODULE=/path/smtp.so   test that module instead of modules/smtp.so (e.g. a copy, so a
#                rebuild during a long valgrind run does not change the module under the tests)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
runner=${SMTP_PHPT_RUNNER:-run-tests.php}
[ -f "$runner" ] || runner=$(ls /usr/lib/php/*/build/run-tests.php | tail -n 1)
tmp=${SMTP_PHPT_TMP:-$top/.build/phpt}; rm -rf "$tmp"; mkdir -p "$tmp"
# run-tests' parallel workers race to mkdir the same --temp-target subfolder ("mkdir(): File exists"
# aborts the run): make them all beforehand.
(cd php_tests && find . -type d -not -path '*/node_modules*') | while read -r d; do mkdir -p "$tmp/$d"; done
jobs=-j2
valgrind=0 asan=0 paths=()
for a in "$@"; do
	case "$a" in
	--valgrind) valgrind=1 ;;
	--asan) asan=1 ;;
	-*) echo "run-phpt.sh: unknown option $a (--valgrind or --asan, then test paths)" >&2; exit 2 ;;
	*) [ -e "$a" ] || { echo "run-phpt.sh: no such test path: $a" >&2; exit 2; }; paths+=("$a") ;;
	esac
done
[ ${#paths[@]} -gt 0 ] || paths=(php_tests)
module="${SMTP_PHPT_MODULE:-$top/modules/smtp.so}"
if [ "$asan" = 1 ]; then
	tools/build-asan.sh >/dev/null || { echo "asan build failed"; echo "phpt: 0 passed, 1 failed"; exit 1; }
	module="$top/.build/asan/src/modules/smtp.so"
	wrapper="$top/.build/asan/php"
	# PHP opens extensions with RTLD_DEEPBIND, which the sanitizer runtime refuses: a small preloaded
	# dlopen() drops the flag (tools/asan-dlopen.c). It comes before libasan in the preload list, so
	# ASan's check that it is first is off (verify_asan_link_order=0).
	gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$top/.build/asan/asan-dlopen.so" tools/asan-dlopen.c -ldl \
		|| { echo "phpt: 0 passed, 1 failed"; exit 1; }
	# The php that run-tests starts for each test: the runtimes preloaded, PHP's allocator off so that
	# every emalloc() is a malloc() ASan watches (USE_ZEND_ALLOC=0).
	# Leaks: detection is off here; the valgrind pass (--valgrind) checks them (--leak-check=full,
	# a canary proving it). The preload is inherited by everything a test starts (the python3 test
	# servers, openssl, bash, php -S), none of them built for leak checking: bash alone reports its
	# own leaks at every exit, which would fail the tests that run it; and the uninstrumented PHP
	# keeps allocations at exit that are not ours. A suppression list would have to name all of
	# those programs' frames; valgrind traces only the php processes (python3, openssl and the
	# shells are skipped) and names PHP's few own leaks in php_tests/valgrind.supp.
	# UBSan: the first finding ends the process (halt_on_error) with its stack.
	cat >"$wrapper" <<WRAP
#!/bin/sh
LD_PRELOAD="$top/.build/asan/asan-dlopen.so $(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)\${LD_PRELOAD:+ \$LD_PRELOAD}" \\
USE_ZEND_ALLOC=0 \\
ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1 \\
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \\
exec $(command -v php) "\$@"
WRAP
	chmod +x "$wrapper"
	export TEST_PHP_EXECUTABLE="$wrapper"
	# run-tests' per-test limit (60 s) is for the plain build; the sanitizers make PHP slower.
	export TEST_TIMEOUT=${TEST_TIMEOUT:-180}
fi
base=(-q --show-diff -d "extension=$module")
args=("${base[@]}" --temp-source "$top/php_tests" --temp-target "$tmp")
if [ "$valgrind" = 1 ]; then
	base+=(-m); args+=(-m)
	# run-tests traces children; the test servers (python3, openssl, the shell that starts them)
	# are not ours to check, and under valgrind they would start too slowly.
	# run-tests counts a test as LEAK when valgrind wrote anything to its log (-q: errors only).
	# Leak records are errors only with --leak-check=full, and only of the kinds named in
	# --errors-for-leak-kinds: definitely lost (nothing points to the block) and indirectly lost
	# (only lost blocks point to it). "Possibly lost" (an interior pointer) and "still reachable"
	# are not failures. PHP's own leaks are suppressed by name, each with its evidence, in
	# php_tests/valgrind.supp; the canary below proves that a leak still fails.
	export VALGRIND_OPTS="${VALGRIND_OPTS:-} --trace-children-skip=*/python3*,*/openssl,/bin/sh,/usr/bin/bash,/bin/bash \
--leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
--num-callers=30 --suppressions=$top/php_tests/valgrind.supp"
fi
export TEST_PHP_EXECUTABLE=${TEST_PHP_EXECUTABLE:-$(command -v php)}
# Where a test leaves a note of a leak it proved to be PHP's own (a debug build of PHP reports it the
# same without the extension: php_tests/mailpaths/cases.inc); printed after the run.
export SMTP_PHPT_NOTES="$tmp/php-own-leaks"; mkdir -p "$SMTP_PHPT_NOTES"
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
p=${p:-0}
if compgen -G "$SMTP_PHPT_NOTES/*" >/dev/null; then
	echo "PHP's own leaks (not ours: each test checked that PHP without the extension reports the same):"
	cat "$SMTP_PHPT_NOTES"/*
fi
if [ "$valgrind" = 1 ]; then
	# The canary: a library that leaks on purpose (a definitely lost node and the indirectly lost
	# block it points to), preloaded into the php of one test run with the same valgrind options
	# and suppressions. It must come out as LEAK with both records in its log; anything else means
	# this pass would not see a leak of ours. Its result is one more passed or failed check.
	# The test and the library sit together in .build ({PWD} of its --ENV-- is the test's directory).
	canary="$tmp/valgrind-canary"; mkdir -p "$canary/src" "$canary/out"
	cp tools/valgrind-canary/canary.phpt "$canary/src/"
	if ! gcc -O0 -g -Wall -Wextra -Werror -shared -fPIC -o "$canary/src/smtp-valgrind-canary.so" tools/valgrind-canary/canary.c; then
		echo "valgrind canary: FAILED (canary.c did not build)"; total_fail=$((total_fail + 1))
	else
		php "$runner" "${base[@]}" --temp-source "$canary/src" --temp-target "$canary/out" \
			"$canary/src/canary.phpt" >"$canary/summary.txt" 2>&1
		mem="$canary/out/canary.mem"
		if ! grep -qE '^Tests leaked +: +1 ' "$canary/summary.txt"; then
			echo "valgrind canary: FAILED (the deliberate leak was not reported as LEAK: leaks go unseen; $canary/summary.txt)"
			total_fail=$((total_fail + 1))
		elif ! grep -q 'definitely lost' "$mem" || ! grep -q 'indirectly lost' "$mem" \
			|| [ "$(grep -c 'smtp_valgrind_canary_leak' "$mem")" -lt 2 ]; then
			echo "valgrind canary: FAILED (LEAK, but its log lacks the canary's definitely and indirectly lost records: $mem)"
			total_fail=$((total_fail + 1))
		else
			echo "valgrind canary: passed (the deliberate leak was reported as LEAK: definitely and indirectly lost in smtp_valgrind_canary_leak)"
			p=$((p + 1))
		fi
	fi
fi
echo "phpt: $p passed, $total_fail failed"
[ "$rc" -eq 0 ] && [ "$total_fail" -eq 0 ]
