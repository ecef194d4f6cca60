--TEST--
A non-numeric reply to MAIL FROM is a protocol error: false, stage mail
--DESCRIPTION--
The server answers MAIL with text that is no SMTP reply.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['mail=hello, this is not SMTP']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP MAIL FROM <sender@example.com> %shello, this is not SMTP%s in %s on line %d
bool(false)
bool(false)
string(4) "mail"
NULL
NULL
int(0)
