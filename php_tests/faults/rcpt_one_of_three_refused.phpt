--TEST--
One of three recipients refused: true, a warning naming it with the server's reply, details in smtp_last_error()
--DESCRIPTION--
The message is delivered to the two accepted recipients; mail() returns true with an E_WARNING for the
refused one, and smtp_last_error() (a partly failed mail) lists every recipient's reply.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['rcpt:bad@example.org=550 5.1.1 User unknown']]);
smtp_test_ini($srv);
var_dump(mail('good@example.org, bad@example.org', 'partial', 'b', 'Cc: other@example.org'));
$e = smtp_last_error();
var_dump($e['ok']);
foreach ($e['recipients'] as $addr => $r) {
    echo $addr, ' ', $r['code'], ' ', $r['enhanced'], "\n";
}
$m = smtp_test_messages($srv);
var_dump(count($m), $m[0]['envelope']['accepted']);
echo implode(',', $m[0]['envelope']['rcpt_to']), "\n";
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO <bad@example.org> refused: 550 5.1.1 User unknown in %s on line %d
bool(true)
bool(true)
good@example.org 250 2.1.5
bad@example.org 550 5.1.1
other@example.org 250 2.1.5
int(1)
bool(true)
good@example.org,other@example.org
