--TEST--
The line lost after the message went out, before the final reply: queued as maybe sent, same Message-ID later
--DESCRIPTION--
close-after=DOT: the server closes the connection when the message is complete, without a reply. mail() returns true; smtp_last_error() and the log line say maybe_sent; the entry keeps the flag and the Message-ID; the later delivery carries the same Message-ID and its log line is marked too.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$sp = spool_test_dir();
$srv = smtp_test_server(['faults' => ['close-after=DOT']]);
smtp_test_ini($srv, ['smtp.persistent' => 0]);
var_dump(mail('to@example.org', 'maybe', 'b'));
$e = smtp_last_error();
var_dump($e['queued'], $e['maybe_sent'], $e['stage']);
$m = spool_test_read($sp['dir'] . '/new/' . $e['spool_id']);
var_dump($m['maybe_sent']);
$l = spool_test_log($sp)[0];
var_dump($l['result'], $l['maybe_sent'], $l['message_id'] === $m['message_id']);
smtp_test_stop($srv);
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.persistent' => 0]);
var_dump(smtp_spool_flush(0, true)['delivered']);
$got = spool_test_accepted($srv);
var_dump(count($got), str_contains($got[0]['data'], 'Message-ID: ' . $m['message_id'] . "\r\n"));
$l = spool_test_log($sp)[1];
var_dump($l['result'], $l['maybe_sent'], $l['attempt']);
// the flag is the lost line's, not every failure's: a 451 after the data is a clear answer
smtp_test_stop($srv);
$srv = smtp_test_server(['faults' => ['dot=451 4.3.0 Later']]);
smtp_test_ini($srv, ['smtp.persistent' => 0]);
mail('to@example.org', 'clear', 'b');
var_dump(smtp_last_error()['maybe_sent']);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
string(4) "data"
string(1) "1"
string(6) "queued"
bool(true)
bool(true)
int(1)
int(1)
bool(true)
string(4) "sent"
bool(true)
int(2)
bool(false)
