--TEST--
Microsoft 365 550 5.7.30 Basic authentication is not supported for Client Submission: hint for OAuth
--DESCRIPTION--
Exchange Online refuses basic AUTH for client submission; the hint says SMTP AUTH with a password is off and OAuth (smtp.auth=xoauth2) is needed.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'LOGIN', 'users' => ['alice' => 'secret'],
    'faults' => ['auth=550 5.7.30 Basic authentication is not supported for Client Submission. Visit https://aka.ms/smtp_auth_disabled for more information.']]);
$r = smtp_test_send('to@example.org', api_opts($srv, ['encryption' => 'tls', 'from' => 'a@example.com', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
?>
--EXPECTF--
shape ok
ok: false
stage: 'auth'
code: 550
enhanced: '5.7.30'
error: 'SMTP AUTH LOGIN refused: 550 5.7.30 Basic authentication is not supported for Client Submission. Visit https://aka.ms/smtp_auth_disabled for more information.'
hint: 'Microsoft 365 no longer accepts a password (basic authentication) for SMTP submission from this mailbox: use OAuth (smtp.auth=xoauth2 with smtp.oauth_provider=microsoft, see docs/providers.md), or have an administrator enable Authenticated SMTP for the mailbox if the organisation still allows it.'
