--TEST--
A torn or damaged entry is never delivered: set aside in bad/, counted corrupt, warned and logged
--DESCRIPTION--
One entry is cut short (a torn write), one has a changed byte in its body; a third, intact, is delivered.
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
$ids = [];
foreach (['torn', 'flipped', 'intact'] as $s) {
	mail('to@example.org', $s, "body of $s");
	$ids[$s] = smtp_last_error()['spool_id'];
}
$torn = $sp['dir'] . '/new/' . $ids['torn'];
$raw = file_get_contents($torn);
file_put_contents($torn, substr($raw, 0, strlen($raw) - 7));
$fl = $sp['dir'] . '/new/' . $ids['flipped'];
file_put_contents($fl, str_replace('body of flipped', 'body of flipPed', file_get_contents($fl)));
$srv = smtp_test_server();
smtp_test_ini($srv);
$w = smtp_test_warnings(fn() => smtp_spool_flush(0, true), $r);
var_dump($r['delivered'], $r['corrupt'], $r['remaining']);
echo implode("\n", $w), "\n";
$got = spool_test_accepted($srv);
var_dump(count($got), str_contains($got[0]['data'], 'body of intact'));
$e = spool_test_entries($sp);
sort($e['bad']);
$want = [$ids['torn'], $ids['flipped']];
sort($want);
var_dump($e['bad'] === $want, $e['new'], smtp_spool_status()['corrupt']);
foreach (spool_test_log($sp) as $l) {
	if ($l['stage'] === 'spool') {
		echo $l['result'], ' ', $l['error'], "\n";
	}
}
?>
--EXPECTF--
int(1)
int(2)
int(0)
smtp_spool_flush(): spooled message %s: the entry is truncated (a torn write)
smtp_spool_flush(): spooled message %s: the entry's checksum does not match its content (damaged)
smtp_spool_flush(): SMTP spool: 2 damaged entries set aside in %s/bad (never delivered)
int(1)
bool(true)
bool(true)
array(0) {
}
int(2)
failed the entry is truncated (a torn write)
failed the entry's checksum does not match its content (damaged)
