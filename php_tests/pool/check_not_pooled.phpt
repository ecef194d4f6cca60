--TEST--
Pool: smtp_check() and smtp_test_send() always open a connection of their own (a check must really connect)
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
mail('to@example.org', 'kept', 'b');
$r = smtp_check();
var_dump($r['ok'], str_contains($r['transcript'], "S: 220 "));
$r = smtp_test_send('to@example.org', ['from' => 'sender@example.com']);
var_dump($r['ok'], str_contains($r['transcript'], "C: EHLO"));
mail('to@example.org', 'kept again', 'b');
echo pool_stats('connections_opened', 'connections_reused', 'idle', 'messages'), "\n";
$msgs = smtp_test_messages($srv);
echo implode(' ', array_map(fn($m) => $m['envelope']['conn'], $msgs)), "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
connections_opened=3 connections_reused=1 idle=1 messages=3
1 3 1
