--TEST--
A server that requires AUTH and no smtp.username: MAIL FROM refused with 530, reported at the mail stage
--DESCRIPTION--
Without credentials the extension does not authenticate; the server's 530 5.7.0 reaches the warning and
smtp_last_error().
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['auth' => 'PLAIN', 'require_auth' => true, 'users' => ['alice' => 'secret']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'no creds', 'b'));
$e = smtp_last_error();
var_dump($e['stage'], $e['code'], $e['enhanced']);
?>
--EXPECTF--
Warning: mail(): SMTP MAIL FROM <sender@example.com> refused: 530 5.7.0 Authentication required in %s on line %d
bool(false)
string(4) "mail"
int(530)
string(5) "5.7.0"
