--TEST--
smtp.password=env:NAME: the secret read from the environment authenticates
--DESCRIPTION--
The password comes from an environment variable; the server accepts it.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
putenv('SMTP_TEST_SECRET=from-the-env');
$srv = smtp_test_server(['auth' => 'PLAIN', 'require_auth' => true, 'users' => ['alice' => 'from-the-env']]);
smtp_test_ini($srv, ['smtp.username' => 'alice', 'smtp.password' => 'env:SMTP_TEST_SECRET']);
var_dump(mail('to@example.org', 'env', 'b'));
var_dump(smtp_test_messages($srv)[0]['envelope']['auth_user']);
?>
--EXPECT--
bool(true)
string(5) "alice"
