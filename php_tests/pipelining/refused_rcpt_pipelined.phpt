--TEST--
PIPELINING with one refused recipient among several: replies matched in order, message delivered once
--DESCRIPTION--
The second of three RCPTs is refused inside the pipelined group; the extension must attribute each reply to
the right recipient (warning for the second only) and still send the message once.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['rcpt:two@example.org=550 5.1.1 No such user']]);
smtp_test_ini($srv);
var_dump(mail('one@example.org, two@example.org, three@example.org', 'pipelined partial', 'b'));
$m = smtp_test_messages($srv);
var_dump(count($m), $m[0]['envelope']['client_writes']);
echo implode(',', $m[0]['envelope']['rcpt_to']), "\n";
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO <two@example.org> refused: 550 5.1.1 No such user in %s on line %d
bool(true)
int(1)
int(1)
one@example.org,three@example.org
