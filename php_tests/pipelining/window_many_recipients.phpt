--TEST--
PIPELINING with 250 recipients: the commands go in windows of 100, each window's replies read before the next is written
--DESCRIPTION--
RFC 2920 3.1: a client that writes without reading can deadlock with a server that stops reading while it
cannot write its replies. MAIL + 99 RCPT, then 100 RCPT, then 51 RCPT + DATA: three writes, every recipient
delivered once; a recipient refused in the second window is reported while the others are accepted.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['rcpt:r150@example.org=550 5.1.1 No such user']]);
smtp_test_ini($srv, ['smtp.persistent' => '0']); // the connection's record is read below: it must end
$rcpts = [];
for ($i = 1; $i <= 250; $i++) $rcpts[] = "r$i@example.org";
$w = smtp_test_warnings(fn() => mail('r1@example.org', 'many', "body\n", ['Bcc' => implode(', ', array_slice($rcpts, 1))]), $ok);
var_dump($ok);
echo implode("\n", $w), "\n";
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump(count($e['rcpt_to']), in_array('r150@example.org', $e['rcpt_to'], true), in_array('r250@example.org', $e['rcpt_to'], true));
var_dump($e['client_writes'], $e['pipelined']);
$r = smtp_last_error()['recipients'];
var_dump(count($r), $r['r150@example.org']['code'], $r['r151@example.org']['code']);
var_dump(smtp_test_connections($srv, 1)[0]['violations']);
?>
--EXPECTF--
bool(true)
mail(): SMTP RCPT TO <r150@example.org> refused: 550 5.1.1 No such user
int(249)
bool(false)
bool(true)
int(3)
bool(true)
int(250)
int(550)
int(250)
array(0) {
}
