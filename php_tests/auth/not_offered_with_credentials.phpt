--TEST--
Credentials set but the server offers no AUTH: false at the auth stage, the message is not sent unauthenticated
--DESCRIPTION--
Sending without the configured authentication would hide a misconfiguration; the extension stops at the
auth stage and says so.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.encryption' => 'none', 'smtp.username' => 'alice', 'smtp.password' => 'secret']);
var_dump(mail('to@example.org', 'no auth offered', 'b'));
var_dump(smtp_last_error()['stage']);
var_dump(count(smtp_test_messages($srv)));
?>
--EXPECTF--
Warning: mail(): SMTP AUTH %s in %s on line %d
bool(false)
string(4) "auth"
int(0)
