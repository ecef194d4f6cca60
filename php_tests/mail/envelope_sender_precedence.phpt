--TEST--
mail(): envelope sender from -f, then a sendmail_from set at runtime (before smtp.from), then the From: header
--DESCRIPTION--
Four messages, each with one source fewer: MAIL FROM follows the brief's order of precedence.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.from' => 'ini-from@example.com']);
ini_set('sendmail_from', 'sendmail-from@example.com');
$h = 'From: Header Person <header-from@example.com>';
var_dump(mail('to@example.org', 's1', 'b', $h, '-fparam@example.com'));
var_dump(mail('to@example.org', 's2', 'b', $h, '-f other-param@example.com'));
var_dump(mail('to@example.org', 's3', 'b', $h));
ini_set('smtp.from', '');
var_dump(mail('to@example.org', 's4', 'b', $h));
ini_set('sendmail_from', '');
var_dump(mail('to@example.org', 's5', 'b', $h));
foreach (smtp_test_messages($srv) as $m) {
    echo $m['envelope']['mail_from'], "\n";
}
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
param@example.com
other-param@example.com
sendmail-from@example.com
sendmail-from@example.com
header-from@example.com
