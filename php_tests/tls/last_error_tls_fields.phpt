--TEST--
smtp_last_error() after a refusal under STARTTLS describes the TLS session
--DESCRIPTION--
A recipient refused after a verified STARTTLS: the result array has encryption "tls" and a tls entry
with protocol, cipher, peer subject and verified=true, plus the capabilities of the second EHLO.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'faults' => ['rcpt=550 5.1.1 User unknown']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'tls fields', 'b'));
$e = smtp_last_error();
var_dump($e['stage'], $e['encryption']);
var_dump(in_array($e['tls']['protocol'], ['TLSv1.2', 'TLSv1.3'], true), $e['tls']['cipher'] !== '');
var_dump(str_contains((string)$e['tls']['peer'], 'localhost'), $e['tls']['verified']);
var_dump(in_array('STARTTLS', $e['capabilities'], true), in_array('PIPELINING', $e['capabilities'], true));
?>
--EXPECTF--
Warning: mail(): SMTP RCPT TO <to@example.org> refused: 550 5.1.1 User unknown in %s on line %d
bool(false)
string(4) "rcpt"
string(3) "tls"
bool(true)
bool(true)
bool(true)
bool(true)
bool(false)
bool(true)
