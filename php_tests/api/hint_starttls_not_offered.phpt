--TEST--
encryption tls but the server does not offer STARTTLS: stage tls, hint names the port settings
--DESCRIPTION--
The server's EHLO has no STARTTLS; nothing is sent in clear (no AUTH, no MAIL).
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['auth' => 'PLAIN', 'users' => ['alice' => 'secret']]);
$r = smtp_test_send('to@example.org', api_opts($srv, ['encryption' => 'tls', 'from' => 'a@example.com', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
var_dump($r['encryption'], $r['capabilities'], (bool)preg_match('/^C: AUTH/m', $r['transcript']), (bool)preg_match('/^C: MAIL/m', $r['transcript']));
?>
--EXPECTF--
shape ok
ok: false
stage: 'tls'
code: NULL
enhanced: NULL
error: 'SMTP STARTTLS failed: the server 127.0.0.1 does not offer STARTTLS (smtp.encryption=tls requires it)'
hint: 'The server on port %d does not offer STARTTLS: use its submission port with TLS (smtp.port=587 with smtp.encryption=tls, or smtp.port=465 with ssl); if it should offer STARTTLS, a firewall or antivirus on the way may be removing it. smtp.encryption=none sends without encryption - only on a trusted network.'
string(4) "none"
array(3) {
  [0]=>
  string(10) "PIPELINING"
  [1]=>
  string(10) "AUTH PLAIN"
  [2]=>
  string(19) "ENHANCEDSTATUSCODES"
}
bool(false)
bool(false)
