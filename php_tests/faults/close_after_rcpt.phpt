--TEST--
The server closes the connection when RCPT TO arrives: false, stage rcpt
--DESCRIPTION--
MAIL is accepted, then the connection is dropped without a reply to RCPT.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['close-after=RCPT']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO <to@example.org> %s in %s on line %d
bool(false)
bool(false)
string(4) "rcpt"
NULL
NULL
int(0)
