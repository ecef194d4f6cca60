#!/usr/bin/env bash
# The load test (issue 10, item 7): 8 concurrent PHP CLI processes x 2,000 messages with mail()
# against the project's test SMTP server cutting 1% of the transactions at a random point
# (smtp_server.py --fault drop-random=0.01: before the greeting, after EHLO, at MAIL, RCPT, DATA,
# mid-body, or after the message was stored and before its 250). AUTH PLAIN with a password, the
# connection pool on (the default), one spool directory shared by all processes, one smtp.log.
# A flusher runs beside the senders (smtp_spool_flush(0, true) every 0.2 s), then two processes
# flush the spool at once until it is empty (bounded), against the same faulty server. check.inc
# then asserts: every mail() returned true without a warning; every one of the 16,000 Message-IDs
# arrived, each once plus once for every cut after its data (the only duplicates); one smtp.log line
# per attempt, in order, `queued` until exactly one `sent`, never `failed`, `maybe_sent` exactly where
# the server cut after the data (or mid-body, when the whole message was already written); no attempt
# waited for smtp.timeout; the spool empty; the number of cuts near 1%; no sending process grew; no
# secret in the log, the spool entries or any output. Prints the counts, then "load: N passed, N failed".
#   LOAD_PROCS, LOAD_MESSAGES, LOAD_DROP, LOAD_SEED  override 8, 2000, 0.01 and the random seed
#   SMTP_TEST_KEEP=1  keeps the work directory (its path is printed)
#   PHP, SMTP_MODULE  another php and module, e.g. the ASan build's (.build/asan/php and
#                     .build/asan/src/modules/smtp.so, made by tools/run-phpt.sh --asan)
# Needs the module built (tools/build.sh). Every process has a timeout: nothing waits for ever.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
php=${PHP:-php}
module=${SMTP_MODULE:-$top/modules/smtp.so}
python=/usr/bin/python3
procs=${LOAD_PROCS:-8}
per=${LOAD_MESSAGES:-2000}
drop=${LOAD_DROP:-0.01}
seed=${LOAD_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
passed=0
failed=0
tmp=
srv_pid=

ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() {
	echo "load: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}
cleanup() {
	if [ -n "$srv_pid" ]; then
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
	fi
	if [ -n "$tmp" ]; then
		if [ -n "${SMTP_TEST_KEEP:-}" ]; then echo "load: kept $tmp"; else rm -rf "$tmp"; fi
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [ ! -f "$module" ]; then
	bad "$module not built (run tools/build.sh)"
	finish
fi
if [ ! -x "$python" ]; then
	bad "$python is missing"
	finish
fi
tmp=$(mktemp -d /tmp/smtp-load.XXXXXX)
mkdir "$tmp/entries"
run=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
# the secret of the run: the server wants it (AUTH PLAIN, --require-auth); PHP reads it from the
# environment (smtp.password=env:...), so it is on no command line
export SMTP_LOAD_PASSWORD="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
t_start=$(now)

# ---- the server: an ephemeral port on loopback (it binds port 0 and writes the one it got) ------
"$python" "$top/php_tests/servers/smtp_server.py" --port-file "$tmp/port" --hostname mx.load.test \
	--capture-jsonl "$tmp/received.jsonl" --cut-log "$tmp/cuts.jsonl" --fault "drop-random=$drop" --seed "$seed" \
	--auth PLAIN --user "load:$SMTP_LOAD_PASSWORD" --require-auth --parent-pid $$ --idle-exit 120 \
	--max-lifetime 600 --conn-timeout 30 >"$tmp/server.out" 2>&1 &
srv_pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2>/dev/null)
if [ -z "$port" ] || ! kill -0 "$srv_pid" 2>/dev/null; then
	bad "the test SMTP server did not start: $(cat "$tmp/server.out")"
	finish
fi
echo "load: server pid $srv_pid on 127.0.0.1:$port, drop-random=$drop, seed $seed; $procs processes x $per messages"

ini=(-n -d extension="$module" -d smtp.host=127.0.0.1 -d smtp.port="$port" -d smtp.encryption=none
	-d smtp.username=load -d smtp.password=env:SMTP_LOAD_PASSWORD -d smtp.helo=client.load.test -d smtp.timeout=10
	-d smtp.spool_dir="$tmp/spool" -d smtp.log="$tmp/smtp.log")

# ---- 8 processes x 2,000 mail() at once ---------------------------------------------------------
t_send=$(now)
# beside them, a flusher every 0.2 s: entries are claimed while others are being written
timeout 175 "$php" "${ini[@]}" "$here/flusher.inc" 1000 "$tmp/senders.done" >"$tmp/flush.0.jsonl" 2>&1 &
bg_flusher=$!
pids=()
for p in $(seq 1 "$procs"); do
	timeout 170 "$php" "${ini[@]}" "$here/sender.inc" "$p" "$per" "$run" "$tmp/sent.$p.jsonl" "$tmp/entries" >"$tmp/sender.$p.out" 2>&1 &
	pids+=($!)
done
rcs=()
nonzero=0
for pid in "${pids[@]}"; do
	wait "$pid"
	rc=$?
	rcs+=("$rc")
	[ "$rc" -eq 0 ] || nonzero=$((nonzero + 1))
done
send_s=$(since "$t_send")
touch "$tmp/senders.done"
wait "$bg_flusher"
bgrc=$?
[ "$bgrc" -eq 0 ] && ok "the flusher beside the senders ended with exit 0" \
	|| bad "the flusher beside the senders exited with $bgrc: $(tail -c 1000 "$tmp/flush.0.jsonl")"
if [ "$nonzero" -eq 0 ]; then
	ok "$procs sending processes ended with exit 0 (${send_s} s)"
else
	bad "sending processes' exit codes: ${rcs[*]} ($(cat "$tmp"/sender.*.out | head -c 2000))"
fi
kill -0 "$srv_pid" 2>/dev/null && ok "the server is still running after the sending" || bad "the server died: $(tail -5 "$tmp/server.out")"

# ---- the secret in what was written (the spool now holds the queued messages) -------------------
secret_forms=("$SMTP_LOAD_PASSWORD"
	"$(printf '\0load\0%s' "$SMTP_LOAD_PASSWORD" | base64 -w0)"
	"$(printf 'load\0%s' "$SMTP_LOAD_PASSWORD" | base64 -w0)"
	"$(printf '%s' "$SMTP_LOAD_PASSWORD" | base64 -w0)")
no_secret() {  # label, files or directories...
	local label=$1 f hits=0
	shift
	for f in "${secret_forms[@]}"; do
		grep -rqaF -- "$f" "$@" 2>/dev/null && hits=$((hits + 1))
	done
	[ "$hits" -eq 0 ] && ok "no secret (the password, plain or in base64, or the AUTH PLAIN response) in $label" \
		|| bad "the secret is in $label"
}
# the spool entries as mail() wrote them (each sender copies its entries at once, before the flusher
# beside it takes them), and the spool as the senders left it
copies=$(find "$tmp/entries" -type f | wc -l)
if [ "$copies" -gt 0 ]; then
	no_secret "the $copies spool entries copied as written, and the spool" "$tmp/entries" "$tmp/spool"
else
	bad "no spool entry was seen: the faults did not reach mail() or the copies failed (the secret check would prove nothing)"
fi

# ---- two flushers at once until the spool is empty (bounded), against the same faulty server ----
t_flush=$(now)
for f in 1 2; do
	timeout 120 "$php" "${ini[@]}" "$here/flusher.inc" 30 >"$tmp/flush.$f.jsonl" 2>&1 &
	fpids[$f]=$!
done
frc=0
for f in 1 2; do
	wait "${fpids[$f]}" || frc=$?
done
flush_s=$(since "$t_flush")
[ "$frc" -eq 0 ] && ok "two flushers ended with exit 0 (${flush_s} s)" \
	|| bad "a flusher exited with $frc: $(tail -c 1000 "$tmp"/flush.*.jsonl)"

# ---- the assertions on what everybody recorded -------------------------------------------------
"$php" "${ini[@]}" "$here/check.inc" "$tmp" "$procs" "$per" "$run" "$drop" >"$tmp/check.out" 2>&1
crc=$?
grep -E '^(ok|FAIL): ' "$tmp/check.out"
grep -vE '^(ok|FAIL): ' "$tmp/check.out" | grep -v '^$' | sed 's/^/load: /'
passed=$((passed + $(grep -c '^ok: ' "$tmp/check.out")))
failed=$((failed + $(grep -c '^FAIL: ' "$tmp/check.out")))
[ "$crc" -eq 0 ] || bad "check.inc exited with $crc"
no_secret "smtp.log, the server's records and every process's output" "$tmp/smtp.log" "$tmp"/received.jsonl \
	"$tmp"/cuts.jsonl "$tmp"/sent.*.jsonl "$tmp"/sender.*.out "$tmp"/flush.*.jsonl "$tmp/check.out"

# the server's CPU time (is the Python server the bottleneck?): utime + stime of /proc/PID/stat
srv_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$srv_pid/stat" 2>/dev/null)
kill "$srv_pid" 2>/dev/null
wait "$srv_pid" 2>/dev/null
srv_pid=
echo "load: seconds: sending $send_s, flushing $flush_s, whole stage $(since "$t_start"); the server used ${srv_cpu:-?} s of CPU"
finish
