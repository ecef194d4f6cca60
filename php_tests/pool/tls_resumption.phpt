--TEST--
Pool: a connection that has to be opened again resumes the TLS session the server gave the previous one
--DESCRIPTION--
With smtp.max_messages=1 every mail() needs a new connection; the server's TLS 1.3 session ticket from
the first connection is offered on the next handshake, which resumes (one round trip, no certificate
chain). smtp_check() and smtp_test_send() always do a full handshake.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
$srv = smtp_test_server(['implicit_tls' => true]);
smtp_test_ini($srv, ['smtp.encryption' => 'ssl', 'smtp.cafile' => $srv['ca'], 'smtp.max_messages' => '1']);
for ($i = 0; $i < 3; $i++) {
    var_dump(mail('to@example.org', "m$i", 'b'));
}
echo pool_stats('connections_opened', 'tls_resumed'), "\n";
$msgs = smtp_test_messages($srv);
echo implode(' ', array_map(fn($m) => $m['envelope']['tls'] ? 'tls' : 'plain', $msgs)), "\n";
$r = smtp_check();
var_dump($r['ok'], str_contains($r['transcript'], 'session resumed'), $r['tls']['verified']);
echo pool_stats('connections_opened', 'tls_resumed'), "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
connections_opened=3 tls_resumed=2
tls tls tls
bool(true)
bool(false)
bool(true)
connections_opened=4 tls_resumed=2
