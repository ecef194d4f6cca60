#!/usr/bin/env bash
# The project's benchmark: 1 KB messages to one recipient, every client side by side in one run,
# everything on loopback; then the extra peak memory of sending one 1 KiB, 1 MiB and 25 MiB message.
#
#   bash bench/run.bash           full run (about 5 minutes on 2 cores); writes bench/results/<date>-<host>.md
#   bash bench/run.bash --quick   smoke run, small counts (under a minute); writes the table to the run
#                                 directory only, never to bench/results/
#   options: --keep (keep the run directory), --reps N (runs per client, default 3)
#
# Clients (see docs/performance.md): mail() through the smtp extension; Debian's PHPMailer over SMTP with
# and without SMTPKeepAlive (and, as a control, with the socket option tcp_nodelay); mail() through msmtp
# and through Postfix's `sendmail -t -i`; Postfix's smtp-source (C) on one connection and one connection
# per message. Plain ones talk to `smtp-sink` on an ephemeral port; then the extension and PHPMailer over
# implicit TLS + AUTH to a local Postfix on 127.0.0.1:10465 (php_tests/interop/postfix.bash), which also
# takes the sendmail submissions (MAIL_CONFIG).
#
# For each client: messages/s = messages / elapsed (PHP clients: hrtime from the first send to the end of
# the last, PHP start-up excluded; smtp-source: the whole process), the median of the runs with min and
# max; per-message latency median and p90 (PHP clients, hrtime around each call; the median of the runs'
# figures); round trips per message, counted by a relay (bench/rtcount.py) as server turns between two
# runs of different length (so connection set-up is included only where each message pays for it); and
# send calls per message (strace: send/write calls on the client's TCP socket, same difference method).
#
# Memory (bench/memory.php, one fresh PHP process per measurement, the median of --reps runs; one run
# with --quick): the extra peak RSS of sending one message with a 1 KiB, 1 MiB and 25 MiB body, for
# mail() through the extension with DATA (to smtp-sink, which has no CHUNKING, and to the project's
# test server without CHUNKING) and with BDAT (to the test server with --chunking, and to Postfix 465
# over TLS + AUTH), PHPMailer over SMTP to smtp-sink, and PHPMailer's default mail() mode through the
# extension. Which command carried the message is checked in every run, never assumed.
#
# Installs (apt-get, printed) only the Debian packages it needs when missing. Must run as root (Postfix).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

quick=0
keep=0
reps=3
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--keep) keep=1 ;;
	--reps)
		shift
		case "${1:-}" in [1-9] | 10) reps=$1 ;; *) echo "bench: --reps takes 1..10" >&2; exit 2 ;; esac ;;
	*) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
	shift
done

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (a private Postfix instance is started)"

# --- prerequisites -------------------------------------------------------------------------------
pkgs=(postfix msmtp libphp-phpmailer strace sasl2-bin libsasl2-modules openssl python3 php-cli)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing missing Debian packages: ${missing[*]}"
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
fi
PHP=${PHP:-php}
command -v "$PHP" >/dev/null || die "no php binary ($PHP)"
for prog in smtp-sink smtp-source msmtp strace /usr/sbin/sendmail /usr/bin/python3; do
	command -v "$prog" >/dev/null || die "missing $prog"
done
[ -f /usr/share/php/libphp-phpmailer/autoload.php ] || die "PHPMailer not found in /usr/share/php/libphp-phpmailer"
if [ ! -f modules/smtp.so ]; then
	say "modules/smtp.so missing: building it with tools/build.sh"
	bash tools/build.sh >&2
fi
ext=$top/modules/smtp.so

# --- sizes ---------------------------------------------------------------------------------------
# N per client: a run of a few seconds at the rates seen on 2 cores; every PHP run also stops after
# $secs seconds, every smtp-source run is killed after 120 s.
declare -A N
if [ $quick = 1 ]; then
	N=([ext_plain]=300 [pm_ka]=10 [pm_new]=10 [pm_nodelay]=50 [msmtp]=10 [pf_sendmail]=30
		[src_one]=1000 [src_new]=500 [ext_tls]=40 [pm_tls_ka]=10 [pm_tls_new]=5)
	secs=8; count_n1=2; count_n2=4; drain=20
