--TEST--
mail(): smtp.helo is the EHLO name; without it the EHLO name is a non-empty host name
--DESCRIPTION--
The server records the EHLO argument of each connection.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.helo' => 'mailer.client.example']);
var_dump(mail('to@example.org', 'helo', 'b'));
ini_set('smtp.helo', '');
var_dump(mail('to@example.org', 'helo', 'b'));
$m = smtp_test_messages($srv);
echo $m[0]['envelope']['helo_verb'], ' ', $m[0]['envelope']['helo'], "\n";
echo $m[1]['envelope']['helo_verb'], "\n";
var_dump((bool)preg_match('/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/', $m[1]['envelope']['helo']));
?>
--EXPECT--
bool(true)
bool(true)
EHLO mailer.client.example
EHLO
bool(true)
