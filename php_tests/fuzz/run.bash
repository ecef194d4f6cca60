#!/usr/bin/env bash
# Builds the libFuzzer harnesses of ext/core (address lists, SMTP replies, message preparation, the
# message on the wire, a whole session against fuzzed server bytes, the EHLO capabilities, base64
# and SASL, the spool entry reader, the JSON reader of token responses)
# with clang -fsanitize=fuzzer,address,undefined and runs each for FUZZ_SECONDS seconds
# (default 20), starting from the seed corpus in corpus/<name>/ (copied: the seeds stay as they are).
# Exits non-zero when a harness fails to build or finds a crash, a leak, undefined behaviour or a
# broken invariant (the crashing input is kept under .build/fuzz/artifacts/).
#   FUZZ_ONLY="session ehlo"   only these harnesses (default: all)
# Needs: clang, libclang-rt-14-dev, libssl-dev, libc-ares-dev.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
core=$top/ext/core
out=${FUZZ_BUILD_DIR:-$top/.build/fuzz}
secs=${FUZZ_SECONDS:-20}
cc=${FUZZ_CC:-clang}
case $secs in ''|*[!0-9]*) echo "FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2;; esac
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
mkdir -p "$out/artifacts"
cflags="-std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Wall -Wextra -Werror -I$core"

status=0
# run_harness NAME MAXLEN "CORE SOURCES" [EXTRA LIBRARIES]
run_harness() {
	local name=$1 maxlen=$2 srcs=$3 libs=${4:-} files="" s bin work rc runs
	case " ${FUZZ_ONLY:-$name} " in *" $name "*) ;; *) return ;; esac
	for s in $srcs; do files="$files $core/$s.c"; done
	bin=$out/fuzz_$name
	# shellcheck disable=SC2086
	if ! $cc $cflags -o "$bin" "$here/fuzz_$name.c" $files $libs 2>"$out/fuzz_$name.build.log"; then
		echo "fuzz_$name: BUILD FAILED"; cat "$out/fuzz_$name.build.log"; status=1; fuzz_failed=$((fuzz_failed + 1)); return
	fi
	work=$out/corpus_$name
	mkdir -p "$work"
	cp -f "$here/corpus/$name"/* "$work"/ 2>/dev/null
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$maxlen" \
		-artifact_prefix="$out/artifacts/${name}-" -print_final_stats=1 \
		"$work" >"$out/fuzz_$name.log" 2>&1
	rc=$?
	runs=$(grep -E '^stat::number_of_executed_units' "$out/fuzz_$name.log" | awk '{print $2}')
	if [ "$rc" -eq 0 ]; then
		echo "fuzz_$name: ok, ${runs:-?} runs in ${secs}s"
		fuzz_passed=$((fuzz_passed + 1))
	else
		fuzz_failed=$((fuzz_failed + 1))
		echo "fuzz_$name: FAILED (exit $rc), see $out/fuzz_$name.log"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$out/fuzz_$name.log" | head -n 20
		status=1
	fi
}

fuzz_passed=0; fuzz_failed=0
run_harness address 4096 "buf strlist address"
run_harness reply 70000 "buf strlist reply"
run_harness message 32768 "buf strlist address body wbuf data message" -lcrypto
run_harness data 70000 "buf body wbuf data bdat"
run_harness ehlo 70000 "buf strlist reply ehlo"
run_harness sasl 4096 "buf base64 sasl" -lcrypto
run_harness spool 70000 "buf strlist spool_entry" -lcrypto
run_harness json 16384 "buf clock error json oauth oauth_curl" -lcrypto
# the whole engine: the harness puts its in-memory server under the connection (see fuzz_session.c)
all_core=$(cd "$core" && ls ./*.c | sed -e 's|^\./||' -e 's|\.c$||' | tr '\n' ' ')
run_harness session 16384 "$all_core" "-Wl,--wrap=smtp_conn_open -lssl -lcrypto -lcares"
run_harness dkim 70000 "buf strlist base64 body wbuf data address message settings dkim" "-lssl -lcrypto"
echo "fuzz: $fuzz_passed passed, $fuzz_failed failed"
exit $status
