--TEST--
smtp.deferred=1 without smtp.spool_dir: a warning, and the message is sent at once
--DESCRIPTION--
The warning names both settings; mail() still delivers.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
ini_set('smtp.deferred', '1');
var_dump(mail('to@example.org', 'now', 'b'));
var_dump(count(smtp_test_messages($srv)));
?>
--EXPECTF--
Warning: mail(): smtp.deferred=1 needs smtp.spool_dir: the message is sent now in %s on line %d
bool(true)
int(1)
