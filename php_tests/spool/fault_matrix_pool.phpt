--TEST--
Fault matrix, pooled connections with a spool: the server closed the idle connection (EOF or 421), or answered 421 (or closed) at MAIL on the reused one — each message delivered once, at once; with the server gone too, queued and delivered once by the flush
--DESCRIPTION--
smtp.persistent=1 and smtp.spool_dir set. The first mail() is delivered and its connection kept. Then the
fault hits the kept connection, and the second mail() must not be lost, queued needlessly or sent twice:
- the server closed the idle connection (after its --conn-timeout; without or with a 421 first): the pool
  sees it before use and opens a new connection;
- the server answers the reused connection's MAIL FROM with 421 and closes, or closes without a reply:
  nothing was accepted, so the engine sends once more on a new connection (smtp_stats() 'retries');
- the kept connection is gone and the server is down too (refused): there is no new connection to
  retry on, the message is queued (stage connect), and a forced flush against a server that is up again
  delivers it once.
For each: mail()'s return, the warnings, smtp_last_error() (stage, queued, maybe_sent), the spool's
count and files, the log's results, and the subjects the servers received (each once).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
/* name => [server options, seconds to stay idle before the second mail(), stop the server before it] */
$cases = [
	'idle closed' => [['conn_timeout' => 0.5], 0.9, false],
	'idle 421' => [['conn_timeout' => 0.5, 'faults' => ['idle-421']], 0.9, false],
	'421 at reused MAIL' => [['faults' => ['421-at-mail=2']], 0, false],
	'closed at reused MAIL' => [['faults' => ['close-at-mail=2']], 0, false],
	'idle closed, server down' => [[], 0, true],
];
foreach ($cases as $name => [$opts, $idle, $down]) {
	$sp = spool_test_dir();
	$srv = smtp_test_server($opts);
	smtp_test_ini($srv);
	ini_set('smtp.persistent', '1');
	$before = smtp_stats();
	$w1 = smtp_test_warnings(fn() => mail('a@example.org', "$name 1", 'b'), $r1);
	if ($idle > 0) {
		usleep((int)($idle * 1e6));
	}
	if ($down) {
		smtp_test_stop($srv); /* closes the kept connection and the port */
	}
	$w2 = smtp_test_warnings(fn() => mail('a@example.org', "$name 2", 'b'), $r2);
	$e = smtp_last_error();
	$st = smtp_stats();
	$status = smtp_spool_status();
	$files = spool_test_entries($sp);
	$first = $down ? [] : smtp_test_messages($srv);
	if (!$down) {
		smtp_test_stop($srv);
	}
	$good = smtp_test_server();
	smtp_test_ini($good);
	$f = smtp_spool_flush(0, true);
	$later = spool_test_accepted($good);
	smtp_test_stop($good);
	$subjects = fn($msgs) => implode(',', array_map(fn($m) => smtp_test_header($m['data'], 'Subject')[0],
		array_values(array_filter($msgs, fn($m) => $m['envelope']['accepted'])))) ?: '-';
	printf("%s: mail=%s,%s w=%d stage=%s queued=%s maybe=%s spooled=%d new=%d tmp=%d retries=%d\n", $name,
		var_export($r1, true), var_export($r2, true), count($w1) + count($w2), $e === null ? '-' : $e['stage'],
		var_export($e['queued'] ?? false, true), var_export($e['maybe_sent'] ?? false, true), $status['count'],
		count($files['new']), count($files['tmp']), $st['retries'] - $before['retries']);
	printf("  first server: %s; flush: delivered=%d remaining=%d, later server: %s; log: %s\n", $subjects($first),
		$f['delivered'], $f['remaining'], $subjects($later),
		implode(',', array_map(fn($l) => $l['result'] . ($l['reused'] ? '(reused)' : ''), spool_test_log($sp))));
	if ($e !== null) {
		echo '  ', $e['error'], "\n";
	}
	ini_set('smtp.persistent', '0');
}
?>
--EXPECTF--
idle closed: mail=true,true w=0 stage=- queued=false maybe=false spooled=0 new=0 tmp=0 retries=0
  first server: idle closed 1,idle closed 2; flush: delivered=0 remaining=0, later server: -; log: sent,sent
idle 421: mail=true,true w=0 stage=- queued=false maybe=false spooled=0 new=0 tmp=0 retries=0
  first server: idle 421 1,idle 421 2; flush: delivered=0 remaining=0, later server: -; log: sent,sent
421 at reused MAIL: mail=true,true w=0 stage=- queued=false maybe=false spooled=0 new=0 tmp=0 retries=1
  first server: 421 at reused MAIL 1,421 at reused MAIL 2; flush: delivered=0 remaining=0, later server: -; log: sent,sent
closed at reused MAIL: mail=true,true w=0 stage=- queued=false maybe=false spooled=0 new=0 tmp=0 retries=1
  first server: closed at reused MAIL 1,closed at reused MAIL 2; flush: delivered=0 remaining=0, later server: -; log: sent,sent
idle closed, server down: mail=true,true w=0 stage=connect queued=true maybe=false spooled=1 new=1 tmp=0 retries=0
  first server: -; flush: delivered=1 remaining=0, later server: idle closed, server down 2; log: sent,queued,sent
  SMTP connect to 127.0.0.1:%d failed: Connection refused
