--TEST--
smtp.password=file:/path: the first line of the file authenticates
--DESCRIPTION--
The password file has the secret on its first line (with a newline) and more lines after it.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$f = tempnam(sys_get_temp_dir(), 'smtp-pw');
file_put_contents($f, "from-a-file\nsecond line\n");
$srv = smtp_test_server(['auth' => 'LOGIN', 'require_auth' => true, 'users' => ['alice' => 'from-a-file']]);
smtp_test_ini($srv, ['smtp.username' => 'alice', 'smtp.password' => "file:$f"]);
var_dump(mail('to@example.org', 'file', 'b'));
unlink($f);
var_dump(smtp_test_messages($srv)[0]['envelope']['auth_user']);
?>
--EXPECT--
bool(true)
string(5) "alice"
