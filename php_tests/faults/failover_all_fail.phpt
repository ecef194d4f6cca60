--TEST--
Failover: every host fails: false, one warning, smtp_last_error() describes the last attempt
--DESCRIPTION--
A closed port, then a server refusing in its greeting: mail() returns false, stage greeting, host/port of
the last server tried.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$closed = smtp_test_closed_port();
$bad = smtp_test_server(['faults' => ['greeting=554 5.7.1 Go away']]);
smtp_test_ini($bad, ['smtp.host' => "127.0.0.1:$closed, 127.0.0.1:{$bad['port']}"]);
var_dump(mail('to@example.org', 'all fail', 'b'));
$e = smtp_last_error();
var_dump($e['stage'], $e['code'], $e['port'] === $bad['port']);
?>
--EXPECTF--
Warning: mail(): SMTP greeting %s554 5.7.1 Go away%S in %s on line %d
bool(false)
string(8) "greeting"
int(554)
bool(true)
