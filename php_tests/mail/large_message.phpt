--TEST--
mail(): a 4 MB message with long lines and leading dots arrives byte for byte
--DESCRIPTION--
About 4 MB of 990-character lines, every tenth starting with a dot, delivered intact.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.timeout' => 30]);
$lines = [];
for ($i = 0; $i < 4200; $i++) {
    $lines[] = ($i % 10 === 0 ? '.' : '') . str_pad((string)$i, 990, chr(97 + $i % 26));
}
$body = implode("\n", $lines);
var_dump(mail('to@example.org', 'large', $body));
$m = smtp_test_messages($srv)[0];
[, $got] = smtp_test_split($m['data']);
var_dump($m['envelope']['accepted'], $got === implode("\r\n", $lines) . "\r\n", $m['envelope']['bare_lf']);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
int(0)
