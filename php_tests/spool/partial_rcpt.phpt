--TEST--
Recipients refused for now while others accepted: true, only the refused ones are spooled, and later delivered
--DESCRIPTION--
RCPT 450 for one of three, 550 for another: mail() true with a warning for the 550 only; the entry holds the 450 recipient alone.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$sp = spool_test_dir();
$srv = smtp_test_server(['faults' => ['rcpt:b@example.org=450 4.2.1 Busy', 'rcpt:c@example.org=550 5.1.1 Unknown']]);
smtp_test_ini($srv, ['smtp.persistent' => 0]);
$w = smtp_test_warnings(fn() => mail('a@example.org, b@example.org, c@example.org', 'partial', 'b'), $r);
var_dump($r);
echo implode("\n", $w), "\n";
$e = smtp_last_error();
var_dump($e['ok'], $e['queued']);
$m = spool_test_read($sp['dir'] . '/new/' . $e['spool_id']);
var_dump($m['rcpt']);
smtp_test_stop($srv);
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.persistent' => 0]);
var_dump(smtp_spool_flush(0, true)['delivered']);
var_dump(spool_test_accepted($srv)[0]['envelope']['rcpt_to']);
?>
--EXPECT--
bool(true)
mail(): SMTP RCPT TO <c@example.org> refused: 550 5.1.1 Unknown
bool(true)
bool(true)
array(1) {
  [0]=>
  string(13) "b@example.org"
}
int(1)
array(1) {
  [0]=>
  string(13) "b@example.org"
}
