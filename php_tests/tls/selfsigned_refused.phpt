--TEST--
STARTTLS to a server with a self-signed certificate fails verification: false, stage tls, nothing sent
--DESCRIPTION--
verify_peer on, smtp.cafile = test CA, the server's certificate is self-signed: the handshake is refused,
mail() returns false with a warning, smtp_last_error() has stage tls and a hint, no MAIL is sent.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'cert' => 'selfsigned']);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'selfsigned', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], is_string($e['hint']) && $e['hint'] !== '');
var_dump(count(smtp_test_messages($srv)));
var_dump(in_array('MAIL', smtp_test_connections($srv, 1)[0]['commands'] ?? [], true));
?>
--EXPECTF--
Warning: mail(): SMTP %scertificate%s in %s on line %d
bool(false)
bool(false)
string(3) "tls"
bool(true)
int(0)
bool(false)
