--TEST--
A 100 KB greeting line is rejected as a bounded-size violation, without waiting for the timeout
--DESCRIPTION--
The server's 220 line is 100 KB long; the reply parser's bound rejects it (stage greeting), quickly.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['long-line']]);
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
