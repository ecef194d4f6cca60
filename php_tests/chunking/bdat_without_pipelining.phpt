--TEST--
CHUNKING without PIPELINING: MAIL, RCPT one at a time, then BDAT n LAST with the message
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['chunking' => true, 'pipelining' => false]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'serial', "a\r\n.b\r\nc\n"));
$m = smtp_test_messages($srv)[0];
[, $body] = smtp_test_split($m['data']);
var_dump($m['envelope']['accepted'], $m['envelope']['chunks'] === [strlen($m['data'])]);
echo json_encode($body), "\n";
var_dump($m['envelope']['violations']);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
"a\r\n.b\r\nc\r\n\r\n"
array(0) {
}
