--TEST--
encryption ssl against a plaintext (STARTTLS) port: hint says set smtp.encryption=tls or smtp.port=465
--DESCRIPTION--
The server greets in plain text; the client's ClientHello gets "220 ..." back, which OpenSSL reports as a wrong version number.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true]);
$r = smtp_check(api_opts($srv, ['encryption' => 'ssl']));
api_show($r);
var_dump($r['tls'], $r['encryption']);
?>
--EXPECTF--
shape ok
ok: false
stage: 'tls'
code: NULL
enhanced: NULL
error: 'SMTP TLS connection to 127.0.0.1:%d failed: TLS handshake error: wrong version number'
hint: 'The server on port %d speaks plain SMTP first (it expects STARTTLS), not implicit TLS: set smtp.encryption=tls to keep this port, or set smtp.port=465 to keep smtp.encryption=ssl.'
NULL
string(4) "none"
