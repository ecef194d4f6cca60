--TEST--
smtp.encryption=ssl: implicit TLS from the first byte (RFC 8314)
--DESCRIPTION--
The server speaks TLS immediately (like port 465); the certificate is verified against the test CA.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['implicit_tls' => true]);
smtp_test_ini($srv, ['smtp.persistent' => '0', 'smtp.encryption' => 'ssl', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'implicit', 'b'));
var_dump(smtp_last_error());
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['tls'], in_array($e['tls_version'], ['TLSv1.2', 'TLSv1.3'], true));
echo implode(' ', smtp_test_connections($srv, 1)[0]['commands']), "\n";
?>
--EXPECT--
bool(true)
NULL
bool(true)
bool(true)
EHLO MAIL RCPT DATA QUIT
