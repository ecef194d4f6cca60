--TEST--
EHLO refused with 502: the extension falls back to HELO and delivers
--DESCRIPTION--
An old server without ESMTP: HELO is sent after the 502 and the message arrives (helo_verb HELO).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['ehlo=502 5.5.2 Not implemented']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'helo', 'b'));
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['accepted'], $e['helo_verb'], $e['helo']);
?>
--EXPECT--
bool(true)
bool(true)
string(4) "HELO"
string(11) "client.test"
