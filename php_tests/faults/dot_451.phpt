--TEST--
The final reply after the message is 451: false, stage data, code 451
--DESCRIPTION--
The server takes the message text but answers the final dot with a temporary failure.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['dot=451 4.3.0 Try later']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP %s451 4.3.0 Try later in %s on line %d
bool(false)
bool(false)
string(4) "data"
int(451)
string(5) "4.3.0"
int(0)
