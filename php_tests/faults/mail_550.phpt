--TEST--
MAIL FROM refused with 550: false, the warning names the sender and quotes the server
--DESCRIPTION--
The brief's format: SMTP MAIL FROM <sender> refused: <reply>.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['mail=550 5.7.1 Sender rejected']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP MAIL FROM <sender@example.com> refused: 550 5.7.1 Sender rejected in %s on line %d
bool(false)
bool(false)
string(4) "mail"
int(550)
string(5) "5.7.1"
int(0)
