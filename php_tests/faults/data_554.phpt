--TEST--
DATA refused with 554: false, stage data
--DESCRIPTION--
The server refuses the DATA command itself; no message text is sent.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['data=554 5.3.4 Too big']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP DATA refused: 554 5.3.4 Too big in %s on line %d
bool(false)
bool(false)
string(4) "data"
int(554)
string(5) "5.3.4"
int(0)
