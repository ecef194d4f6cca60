--TEST--
Endless 250- continuation lines after EHLO are cut off by the reply size bound
--DESCRIPTION--
The server streams 250- lines (up to 10 MB); the extension stops reading at its bound, stage ehlo, quickly.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['endless-continuation']]);
smtp_test_ini($srv, ['smtp.timeout' => 1]);
$t = microtime(true);
var_dump(mail('to@example.org', 'hostile', 'b'));
$elapsed = microtime(true) - $t;
var_dump($elapsed < 3.0);
$e = smtp_last_error();
var_dump($e['ok'], $e['stage']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP EHLO %s in %s on line %d
bool(false)
bool(true)
bool(false)
string(4) "ehlo"
int(0)
