--TEST--
PIPELINING rules around EHLO, STARTTLS and AUTH are kept (RFC 2920 3.1)
--DESCRIPTION--
EHLO, STARTTLS and AUTH must each end a group: the server notes any command sent after them before their
reply. With STARTTLS, AUTH and PIPELINING the session is free of violations and the transaction is still
one write.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN LOGIN', 'users' => ['alice' => 'secret']]);
smtp_test_ini($srv, ['smtp.persistent' => '0', 'smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'],
    'smtp.username' => 'alice', 'smtp.password' => 'secret']);
var_dump(mail('to@example.org', 'groups', 'b'));
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['client_writes'], $e['auth_user']);
$c = smtp_test_connections($srv, 1)[0];
echo implode(' ', $c['commands']), "\n";
var_dump($c['violations']);
?>
--EXPECT--
bool(true)
int(1)
string(5) "alice"
EHLO STARTTLS EHLO AUTH MAIL RCPT DATA QUIT
array(0) {
}
