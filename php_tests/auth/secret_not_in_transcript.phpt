--TEST--
After a successful AUTH and a later refusal, smtp_last_error()['transcript'] masks the AUTH exchange
--DESCRIPTION--
AUTH LOGIN succeeds, then the recipient is refused: the transcript shows the exchange with ******** and
contains neither the user name's nor the password's base64 form, nor the password.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['auth' => 'LOGIN', 'users' => ['alice' => 'TopSecret42'],
    'faults' => ['rcpt=550 5.1.1 User unknown']]);
smtp_test_ini($srv, ['smtp.username' => 'alice', 'smtp.password' => 'TopSecret42', 'smtp.auth' => 'login']);
var_dump(@mail('to@example.org', 'mask', 'b'));
$e = smtp_last_error();
var_dump($e['stage'], $e['auth']);
$t = $e['transcript'];
var_dump(str_contains($t, 'AUTH LOGIN'), str_contains($t, '********'));
var_dump(str_contains($t, 'TopSecret42'), str_contains($t, base64_encode('TopSecret42')), str_contains($t, base64_encode('alice')));
?>
--EXPECT--
bool(false)
string(4) "rcpt"
string(5) "LOGIN"
bool(true)
bool(true)
bool(false)
bool(false)
bool(false)
