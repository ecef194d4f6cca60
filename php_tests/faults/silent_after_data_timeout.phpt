--TEST--
A server that stops answering at DATA: bounded by smtp.timeout=1, stage data
--DESCRIPTION--
MAIL and RCPT are answered, DATA never is; mail() returns false in under 3 s.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['silent-after=DATA']]);
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
Warning: mail(): SMTP DATA %s in %s on line %d
bool(false)
bool(true)
bool(false)
string(4) "data"
int(0)
