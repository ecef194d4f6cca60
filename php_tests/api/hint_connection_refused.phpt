--TEST--
Connection refused: stage connect, hint names host and port, smtp.host/smtp.port and 587/465/2525
--DESCRIPTION--
Nothing listens on the port (bound, then released): refused at once.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$port = smtp_test_closed_port();
$t = microtime(true);
$r = smtp_check(['host' => "127.0.0.1:$port", 'encryption' => 'none', 'timeout' => 5]);
var_dump(microtime(true) - $t < 2.0);
api_show($r);
var_dump($r['host'], $r['port'] === $port, $r['address'], $r['tls'], $r['capabilities'], $r['transcript']);
?>
--EXPECTF--
bool(true)
shape ok
ok: false
stage: 'connect'
code: NULL
enhanced: NULL
error: 'SMTP connect to 127.0.0.1:%d failed: Connection refused'
hint: 'Nothing accepts connections at 127.0.0.1 port %d: check smtp.host and smtp.port (submission is 587 with smtp.encryption=tls, or 465 with ssl); if they are right, the server is down or a firewall rejects the port - try 587, 465 or 2525.'
string(9) "127.0.0.1"
bool(true)
NULL
NULL
array(0) {
}
string(62) "*: SMTP connect to 127.0.0.1:%d failed: Connection refused
"
