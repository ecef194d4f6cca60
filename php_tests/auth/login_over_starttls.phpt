--TEST--
smtp.auth=login: AUTH LOGIN after STARTTLS authenticates the submission
--DESCRIPTION--
The server offers AUTH (PLAIN LOGIN CRAM-MD5) only under TLS and requires it for MAIL; the extension forced
to LOGIN authenticates as alice and the message is delivered with auth_user alice.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN LOGIN CRAM-MD5', 'auth_requires_tls' => true,
    'require_auth' => true, 'users' => ['alice' => 'S3cret pass!']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1,
    'smtp.username' => 'alice', 'smtp.password' => 'S3cret pass!', 'smtp.auth' => 'login']);
var_dump(mail('to@example.org', 'auth login', 'b'));
var_dump(smtp_last_error());
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['tls'], $e['auth_user'], $e['auth_mech']);
?>
--EXPECT--
bool(true)
NULL
bool(true)
string(5) "alice"
string(5) "LOGIN"
