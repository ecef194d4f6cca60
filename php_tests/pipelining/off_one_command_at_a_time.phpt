--TEST--
PIPELINING not advertised: each command waits for its reply
--DESCRIPTION--
Without PIPELINING the client must not send a command before the previous reply arrived: the command phase
takes one write per command (MAIL, 3 RCPT, DATA) and the server notes no pipelining violation.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['pipelining' => false]);
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('a@example.org, b@example.org', 'not pipelined', 'b', 'Cc: c@example.org'));
$e = smtp_test_messages($srv)[0]['envelope'];
echo implode(' ', $e['commands']), "\n";
var_dump($e['client_writes'], $e['pipelined']);
var_dump(smtp_test_connections($srv, 1)[0]['violations']);
?>
--EXPECT--
bool(true)
MAIL RCPT RCPT RCPT DATA
int(5)
bool(false)
array(0) {
}
