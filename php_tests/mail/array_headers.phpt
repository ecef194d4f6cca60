--TEST--
mail(): headers given as an array are sent, and their Cc: adds envelope recipients
--DESCRIPTION--
The array form of the fourth argument (with a list value for a repeated header) is delivered as stock
mail() builds it.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'array headers', 'b', [
    'From' => 'Sender <sender@example.com>',
    'Cc' => 'cc@example.org',
    'X-Multi' => ['one', 'two'],
]));
$m = smtp_test_messages($srv)[0];
echo implode(',', $m['envelope']['rcpt_to']), "\n";
echo json_encode(smtp_test_header($m['data'], 'From')), json_encode(smtp_test_header($m['data'], 'X-Multi')), "\n";
?>
--EXPECT--
bool(true)
to@example.org,cc@example.org
["Sender <sender@example.com>"]["one","two"]
