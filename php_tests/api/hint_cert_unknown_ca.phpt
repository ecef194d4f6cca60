--TEST--
Certificate from an unknown CA: hint to set smtp.cafile or update the CA bundle
--DESCRIPTION--
The test server's certificate is signed by the test CA; without smtp.cafile (the system store) it is not trusted. Implicit TLS.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['implicit_tls' => true]);
$r = smtp_check(api_opts($srv, ['encryption' => 'ssl', 'cafile' => '']));
api_show($r);
var_dump($r['tls'], $r['address']);
?>
--EXPECTF--
shape ok
ok: false
stage: 'tls'
code: NULL
enhanced: NULL
error: 'SMTP TLS connection to 127.0.0.1:%d failed: the server certificate was issued by an unknown certificate authority (unable to get local issuer certificate)'
hint: 'The server\'s certificate was issued by a CA this machine does not trust: set smtp.cafile to that CA\'s certificate (PEM) for a private CA, or update the system\'s CA bundle (ca-certificates). smtp.verify_peer=0 turns the check off, for testing only: anyone on the way could then read the password.'
NULL
string(9) "127.0.0.1"
