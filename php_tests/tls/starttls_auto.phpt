--TEST--
smtp.encryption=auto uses STARTTLS when the server offers it
--DESCRIPTION--
Without credentials, auto still upgrades to TLS when STARTTLS is advertised.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true]);
smtp_test_ini($srv, ['smtp.encryption' => 'auto', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'auto', 'b'));
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['tls']);
?>
--EXPECT--
bool(true)
bool(true)
