#!/usr/bin/env bash
# The project's benchmark: 1 KB messages to one recipient, every client side by side in one run,
# everything on loopback; then the extra peak memory of sending one 1 KiB, 1 MiB and 25 MiB message.
#
#   bash bench/run.bash           full run (about 6 minutes on 2 cores); writes bench/results/<date>-<host>.md
#                                 (<date>-<host>-2.md, -3.md, ... when that exists)
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
# The connection pool (smtp.persistent, on by default): the rows above set smtp.persistent=0 for the
# extension, so they stay "a new connection per message"; these scenarios measure the kept connection:
#  bulk   10,000 x 1 KB to smtp-sink from one PHP process (mail() on one kept connection, and with the
#         default smtp.max_messages=100), against smtp-source -d (the reference), PHPMailer 7 with
#         SMTPKeepAlive and Symfony Mailer's EsmtpTransport (Composer, into the run directory; a
#         missing package is reported, not fatal), and the rows above (Debian's PHPMailer, msmtp,
#         Postfix sendmail); msgs/s and the CPU seconds of the client process (getrusage, children
#         included; smtp-source: GNU time), each as a ratio to smtp-source.
#  rtt    round trips of each call, the first of a process (cold) and the later ones (warm), through
#         bench/rtcount.py with a turn log joined to the client's call times (bench/turns.py): CHUNKING
#         (the project's test server --chunking) and DATA (smtp-sink).
#  20 ms  bench/delayrelay.py (10 ms each way, the TCP handshake stood for) in front of the private
#         Postfix on 10587 (STARTTLS + AUTH): ms and round trips of the first and the later calls.
#  web    nginx (nginx-light) + php-fpm (php8.2-fpm, private configs, 8 static workers, opcache) serving
#         a page that sends one mail() per request to smtp-sink, driven by wrk (8 connections):
#         requests/s and p99, the same page with Debian's PHPMailer over SMTP, and the extension
#         with smtp.persistent=0 as a control.
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
pkgs=(postfix msmtp libphp-phpmailer strace sasl2-bin libsasl2-modules openssl python3 php-cli time
	nginx-light wrk php8.2-fpm composer)
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
FPM=${PHP_FPM:-php-fpm8.2}
for prog in smtp-sink smtp-source msmtp strace /usr/sbin/sendmail /usr/bin/python3 /usr/bin/time nginx wrk "$FPM" composer; do
	command -v "$prog" >/dev/null || die "missing $prog"
done
[ -f /usr/share/php/libphp-phpmailer/autoload.php ] || die "PHPMailer not found in /usr/share/php/libphp-phpmailer"
if [ ! -f modules/smtp.so ]; then
	say "modules/smtp.so missing: building it with tools/build.sh"
	bash tools/build.sh >&2
fi
ext=$top/modules/smtp.so

run_t0=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# --- sizes ---------------------------------------------------------------------------------------
# N per client: a run of a few seconds at the rates seen on 2 cores; every PHP run also stops after
# $secs seconds, every smtp-source run is killed after 120 s.
declare -A N
if [ $quick = 1 ]; then
	N=([ext_plain]=300 [pm_ka]=10 [pm_new]=10 [pm_nodelay]=50 [msmtp]=10 [pf_sendmail]=30
		[src_one]=1000 [src_new]=500 [ext_tls]=40 [pm_tls_ka]=10 [pm_tls_new]=5)
	secs=8; count_n1=2; count_n2=4; drain=20
	N+=([bulk_ext]=2000 [bulk_ext_def]=2000 [bulk_src]=2000 [bulk_pm7]=10 [bulk_sym]=10)
	rt_n=5; rt_procs=1; lat_n=4; lat_procs=2; web_secs=3; web_warm=1
