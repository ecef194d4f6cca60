--TEST--
Failover: the first host's port is closed, the second host delivers
--DESCRIPTION--
smtp.host lists a closed port first and the test server second; mail() returns true without a warning.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
$closed = smtp_test_closed_port();
smtp_test_ini($srv, ['smtp.host' => "127.0.0.1:$closed, 127.0.0.1:{$srv['port']}"]);
var_dump(mail('to@example.org', 'failover', 'b'));
var_dump(smtp_last_error());
var_dump(count(smtp_test_messages($srv)));
?>
--EXPECT--
bool(true)
NULL
int(1)
