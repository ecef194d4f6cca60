--TEST--
Gmail 534-5.7.9 Application-specific password required: hint to create an App Password
--DESCRIPTION--
The server answers AUTH with Gmail's multi-line 534 reply (2-Step Verification on, account password used).
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN LOGIN', 'users' => ['alice' => 'secret'],
    'faults' => ['auth=534-5.7.9 Application-specific password required. For more information, go to\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor d2sm123 - gsmtp']]);
$r = smtp_check(api_opts($srv, ['encryption' => 'tls', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
var_dump($r['auth'], $r['message'], $r['tls']['verified']);
?>
--EXPECTF--
shape ok
ok: false
stage: 'auth'
code: 534
enhanced: '5.7.9'
error: 'SMTP AUTH PLAIN refused: 534 5.7.9 Application-specific password required. For more information, go to https://support.google.com/mail/?p=InvalidSecondFactor d2sm123 - gsmtp'
hint: 'Google requires an app password for this account (2-Step Verification is on): create one under Google Account > Security > 2-Step Verification > App passwords and use it as smtp.password, with the full Gmail address as smtp.username.'
string(5) "PLAIN"
string(138) "Application-specific password required. For more information, go to https://support.google.com/mail/?p=InvalidSecondFactor d2sm123 - gsmtp"
bool(true)