else
	N=([ext_plain]=5000 [pm_ka]=100 [pm_new]=100 [pm_nodelay]=1000 [msmtp]=100 [pf_sendmail]=300
		[src_one]=20000 [src_new]=10000 [ext_tls]=1000 [pm_tls_ka]=100 [pm_tls_new]=50)
	secs=15; count_n1=10; count_n2=30; drain=90
	N+=([bulk_ext]=10000 [bulk_ext_def]=10000 [bulk_src]=10000 [bulk_pm7]=200 [bulk_sym]=200)
	rt_n=10; rt_procs=3; lat_n=10; lat_procs=5; web_secs=15; web_warm=2
fi
bulk_ids=(bulk_ext bulk_ext_def bulk_src bulk_pm7 bulk_sym)
plain_ids=(ext_plain pm_ka pm_new pm_nodelay msmtp src_one src_new)
postfix_ids=(pf_sendmail ext_tls pm_tls_ka pm_tls_new)

# --- run directory, servers, clean-up -----------------------------------------------------------
rundir=$(mktemp -d /tmp/smtp-bench.XXXXXX)
chmod 755 "$rundir"
mkdir -p "$rundir/runs" "$rundir/count"
sink_pid=
proxy_pid=
ts_pids=()
web_pids=()
postfix_up=0
cleanup() {
	local rc=$?
	for p in "${web_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
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
			-d smtp.port="$pp" -d smtp.encryption=none -d smtp.helo=client.test -d smtp.persistent=0 bench/client.php ;;
	bulk_ext | bulk_ext_def)
		local lim=()
		[ "$id" = bulk_ext ] && lim=(-d smtp.max_messages=1000000)
		env "${common[@]}" BENCH_MODE=mail "${wrap[@]}" "$PHP" -n -d extension="$ext" -d smtp.host=127.0.0.1 \
			-d smtp.port="$pp" -d smtp.encryption=none -d smtp.helo=client.test "${lim[@]}" bench/client.php ;;
	bulk_pm7)
		env "${common[@]}" BENCH_MODE=phpmailer BENCH_AUTOLOAD="$pm7_autoload" BENCH_HOST=127.0.0.1 \
			BENCH_PORT="$pp" BENCH_KEEPALIVE=1 "${wrap[@]}" "${composer_php[@]}" bench/client.php ;;
	bulk_sym)
		env "${common[@]}" BENCH_MODE=symfony BENCH_AUTOLOAD="$sym_autoload" BENCH_HOST=127.0.0.1 \
			BENCH_PORT="$pp" "${wrap[@]}" "${composer_php[@]}" bench/client.php ;;
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
	src_one | src_new | bulk_src)
		local d=() t0 t1 rc=0
		[ "$id" != src_new ] && d=(-d)
		rm -f "$rundir/smtp-source.time"
		t0=$(date +%s%N)
		timeout 120 "${wrap[@]}" /usr/bin/time -f '%U %S' -o "$rundir/smtp-source.time" smtp-source "${d[@]}" -m "$n" \
			-F "$rundir/message.txt" -f bench@client.test \
			-t sink@sink.test -M client.test "127.0.0.1:$pp" >/dev/null 2>"$rundir/smtp-source.err" || rc=$?
		t1=$(date +%s%N)
		/usr/bin/python3 -c 'import json,sys
n,rc,ns=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3]); e=ns/1e9
err=open(sys.argv[4]).read().strip().splitlines()
try:
    u,s=[float(x) for x in open(sys.argv[5]).read().split()[-2:]]
except (OSError, ValueError):
    u=s=None
print(json.dumps({"n":n,"ok":n if rc==0 else 0,"failed":0 if rc==0 else n,"elapsed":round(e,6),
 "rate":round(n/e,2) if rc==0 else 0,"median_ms":None,"p90_ms":None,"cpu_user":u,"cpu_sys":s,"cpu_children":0,
 "first_error":"" if rc==0 else "exit %d: %s" % (rc, err[-1] if err else "")}))' "$n" "$rc" "$((t1 - t0))" \
			"$rundir/smtp-source.err" "$rundir/smtp-source.time"
		;;
	ext_tls)
		env "${common[@]}" BENCH_MODE=mail "${wrap[@]}" "$PHP" -n -d extension="$ext" -d smtp.host=127.0.0.1 \
			-d smtp.port="$tp" -d smtp.encryption=ssl -d smtp.username=$user -d "smtp.password=file:$pf/password" \
			-d "smtp.cafile=$pf/tls/ca.pem" -d smtp.helo=client.test -d smtp.persistent=0 bench/client.php ;;
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

