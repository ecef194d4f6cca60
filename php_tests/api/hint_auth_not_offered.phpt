--TEST--
Credentials set but the server offers no AUTH: hints over TLS, and in plain text with and without STARTTLS
--DESCRIPTION--
Three servers without AUTH: over TLS (not a submission port), in plain text offering STARTTLS (AUTH comes after TLS), in plain text without STARTTLS.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true]);
api_show(smtp_check(api_opts($srv, ['encryption' => 'tls', 'username' => 'alice', 'password' => 'secret'])));
$srv2 = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'auth_requires_tls' => true, 'users' => ['alice' => 'secret']]);
$r = smtp_check(api_opts($srv2, ['encryption' => 'none', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
var_dump(in_array('STARTTLS', $r['capabilities'], true));
$srv3 = smtp_test_server([]);
api_show(smtp_check(api_opts($srv3, ['encryption' => 'none', 'username' => 'alice', 'password' => 'secret'])));
?>
--EXPECTF--
shape ok
ok: false
stage: 'auth'
code: NULL
enhanced: NULL
error: 'SMTP AUTH failed: the server 127.0.0.1 does not offer authentication (no AUTH in its EHLO reply)'
hint: 'The server offers no AUTH on port %d even over TLS, so it is probably not a submission port: use the provider\'s submission port (587 with smtp.encryption=tls, or 465 with ssl), or leave smtp.username empty if this server accepts mail from this machine without a login.'
shape ok
ok: false
stage: 'auth'
code: NULL
enhanced: NULL
error: 'SMTP AUTH failed: the server 127.0.0.1 does not offer authentication (no AUTH in its EHLO reply)'
hint: 'The server offers AUTH only after STARTTLS: set smtp.encryption=tls (or auto).'
bool(true)
shape ok
ok: false
stage: 'auth'
code: NULL
enhanced: NULL
error: 'SMTP AUTH failed: the server 127.0.0.1 does not offer authentication (no AUTH in its EHLO reply)'
hint: 'The server on port %d offers neither AUTH nor STARTTLS: use its submission port (587 with smtp.encryption=tls, or 465 with ssl), or leave smtp.username empty if it accepts mail without a login.'
