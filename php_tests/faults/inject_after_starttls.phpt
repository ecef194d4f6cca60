--TEST--
Response injection after STARTTLS ("220 ready" and "250 injected" in one write) is refused
--DESCRIPTION--
Bytes after the STARTTLS 220 come from the plain-text phase (USENIX Security 2021 "NO STARTTLS"); the
extension must treat them as a protocol error at the tls stage and send nothing further.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'faults' => ['inject-after-starttls']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca']]);
var_dump(mail('to@example.org', 'inject', 'b'));
$e = smtp_last_error();
var_dump($e['stage']);
$c = smtp_test_connections($srv, 1)[0];
echo implode(' ', $c['commands']), "\n";
var_dump(count(smtp_test_messages($srv)));
?>
--EXPECTF--
Warning: mail(): SMTP STARTTLS %s in %s on line %d
bool(false)
string(3) "tls"
EHLO STARTTLS
int(0)
