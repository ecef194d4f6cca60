--TEST--
smtp.encryption=auto without credentials sends in plain text when STARTTLS is not offered
--DESCRIPTION--
A server without STARTTLS and no smtp.username: auto delivers without TLS.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.encryption' => 'auto']);
var_dump(mail('to@example.org', 'auto plain', 'b'));
var_dump(smtp_test_messages($srv)[0]['envelope']['tls']);
?>
--EXPECT--
bool(true)
bool(false)
