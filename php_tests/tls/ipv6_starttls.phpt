--TEST--
STARTTLS over IPv6 to [::1] verifies the certificate's IP address ::1
--DESCRIPTION--
The server listens on ::1 with a certificate carrying IP:::1; the message arrives over TLS.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; $smtp_test_need_ipv6 = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'listen' => '::1']);
smtp_test_ini($srv, ['smtp.host' => "[::1]:{$srv['port']}", 'smtp.encryption' => 'tls',
    'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'v6 tls', 'b'));
var_dump(smtp_last_error());
var_dump(smtp_test_messages($srv)[0]['envelope']['tls']);
?>
--EXPECT--
bool(true)
NULL
bool(true)
