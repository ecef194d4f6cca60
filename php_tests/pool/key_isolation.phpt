--TEST--
Pool: a connection opened under some settings is never used under others; going back reuses the first
--DESCRIPTION--
The key is everything that identifies a session (hosts, port, encryption, user, a hash of the secret,
auth, EHLO name, verify_peer, cafile): changing smtp.helo at runtime selects another key, so the next
mail() opens a new connection that says the new name; setting it back finds the first one idle.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.helo' => 'one.example']);
mail('to@example.org', 'a', 'b');
ini_set('smtp.helo', 'two.example');
mail('to@example.org', 'b', 'b');
ini_set('smtp.helo', 'one.example');
mail('to@example.org', 'c', 'b');
$msgs = smtp_test_messages($srv);
foreach ($msgs as $m) {
    echo $m['envelope']['conn'], ' ', $m['envelope']['helo'], "\n";
}
echo pool_stats('connections_opened', 'connections_reused', 'idle'), "\n";
?>
--EXPECT--
1 one.example
2 two.example
1 one.example
connections_opened=2 connections_reused=1 idle=2
