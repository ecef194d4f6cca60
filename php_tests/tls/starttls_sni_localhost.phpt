--TEST--
STARTTLS to a host name: SNI carries the name and the certificate's DNS name is verified
--DESCRIPTION--
smtp.host=localhost:port (the server listens on 127.0.0.1 and ::1); the server sees SNI "localhost" and
the certificate (DNS:localhost, signed by the test CA) is accepted.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$listen = ['127.0.0.1'];
if ($s = @stream_socket_server('tcp://[::1]:0')) { fclose($s); $listen[] = '::1'; }
$srv = smtp_test_server(['starttls' => true, 'listen' => $listen]);
smtp_test_ini($srv, ['smtp.host' => "localhost:{$srv['port']}", 'smtp.encryption' => 'tls',
    'smtp.cafile' => $srv['ca'], 'smtp.verify_peer' => 1]);
var_dump(mail('to@example.org', 'sni', 'b'));
$e = smtp_test_messages($srv)[0]['envelope'];
var_dump($e['tls'], $e['sni']);
?>
--EXPECT--
bool(true)
bool(true)
string(9) "localhost"