else
	N=([ext_plain]=5000 [pm_ka]=100 [pm_new]=100 [pm_nodelay]=1000 [msmtp]=100 [pf_sendmail]=300
		[src_one]=20000 [src_new]=10000 [ext_tls]=1000 [pm_tls_ka]=100 [pm_tls_new]=50)
	secs=15; count_n1=10; count_n2=30; drain=90
fi
plain_ids=(ext_plain pm_ka pm_new pm_nodelay msmtp src_one src_new)
postfix_ids=(pf_sendmail ext_tls pm_tls_ka pm_tls_new)

# --- run directory, servers, clean-up -----------------------------------------------------------
rundir=$(mktemp -d /tmp/smtp-bench.XXXXXX)
chmod 755 "$rundir"
mkdir -p "$rundir/runs" "$rundir/count"
sink_pid=
proxy_pid=
ts_pids=()
postfix_up=0
cleanup() {
	local rc=$?
	[ -n "$proxy_pid" ] && { kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; }
	local p
	for p in "${ts_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	[ -n "$sink_pid" ] && { kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; }
	if [ $postfix_up = 1 ]; then
		bash php_tests/interop/postfix.bash stop "$rundir/postfix" >/dev/null 2>&1 || true
	fi
	if [ $keep = 1 ] || [ $rc != 0 ]; then say "run directory kept: $rundir"; else rm -rf "$rundir"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {  # PORT SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

sink_port=$(free_port)
smtp-sink -u nobody "127.0.0.1:$sink_port" 256 >"$rundir/smtp-sink.log" 2>&1 &
sink_pid=$!
wait_port "$sink_port" 10 || die "smtp-sink did not start on 127.0.0.1:$sink_port"

# Postfix's ports are fixed (10587, 10465): another test run may hold them for a while.
for ((i = 0; i < 60; i++)); do
	port_busy 10465 || port_busy 10587 || break
	[ $i = 0 ] && say "127.0.0.1:10465/10587 in use (another Postfix test run?); waiting up to 60 s"
	sleep 1
done
INTEROP_SINK_PORT=$(free_port) bash php_tests/interop/postfix.bash start "$rundir/postfix" >"$rundir/postfix-start.log" 2>&1 \
	|| { cat "$rundir/postfix-start.log" >&2; die "could not start the local Postfix"; }
postfix_up=1
pf=$rundir/postfix
user=alice@mx.test.localhost

msmtprc() {  # PORT -> path of an msmtp configuration pointing at 127.0.0.1:PORT
	local f=$rundir/msmtprc-$1
	if [ ! -f "$f" ]; then
		printf '%s\n' defaults "auth off" "tls off" "account sink" "host 127.0.0.1" "port $1" \
			"from bench@client.test" "account default : sink" >"$f"
		chmod 600 "$f"
	fi
	echo "$f"
}

# The smtp-source message: the same 1 KB body as client.php, with From/To/Subject.
/usr/bin/python3 - "$rundir/message.txt" <<'EOF'
import sys
body = ""
for i in range(1, 17):
    line = "Line %02d of the benchmark message: " % i
    body += line + ("abcdefghij" * 7)[:63 - len(line)] + "\n"
with open(sys.argv[1], "w") as f:
    f.write("From: <bench@client.test>\nTo: <sink@sink.test>\nSubject: benchmark message\n\n" + body)
EOF

wrap=()   # a prefix for the client command (strace in the counting phase)

# run_one ID N PLAIN_PORT TLS_PORT: one run of one client, one JSON line on stdout
run_one() {
	local id=$1 n=$2 pp=$3 tp=$4
	local common=(BENCH_N="$n" BENCH_SECONDS="$secs" BENCH_FROM=bench@client.test BENCH_TO=sink@sink.test)
	local tls=(BENCH_HOST=127.0.0.1 BENCH_PORT="$tp" BENCH_SECURE=ssl BENCH_USER="$user"
		BENCH_PASSFILE="$pf/password" BENCH_CAFILE="$pf/tls/ca.pem")
	case $id in
	ext_plain)
		env "${common[@]}" BENCH_MODE=mail "${wrap[@]}" "$PHP" -n -d extension="$ext" -d smtp.host=127.0.0.1 \
			-d smtp.port="$pp" -d smtp.encryption=none -d smtp.helo=client.test bench/client.php ;;
	pm_ka | pm_new | pm_nodelay)
		local ka=1 nd=0
		[ "$id" = pm_new ] && ka=0
		[ "$id" = pm_nodelay ] && nd=1
		env "${common[@]}" BENCH_MODE=phpmailer BENCH_HOST=127.0.0.1 BENCH_PORT="$pp" BENCH_KEEPALIVE=$ka \
			BENCH_NODELAY=$nd "${wrap[@]}" "$PHP" -n bench/client.php ;;
	msmtp)
		env "${common[@]}" BENCH_MODE=mail "${wrap[@]}" "$PHP" -n \
			-d "sendmail_path=/usr/bin/msmtp -C $(msmtprc "$pp") -t -i" bench/client.php ;;
	pf_sendmail)
		env "${common[@]}" BENCH_MODE=mail MAIL_CONFIG="$pf/etc" "${wrap[@]}" "$PHP" -n \
			-d "sendmail_path=/usr/sbin/sendmail -t -i" bench/client.php ;;
	src_one | src_new)
		local d=() t0 t1 rc=0
		[ "$id" = src_one ] && d=(-d)
		t0=$(date +%s%N)
		timeout 120 "${wrap[@]}" smtp-source "${d[@]}" -m "$n" -F "$rundir/message.txt" -f bench@client.test \
			-t sink@sink.test -M client.test "127.0.0.1:$pp" >/dev/null 2>"$rundir/smtp-source.err" || rc=$?
		t1=$(date +%s%N)
		/usr/bin/python3 -c 'import json,sys
