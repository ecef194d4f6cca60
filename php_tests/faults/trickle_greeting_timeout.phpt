--TEST--
A greeting trickled one byte every 0.3 s: smtp.timeout is the whole budget, not per read
--DESCRIPTION--
Each read gets a byte in time, but the attempt as a whole must end after smtp.timeout=1 (under 3 s).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['trickle']]);
smtp_test_ini($srv, ['smtp.timeout' => 1]);
$t = microtime(true);
var_dump(mail('to@example.org', 'hostile', 'b'));
$elapsed = microtime(true) - $t;
var_dump($elapsed < 3.0);
$e = smtp_last_error();
var_dump($e['ok'], $e['stage']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP greeting %s in %s on line %d
bool(false)
bool(true)
bool(false)
string(8) "greeting"
int(0)
