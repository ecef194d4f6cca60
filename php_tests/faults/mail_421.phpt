--TEST--
421 at MAIL FROM (the server shuts down): false, stage mail, code 421
--DESCRIPTION--
The server answers MAIL with 421 and closes the connection.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['421-at=MAIL']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP MAIL FROM <sender@example.com> %s: 421 4.3.2 Service shutting down in %s on line %d
bool(false)
bool(false)
string(4) "mail"
int(421)
string(5) "4.3.2"
int(0)
