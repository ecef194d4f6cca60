--TEST--
EHLO and the HELO fallback both refused: false, stage ehlo
--DESCRIPTION--
EHLO gets 502 and HELO 550; nothing more can be done.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['ehlo=502 5.5.2 Not implemented', 'helo=550 5.7.1 Not you']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'fault', 'b'));
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced']);
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP HELO %s refused: 550 5.7.1 Not you in %s on line %d
bool(false)
bool(false)
string(4) "ehlo"
int(550)
string(5) "5.7.1"
int(0)
