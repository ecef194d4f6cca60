--TEST--
A failed connect of smtp_check() / smtp_test_send() says which of 465, 587, 2525 and the asked port answer, and the hint uses it
--DESCRIPTION--
On a loopback address of its own (127.x.y.z, picked at random, so no other server's ports are in the way):
2525 listens (open), 465 and 587 have nothing (refused), the asked port is a listener whose accept queue is
full, so the kernel drops further SYNs (timeout, as behind a firewall that drops). The ports are probed at
once, within the deadline: the whole call stays within its timeout. Then: every port refused. mail() never
probes (no 'ports' in smtp_last_error()).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$ip = '127.' . random_int(2, 250) . '.' . random_int(2, 250) . '.' . random_int(2, 250);
$open = stream_socket_server("tcp://$ip:2525", $errno, $errstr);
var_dump($open !== false);
$ctx = stream_context_create(['socket' => ['backlog' => 0]]);
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

$timeout = 3;
$t = microtime(true);
$r = smtp_check(['host' => "$ip:$port", 'encryption' => 'none', 'timeout' => $timeout, 'helo' => 'client.test']);
$el = microtime(true) - $t;
api_show($r);
var_dump(array_slice(array_keys($r), -1), $r['ports'] === [465 => 'refused', 587 => 'refused', 2525 => 'open', $port => 'timeout'] || var_dump($r['ports']));
var_dump($r['hint'] === "Port $port is blocked here, but 2525 is open on $ip: set smtp.port=2525 and smtp.encryption=tls (STARTTLS).");
/* the connect left a fifth of the timeout (0.6 s) to the probe: within the timeout in all. The slack is
 * for a loaded machine waking the process late (the engine's own clock: 0.5 s; the script's: 2 s), not a
 * speed bound: without the shared deadline the probe would add its own 3 s. */
var_dump($el < $timeout + (smtp_test_slow() ? 10 : 2), $r["timings"]["total"] <= $timeout * 1000 + 500 || print_r([$el, $r["timings"]]));
var_dump((bool)preg_match('/^SMTP connect to \S+ timed out after 2\.\d s$/', $r['error']));
var_dump(api_has_line($r, "*: ports of $ip: 465 refused, 587 refused, 2525 open, $port timeout"));

/* smtp_test_send() too; everything refused now */
fclose($open);
$closed = stream_socket_server("tcp://$ip:0", $errno, $errstr);
$cname = stream_socket_get_name($closed, false);
fclose($closed);
$cport = (int)substr($cname, strrpos($cname, ':') + 1);
$r = smtp_test_send('to@example.org', ['host' => "$ip:$cport", 'encryption' => 'none', 'timeout' => $timeout, 'from' => 'a@example.com']);
api_show($r);
var_dump($r['ports']);

/* a name that does not resolve is no connect failure to probe for */
$r = smtp_check(['host' => 'no-such-host.invalid', 'timeout' => 2]);
var_dump($r['stage'], isset($r['ports']));

/* mail() does not probe */
ini_set('smtp.host', "$ip:$cport");
ini_set('smtp.from', 'a@example.com');
ini_set('smtp.timeout', '3');
var_dump(@mail('to@example.org', 's', 'b'), isset(smtp_last_error()['ports']), array_key_last(smtp_last_error()));
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
hint: 'Port %d is blocked here, but 2525 is open on 127.%d.%d.%d: set smtp.port=2525 and smtp.encryption=tls (STARTTLS).'
array(1) {
  [0]=>
  string(5) "ports"
}
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
shape ok
ok: false
stage: 'connect'
code: NULL
enhanced: NULL
error: 'SMTP connect to 127.%d.%d.%d:%d failed: Connection refused'
hint: '127.%d.%d.%d refuses connections on port %d and on 465, 587 and 2525 too: it is not a mail submission server (check smtp.host), or its mail service is down.'
array(4) {
  [465]=>
  string(7) "refused"
  [587]=>
  string(7) "refused"
  [2525]=>
  string(7) "refused"
  [%d]=>
  string(7) "refused"
}
string(7) "connect"
bool(false)
bool(false)
bool(false)
string(10) "transcript"