# --- Composer packages: PHPMailer 7 and Symfony Mailer, into the run directory (never the repository) --
# A package or version the registry does not serve is reported in the results, and its rows are left out.
composer_php=("$PHP" -n -d extension=ctype -d extension=mbstring -d extension=iconv)
: >"$rundir/composer.txt"
composer_get() {  # KEY SPEC PACKAGE CLASS -> vendor/autoload.php on stdout when CLASS loads
	local key=$1 spec=$2 pkg=$3 class=$4 d=$rundir/composer/$1 v
	mkdir -p "$d"
	echo '{}' >"$d/composer.json"
	# (composer's exit status is not used: here it can fail to write composer.lock after installing)
	(cd "$d" && COMPOSER_ALLOW_SUPERUSER=1 timeout 300 composer require --no-interaction --no-audit --no-progress \
		"$spec") >"$d/composer.log" 2>&1 || true
	if [ -f "$d/vendor/autoload.php" ] && "${composer_php[@]}" -r 'require $argv[1]; exit(class_exists($argv[2]) ? 0 : 1);' \
		"$d/vendor/autoload.php" "$class" 2>/dev/null; then
		v=$("${composer_php[@]}" -r 'foreach (json_decode(file_get_contents($argv[1]), true)["packages"] ?? [] as $p)
			if ($p["name"] === $argv[2]) echo $p["version"];' "$d/vendor/composer/installed.json" "$pkg")
		echo "$key=$pkg $v" >>"$rundir/composer.txt"
		say "Composer: $spec -> $pkg $v"
		echo "$d/vendor/autoload.php"
	else
		echo "$key=missing: composer require $spec: $(grep -v '^\s*$' "$d/composer.log" | tail -1 | cut -c1-200)" \
			>>"$rundir/composer.txt"
		say "Composer: $spec not available (see $d/composer.log)"
	fi
}
pm7_autoload=$(composer_get phpmailer7 'phpmailer/phpmailer:^7' phpmailer/phpmailer 'PHPMailer\PHPMailer\PHPMailer')
sym_autoload=$(composer_get symfony 'symfony/mailer' symfony/mailer 'Symfony\Component\Mailer\Transport\Smtp\EsmtpTransport')
have_pm7=0; [ -n "$pm7_autoload" ] && have_pm7=1
have_sym=0; [ -n "$sym_autoload" ] && have_sym=1
run_bulk=(bulk_ext bulk_ext_def bulk_src)
[ $have_pm7 = 1 ] && run_bulk+=(bulk_pm7)
[ $have_sym = 1 ] && run_bulk+=(bulk_sym)

proc_cpu() {  # PID -> user+sys CPU seconds so far (/proc/PID/stat)
	/usr/bin/python3 -c 'import os,sys
f=open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")",1)[1].split()
print((int(f[11])+int(f[12]))/os.sysconf("SC_CLK_TCK"))' "$1" 2>/dev/null || echo 0
}
# --- timing runs --------------------------------------------------------------------------------
say "run directory $rundir; smtp-sink on 127.0.0.1:$sink_port; Postfix on 127.0.0.1:10465"
for ((r = 1; r <= reps; r++)); do
	for id in "${plain_ids[@]}" "${run_bulk[@]}" "${postfix_ids[@]}"; do
		say "run $r/$reps: $id (N=${N[$id]})"
		c0=$(proc_cpu "$sink_pid")
		line=$(run_one "$id" "${N[$id]}" "$sink_port" 10465) || true
		c1=$(proc_cpu "$sink_pid")
		[ -n "$line" ] || line='{"n":0,"ok":0,"failed":1,"elapsed":0,"rate":0,"median_ms":null,"p90_ms":null,"first_error":"no output"}'
		case $id in bulk_* | pm_ka | msmtp)  # smtp-sink's CPU during the run (is the sink the limit?)
			line=$(/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["sink_cpu"]=round(float(sys.argv[3])-float(sys.argv[2]),3); print(json.dumps(d))' \
				"$line" "$c0" "$c1" 2>/dev/null || printf '%s' "$line") ;;
		esac
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

# --- round trips of each call, cold and warm: rtcount.py's turn log joined to the call times -------
# CHUNKING: the project's test server with --chunking (smtp-sink has no CHUNKING); DATA: smtp-sink.
# rt_procs processes of rt_n messages each: the first call of each is cold, the others warm.
mkdir -p "$rundir/rtt"
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
# rt_client ID PORT N TIMESFILE: one process of client ID sending N messages to 127.0.0.1:PORT in clear
rt_client() {
	local id=$1 port=$2 n=$3 tf=$4
	local common=(BENCH_N="$n" BENCH_SECONDS=60 BENCH_FROM=bench@client.test BENCH_TO=sink@sink.test
		BENCH_TIMES_FILE="$tf" BENCH_HOST=127.0.0.1 BENCH_PORT="$port")
	case $id in
	ext) env "${common[@]}" BENCH_MODE=mail "$PHP" -n -d extension="$ext" -d smtp.host=127.0.0.1 \
		-d smtp.port="$port" -d smtp.encryption=none -d smtp.helo=client.test bench/client.php ;;
	pm) env "${common[@]}" BENCH_MODE=phpmailer BENCH_KEEPALIVE=1 "$PHP" -n bench/client.php ;;
	pm7) env "${common[@]}" BENCH_MODE=phpmailer BENCH_KEEPALIVE=1 BENCH_AUTOLOAD="$pm7_autoload" \
		"${composer_php[@]}" bench/client.php ;;
	sym) env "${common[@]}" BENCH_MODE=symfony BENCH_AUTOLOAD="$sym_autoload" "${composer_php[@]}" bench/client.php ;;
	esac
}
# relay_start KIND UPSTREAM TURNLOG: KIND count (bench/rtcount.py) or delay (bench/delayrelay.py, 10 ms)
relay_start() {
	local pfile=$rundir/relay.port i
	rm -f "$pfile"
	if [ "$1" = count ]; then
		/usr/bin/python3 bench/rtcount.py "$pfile" "$2" "$rundir/relay.stats" 300 "$3" &
	else
		/usr/bin/python3 bench/delayrelay.py "$pfile" "$2" 10 "$3" 300 &
	fi
	proxy_pid=$!
	for ((i = 0; i < 100; i++)); do [ -s "$pfile" ] && break; sleep 0.1; done
	[ -s "$pfile" ] || die "the $1 relay did not start"
	relay_port=$(cat "$pfile")
}
relay_stop() {
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
}
rt_clients=(ext pm)
[ $have_pm7 = 1 ] && rt_clients+=(pm7)
[ $have_sym = 1 ] && rt_clients+=(sym)
for srv in chunking data; do
	up=$sink_port
	[ $srv = chunking ] && up=$ts_chunking_port
	for c in "${rt_clients[@]}"; do
		say "round trips per call: $c, $srv ($rt_procs × $rt_n messages)"
		for ((r = 1; r <= rt_procs; r++)); do
			relay_start count "$up" "$rundir/rtt/turns"
			out=$(rt_client "$c" "$relay_port" "$rt_n" "$rundir/rtt/times") || true
			relay_stop
			/usr/bin/python3 bench/turns.py "$rundir/rtt/times" "$rundir/rtt/turns" "${out:-{\}}" \
				>>"$rundir/rtt/$c-$srv.jsonl" || true
			rm -f "$rundir/rtt/times" "$rundir/rtt/turns"
		done
	done
