--TEST--
A greeting that is not SMTP ("hello there") is rejected: false, stage greeting
--DESCRIPTION--
The server says "hello there" instead of 220 and keeps the connection open.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['garbage-greeting']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP greeting %shello there%s in %s on line %d
bool(false)
bool(false)
string(8) "greeting"
NULL
NULL
int(0)
