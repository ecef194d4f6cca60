--TEST--
Failover: the first server refuses in its greeting (554), the second delivers
--DESCRIPTION--
A greeting failure moves on to the next host of smtp.host.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$bad = smtp_test_server(['faults' => ['greeting=554 5.3.2 Not accepting mail now']]);
$good = smtp_test_server();
smtp_test_ini($good, ['smtp.host' => "127.0.0.1:{$bad['port']},127.0.0.1:{$good['port']}"]);
var_dump(mail('to@example.org', 'failover', 'b'));
var_dump(count(smtp_test_messages($bad)), count(smtp_test_messages($good)));
?>
--EXPECT--
bool(true)
int(0)
int(1)
