--TEST--
CHUNKING with PIPELINING: MAIL, RCPT, BDAT n LAST and the message leave in one write; bytes arrive unstuffed
--DESCRIPTION--
RFC 3030: with CHUNKING offered the message goes as one BDAT chunk of exactly its size, marked LAST.
No dot-stuffing inside BDAT, every line ending CRLF. With PIPELINING the whole transaction is one
client write and one round trip.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['chunking' => true]);
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('to@example.org, cc@example.org', 'chunking', "first\n.dot line\n..two dots\nlast"));
$m = smtp_test_messages($srv)[0];
[, $body] = smtp_test_split($m['data']);
var_dump($m['envelope']['accepted']);
echo json_encode($body), "\n";
var_dump($m['envelope']['chunks'] === [strlen($m['data'])]);
var_dump($m['envelope']['client_writes']);
var_dump($m['envelope']['bare_lf'], $m['envelope']['bare_cr']);
$c = smtp_test_connections($srv, 1)[0];
echo implode(' ', $c['commands']), "\n";

/* the same through smtp_test_send(): the transcript names the chunk */
$r = smtp_test_send('to@example.org', ['from' => 'sender@example.com']);
var_dump($r['ok']);
var_dump((bool)preg_match('/^C: BDAT \d+ LAST$/m', $r['transcript']));
var_dump(str_contains($r['transcript'], "C: DATA\n"));
?>
--EXPECT--
bool(true)
bool(true)
"first\r\n.dot line\r\n..two dots\r\nlast\r\n"
bool(true)
int(1)
int(0)
int(0)
EHLO MAIL RCPT RCPT BDAT QUIT
bool(true)
bool(true)
bool(false)