n,rc,ns=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3]); e=ns/1e9
err=open(sys.argv[4]).read().strip().splitlines()
print(json.dumps({"n":n,"ok":n if rc==0 else 0,"failed":0 if rc==0 else n,"elapsed":round(e,6),
 "rate":round(n/e,2) if rc==0 else 0,"median_ms":None,"p90_ms":None,
 "first_error":"" if rc==0 else "exit %d: %s" % (rc, err[-1] if err else "")}))' "$n" "$rc" "$((t1 - t0))" "$rundir/smtp-source.err"
		;;
	ext_tls)
		env "${common[@]}" BENCH_MODE=mail "${wrap[@]}" "$PHP" -n -d extension="$ext" -d smtp.host=127.0.0.1 \
			-d smtp.port="$tp" -d smtp.encryption=ssl -d smtp.username=$user -d "smtp.password=file:$pf/password" \
			-d "smtp.cafile=$pf/tls/ca.pem" -d smtp.helo=client.test bench/client.php ;;
	pm_tls_ka)
		env "${common[@]}" "${tls[@]}" BENCH_MODE=phpmailer BENCH_KEEPALIVE=1 "${wrap[@]}" "$PHP" -n bench/client.php ;;
	pm_tls_new)
		env "${common[@]}" "${tls[@]}" BENCH_MODE=phpmailer BENCH_KEEPALIVE=0 "${wrap[@]}" "$PHP" -n bench/client.php ;;
	*) die "unknown client $id" ;;
	esac
}

queue_files() {
	find "$pf/queue/maildrop" "$pf/queue/incoming" "$pf/queue/active" "$pf/queue/deferred" -type f 2>/dev/null | wc -l
}
# Postfix delivers what was queued to its sink in the background: let it finish before the next
# client is timed, so that work is not charged to someone else.
drain_queue() {
	local i
	for ((i = 0; i < drain * 10; i++)); do
		[ "$(queue_files)" = 0 ] && return 0
		sleep 0.1
	done
	say "Postfix queue not empty after ${drain}s ($(queue_files) files); continuing"
}

# --- timing runs --------------------------------------------------------------------------------
say "run directory $rundir; smtp-sink on 127.0.0.1:$sink_port; Postfix on 127.0.0.1:10465"
for ((r = 1; r <= reps; r++)); do
	for id in "${plain_ids[@]}" "${postfix_ids[@]}"; do
		say "run $r/$reps: $id (N=${N[$id]})"
		line=$(run_one "$id" "${N[$id]}" "$sink_port" 10465) || true
		[ -n "$line" ] || line='{"n":0,"ok":0,"failed":1,"elapsed":0,"rate":0,"median_ms":null,"p90_ms":null,"first_error":"no output"}'
		printf '%s\n' "$line" >>"$rundir/runs/$id.jsonl"
		case $id in pf_sendmail | ext_tls | pm_tls_ka | pm_tls_new) drain_queue ;; esac
	done
