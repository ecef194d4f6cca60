--TEST--
Connection refused with a spool: mail() true, queued durably (0600 entry in a 0700 directory), later delivered once
--DESCRIPTION--
smtp.spool_dir is created when missing; smtp_last_error() says queued and why; the entry holds the envelope and the message as it would be sent, Message-ID included, and no setting; the flush delivers it once and empties the spool.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$sp = spool_test_dir();
$port = smtp_test_closed_port();
ini_set('smtp.host', "127.0.0.1:$port");
ini_set('smtp.encryption', 'none');
ini_set('smtp.from', 'sender@example.com');
ini_set('smtp.username', 'alice');
ini_set('smtp.password', 'hunter2-secret');
ini_set('smtp.allow_insecure_auth', '1');
var_dump(mail('to@example.org', 'queued', "line one\nline two"));
$e = smtp_last_error();
var_dump($e['ok'], $e['queued'], $e['stage'], $e['maybe_sent'], str_contains($e['error'], 'refused'));
printf("%o %o\n", fileperms($sp['dir']) & 0777, fileperms($sp['dir'] . '/new') & 0777);
$ents = spool_test_entries($sp);
var_dump($ents['new'] === [$e['spool_id']]);
$path = $sp['dir'] . '/new/' . $e['spool_id'];
printf("%o\n", fileperms($path) & 0777);
$m = spool_test_read($path);
var_dump(str_starts_with($m['header'], 'SMTPSPOOL 1 '), $m['from'], $m['rcpt'], $m['attempts'], $m['maybe_sent']);
var_dump(preg_match('/^Message-ID: <[^>]+>\r$/m', $m['message']) === 1, $m['message_id'] !== '');
var_dump(str_ends_with($m['message'], "\r\nline one\r\nline two\r\n"));
$raw = file_get_contents($path);
var_dump(str_contains($raw, 'hunter2'), str_contains($raw, 'alice'), str_contains($raw, base64_encode("\0alice\0hunter2-secret")));
$st = smtp_spool_status();
var_dump($st['count'], $st['next_attempt'] >= time() + 25 && $st['next_attempt'] <= time() + 61);

$srv = smtp_test_server();
smtp_test_ini($srv);
ini_set('smtp.username', '');
var_dump(smtp_spool_flush(0, true));
$got = spool_test_accepted($srv);
var_dump(count($got), $got[0]['envelope']['rcpt_to'], str_contains($got[0]['data'], $m['message_id']));
var_dump($got[0]['data'] === $m['message']);
var_dump(spool_test_entries($sp)['new'], smtp_spool_status()['count']);
var_dump(smtp_spool_flush(0, true)['delivered']);
var_dump(count(spool_test_accepted($srv)));
?>
--EXPECT--
bool(true)
bool(false)
bool(true)
string(7) "connect"
bool(false)
bool(true)
700 700
bool(true)
600
bool(true)
string(18) "sender@example.com"
array(1) {
  [0]=>
  string(14) "to@example.org"
}
string(1) "1"
string(1) "0"
bool(true)
bool(true)
bool(true)
bool(false)
bool(false)
bool(false)
int(1)
bool(true)
array(6) {
  ["delivered"]=>
  int(1)
  ["failed"]=>
  int(0)
  ["deferred"]=>
  int(0)
  ["expired"]=>
  int(0)
  ["corrupt"]=>
  int(0)
  ["remaining"]=>
  int(0)
}
int(1)
array(1) {
  [0]=>
  string(14) "to@example.org"
}
bool(true)
bool(true)
array(0) {
}
int(0)
int(0)
int(1)
