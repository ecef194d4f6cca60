--TEST--
mail(): Date and Message-ID are added when missing, a fresh Message-ID for every message
--DESCRIPTION--
Two messages without Date: or Message-ID: each arrive with exactly one valid Date and one Message-ID,
and the two Message-IDs differ.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'one', 'Body'));
var_dump(mail('to@example.org', 'two', 'Body'));
$ids = [];
foreach (smtp_test_messages($srv) as $m) {
    $d = smtp_test_header($m['data'], 'Date');
    $i = smtp_test_header($m['data'], 'Message-ID');
    var_dump(count($d), count($i));
    var_dump(strtotime($d[0]) !== false && abs(strtotime($d[0]) - time()) < 600);
    var_dump((bool)preg_match('/^<[^<>@\s]+@[^<>@\s]+>$/', $i[0]));
    $ids[] = $i[0];
}
var_dump($ids[0] !== $ids[1]);
?>
--EXPECT--
bool(true)
bool(true)
int(1)
int(1)
bool(true)
bool(true)
int(1)
int(1)
bool(true)
bool(true)
bool(true)
