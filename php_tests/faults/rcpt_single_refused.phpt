--TEST--
The only recipient refused: false and the brief's exact warning
--DESCRIPTION--
mail(): SMTP RCPT TO <x@example.org> refused: 550 5.1.1 User unknown - with a single recipient.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['rcpt=550 5.1.1 User unknown']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO <to@example.org> refused: 550 5.1.1 User unknown in %s on line %d
bool(false)
bool(false)
string(4) "rcpt"
int(550)
string(5) "5.1.1"
int(0)
