--TEST--
Pool: smtp.max_messages, smtp.max_connection_age and smtp.idle_timeout end a kept connection
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
/* 7 messages, 3 per connection: 3 connections */
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.max_messages' => '3']);
for ($i = 0; $i < 7; $i++) {
    mail('to@example.org', "m$i", 'b');
}
echo 'max_messages: ', implode(' ', pool_conns($srv)), "\n";
smtp_test_stop($srv);

/* older than 1 s when it comes back: a new one */
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.max_connection_age' => '1', 'smtp.idle_timeout' => '0']);
mail('to@example.org', 'a', 'b');
usleep(1200000);
mail('to@example.org', 'b', 'b');
mail('to@example.org', 'c', 'b');
echo 'max_connection_age: ', implode(' ', pool_conns($srv)), "\n";
smtp_test_stop($srv);

/* idle longer than 1 s: closed, a new one */
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.idle_timeout' => '1']);
mail('to@example.org', 'a', 'b');
mail('to@example.org', 'b', 'b');
usleep(1200000);
mail('to@example.org', 'c', 'b');
echo 'idle_timeout: ', implode(' ', pool_conns($srv)), "\n";
$c = smtp_test_connections($srv, 1)[0];
echo 'the idle one ended with QUIT: ', var_export($c['quit'], true), "\n";
var_dump(ini_set('smtp.max_messages', '0'), ini_get('smtp.max_messages'));
?>
--EXPECTF--
max_messages: 7 3
max_connection_age: 3 2
idle_timeout: 3 2
the idle one ended with QUIT: true

Warning: ini_set(): smtp.max_messages must be a whole number from 1 to 1000000, "0" given in %s on line %d
bool(false)
string(1) "3"
