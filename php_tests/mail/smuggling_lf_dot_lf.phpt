--TEST--
mail(): a body that tries SMTP smuggling with LF.LF and CR.CR stays one message
--DESCRIPTION--
The body contains "\n.\n", "\r.\r" and "\r\n.\n" followed by SMTP commands. The extension must normalise and
dot-stuff them, so the server receives exactly one message whose text includes the would-be commands,
and sees no command but the client's own.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
$evil = "Hello\n.\nMAIL FROM:<evil@example.net>\nRCPT TO:<victim@example.org>\nDATA\nsmuggled 1\n"
      . "\r.\rMAIL FROM:<evil@example.net>\rsmuggled 2\r\n.\nQUIT\nend";
var_dump(mail('to@example.org', 'smuggling', $evil));
$m = smtp_test_messages($srv);
var_dump(count($m), $m[0]['envelope']['accepted'], $m[0]['envelope']['bare_lf'], $m[0]['envelope']['bare_cr']);
var_dump($m[0]['envelope']['rcpt_to']);
var_dump(substr_count($m[0]['data'], 'MAIL FROM:<evil@example.net>'));
echo implode(' ', smtp_test_connections($srv, 1)[0]['commands']), "\n";
?>
--EXPECT--
bool(true)
int(1)
bool(true)
int(0)
int(0)
array(1) {
  [0]=>
  string(14) "to@example.org"
}
int(2)
EHLO MAIL RCPT DATA QUIT
