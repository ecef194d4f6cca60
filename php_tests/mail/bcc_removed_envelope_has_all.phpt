--TEST--
mail(): Cc and Bcc addresses are envelope recipients, the Bcc header is not transmitted
--DESCRIPTION--
To plus Cc: and Bcc: headers (display names with commas, several addresses) all become RCPT TO; the Bcc:
line is absent from the delivered message while Cc: arrives unchanged; duplicates are sent once.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'Recipients', 'Body',
    "Cc: \"Carl, the copy\" <cc@example.org>, dd@example.org\r\n" .
    "Bcc: Hidden <bcc@example.org>,\r\n \"Doe, John\" <john@example.org>, to@example.org"));
$m = smtp_test_messages($srv);
$rcpts = $m[0]['envelope']['rcpt_to'];
sort($rcpts);
echo implode("\n", $rcpts), "\n";
echo json_encode(smtp_test_header($m[0]['data'], 'Bcc')), "\n";
echo json_encode(smtp_test_header($m[0]['data'], 'Cc')), "\n";
var_dump(strpos($m[0]['data'], 'bcc@example.org'), strpos($m[0]['data'], 'john@example.org'));
?>
--EXPECT--
bool(true)
bcc@example.org
cc@example.org
dd@example.org
john@example.org
to@example.org
[]
["\"Carl, the copy\" <cc@example.org>, dd@example.org"]
bool(false)
bool(false)
