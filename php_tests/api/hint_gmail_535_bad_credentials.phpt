--TEST--
Gmail 535-5.7.8 Username and Password not accepted: hint for an app password and 2-Step Verification
--DESCRIPTION--
Gmail's 535 reply to AUTH LOGIN; smtp_test_send() reports it at stage auth and sends nothing.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'LOGIN', 'users' => ['alice' => 'secret'],
    'faults' => ['auth=535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials d2sm123 - gsmtp']]);
$r = smtp_test_send('to@example.org', api_opts($srv, ['encryption' => 'tls', 'from' => 'a@example.com', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
var_dump($r['auth'], $r['recipients'], count(smtp_test_messages($srv)));
?>
--EXPECTF--
shape ok
ok: false
stage: 'auth'
code: 535
enhanced: '5.7.8'
error: 'SMTP AUTH LOGIN refused: 535 5.7.8 Username and Password not accepted. For more information, go to https://support.google.com/mail/?p=BadCredentials d2sm123 - gsmtp'
hint: 'Gmail did not accept the user name or password: set smtp.username to the full Gmail address and smtp.password to an app password (turn on 2-Step Verification, then Google Account > Security > App passwords); the account\'s normal password does not work here.'
string(5) "LOGIN"
array(0) {
}
int(0)
