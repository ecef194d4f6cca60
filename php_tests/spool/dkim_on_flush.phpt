--TEST--
A spooled message is DKIM-signed when it is delivered from the spool, once, and verifies
--DESCRIPTION--
The first attempt meets MAIL 451 and the message is queued; smtp_spool_flush() delivers it to a
second server. The delivered copy carries exactly one DKIM-Signature (the delivering process's key,
before the header section) and python3-dkim verifies it.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; require __DIR__ . '/../dkim/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
require __DIR__ . '/../dkim/dkim.inc';
$keys = dkim_test_keys();
dkim_test_use([$keys['rsa']]);
$sp = spool_test_dir();
$t = smtp_test_slow() ? 10 : 3;
$srv = smtp_test_server(['faults' => ['mail=451 4.3.0 Try later']]);
smtp_test_ini($srv, ['smtp.timeout' => $t, 'smtp.persistent' => 0, 'smtp.spool_dir' => $sp['dir']]);
var_dump(mail('to@example.org', 'dkim spool', "body\nline two\n"));
var_dump(smtp_last_error()['queued']);
$srv2 = smtp_test_server([]);
smtp_test_ini($srv2, ['smtp.timeout' => $t, 'smtp.persistent' => 0, 'smtp.spool_dir' => $sp['dir']]);
$f = smtp_spool_flush(0, true);
var_dump($f['delivered'], $f['remaining']);
$m = smtp_test_messages($srv2);
var_dump(count($m));
var_dump(count(smtp_test_header($m[0]['data'], 'DKIM-Signature')));
var_dump(str_starts_with($m[0]['data'], 'DKIM-Signature:'));
$v = dkim_test_verify($m[0]['data'], [$keys['rsa']]);
var_dump(count($v), $v[0]['verified'], $v[0]['a']);
?>
--EXPECT--
bool(true)
bool(true)
int(1)
int(0)
int(1)
int(1)
bool(true)
int(1)
bool(true)
string(10) "rsa-sha256"
