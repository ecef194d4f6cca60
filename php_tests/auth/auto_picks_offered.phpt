--TEST--
smtp.auth=auto authenticates with a mechanism the server offers
--DESCRIPTION--
Three servers offering only PLAIN, only LOGIN and only CRAM-MD5: auto succeeds against each, with the
offered mechanism.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
foreach (['PLAIN', 'LOGIN', 'CRAM-MD5'] as $mech) {
    $srv = smtp_test_server(['starttls' => true, 'auth' => $mech, 'require_auth' => true,
        'users' => ['alice' => 'secret']]);
    smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'],
        'smtp.username' => 'alice', 'smtp.password' => 'secret', 'smtp.auth' => 'auto']);
    var_dump(mail('to@example.org', "auto $mech", 'b'));
    echo smtp_test_messages($srv)[0]['envelope']['auth_mech'], "\n";
}
?>
--EXPECT--
bool(true)
PLAIN
bool(true)
LOGIN
bool(true)
CRAM-MD5
