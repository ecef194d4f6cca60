--TEST--
A 554 greeting: false, stage greeting, code 554
--DESCRIPTION--
The server refuses the session in its greeting; mail() returns false with the server's words.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['greeting=554 5.7.1 Go away']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP greeting from %s: %s554 5.7.1 Go away in %s on line %d
bool(false)
bool(false)
string(8) "greeting"
int(554)
string(5) "5.7.1"
int(0)