done

# --- round trips: a counting relay in front of the server, two run lengths ---------------------
count_turns() {  # ID N UPSTREAM -> JSON stats
	local id=$1 n=$2 up=$3 pfile=$rundir/count/port stats=$rundir/count/$1-$2.json port i
	rm -f "$pfile" "$stats"
	/usr/bin/python3 bench/rtcount.py "$pfile" "$up" "$stats" 120 &
	proxy_pid=$!
	for ((i = 0; i < 50; i++)); do [ -s "$pfile" ] && break; sleep 0.1; done
	port=$(cat "$pfile")
	if [ "$up" = 10465 ]; then run_one "$id" "$n" "$sink_port" "$port" >/dev/null || true
	else run_one "$id" "$n" "$port" 10465 >/dev/null || true; fi
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
	cat "$stats" 2>/dev/null || echo '{}'
}
# send calls: strace's send/write calls on a TCP socket to the server's port
count_sends() {  # ID N PORT -> number
	local id=$1 n=$2 port=$3 out=$rundir/count/$1-$2.strace
	wrap=(strace -f -qq -yy -e "trace=sendto,sendmsg,write,writev" -o "$out")
	if [ "$port" = 10465 ]; then run_one "$id" "$n" "$sink_port" 10465 >/dev/null || true
	else run_one "$id" "$n" "$port" 10465 >/dev/null || true; fi
	wrap=()
	grep -c -- "->127.0.0.1:$port\]" "$out" || true
}
for id in "${plain_ids[@]}" ext_tls pm_tls_ka pm_tls_new; do
	say "counting round trips and send calls: $id"
	up=$sink_port
	case $id in ext_tls | pm_tls_ka | pm_tls_new) up=10465 ;; esac
	a=$(count_turns "$id" $count_n1 "$up")
	b=$(count_turns "$id" $count_n2 "$up")
	s1=$(count_sends "$id" $count_n1 "$up")
	s2=$(count_sends "$id" $count_n2 "$up")
	printf '{"n1":%d,"n2":%d,"turns1":%s,"turns2":%s,"sends1":%d,"sends2":%d}\n' \
		$count_n1 $count_n2 "$a" "$b" "${s1:-0}" "${s2:-0}" >"$rundir/count/$id.json"
	case $id in ext_tls | pm_tls_ka | pm_tls_new) drain_queue ;; esac
done

