#!/usr/bin/env bash
# A DNS server that never answers, end to end: a network namespace with a loopback only, whose
# resolv.conf (/etc/netns/<name>/resolv.conf, which `ip netns exec` mounts over /etc/resolv.conf)
# names a nameserver inside the namespace, 127.0.0.2:53, where a small UDP socket (python3) counts the
# queries and never answers. In it:
#   - mail() to smtp.host=mail.example.com (not in /etc/hosts) with smtp.timeout=2 returns false
#     within about 2 s (it took 10 s before the resolver was bounded by the deadline), the warning
#     names the resolution failure, smtp_last_error()['stage'] is 'connect';
#   - smtp.host=localhost still resolves from /etc/hosts, with no DNS and no waiting;
#   - the ports probed after a failed connect of smtp_check() (issue 12): on the namespace's own
#     loopback, 465 listens, 587 is a listener whose accept queue is full (the kernel drops further
#     SYNs: timeout) and 2525 has nothing (refused): ports and the hint "587 is blocked here, but 465
#     is open"; 10.77.0.2 behind a veth into a second namespace where no host has that address (every
#     SYN vanishes: all timeout, within the deadline); 10.78.0.0/24 an unreachable route (no route);
#   - net.c directly (C: net_probe.c): smtp_conn_open() ends by its deadline with SMTP_IO_TIMEOUT,
#     cause timeout; an address without a route is cause unreachable; smtp_local_fqdn() (the EHLO
#     name lookup) for a host name that is not in /etc/hosts returns by its deadline.
# Needs root and iproute2 (ip netns); the module built (tools/build.sh). Cleans up the namespace and
# /etc/netns/<name> on exit. Last line: "netns: N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
php=${PHP:-php}
python=/usr/bin/python3
ns="smtp-netns-$$"
ns2="smtp-netns2-$$"
dns_ip=127.0.0.2
passed=0
failed=0
tmp=
dns_pid=
made_etc_netns=0

ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() {
	echo "netns: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

cleanup() {
	if [ -n "$dns_pid" ]; then
		kill "$dns_pid" 2>/dev/null
		wait "$dns_pid" 2>/dev/null
	fi
	ip netns del "$ns" 2>/dev/null
	ip netns del "$ns2" 2>/dev/null
	rm -rf "/etc/netns/$ns"
	[ "$made_etc_netns" -eq 1 ] && rmdir /etc/netns 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1; then
	bad "needs root and iproute2 (ip netns)"
	finish
fi
if [ ! -f "$top/modules/smtp.so" ]; then
	bad "modules/smtp.so not built (run tools/build.sh)"
	finish
fi
tmp=$(mktemp -d /tmp/smtp-netns.XXXXXX)

[ -d /etc/netns ] || made_etc_netns=1
mkdir -p "/etc/netns/$ns"
printf 'nameserver %s\n' "$dns_ip" >"/etc/netns/$ns/resolv.conf"
if ! ip netns add "$ns" || ! ip netns exec "$ns" ip link set lo up; then
	bad "cannot create the network namespace $ns"
	finish
fi

# The DNS server that receives and never answers (it ends by itself after 120 s at the latest).
ip netns exec "$ns" "$python" - "$dns_ip" "$tmp/dns.ready" "$tmp/dns.count" <<'PY' &
import socket, sys, time
ip, ready, count = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((ip, 53))
s.settimeout(0.5)
open(ready, "w").write("ready\n")
n, end = 0, time.time() + 120
while time.time() < end:
    try:
        s.recvfrom(4096)
    except socket.timeout:
        continue
    n += 1
    with open(count, "w") as f:
        f.write("%d\n" % n)
PY
dns_pid=$!
for _ in $(seq 50); do [ -s "$tmp/dns.ready" ] && break; sleep 0.1; done
if [ ! -s "$tmp/dns.ready" ]; then
	bad "the silent DNS server did not start"
	finish
fi
queries() { cat "$tmp/dns.count" 2>/dev/null || echo 0; }
# Runs php with the module inside the namespace (the arguments after the label are php's) and counts
# the script's "ok: " / "FAIL: " lines, printed with the label in front.
php_in_ns() {
	local label=$1 out rc n_ok n_bad
	shift
	out=$(ip netns exec "$ns" timeout 40 "$php" -n -d extension="$top/modules/smtp.so" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^(ok|FAIL): ' | sed "s/^/$label: /"
	n_ok=$(printf '%s\n' "$out" | grep -c '^ok: ')
	n_bad=$(printf '%s\n' "$out" | grep -c '^FAIL: ')
	passed=$((passed + n_ok)); failed=$((failed + n_bad))
	if [ "$rc" -ne 0 ] || [ "$n_ok" -eq 0 ]; then
		bad "$label: php exited with $rc: $out"
	fi
}

# ---- mail() to a name only DNS knows --------------------------------------------------------
cat >"$tmp/unanswered.php" <<'PHP'
<?php
$warnings = [];
set_error_handler(function ($no, $str) use (&$warnings) { $warnings[] = $str; return true; });
$t = microtime(true);
$ret = mail('to@example.org', 'netns', 'body');
$elapsed = microtime(true) - $t;
restore_error_handler();
$e = smtp_last_error();
$w = implode(' | ', $warnings);
$say = function ($cond, $what) { echo ($cond ? "ok: " : "FAIL: "), $what, "\n"; };
$say($ret === false, "mail() returns false");
$say($elapsed < 4.0, sprintf("mail() returns within 4 s (%.2f s, smtp.timeout=2)", $elapsed));
$say($elapsed >= 1.5, sprintf("mail() waited for the resolver until the deadline (%.2f s)", $elapsed));
$say(str_contains($w, 'cannot resolve mail.example.com') && str_contains($w, 'did not answer'),
	"the warning names the resolution failure: $w");
$say(is_array($e) && $e['stage'] === 'connect', "smtp_last_error()['stage'] is 'connect' (" . ($e['stage'] ?? 'none') . ")");
$say(is_array($e) && is_string($e['hint'] ?? null) && stripos($e['hint'], 'resolve') !== false,
	"the hint is about name resolution: " . ($e['hint'] ?? 'none'));
PHP
before=$(queries)
php_in_ns "mail unanswered" -d smtp.host=mail.example.com -d smtp.port=25 -d smtp.timeout=2 -d smtp.encryption=none \
	-d smtp.from=sender@example.com -d smtp.helo=client.test "$tmp/unanswered.php"
after=$(queries)
if [ "$after" -gt "$before" ]; then
	ok "the lookup went to the namespace's DNS server ($((after - before)) queries, none answered)"
else
	bad "no query reached the namespace's DNS server"
fi

# ---- /etc/hosts still answers at once -------------------------------------------------------
cat >"$tmp/hosts.php" <<'PHP'
<?php
$warnings = [];
set_error_handler(function ($no, $str) use (&$warnings) { $warnings[] = $str; return true; });
$t = microtime(true);
$ret = mail('to@example.org', 'netns', 'body');
$elapsed = microtime(true) - $t;
restore_error_handler();
$w = implode(' | ', $warnings);
$say = function ($cond, $what) { echo ($cond ? "ok: " : "FAIL: "), $what, "\n"; };
$say($ret === false && stripos($w, 'refused') !== false, "localhost from /etc/hosts, nothing listens: refused ($w)");
$say($elapsed < 1.0, sprintf("no DNS wait for a name in /etc/hosts (%.2f s)", $elapsed));
PHP
before=$(queries)
php_in_ns "hosts file" -d smtp.host=localhost -d smtp.port=25 -d smtp.timeout=2 -d smtp.encryption=none \
	-d smtp.from=sender@example.com -d smtp.helo=client.test "$tmp/hosts.php"
if [ "$(queries)" -eq "$before" ]; then
	ok "hosts file: no DNS query for localhost"
else
	bad "hosts file: localhost was asked of DNS"
fi

# ---- the ports after a failed connect of smtp_check() (issue 12, item 4) ---------------------
if ip netns add "$ns2" && ip netns exec "$ns" ip link add v0 type veth peer name v1 \
	&& ip netns exec "$ns" ip link set v1 netns "$ns2" && ip netns exec "$ns" ip addr add 10.77.0.1/24 dev v0 \
	&& ip netns exec "$ns" ip link set v0 up && ip netns exec "$ns2" ip link set v1 up \
	&& ip netns exec "$ns" ip neigh add 10.77.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent \
	&& ip netns exec "$ns" ip route add unreachable 10.78.0.0/24; then
	cat >"$tmp/ports.php" <<'PHP'
<?php
$say = function ($cond, $what) { echo ($cond ? "ok: " : "FAIL: "), $what, "\n"; };
$open = stream_socket_server('tcp://127.0.0.1:465', $errno, $errstr);
$ctx = stream_context_create(['socket' => ['backlog' => 0]]);
$drop = stream_socket_server('tcp://127.0.0.1:587', $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $ctx);
$fill = [];
for ($i = 0; $i < 8; $i++) {
	$c = @stream_socket_client('tcp://127.0.0.1:587', $errno, $errstr, 0.3);
	if (!$c) break;
	$fill[] = $c;
}
$say($open && $drop && $i < 8, "listeners: 465 open, 587 with a full accept queue");
$t = microtime(true);
$r = smtp_check(['host' => '127.0.0.1', 'port' => 587, 'encryption' => 'tls', 'timeout' => 5, 'helo' => 'client.test']);
$el = microtime(true) - $t;
$say(($r['ports'] ?? null) === [465 => 'open', 587 => 'timeout', 2525 => 'refused'], "loopback: ports " . json_encode($r['ports'] ?? null));
$say($r['hint'] === 'Port 587 is blocked here, but 465 is open on 127.0.0.1: set smtp.port=465 and smtp.encryption=ssl (implicit TLS).',
	"loopback: hint: " . $r['hint']);
$say($el < 5.5, sprintf("loopback: within the timeout of 5 s (%.2f s; the connect left 1 s to the probe)", $el));
$t = microtime(true);
$r = smtp_test_send('to@example.org', ['host' => '10.77.0.2', 'port' => 587, 'encryption' => 'tls', 'timeout' => 5,
	'helo' => 'client.test', 'from' => 'a@example.com']);
$el = microtime(true) - $t;
$say(($r['ports'] ?? null) === [465 => 'timeout', 587 => 'timeout', 2525 => 'timeout'], "dropped host: ports " . json_encode($r['ports'] ?? null));
$say(str_contains((string)$r['hint'], '10.77.0.2 does not answer on port 587, nor on 465 or 2525: a firewall drops'),
	"dropped host: hint: " . $r['hint']);
$say($el >= 4.5 && $el < 5.5, sprintf("dropped host: the whole timeout of 5 s, not more (%.2f s)", $el));
$r = smtp_check(['host' => '10.78.0.5', 'port' => 2525, 'timeout' => 5, 'helo' => 'client.test']);
$say(($r['ports'] ?? null) === [465 => 'unreachable', 587 => 'unreachable', 2525 => 'unreachable'], "no route: ports " . json_encode($r['ports'] ?? null));
$say(str_contains((string)$r['hint'], 'no route to 10.78.0.5 (none of 465 and 587 is reachable either)'), "no route: hint: " . $r['hint']);
PHP
	php_in_ns ports "$tmp/ports.php"
else
	bad "cannot set up the veth pair and routes for the ports test"
fi

# ---- net.c itself: the status and cause of an unanswered lookup, the EHLO name -------------
cc=${CC:-cc}
if $cc -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -I"$top/ext/core" \
	-o "$tmp/net_probe" "$here/net_probe.c" "$top/ext/core/net.c" "$top/ext/core/clock.c" \
	"$top/ext/core/buf.c" "$top/ext/core/error.c" "$top/ext/core/settings.c" -lcares -lcrypto 2>"$tmp/probe.log"; then
	out=$(ip netns exec "$ns" timeout 20 "$tmp/net_probe" connect mail.example.com 25 1500 2>&1)
	read -r pst pcause pms ptext <<<"$out"
	if [ "${pst:-}" = timeout ] && [ "${pcause:-}" = dns_timeout ] && [ "${pms:-99999}" -ge 1000 ] \
		&& [ "${pms:-99999}" -lt 3000 ] && [[ "${ptext:-}" == "cannot resolve mail.example.com: the DNS server did not answer within "* ]]; then
		ok "smtp_conn_open: SMTP_IO_TIMEOUT, cause dns_timeout, by the deadline of 1.5 s ($pms ms): $ptext"
	else
		bad "smtp_conn_open with a silent DNS server: got '$out' (want: timeout dns_timeout 1000..3000 cannot resolve ...)"
	fi
	# no route at all in the namespace (loopback only): unreachable, at once
	out=$(ip netns exec "$ns" timeout 20 "$tmp/net_probe" connect 192.0.2.1 25 1500 2>&1)
	read -r pst pcause pms ptext <<<"$out"
	if [ "${pst:-}" = error ] && [ "${pcause:-}" = unreachable ] && [ "${pms:-99999}" -lt 1000 ]; then
		ok "smtp_conn_open to an address without a route: cause unreachable ($ptext)"
	else
		bad "smtp_conn_open to 192.0.2.1 without a route: got '$out' (want: error unreachable)"
	fi
	# a host name of its own (a UTS namespace too) that /etc/hosts does not know: DNS is asked
	out=$(ip netns exec "$ns" timeout 20 unshare --uts sh -c 'hostname smtp-netns-probe && exec "$0" fqdn 1500' \
		"$tmp/net_probe" 2>&1)
	read -r frc fms fname <<<"$out"
	if [ "${frc:-x}" = "-1" ] && [ "${fms:-99999}" -ge 1000 ] && [ "${fms:-99999}" -lt 3000 ] \
		&& [ "${fname:-}" = "smtp-netns-probe" ]; then
		ok "smtp_local_fqdn: no answer, the bare host name by the deadline of 1.5 s ($fms ms)"
	else
		bad "smtp_local_fqdn with a silent DNS server: got '$out' (want: -1, 1000..3000 ms, smtp-netns-probe)"
	fi
else
	bad "net_probe.c does not build: $(cat "$tmp/probe.log")"
fi

finish
