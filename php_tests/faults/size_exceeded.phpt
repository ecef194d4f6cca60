--TEST--
A message larger than the server's SIZE limit is not delivered: false with a warning, stage mail or data
--DESCRIPTION--
The server advertises SIZE 2000; a 12 KB message is not delivered: either the client sees the limit and does
not send it (RFC 1870), or the server refuses it with 552. mail() returns false with a warning naming the
size limit, stage mail or data.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['size' => 2000]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'too big', str_repeat("0123456789\n", 1000)));
$e = smtp_last_error();
var_dump(in_array($e['stage'], ['mail', 'data'], true));
var_dump($e['code'] === 552 || ($e['code'] === null && str_contains($e['error'], 'SIZE 2000')));
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
?>
--EXPECTF--
Warning: mail(): SMTP %s in %s on line %d
bool(false)
bool(true)
bool(true)
int(0)
