--TEST--
Certificate for another name: hint to set smtp.host to a name the certificate lists
--DESCRIPTION--
The certificate is signed by the trusted test CA but names another host; smtp.host is the IP address 127.0.0.1.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'cert' => 'wrongname']);
$r = smtp_check(api_opts($srv, ['encryption' => 'tls']));
api_show($r);
?>
--EXPECTF--
shape ok
ok: false
stage: 'tls'
code: NULL
enhanced: NULL
error: 'SMTP STARTTLS failed: the server certificate is not valid for the name 127.0.0.1 (IP address mismatch)'
hint: 'The certificate is valid, but not for the name in smtp.host (127.0.0.1): set smtp.host to a name the certificate lists - usually the provider\'s documented SMTP host name, not an IP address or an alias of your own.'
