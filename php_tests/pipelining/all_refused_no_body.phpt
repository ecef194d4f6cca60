--TEST--
PIPELINING with every recipient refused: the server's 554 to DATA is honoured, no message text is sent
--DESCRIPTION--
DATA leaves in the same write as the refused RCPTs; the server answers it with 554. The client must not
send the message text (which the server would read as commands).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['rcpt=550 5.1.1 No such user']]);
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('one@example.org, two@example.org', 'nobody', "MAIL FROM:<x@example.net>\nbody"));
var_dump(smtp_last_error()['stage']);
var_dump(count(smtp_test_messages($srv)));
$c = smtp_test_connections($srv, 1)[0];
echo implode(' ', $c['commands']), "\n";
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO %s in %s on line %d
bool(false)
string(4) "rcpt"
int(0)
EHLO MAIL RCPT RCPT DATA %s
