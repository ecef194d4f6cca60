--TEST--
smtp.encryption=tls against a server without STARTTLS fails at the tls stage and sends nothing
--DESCRIPTION--
TLS is required: mail() returns false with a warning, smtp_last_error() says stage tls, and the server
never sees MAIL FROM.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.encryption' => 'tls']);
var_dump(mail('to@example.org', 'need tls', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage']);
var_dump(count(smtp_test_messages($srv)));
var_dump(in_array('MAIL', smtp_test_connections($srv, 1)[0]['commands'], true));
?>
--EXPECTF--
Warning: mail(): SMTP STARTTLS %s in %s on line %d
bool(false)
bool(false)
string(3) "tls"
int(0)
bool(false)
