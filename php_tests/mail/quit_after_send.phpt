--TEST--
mail(): one connection per message with exactly EHLO, MAIL, RCPT, DATA and QUIT
--DESCRIPTION--
The client ends the session with QUIT (not by dropping the connection) and sends no stray commands.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('to@example.org', 'quit', 'b'));
$c = smtp_test_connections($srv, 1)[0];
echo implode(' ', $c['commands']), "\n";
var_dump($c['quit'], $c['closed_by'], $c['violations']);
?>
--EXPECT--
bool(true)
EHLO MAIL RCPT DATA QUIT
bool(true)
string(11) "client-quit"
array(0) {
}
