--TEST--
smtp.encryption=auto with credentials requires TLS: no AUTH in plain text when STARTTLS is missing
--DESCRIPTION--
The brief: auto means STARTTLS when offered and required whenever credentials are set. A server that offers
AUTH but no STARTTLS gets neither the password nor the message.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['auth' => 'PLAIN LOGIN', 'users' => ['alice' => 'secret']]);
smtp_test_ini($srv, ['smtp.encryption' => 'auto', 'smtp.username' => 'alice', 'smtp.password' => 'secret']);
var_dump(mail('to@example.org', 'auto creds', 'b'));
$e = smtp_last_error();
var_dump($e['stage']);
$c = smtp_test_connections($srv, 1)[0];
var_dump(in_array('AUTH', $c['commands'], true), in_array('MAIL', $c['commands'], true));
?>
--EXPECTF--
Warning: mail(): SMTP STARTTLS %s in %s on line %d
bool(false)
string(3) "tls"
bool(false)
bool(false)
