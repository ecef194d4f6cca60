--TEST--
smtp.spool_max_age: an entry older than it is dropped at the next flush, with a warning and a log line
--DESCRIPTION--
smtp.spool_max_age=1; the entry is two seconds old when the queue is flushed.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$sp = spool_test_dir();
ini_set('smtp.spool_max_age', '1');
ini_set('smtp.host', '127.0.0.1:' . smtp_test_closed_port());
ini_set('smtp.encryption', 'none');
ini_set('smtp.from', 'sender@example.com');
var_dump(mail('to@example.org', 'old', 'b'));
sleep(2);
$srv = smtp_test_server();
smtp_test_ini($srv);
$w = smtp_test_warnings(fn() => smtp_spool_flush(), $r);
var_dump($r['expired'], $r['delivered'], $r['remaining']);
echo implode("\n", $w), "\n";
var_dump(count(spool_test_accepted($srv)));
$l = spool_test_log($sp)[1];
echo $l['result'], ' ', $l['stage'], ' ', $l['error'], "\n";
?>
--EXPECTF--
bool(true)
int(1)
int(0)
int(0)
smtp_spool_flush(): spooled message %s <%s>: dropped from the spool after %d s (smtp.spool_max_age 1), 1 attempts: SMTP connect to %s failed: Connection refused
int(0)
failed spool dropped from the spool after %d s (smtp.spool_max_age 1), 1 attempts: SMTP connect to %s failed: Connection refused
