--TEST--
Failover: the first server's certificate fails verification, the second (trusted) server delivers
--DESCRIPTION--
A TLS failure moves on to the next host; the message never reaches the untrusted server.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$bad = smtp_test_server(['starttls' => true, 'cert' => 'selfsigned']);
$good = smtp_test_server(['starttls' => true]);
smtp_test_ini($good, ['smtp.host' => "127.0.0.1:{$bad['port']}, 127.0.0.1:{$good['port']}",
    'smtp.encryption' => 'tls', 'smtp.cafile' => $good['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'failover tls', 'b'));
var_dump(count(smtp_test_messages($bad)), count(smtp_test_messages($good)));
var_dump(smtp_test_messages($good)[0]['envelope']['tls']);
?>
--EXPECT--
bool(true)
int(0)
int(1)
bool(true)
