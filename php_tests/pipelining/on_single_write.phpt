--TEST--
PIPELINING advertised: MAIL, every RCPT and DATA leave in one write
--DESCRIPTION--
The server counts the separate reads that carried the command phase of the message: with PIPELINING it must
be one (MAIL + 3 RCPT + DATA together), and the message text follows in few large writes.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('a@example.org, b@example.org', 'pipelined', str_repeat("a line of text\n", 2000), 'Cc: c@example.org'));
$e = smtp_test_messages($srv)[0]['envelope'];
echo implode(' ', $e['commands']), "\n";
var_dump($e['client_writes'], $e['pipelined']);
// 30 KB of 15-byte lines: never one write per line
var_dump($e['data_reads'] < 20);
var_dump(smtp_test_connections($srv, 1)[0]['violations']);
?>
--EXPECT--
bool(true)
MAIL RCPT RCPT RCPT DATA
int(1)
bool(true)
bool(true)
array(0) {
}
