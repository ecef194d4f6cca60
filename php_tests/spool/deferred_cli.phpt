--TEST--
smtp.deferred=1 (CLI): mail() returns at once against a server that greets after 2 s; the message goes at the end of the script, once
--DESCRIPTION--
A child PHP process sends 3 messages with smtp.deferred=1 and measures each mail(); the server waits 2 s before its greeting. The messages arrive when the script ends, each once.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$sp = spool_test_dir();
$srv = smtp_test_server(['faults' => ['delay=greeting:2'], 'idle_exit' => 600]); /* the child may start slowly */
smtp_test_ini($srv, ['smtp.timeout' => 20]);
ini_set('smtp.deferred', '1');
$code = '$max = 0; for ($i = 0; $i < 3; $i++) { $t = microtime(true); $r = mail("to$i@example.org", "deferred $i", "b");'
	. ' $max = max($max, microtime(true) - $t); var_dump($r); } var_dump(smtp_last_error());'
	. ' echo $max < (getenv("SMTP_TEST_SLOW") ? 10 : 0.5) ? "fast\n" : "slow: $max\n"; echo count(glob(ini_get("smtp.spool_dir") . "/new/*")), " spooled\n";';
if (smtp_test_slow()) {
	putenv('SMTP_TEST_SLOW=1'); /* under valgrind: the bound is 10 s (valgrind runs the child 20-50 times slower) */
}
echo spool_test_children([$code], spool_test_child_ini())[0];
$got = spool_test_accepted($srv);
var_dump(count($got));
$subjects = array_map(fn($m) => preg_match('/^Subject: (.*)\r$/m', $m['data'], $mm) ? $mm[1] : '', $got);
sort($subjects);
echo implode(', ', $subjects), "\n";
var_dump(smtp_spool_status()['count']);
$log = spool_test_log($sp);
echo count($log), ' ', implode(' ', array_map(fn($l) => $l['result'], $log)), "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
NULL
fast
3 spooled
int(3)
deferred 0, deferred 1, deferred 2
int(0)
3 sent sent sent
