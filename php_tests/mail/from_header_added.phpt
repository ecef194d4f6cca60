--TEST--
mail(): a message without From: gets one from smtp.from and smtp.from_name
--DESCRIPTION--
smtp.from is the envelope sender and, with smtp.from_name as display name, the From: header of a message
that has none. A message that has a From: keeps it.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.from' => 'noreply@example.com', 'smtp.from_name' => 'Example Site']);
var_dump(mail('to@example.org', 'no from', 'b'));
var_dump(mail('to@example.org', 'own from', 'b', 'From: Own <own@example.com>'));
$m = smtp_test_messages($srv);
$from0 = smtp_test_header($m[0]['data'], 'From');
var_dump(count($from0), (bool)preg_match('/^"?Example Site"? <noreply@example\.com>$/', $from0[0]));
echo json_encode(smtp_test_header($m[1]['data'], 'From')), "\n";
echo $m[0]['envelope']['mail_from'], ' ', $m[1]['envelope']['mail_from'], "\n";
?>
--EXPECT--
bool(true)
bool(true)
int(1)
bool(true)
["Own <own@example.com>"]
noreply@example.com noreply@example.com
