--TEST--
No failover after the session is established: a MAIL FROM refusal is final, the second host gets nothing
--DESCRIPTION--
Failover applies to connect, TLS and greeting failures only; a refusal of the sender is the answer.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$first = smtp_test_server(['faults' => ['mail=550 5.7.1 Sender rejected']]);
$second = smtp_test_server();
smtp_test_ini($first, ['smtp.host' => "127.0.0.1:{$first['port']}, 127.0.0.1:{$second['port']}"]);
var_dump(mail('to@example.org', 'no failover', 'b'));
var_dump(smtp_last_error()['stage']);
var_dump(count(smtp_test_messages($second)), count(smtp_test_connections($second)));
?>
--EXPECTF--
Warning: mail(): SMTP MAIL FROM <sender@example.com> refused: 550 5.7.1 Sender rejected in %s on line %d
bool(false)
string(4) "mail"
int(0)
int(0)
