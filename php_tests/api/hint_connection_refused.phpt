--TEST--
Connection refused: stage connect, hint names host and port, smtp.host/smtp.port and 587/465/2525
--DESCRIPTION--
Nothing listens on the port (bound, then released): refused at once. On a loopback address of its own
(127.x.y.z), where nothing listens on 465, 587 or 2525 either: the ports probed after the failure say so.
mail() does not probe: its hint is the general one.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$ip = '127.' . random_int(2, 250) . '.' . random_int(2, 250) . '.' . random_int(2, 250);
$port = smtp_test_closed_port();
$t = microtime(true);
$r = smtp_check(['host' => "$ip:$port", 'encryption' => 'none', 'timeout' => 5]);
var_dump(microtime(true) - $t < 2.0);
api_show($r);
var_dump($r['host'] === $ip, $r['port'] === $port, $r['address'], $r['tls'], $r['capabilities'], $r['ports']);
echo str_replace($ip, 'IP', $r['transcript']);
ini_set('smtp.host', "127.0.0.1:$port");
ini_set('smtp.from', 'a@example.com');
var_dump(@mail('to@example.org', 's', 'b'));
echo smtp_last_error()['hint'], "\n";
?>
--EXPECTF--
bool(true)
shape ok
ok: false
stage: 'connect'
code: NULL
enhanced: NULL
error: 'SMTP connect to 127.%d.%d.%d:%d failed: Connection refused'
hint: '127.%d.%d.%d refuses connections on port %d and on 465, 587 and 2525 too: it is not a mail submission server (check smtp.host), or its mail service is down.'
bool(true)
bool(true)
NULL
NULL
array(0) {
}
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
*: ports of IP: 465 refused, 587 refused, 2525 refused, %d refused
*: SMTP connect to IP:%d failed: Connection refused
bool(false)
Nothing accepts connections at 127.0.0.1 port %d: check smtp.host and smtp.port (submission is 587 with smtp.encryption=tls, or 465 with ssl); if they are right, the server is down or a firewall rejects the port - try 587, 465 or 2525.
