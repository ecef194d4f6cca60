--TEST--
Gmail's "535 5.7.8 Username and Password not accepted" gives a hint about app passwords
--DESCRIPTION--
The server answers AUTH with Gmail's words; smtp_last_error() has stage auth, code 535 and a hint that
names an app password.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'LOGIN PLAIN', 'users' => ['alice' => 'secret'],
    'faults' => ['auth=535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'],
    'smtp.username' => 'alice', 'smtp.password' => 'secret']);
var_dump(mail('to@example.org', 'gmail', 'b'));
$e = smtp_last_error();
var_dump($e['stage'], $e['code'], $e['enhanced']);
var_dump(stripos((string)$e['hint'], 'app password') !== false);
?>
--EXPECTF--
Warning: mail(): SMTP AUTH %s refused: 535 5.7.8 Username and Password not accepted%s in %s on line %d
bool(false)
string(4) "auth"
int(535)
string(5) "5.7.8"
bool(true)