# --- memory: the extra peak RSS of sending one message of 1 KiB, 1 MiB and 25 MiB ----------------
# bench/memory.php, one fresh PHP process per measurement (the method of php_tests/memory/memory.inc:
# warm-up message, body built before the baseline, peak reset through /proc/self/clear_refs). smtp-sink
# (Postfix 3.7) does not offer CHUNKING, so BDAT goes to the project's test server
# (php_tests/servers/smtp_server.py --chunking), which captures the message and so shows which command
# carried it; the same server without --chunking is the DATA control, and Postfix's smtpd on 465 (it
# offers CHUNKING) is a real MTA. Every run also asks the client's own transcript which command it used.
mem_sizes=(1024 1048576 26214400)
mem_ids=(mem_ext_data mem_ext_bdat mem_ext_data_ts mem_ext_tls mem_pm_smtp mem_pm_mail)
mem_reps=$reps
[ $quick = 1 ] && mem_reps=1
mkdir -p "$rundir/memory"
start_test_server() {  # NAME [ARGS...] -> port on stdout; capture in $rundir/NAME/capture
	local name=$1 d=$rundir/$1 i
	shift
	mkdir -p "$d"
	/usr/bin/python3 php_tests/servers/smtp_server.py --port-file "$d/port" --capture-dir "$d/capture" \
		--idle-exit 900 --max-lifetime 3600 --conn-timeout 120 --parent-pid $$ "$@" >"$d/server.log" 2>&1 &
	ts_pids+=($!)
	for ((i = 0; i < 100; i++)); do [ -s "$d/port" ] && break; sleep 0.1; done
	[ -s "$d/port" ] || die "the test server $name did not start: $(cat "$d/server.log")"
}
start_test_server ts_chunking --chunking
start_test_server ts_data
ts_chunking_port=$(cat "$rundir/ts_chunking/port")
ts_data_port=$(cat "$rundir/ts_data/port")
mem_php=("$PHP" -n -d extension=ctype -d memory_limit=-1)
mem_ext=("${mem_php[@]}" -d extension="$ext" -d smtp.host=127.0.0.1 -d smtp.helo=client.test -d smtp.timeout=120)
mem_one() {  # ID SIZE -> one JSON line
	local id=$1 size=$2
	local common=(BENCH_MEM_SIZE="$size" BENCH_FROM=bench@client.test BENCH_TO=sink@sink.test)
	case $id in
	mem_ext_data)
		env "${common[@]}" BENCH_MEM_MODE=mail "${mem_ext[@]}" -d smtp.port="$sink_port" -d smtp.encryption=none \
			bench/memory.php ;;
	mem_ext_bdat)
		env "${common[@]}" BENCH_MEM_MODE=mail BENCH_MEM_CAPTURE="$rundir/ts_chunking/capture" "${mem_ext[@]}" \
			-d smtp.port="$ts_chunking_port" -d smtp.encryption=none bench/memory.php ;;
	mem_ext_data_ts)
		env "${common[@]}" BENCH_MEM_MODE=mail BENCH_MEM_CAPTURE="$rundir/ts_data/capture" "${mem_ext[@]}" \
			-d smtp.port="$ts_data_port" -d smtp.encryption=none bench/memory.php ;;
	mem_ext_tls)
		env "${common[@]}" BENCH_MEM_MODE=mail "${mem_ext[@]}" -d smtp.port=10465 -d smtp.encryption=ssl \
			-d smtp.username=$user -d "smtp.password=file:$pf/password" -d "smtp.cafile=$pf/tls/ca.pem" \
			bench/memory.php ;;
	mem_pm_smtp)
		env "${common[@]}" BENCH_MEM_MODE=phpmailer_smtp BENCH_HOST=127.0.0.1 BENCH_PORT="$sink_port" \
			"${mem_php[@]}" bench/memory.php ;;
	mem_pm_mail)
		env "${common[@]}" BENCH_MEM_MODE=phpmailer_mail "${mem_ext[@]}" -d smtp.port="$sink_port" \
			-d smtp.encryption=none bench/memory.php ;;
	*) die "unknown memory client $id" ;;
	esac
}
for ((r = 1; r <= mem_reps; r++)); do
	for size in "${mem_sizes[@]}"; do
		for id in "${mem_ids[@]}"; do
			say "memory run $r/$mem_reps: $id, $size-byte body"
			line=$(mem_one "$id" "$size") || true
			[ -n "$line" ] || line="{\"size\":$size,\"ok\":false,\"extra\":null,\"error\":\"no output\"}"
			printf '%s\n' "$line" >>"$rundir/memory/$id-$size.jsonl"
			[ "$id" = mem_ext_tls ] && drain_queue
		done
	done
done

# --- report -------------------------------------------------------------------------------------
host=$(hostname -s 2>/dev/null || hostname)
date=$(date -u +%Y-%m-%d)
{
	echo "nproc=$(nproc)"
	echo "cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"
	echo "kernel=$(uname -sr)"
	echo "php=$("$PHP" -n -r 'echo PHP_VERSION;')"
	echo "smtp=$("$PHP" -n -d extension="$ext" -r 'echo phpversion("smtp");')"
	echo "postfix=$(postconf -d -h mail_version 2>/dev/null)"
	echo "msmtp=$(msmtp --version | head -1)"
	echo "phpmailer=$(dpkg-query -W -f='${Version}' libphp-phpmailer)"
	echo "openssl=$(openssl version)"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- ext 2>/dev/null || echo ' (ext/ modified)')"
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host=$host"
	echo "reps=$reps"
	echo "mem_reps=$mem_reps"
	echo "quick=$quick"
} >"$rundir/machine.txt"
/usr/bin/python3 bench/report.py "$rundir" >"$rundir/results.md"
cat "$rundir/results.md"
if [ $quick = 0 ]; then
	mkdir -p bench/results
	cp "$rundir/results.md" "bench/results/$date-$host.md"
	say "written: bench/results/$date-$host.md"
else
	keep=1
	say "quick run: table kept in $rundir/results.md (not written to bench/results/)"
fi
