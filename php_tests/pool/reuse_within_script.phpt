--TEST--
Pool: 30 mail() calls in one script use one connection; every message arrives; smtp_stats() counts it
--DESCRIPTION--
smtp.persistent=1 (the default): the session stays open after a mail() and the next one with the same
settings sends its MAIL FROM at once, no connection, greeting, EHLO or AUTH. Every message still
arrives whole; smtp_stats() says 1 opened, 29 reused.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['chunking' => true]);
smtp_test_ini($srv);
$ok = 0;
for ($i = 0; $i < 30; $i++) {
    $ok += mail("to$i@example.org", "message $i", "body $i") ? 1 : 0;
}
var_dump($ok);
$st = smtp_stats();
var_dump($st['connections_opened'], $st['connections_reused'], $st['messages'], $st['recipients'], $st['idle']);
var_dump($st['bytes'] > 30 * 100, $st['round_trips']);
$msgs = smtp_test_messages($srv);
var_dump(count($msgs), count(array_unique(array_map(fn($m) => $m['envelope']['conn'], $msgs))));
var_dump(count(array_filter($msgs, fn($m) => str_ends_with($m['data'], "body " . substr($m['envelope']['rcpt_to'][0], 2, -12) . "\r\n"))));
var_dump(smtp_last_error());
?>
--EXPECT--
int(30)
int(1)
int(29)
int(30)
int(30)
int(1)
bool(true)
int(32)
int(30)
int(1)
int(30)
NULL
