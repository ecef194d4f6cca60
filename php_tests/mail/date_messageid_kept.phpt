--TEST--
mail(): a Date and Message-ID given by the caller are kept unchanged and not duplicated
--DESCRIPTION--
Headers that carry Date: and Message-ID: (in any letter case) arrive exactly once with the caller's values.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'kept', 'Body',
    "date: Tue, 1 Jan 2030 10:00:00 +0100\r\nMESSAGE-ID: <fixed.1@caller.example>"));
$d = smtp_test_messages($srv)[0]['data'];
echo json_encode(smtp_test_header($d, 'Date')), "\n", json_encode(smtp_test_header($d, 'Message-ID')), "\n";
?>
--EXPECT--
bool(true)
["Tue, 1 Jan 2030 10:00:00 +0100"]
["<fixed.1@caller.example>"]
