--TEST--
smtp.password env:/file: sources that cannot be resolved: mail() fails before connecting, naming the source, never a secret
--EXTENSIONS--
smtp
--INI--
smtp.host=127.0.0.1:1
smtp.username=user@example.com
smtp.from=site@example.com
--FILE--
<?php
putenv('SMTP_EMPTY_PW=');
ini_set('smtp.password', 'env:SMTP_NO_SUCH_VARIABLE');
var_dump(mail('to@example.org', 'subject', 'body'));
var_dump(smtp_last_error()['stage']);
ini_set('smtp.password', 'file:/nonexistent/smtp-password');
var_dump(mail('to@example.org', 'subject', 'body'));
$f = tempnam(sys_get_temp_dir(), 'pw');
file_put_contents($f, "\nsecond-line-is-not-used\n");
ini_set('smtp.password', "file:$f");
var_dump(mail('to@example.org', 'subject', 'body'));
var_dump(str_contains(print_r(smtp_last_error(), true), 'second-line'));
unlink($f);
?>
--EXPECTF--
Warning: mail(): smtp.password refers to the environment variable SMTP_NO_SUCH_VARIABLE, which is not set or empty in %s on line %d
bool(false)
string(4) "auth"

Warning: mail(): smtp.password refers to the file /nonexistent/smtp-password, which cannot be read: No such file or directory in %s on line %d
bool(false)

Warning: mail(): smtp.password: the first line of %s is empty in %s on line %d
bool(false)
bool(false)
