--TEST--
mail(): smtp.port is used for a host given without a port
--DESCRIPTION--
smtp.host=127.0.0.1 and smtp.port set to the test server's port deliver the message there.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.host' => '127.0.0.1', 'smtp.port' => $srv['port']]);
var_dump(mail('to@example.org', 'port', 'b'));
var_dump(count(smtp_test_messages($srv)));
?>
--EXPECT--
bool(true)
int(1)
