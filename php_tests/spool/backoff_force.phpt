--TEST--
Backoff: a queued entry waits (30-60 s, then 60-120 s after a second failure); flush() leaves it, flush(force) takes it
--DESCRIPTION--
The first flush finds nothing due; a forced flush to a host still refusing defers it with attempt 2; a forced flush to a working server delivers it once.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$sp = spool_test_dir();
ini_set('smtp.host', '127.0.0.1:' . smtp_test_closed_port());
ini_set('smtp.encryption', 'none');
ini_set('smtp.from', 'sender@example.com');
$t = time();
var_dump(mail('to@example.org', 'backoff', 'b'));
$st = smtp_spool_status();
var_dump($st['next_attempt'] >= $t + 30 && $st['next_attempt'] <= time() + 60);
$r = smtp_spool_flush();
var_dump($r['delivered'] + $r['deferred'] + $r['failed'], $r['remaining']);
$r = smtp_spool_flush(0, true);
var_dump($r['deferred']);
$st = smtp_spool_status();
var_dump($st['next_attempt'] >= time() + 59 && $st['next_attempt'] <= time() + 120);
$m = spool_test_read($sp['dir'] . '/new/' . spool_test_entries($sp)['new'][0]);
var_dump($m['attempts'], str_contains($m['error'], 'Connection refused'));
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(smtp_spool_flush()['delivered']);
var_dump(smtp_spool_flush(1, true)['delivered'], count(spool_test_accepted($srv)));
$attempts = array_map(fn($l) => $l['attempt'] . ':' . $l['result'], spool_test_log($sp));
echo implode(' ', $attempts), "\n";
?>
--EXPECT--
bool(true)
bool(true)
int(0)
int(1)
int(1)
bool(true)
string(1) "2"
bool(true)
int(0)
int(1)
int(1)
1:queued 2:queued 3:sent
