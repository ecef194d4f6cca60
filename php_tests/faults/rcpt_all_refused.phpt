--TEST--
Every recipient refused: false, warning with the server's reply, stage rcpt, no message text sent
--DESCRIPTION--
Two recipients both get 550; mail() returns false, smtp_last_error() has stage rcpt and code 550 and both
recipients, and the server never receives message text.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['rcpt=550 5.1.1 User unknown']]);
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('a@example.org, b@example.org', 'all refused', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced'], count($e['recipients']));
var_dump(count(smtp_test_messages($srv)));
$c = smtp_test_connections($srv, 1)[0];
var_dump(in_array('?', $c['commands'], true), $c['violations']);
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO %s550 5.1.1 User unknown in %s on line %d
bool(false)
bool(false)
string(4) "rcpt"
int(550)
string(5) "5.1.1"
int(2)
int(0)
bool(false)
array(0) {
}
