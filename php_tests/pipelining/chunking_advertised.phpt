--TEST--
CHUNKING advertised: the message is delivered byte for byte (DATA or BDAT) in one command write
--DESCRIPTION--
A server that offers CHUNKING alongside PIPELINING must still receive the exact message, whatever the
client uses; leading dots are not stuffed inside BDAT and are un-stuffed after DATA.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['chunking' => true]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'chunking', "first\n.dot\nlast"));
$m = smtp_test_messages($srv)[0];
[, $body] = smtp_test_split($m['data']);
var_dump($m['envelope']['accepted']);
echo json_encode($body), "\n";
var_dump($m['envelope']['client_writes']);
?>
--EXPECT--
bool(true)
bool(true)
"first\r\n.dot\r\nlast\r\n"
int(1)
