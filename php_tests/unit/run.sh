#!/usr/bin/env bash
# Builds and runs the C unit tests of ext/core (no PHP involved), with ASan and UBSan; every test is
# linked with every core file and the fake SMTP server (fake_server.c).
# Prints each file's result and a final "N passed, N failed" line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${UNIT_BUILD_DIR:-$top/.build/unit}
mkdir -p "$out"
cc=${CC:-cc}
san=${UNIT_SANITIZE:--fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined}
# OAuth: with libcurl when it is installed (as ./configure does), else oauth_curl.c's "not built" half
curl_cflags=""; curl_libs=""
if pkg-config --exists libcurl 2>/dev/null; then
	curl_cflags="-DHAVE_SMTP_OAUTH=1 $(pkg-config --cflags libcurl)"; curl_libs=$(pkg-config --libs libcurl)
fi
cflags="-std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Werror $san -I$top/ext/core $curl_cflags"
total_pass=0; total_fail=0; status=0
# The core and the fake server are compiled once (in parallel), then linked into every test.
objs=()
rm -f "$out"/core-*.o "$out"/core.build.log
for src in "$top"/ext/core/*.c "$here/fake_server.c"; do
	o="$out/core-$(basename "$src" .c).o"
	objs+=("$o")
	$cc $cflags -c -o "$o" "$src" 2>>"$out/core.build.log" &
done
wait
for o in "${objs[@]}"; do
	if [ ! -f "$o" ]; then
		echo "core: BUILD FAILED"; cat "$out/core.build.log"
		echo "unit: 0 passed, 1 failed"; exit 1
	fi
done
for t in "$here"/test_*.c; do
	name=$(basename "$t" .c)
	if ! $cc $cflags -o "$out/$name" "$t" "${objs[@]}" -lssl -lcrypto -lcares $curl_libs 2>"$out/$name.build.log"; then
		echo "$name: BUILD FAILED"; cat "$out/$name.build.log"
		total_fail=$((total_fail + 1)); status=1; continue
	fi
	res=$("$out/$name" 2>"$out/$name.err"); rc=$?
	cat "$out/$name.err" >&2
	line=$(printf '%s\n' "$res" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: crashed or printed no result (exit $rc)"; total_fail=$((total_fail + 1)); status=1; continue
	fi
	p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	echo "$name: $line"
	[ "$rc" -eq 0 ] || status=1
done
# Layers: includes only point down, and no PHP header in ext/core (the lists are config.m4's).
if python3 "$here/layers.py" >"$out/layers.log" 2>&1; then
	tail -n 1 "$out/layers.log"; total_pass=$((total_pass + 1))
else
	cat "$out/layers.log"; total_fail=$((total_fail + 1)); status=1
fi
# One code style (.clang-format) in ext/core: a file clang-format would change is a failure.
fmt=${CLANG_FORMAT:-clang-format-16}
if command -v "$fmt" >/dev/null 2>&1; then
	if out=$("$fmt" --dry-run -Werror "$top"/ext/core/*.c "$top"/ext/core/*.h 2>&1); then
		echo "format: ext/core follows .clang-format"; total_pass=$((total_pass + 1))
	else
		printf '%s\n' "$out" | head -n 20
		echo "format: ext/core differs from .clang-format (run: $fmt -i ext/core/*.[ch])"
		total_fail=$((total_fail + 1)); status=1
	fi
else
	echo "format: $fmt not installed"; total_fail=$((total_fail + 1)); status=1
fi
echo "unit: $total_pass passed, $total_fail failed"
exit $status
