--TEST--
mail(): smtp.force_from=1 rewrites the From: header to smtp.from / smtp.from_name
--DESCRIPTION--
A message with its own From: arrives with exactly one From:, the configured one, and the configured
envelope sender.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.from' => 'site@example.com', 'smtp.from_name' => 'The Site', 'smtp.force_from' => 1]);
var_dump(mail('to@example.org', 'forced', 'b', "From: Someone Else <someone@example.net>\r\nReply-To: someone@example.net"));
$m = smtp_test_messages($srv)[0];
$from = smtp_test_header($m['data'], 'From');
var_dump(count($from), (bool)preg_match('/^"?The Site"? <site@example\.com>$/', $from[0]));
echo json_encode(smtp_test_header($m['data'], 'Reply-To')), "\n";
echo $m['envelope']['mail_from'], "\n";
?>
--EXPECT--
bool(true)
int(1)
bool(true)
["someone@example.net"]
site@example.com
