--TEST--
Implicit TLS to a server with a self-signed certificate is refused at the tls stage
--DESCRIPTION--
smtp.encryption=ssl with verification on and the test CA: the self-signed certificate fails.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['implicit_tls' => true, 'cert' => 'selfsigned']);
smtp_test_ini($srv, ['smtp.encryption' => 'ssl', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'selfsigned 465', 'b'));
var_dump(smtp_last_error()['stage']);
var_dump(count(smtp_test_messages($srv)));
?>
--EXPECTF--
Warning: mail(): SMTP %s in %s on line %d
bool(false)
string(3) "tls"
int(0)
