--TEST--
mail(): lines that start with a dot are dot-stuffed on the wire and arrive un-stuffed
--DESCRIPTION--
A body with a lone ".", "..", ".leading" and a final "." line: the server sees them stuffed (a lone "."
never ends the data early) and the delivered message has the original lines.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('to@example.org', 'dots', "first\n.\n..\n.leading\nend\n."));
$m = smtp_test_messages($srv);
var_dump(count($m), $m[0]['envelope']['accepted']);
[, $body] = smtp_test_split($m[0]['data']);
echo json_encode($body), "\n";
$t = smtp_test_transcript($srv);
foreach (['#1 C: ..', '#1 C: ...', '#1 C: ..leading'] as $line) {
    var_dump(preg_match('/^' . preg_quote($line, '/') . '$/m', $t) === 1);
}
// the commands the server saw: nothing of the body was taken for a command
echo implode(' ', smtp_test_connections($srv, 1)[0]['commands']), "\n";
?>
--EXPECT--
bool(true)
int(1)
bool(true)
"first\r\n.\r\n..\r\n.leading\r\nend\r\n.\r\n"
bool(true)
bool(true)
bool(true)
EHLO MAIL RCPT DATA QUIT
