--TEST--
mail() with no -f, no smtp.from, no sendmail_from and no From: header fails before connecting, saying what to set
--EXTENSIONS--
smtp
--INI--
smtp.host=127.0.0.1:1
sendmail_from=
--FILE--
<?php
var_dump(mail('a@example.org', 's', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage']);
?>
--EXPECTF--
Warning: mail(): %s in %s on line %d
bool(false)
bool(false)
string(4) "mail"
