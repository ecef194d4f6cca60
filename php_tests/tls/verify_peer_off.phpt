--TEST--
smtp.verify_peer=0 accepts a self-signed certificate (the link is still encrypted)
--DESCRIPTION--
With verification switched off the message is delivered over TLS to a self-signed server.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'cert' => 'selfsigned']);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.verify_peer' => 0]);
var_dump(mail('to@example.org', 'no verify', 'b'));
var_dump(smtp_test_messages($srv)[0]['envelope']['tls']);
?>
--EXPECT--
bool(true)
bool(true)
