--TEST--
Connect timeout (a port that never answers): hint says the port is blocked, try 587, 465 or 2525
--DESCRIPTION--
A listening socket with a backlog of 0 whose accept queue is already full: the kernel drops further SYNs, so connect() never completes, like a firewall that drops packets. The timeout option (1 s) bounds the call; the connect leaves a fifth of it to the probe of 465, 587 and 2525 (refused on this loopback address of its own, 127.x.y.z). mail() does not probe: the general hint.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$ctx = stream_context_create(['socket' => ['backlog' => 0]]);
$ip = '127.' . random_int(2, 250) . '.' . random_int(2, 250) . '.' . random_int(2, 250);
$l = stream_socket_server("tcp://$ip:0", $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $ctx);
$name = stream_socket_get_name($l, false);
$port = (int)substr($name, strrpos($name, ':') + 1);
$fill = [];
for ($i = 0; $i < 8; $i++) {   /* fill the accept queue until a connect no longer completes */
    $c = @stream_socket_client("tcp://$ip:$port", $errno, $errstr, 0.3);
    if (!$c) {
        break;
    }
    $fill[] = $c;
}
var_dump($i < 8);
$t = microtime(true);
$r = smtp_test_send('to@example.org', ['host' => "$ip:$port", 'encryption' => 'none', 'timeout' => 1, 'from' => 'a@example.com']);
$el = microtime(true) - $t;
var_dump($el >= 0.9 && $el < (smtp_test_slow() ? 10 : 3));
api_show($r);
/* the whole budget went (the first call also looks up this machine's EHLO name within it) */
var_dump($r['timings']['total'] >= 900 && $r['timings']['connect'] > 0, $r['address'], $r['ports'][$port], $r['ports'][587]);
ini_set('smtp.host', "$ip:$port");
ini_set('smtp.from', 'a@example.com');
ini_set('smtp.timeout', '1');
var_dump(@mail('to@example.org', 's', 'b'));
echo smtp_last_error()['hint'], "\n";
?>
--EXPECTF--
bool(true)
bool(true)
shape ok
ok: false
stage: 'connect'
code: NULL
enhanced: NULL
error: 'SMTP connect to 127.%d.%d.%d:%d timed out after %s s'
hint: '127.%d.%d.%d does not answer on port %d, and refuses connections on 465, 587 and 2525: the port is wrong, or a firewall drops it - check smtp.host and smtp.port.'
bool(true)
NULL
string(7) "timeout"
string(7) "refused"
bool(false)
127.%d.%d.%d did not answer on port %d: the host or a firewall on the way (often the hosting provider, which blocks outgoing mail ports such as 25) drops the connection - try port 587 (smtp.encryption=tls), 465 (smtp.encryption=ssl) or 2525, or ask the hosting provider to open the port.
