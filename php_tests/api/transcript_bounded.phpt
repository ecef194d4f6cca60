--TEST--
The transcript of a result is bounded (64 KiB) and ends with "[transcript truncated]"
--DESCRIPTION--
smtp_test_send() to 700 recipients with long addresses (a 55 KB To: line): the transaction's C:/S: lines would exceed 150 KB;
the transcript stops at the bound with one truncation line, and every recipient still has its result.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server([]);
$to = [];
for ($i = 0; $i < 700; $i++) {
    $to[] = sprintf('recipient-%04d-%s@example.org', $i, str_repeat('x', 50));
}
$r = smtp_test_send(implode(', ', $to), api_opts($srv, ['from' => 'a@example.com', 'timeout' => smtp_test_slow() ? 60 : 20]));
api_check_shape($r);
var_dump($r['ok'], $r['stage'], count($r['recipients']));
$len = strlen($r['transcript']);
var_dump($len > 60000 && $len <= 64 * 1024 + strlen("[transcript truncated]\n"));
var_dump(str_ends_with($r['transcript'], "\n[transcript truncated]\n"), substr_count($r['transcript'], '[transcript truncated]'));
var_dump(str_starts_with($r['transcript'], '*: connected to 127.0.0.1'));
$m = smtp_test_messages($srv);
var_dump(count($m[0]['envelope']['rcpt_to']));
?>
--EXPECT--
shape ok
bool(true)
string(4) "done"
int(700)
bool(true)
bool(true)
int(1)
bool(true)
int(700)
