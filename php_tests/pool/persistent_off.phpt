--TEST--
Pool: smtp.persistent=0 opens and closes a connection for every mail(), as before; smtp_stats() still counts
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.persistent' => '0']);
for ($i = 0; $i < 5; $i++) {
    mail('to@example.org', "m$i", 'b');
}
echo implode(' ', pool_conns($srv)), "\n";
echo pool_stats('connections_opened', 'connections_reused', 'messages', 'idle', 'persistent'), "\n";
echo count(smtp_test_connections($srv, 5)), " connections ended, each with QUIT: ",
    count(array_filter(smtp_test_connections($srv, 5), fn($c) => $c['quit'])), "\n";
?>
--EXPECT--
5 5
connections_opened=5 connections_reused=0 messages=5 idle=0 persistent=false
5 connections ended, each with QUIT: 5
