--TEST--
mail(): an IPv6 smarthost given as [::1]:port
--DESCRIPTION--
The server listens on ::1 only; smtp.host=[::1]:port delivers the message over IPv6.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_ipv6 = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['listen' => '::1']);
smtp_test_ini($srv, ['smtp.persistent' => '0', 'smtp.host' => "[::1]:{$srv['port']}"]);
var_dump(mail('to@example.org', 'v6', 'b'));
var_dump(smtp_last_error());
var_dump(count(smtp_test_messages($srv)));
echo smtp_test_connections($srv, 1)[0]['peer'], "\n";
?>
--EXPECT--
bool(true)
NULL
int(1)
::1