done

# --- 20 ms round trip: bench/delayrelay.py in front of Postfix 10587 (STARTTLS + AUTH) ------------
mkdir -p "$rundir/latency"
lat_client() {  # ID PORT N TIMESFILE
	local id=$1 port=$2 n=$3 tf=$4
	local common=(BENCH_N="$n" BENCH_SECONDS=60 BENCH_FROM=bench@client.test BENCH_TO=sink@sink.test
		BENCH_TIMES_FILE="$tf" BENCH_HOST=127.0.0.1 BENCH_PORT="$port" BENCH_SECURE=tls BENCH_USER="$user"
		BENCH_PASSFILE="$pf/password" BENCH_CAFILE="$pf/tls/ca.pem")
	case $id in
	ext) env "${common[@]}" BENCH_MODE=mail "$PHP" -n -d extension="$ext" -d smtp.host=127.0.0.1 \
		-d smtp.port="$port" -d smtp.encryption=tls -d smtp.username=$user -d "smtp.password=file:$pf/password" \
		-d "smtp.cafile=$pf/tls/ca.pem" -d smtp.helo=client.test -d smtp.timeout=30 bench/client.php ;;
	pm) env "${common[@]}" BENCH_MODE=phpmailer BENCH_KEEPALIVE=1 "$PHP" -n bench/client.php ;;
	pm7) env "${common[@]}" BENCH_MODE=phpmailer BENCH_KEEPALIVE=1 BENCH_AUTOLOAD="$pm7_autoload" \
		"${composer_php[@]}" bench/client.php ;;
	sym) env "${common[@]}" BENCH_MODE=symfony BENCH_AUTOLOAD="$sym_autoload" "${composer_php[@]}" bench/client.php ;;
	esac
}
for c in "${rt_clients[@]}"; do
	say "20 ms round trip, Postfix 10587 STARTTLS + AUTH: $c ($lat_procs × $lat_n messages)"
	for ((r = 1; r <= lat_procs; r++)); do
		relay_start delay 10587 "$rundir/latency/turns"
		out=$(lat_client "$c" "$relay_port" "$lat_n" "$rundir/latency/times") || true
		relay_stop
		/usr/bin/python3 bench/turns.py "$rundir/latency/times" "$rundir/latency/turns" "${out:-{\}}" \
			>>"$rundir/latency/$c.jsonl" || true
		rm -f "$rundir/latency/times" "$rundir/latency/turns"
	done
	drain_queue
