--TEST--
Two PHP processes flush the same spool at once: every entry is delivered exactly once
--DESCRIPTION--
30 messages are queued (connection refused); then two processes run smtp_spool_flush(0, true) at the same time against a working server. The server receives each Message-ID once, and the two processes' counts add up to 30.
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
for ($i = 0; $i < 30; $i++) {
	mail("to$i@example.org", "n$i", "body $i") || print("mail $i false\n");
}
var_dump(smtp_spool_status()['count']);
$srv = smtp_test_server(['idle_exit' => 600]); /* the children may start slowly (valgrind) */
smtp_test_ini($srv, ['smtp.persistent' => 0]);
$code = 'echo json_encode(smtp_spool_flush(0, true));';
$out = spool_test_children([$code, $code], spool_test_child_ini());
$sum = 0;
foreach ($out as $o) {
	$r = json_decode($o, true);
	if (!is_array($r)) {
		echo "child said: $o\n";
		continue;
	}
	$sum += $r['delivered'];
}
var_dump($sum);
$ids = [];
foreach (spool_test_accepted($srv) as $m) {
	preg_match('/^Message-ID: (\S+)/mi', $m['data'], $mm);
	$ids[] = $mm[1];
}
var_dump(count($ids), count(array_unique($ids)), smtp_spool_status()['count']);
?>
--EXPECT--
int(30)
int(30)
int(30)
int(30)
int(0)
