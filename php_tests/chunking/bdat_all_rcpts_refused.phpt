--TEST--
CHUNKING with PIPELINING, every recipient refused: the server's answer to BDAT ends the chunk, RSET keeps the connection
--DESCRIPTION--
The BDAT chunk left in the same write as the refused RCPTs, so the server has read it and answers it with
an error; the failure reported is the recipients' refusal, and RSET ends the transaction cleanly.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['chunking' => true, 'faults' => ['rcpt=550 5.1.1 No such user']]);
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
var_dump(mail('one@example.org, two@example.org', 'nobody', "body"));
$e = smtp_last_error();
var_dump($e['stage'], $e['code'], $e['enhanced']);
echo $e['error'], "\n";
var_dump(count(array_filter(smtp_test_messages($srv), fn($m) => $m['envelope']['accepted'])));
$c = smtp_test_connections($srv, 1)[0];
echo implode(' ', $c['commands']), "\n";
var_dump($c['violations']);
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO refused for all 2 recipients, <one@example.org> first: 550 5.1.1 No such user in %s on line %d
bool(false)
string(4) "rcpt"
int(550)
string(5) "5.1.1"
SMTP RCPT TO refused for all 2 recipients, <one@example.org> first: 550 5.1.1 No such user
int(0)
EHLO MAIL RCPT RCPT BDAT RSET QUIT
array(0) {
}
