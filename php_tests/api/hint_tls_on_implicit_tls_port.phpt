--TEST--
encryption tls against an implicit-TLS port: greeting timeout, hint says set smtp.encryption=ssl
--DESCRIPTION--
The server waits for a TLS ClientHello and sends nothing; the client waits for a 220 greeting until the timeout (2 s). Also with encryption none.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['implicit_tls' => true]);
foreach (['tls', 'none'] as $enc) {
    $t = microtime(true);
    $r = smtp_check(api_opts($srv, ['encryption' => $enc, 'timeout' => 2]));
    $el = microtime(true) - $t;
    var_dump($el >= 1.9 && $el < (smtp_test_slow() ? 20 : 4));
    api_show($r);
}
/* a server that does send something, only too slowly, is not taken for implicit TLS */
$slow = smtp_test_server(['faults' => ['trickle']]);
$r = smtp_check(api_opts($slow, ['timeout' => 1]));
var_dump($r['stage'], $r['hint']);
?>
--EXPECTF--
bool(true)
shape ok
ok: false
stage: 'greeting'
code: NULL
enhanced: NULL
error: 'SMTP greeting from 127.0.0.1:%d timed out after %s s'
hint: 'The server on port %d sent no greeting: if this port expects implicit TLS (as 465 does), set smtp.encryption=ssl; otherwise the server is overloaded or not an SMTP server.'
bool(true)
shape ok
ok: false
stage: 'greeting'
code: NULL
enhanced: NULL
error: 'SMTP greeting from 127.0.0.1:%d timed out after %s s'
hint: 'The server on port %d sent no greeting: if this port expects implicit TLS (as 465 does), set smtp.encryption=ssl; otherwise the server is overloaded or not an SMTP server.'
string(8) "greeting"
NULL
