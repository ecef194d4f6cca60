--TEST--
Self-signed certificate: stage tls, hint names smtp.cafile and warns about smtp.verify_peer=0
--DESCRIPTION--
The server presents a self-signed certificate over STARTTLS; the check stops before EHLO is repeated and before AUTH.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'cert' => 'selfsigned', 'auth' => 'PLAIN', 'users' => ['alice' => 'secret']]);
$r = smtp_check(api_opts($srv, ['encryption' => 'tls', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
var_dump($r['tls'], $r['auth'], $r['encryption'], api_has_line($r, 'C: STARTTLS'), 
    substr_count($r['transcript'], "C: EHLO "), str_contains($r['transcript'], 'TLS established'), (bool)preg_match('/^C: AUTH/m', $r['transcript']));
?>
--EXPECTF--
shape ok
ok: false
stage: 'tls'
code: NULL
enhanced: NULL
error: 'SMTP STARTTLS failed: the server certificate is self-signed and not trusted (self-signed certificate)'
hint: 'The server\'s certificate is self-signed, so nothing vouches for it: if this server is yours, give it a certificate from a public CA, or set smtp.cafile to the file of the certificate (PEM) you trust. smtp.verify_peer=0 turns the check off, for testing only: anyone on the way could then read the password.'
NULL
NULL
string(4) "none"
bool(true)
int(1)
bool(false)
bool(false)
