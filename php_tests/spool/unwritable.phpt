--TEST--
A spool that cannot be written: mail() false with a warning quoting both failures, never true and lost
--DESCRIPTION--
smtp.spool_dir below a regular file cannot be created (root or not).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$sp = spool_test_dir();
file_put_contents($sp['base'] . '/file', 'x');
ini_set('smtp.spool_dir', $sp['base'] . '/file/spool');
ini_set('smtp.host', '127.0.0.1:' . smtp_test_closed_port());
ini_set('smtp.encryption', 'none');
ini_set('smtp.from', 'sender@example.com');
$w = smtp_test_warnings(fn() => mail('to@example.org', 's', 'b'), $r);
var_dump($r);
echo implode("\n", $w), "\n";
$e = smtp_last_error();
var_dump($e['ok'], $e['stage'], isset($e['queued']));
$l = spool_test_log($sp);
var_dump(count($l), $l[0]['result']);
?>
--EXPECTF--
bool(false)
mail(): SMTP connect to 127.0.0.1:%d failed: Connection refused; the message could not be spooled for a later attempt: %s/file/spool: Not a directory
bool(false)
string(7) "connect"
bool(false)
int(1)
string(6) "failed"
