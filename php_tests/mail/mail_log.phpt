--TEST--
mail(): mail.log receives a line for a mail() sent over SMTP, as with stock mail()
--DESCRIPTION--
mail.log set to a file: after mail() the file has stock mail()'s line, e.g.
"[date] mail() on [/path/mail_log.php:6]: To: to@example.org -- Headers:  -- Subject: logged".
--EXTENSIONS--
smtp
--INI--
mail.log={PWD}/mail_log.maillog.out
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$log = ini_get('mail.log');   // PHP_INI_SYSTEM|PHP_INI_PERDIR: ini_set() cannot change it
@unlink($log);
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'logged', 'b'));
$text = file_get_contents($log);
unlink($log);
var_dump(str_contains($text, 'mail() on ['), str_contains($text, 'mail_log.php:'));
var_dump(str_contains($text, 'To: to@example.org'), str_contains($text, '-- Subject: logged'));
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
