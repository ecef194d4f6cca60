--TEST--
530 5.7.0 at MAIL FROM: a login is required, or STARTTLS first
--DESCRIPTION--
Servers that refuse MAIL without AUTH or without TLS (no credentials set, encryption none).
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['require_auth' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret']]);
api_show(smtp_test_send('to@example.org', api_opts($srv, ['from' => 'a@example.com'])));
$srv2 = smtp_test_server(['starttls' => true, 'require_tls' => true]);
api_show(smtp_test_send('to@example.org', api_opts($srv2, ['from' => 'a@example.com'])));
?>
--EXPECTF--
shape ok
ok: false
stage: 'mail'
code: 530
enhanced: '5.7.0'
error: 'SMTP MAIL FROM <a@example.com> refused: 530 5.7.0 Authentication required'
hint: 'The server accepts mail only after a login: set smtp.username and smtp.password.'
shape ok
ok: false
stage: 'mail'
code: 530
enhanced: '5.7.0'
error: 'SMTP MAIL FROM <a@example.com> refused: 530 5.7.0 Must issue a STARTTLS command first'
hint: 'The server accepts mail only over TLS: set smtp.encryption=tls (or auto).'
