--TEST--
Nothing listens on the port: false quickly, stage connect, a hint about ports
--DESCRIPTION--
A closed port on 127.0.0.1 is refused at once; smtp_last_error() has stage connect and a hint.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$port = smtp_test_closed_port();
ini_set('smtp.host', "127.0.0.1:$port");
ini_set('smtp.from', 'sender@example.com');
ini_set('smtp.encryption', 'none');
ini_set('smtp.timeout', '5');
$t = microtime(true);
var_dump(mail('to@example.org', 'closed', 'b'));
var_dump(microtime(true) - $t < 3.0);
$e = smtp_last_error();
var_dump($e['stage'], $e['port'] === $port, is_string($e['hint']) && $e['hint'] !== '');
?>
--EXPECTF--
Warning: mail(): SMTP connect %s in %s on line %d
bool(false)
bool(true)
string(7) "connect"
bool(true)
bool(true)
