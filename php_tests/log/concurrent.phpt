--TEST--
smtp.log: 4 processes x 25 mail() append to one file at once: 100 whole lines, each valid JSON
--DESCRIPTION--
Each line is one write() on an O_APPEND descriptor: lines never interleave.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../spool/spool.inc';
$sp = spool_test_dir();
ini_set('smtp.spool_dir', '');
$srv = smtp_test_server(['idle_exit' => 600]); /* the children may start slowly (valgrind) */
smtp_test_ini($srv);
$code = 'for ($i = 0; $i < 25; $i++) { mail("to$i@example.org", "s", str_repeat("x", 100)) || print("false\n"); }';
$out = spool_test_children([$code, $code, $code, $code], spool_test_child_ini());
echo implode('', $out);
$raw = file_get_contents($sp['log']);
var_dump(substr_count($raw, "\n"), str_ends_with($raw, "}\n"));
$ok = 0;
foreach (explode("\n", rtrim($raw, "\n")) as $line) {
	$j = json_decode($line, true);
	$ok += is_array($j) && $j['result'] === 'sent';
}
var_dump($ok);
printf("%o\n", fileperms($sp['log']) & 0777);
?>
--EXPECT--
int(100)
bool(true)
int(100)
600