done

# --- web: nginx + php-fpm, one mail() per request, wrk --------------------------------------------
# Private configurations in the run directory; php-fpm with 8 static workers (one per wrk connection),
# opcache on, the built module loaded with -d extension=; nginx on a free loopback port. Each page gets
# fresh workers and a short warm-up; stopped by pid.
mkdir -p "$rundir/web/www" "$rundir/web/nginx/logs" "$rundir/web/tmp" "$rundir/web/runs"
chmod 755 "$rundir/web" "$rundir/web/www"
web_body='str_repeat("a line of the web benchmark message, 63 characters, give or take\n", 16)'
cat >"$rundir/web/www/ext.php" <<EOF
<?php
if (isset(\$_GET['nopool'])) {
	ini_set('smtp.persistent', '0');
}
\$ok = mail('sink@sink.test', 'web benchmark', $web_body, 'From: <bench@client.test>', '-fbench@client.test');
if (!\$ok) {
	http_response_code(500);
}
echo \$ok ? "sent\n" : "failed\n";
EOF
cat >"$rundir/web/www/phpmailer.php" <<EOF
<?php
require '/usr/share/php/libphp-phpmailer/autoload.php';
\$m = new PHPMailer\PHPMailer\PHPMailer(true);
\$m->isSMTP();
\$m->Host = '127.0.0.1';
\$m->Port = $sink_port;
\$m->SMTPSecure = '';
\$m->SMTPAutoTLS = false;
\$m->Timeout = 15;
\$m->setFrom('bench@client.test');
\$m->addAddress('sink@sink.test');
\$m->Subject = 'web benchmark';
\$m->Body = $web_body;
try {
	\$m->send();
	echo "sent\n";
} catch (Throwable \$e) {
	http_response_code(500);
	echo "failed\n";
}
EOF
web_port=$(free_port)
cat >"$rundir/web/fpm.conf" <<EOF
[global]
pid = $rundir/web/fpm.pid
error_log = $rundir/web/fpm.log
daemonize = no
[bench]
user = nobody
group = nogroup
listen = $rundir/web/fpm.sock
listen.mode = 0666
pm = static
pm.max_children = 8
catch_workers_output = yes
EOF
cat >"$rundir/web/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $rundir/web/nginx.pid;
error_log $rundir/web/nginx/logs/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $rundir/web/tmp/body;
	fastcgi_temp_path $rundir/web/tmp/fastcgi;
	proxy_temp_path $rundir/web/tmp/proxy;
	uwsgi_temp_path $rundir/web/tmp/uwsgi;
	scgi_temp_path $rundir/web/tmp/scgi;
	server {
		listen 127.0.0.1:$web_port;
		root $rundir/web/www;
		location ~ \.php\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$rundir/web/fpm.sock;
		}
	}
}
EOF
web_start() {  # php-fpm (fresh workers) and nginx, in the foreground of their own, by pid
	"$FPM" -n -F -y "$rundir/web/fpm.conf" -d extension=ctype -d zend_extension=opcache -d opcache.enable=1 \
		-d extension="$ext" -d smtp.host=127.0.0.1 -d smtp.port="$sink_port" -d smtp.encryption=none \
		-d smtp.helo=client.test >"$rundir/web/fpm.out" 2>&1 &
	web_pids=($!)
	nginx -p "$rundir/web/nginx" -c "$rundir/web/nginx.conf" -e "$rundir/web/nginx/logs/error.log" \
		>"$rundir/web/nginx.out" 2>&1 &
	web_pids+=($!)
	local i
	for ((i = 0; i < 100; i++)); do [ -S "$rundir/web/fpm.sock" ] && port_busy "$web_port" && return 0; sleep 0.1; done
	die "php-fpm or nginx did not start: $(cat "$rundir/web/fpm.out" "$rundir/web/nginx.out" "$rundir/web/fpm.log" 2>/dev/null | tail -5)"
}
web_stop() {
	local p
	for p in "${web_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	web_pids=()
	rm -f "$rundir/web/fpm.sock"
}
web_ids=(web_ext web_pm web_ext_nopool)
declare -A web_url=([web_ext]=/ext.php [web_pm]=/phpmailer.php [web_ext_nopool]=/ext.php?nopool=1)
for id in "${web_ids[@]}"; do
	say "web: $id, wrk -t2 -c8 -d${web_secs}s (after a ${web_warm} s warm-up), fresh php-fpm workers"
	web_start
	wrk -t2 -c8 -d"${web_warm}s" "http://127.0.0.1:$web_port${web_url[$id]}" >/dev/null 2>&1 || true
	wrk -t2 -c8 -d"${web_secs}s" --latency "http://127.0.0.1:$web_port${web_url[$id]}" >"$rundir/web/runs/$id.txt" 2>&1 || true
	web_stop
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
	echo "nginx=$(dpkg-query -W -f='${Version}' nginx-light)"
	echo "fpm=$(dpkg-query -W -f='${Version}' php8.2-fpm)"
	echo "wrk=$(dpkg-query -W -f='${Version}' wrk)"
	echo "load_start=$load_start"
	echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "shared=${BENCH_SHARED:-}"
	echo "elapsed_s=$(($(date +%s) - run_t0))"
	echo "web_secs=$web_secs"
	cat "$rundir/composer.txt"
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
	out=bench/results/$date-$host.md
	i=2
	while [ -e "$out" ]; do out=bench/results/$date-$host-$i.md; i=$((i + 1)); done   # never overwrite a run
	cp "$rundir/results.md" "$out"
	say "written: $out"
else
	keep=1
	say "quick run: table kept in $rundir/results.md (not written to bench/results/)"
fi
