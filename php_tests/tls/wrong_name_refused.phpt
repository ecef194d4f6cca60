--TEST--
STARTTLS: a certificate from the trusted CA but for another host name is refused
--DESCRIPTION--
The server presents a certificate for wrong.example.net signed by the test CA; connecting to 127.0.0.1
with verification on fails at the tls stage and nothing is sent.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'cert' => 'wrongname']);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'wrong name', 'b'));
$e = smtp_last_error();
var_dump($e['stage'], is_string($e['hint']) && $e['hint'] !== '');
var_dump(count(smtp_test_messages($srv)));
?>
--EXPECTF--
Warning: mail(): SMTP STARTTLS %s in %s on line %d
bool(false)
string(3) "tls"
bool(true)
int(0)
