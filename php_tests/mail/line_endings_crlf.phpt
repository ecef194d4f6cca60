--TEST--
mail(): LF, CRLF and bare CR line ends all become CRLF; no bare CR or LF reaches the server
--DESCRIPTION--
Headers separated by LF and a body mixing LF, CRLF and a bare CR: the server (which refuses any bare CR or
LF in DATA) accepts the message and every line ends in CRLF.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'line ends', "a\nb\r\nc\rd\n\ne", "X-A: 1\nX-B: 2"));
$m = smtp_test_messages($srv);
$e = $m[0]['envelope'];
var_dump($e['accepted'], $e['bare_lf'], $e['bare_cr']);
[$headers, $body] = smtp_test_split($m[0]['data']);
echo json_encode(smtp_test_header($m[0]['data'], 'X-A')), json_encode(smtp_test_header($m[0]['data'], 'X-B')), "\n";
// every CR is followed by LF and every LF preceded by CR
var_dump(preg_match('/\r(?!\n)|(?<!\r)\n/', $m[0]['data']));
var_dump(str_starts_with($body, "a\r\nb\r\nc"), str_ends_with($body, "d\r\n\r\ne\r\n"));
?>
--EXPECT--
bool(true)
bool(true)
int(0)
int(0)
["1"]["2"]
int(0)
bool(true)
bool(true)
