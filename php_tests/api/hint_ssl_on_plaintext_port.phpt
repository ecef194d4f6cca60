--TEST--
encryption ssl against a plaintext (STARTTLS) port: hint says set smtp.encryption=tls or smtp.port=465
--DESCRIPTION--
The server greets in plain text. When the greeting comes after the ClientHello (here delayed 0.3 s) OpenSSL
reads "220 ..." as a TLS record: "wrong version number". When it is already waiting before the handshake
(a server that greets at once, like Postfix; the test server usually is just slower than the client) the
session says the server sent plain text — never "response injection", which is about STARTTLS. Either
way the hint names both ways out.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$late = smtp_test_server(['starttls' => true, 'faults' => ['delay=GREETING:0.3']]);
$r = smtp_check(api_opts($late, ['encryption' => 'ssl']));
api_show($r);
var_dump($r['tls'], $r['encryption']);
$now = smtp_test_server(['starttls' => true]);
$r = smtp_check(api_opts($now, ['encryption' => 'ssl']));
api_check_shape($r);
var_dump($r['stage'], str_contains($r['error'], 'wrong version number') || str_contains($r['error'], 'plain text before the TLS handshake'),
    str_contains($r['error'], 'injection'), $r['hint']);
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
shape ok
string(3) "tls"
bool(true)
bool(false)
string(%d) "The server on port %d speaks plain SMTP first (it expects STARTTLS), not implicit TLS: set smtp.encryption=tls to keep this port, or set smtp.port=465 to keep smtp.encryption=ssl."
