--TEST--
STARTTLS refused with 454 while smtp.encryption=tls: false, stage tls, code 454, nothing sent in clear
--DESCRIPTION--
TLS is required, the server declines to start it: the extension does not fall back to plain text.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'faults' => ['starttls=454 4.7.0 TLS not available']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca']]);
var_dump(mail('to@example.org', 'starttls 454', 'b'));
$e = smtp_last_error();
var_dump($e['stage'], $e['code'], $e['enhanced']);
var_dump(in_array('MAIL', smtp_test_connections($srv, 1)[0]['commands'], true));
?>
--EXPECTF--
Warning: mail(): SMTP STARTTLS refused: 454 4.7.0 TLS not available in %s on line %d
bool(false)
string(3) "tls"
int(454)
string(5) "4.7.0"
bool(false)
