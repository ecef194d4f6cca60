--TEST--
smtp.encryption=tls: STARTTLS with the certificate verified against smtp.cafile (IP address SAN)
--DESCRIPTION--
The server offers STARTTLS with a certificate for 127.0.0.1 signed by the test CA; verify_peer is on and
smtp.cafile is the test CA. The message arrives over TLS 1.2 or later, EHLO is sent again after the handshake.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true]);
smtp_test_ini($srv, ['smtp.persistent' => '0', 'smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'starttls', 'b'));
var_dump(smtp_last_error());
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['accepted'], $e['tls'], in_array($e['tls_version'], ['TLSv1.2', 'TLSv1.3'], true));
$c = smtp_test_connections($srv, 1)[0];
echo implode(' ', $c['commands']), "\n";
var_dump($c['violations']);
?>
--EXPECT--
bool(true)
NULL
bool(true)
bool(true)
bool(true)
EHLO STARTTLS EHLO MAIL RCPT DATA QUIT
array(0) {
}
