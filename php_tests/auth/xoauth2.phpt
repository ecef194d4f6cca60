--TEST--
smtp.auth=xoauth2 sends the password as the OAuth bearer token
--DESCRIPTION--
The server accepts XOAUTH2 with user=alice and the token from smtp.password.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'XOAUTH2', 'require_auth' => true,
    'users' => ['alice' => 'ya29.token-value']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'],
    'smtp.username' => 'alice', 'smtp.password' => 'ya29.token-value', 'smtp.auth' => 'xoauth2']);
var_dump(mail('to@example.org', 'xoauth2', 'b'));
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['auth_user'], $e['auth_mech']);
?>
--EXPECT--
bool(true)
string(5) "alice"
string(7) "XOAUTH2"
