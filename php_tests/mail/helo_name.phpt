--TEST--
mail(): smtp.helo is the EHLO name; without it a fully qualified host name, or the address literal of our end when the machine has none
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
// RFC 5321 4.1.4: a domain with a dot, or an address literal (this connection is from 127.0.0.1)
$h = $m[1]['envelope']['helo'];
var_dump($h === '[127.0.0.1]' || (bool)preg_match('/^[A-Za-z0-9]([A-Za-z0-9-]*\.)+[A-Za-z0-9-]*[A-Za-z0-9]$/', $h));
?>
--EXPECT--
bool(true)
bool(true)
EHLO mailer.client.example
EHLO
bool(true)
