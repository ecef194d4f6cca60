--TEST--
A 535 from another server: hint to check smtp.username and smtp.password (no Gmail or Microsoft advice)
--DESCRIPTION--
The wrong password against the test server (its own 535 5.7.8 Authentication credentials invalid), and Postfix's wording.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret']]);
$r = smtp_check(api_opts($srv, ['encryption' => 'tls', 'username' => 'alice', 'password' => 'wrong']));
api_show($r);
smtp_test_stop($srv);
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret'],
    'faults' => ['auth=535 5.7.8 Error: authentication failed: authentication failure']]);
$r = smtp_check(api_opts($srv, ['encryption' => 'tls', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
?>
--EXPECTF--
shape ok
ok: false
stage: 'auth'
code: 535
enhanced: '5.7.8'
error: 'SMTP AUTH PLAIN refused: 535 5.7.8 Authentication credentials invalid'
hint: 'The server refused the user name or password: check smtp.username (often the full e-mail address) and smtp.password; many providers require an app password or an API key instead of the account password.'
shape ok
ok: false
stage: 'auth'
code: 535
enhanced: '5.7.8'
error: 'SMTP AUTH PLAIN refused: 535 5.7.8 Error: authentication failed: authentication failure'
hint: 'The server refused the user name or password: check smtp.username (often the full e-mail address) and smtp.password; many providers require an app password or an API key instead of the account password.'
