--TEST--
AUTH over an unencrypted link is allowed to a loopback host with smtp.encryption=none
--DESCRIPTION--
The brief allows AUTH without TLS when the host is loopback; 127.0.0.1 without STARTTLS authenticates.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['auth' => 'PLAIN', 'require_auth' => true, 'users' => ['alice' => 'secret']]);
smtp_test_ini($srv, ['smtp.encryption' => 'none', 'smtp.username' => 'alice', 'smtp.password' => 'secret']);
var_dump(mail('to@example.org', 'loopback', 'b'));
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['tls'], $e['auth_user']);
?>
--EXPECT--
bool(true)
bool(false)
string(5) "alice"
