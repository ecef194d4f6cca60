--TEST--
A claim left by a crashed worker is taken back and delivered; a fresh claim of a live worker is left alone
--DESCRIPTION--
The entry is renamed into cur/ as a worker would claim it: with the current time it is not touched; with a time a day old it goes back into new/ and is delivered once.
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
mail('to@example.org', 'claimed', 'b');
$id = smtp_last_error()['spool_id'];
$fresh = $sp['dir'] . "/cur/$id.424242." . time();
rename($sp['dir'] . "/new/$id", $fresh);
$srv = smtp_test_server();
smtp_test_ini($srv);
$r = smtp_spool_flush(0, true);
var_dump($r['delivered'], $r['remaining'], smtp_spool_status()['claimed']);
rename($fresh, $sp['dir'] . "/cur/$id.424242." . (time() - 86400));
$r = smtp_spool_flush(0, true);
var_dump($r['delivered'], $r['remaining'], count(spool_test_accepted($srv)), spool_test_entries($sp)['cur']);
?>
--EXPECT--
int(0)
int(1)
int(1)
int(1)
int(0)
int(1)
array(0) {
}
