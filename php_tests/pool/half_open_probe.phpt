--TEST--
Pool: a kept connection idle for more than 10 s is probed with RSET first; one that no longer answers is dropped and the message goes on a new connection
--DESCRIPTION--
A connection whose peer vanished without closing it (or a NAT that forgot it) cannot be seen from the
socket; a command sent into it would wait for the whole smtp.timeout. After 10 s of idle the pool asks
RSET, bounded by 2 s of its own; here the server stops answering at that RSET, as a half-open
connection would, and the message is sent on a new connection, once.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
$srv = smtp_test_server(['faults' => ['silent-after=RSET']]);
smtp_test_ini($srv, ['smtp.timeout' => '15']);
var_dump(mail('to@example.org', 'first', 'b'));
sleep(11);
var_dump(mail('to@example.org', 'second', 'b'));
echo pool_stats('connections_opened', 'connections_reused', 'probes', 'dropped', 'retries'), "\n";
$msgs = smtp_test_messages($srv);
foreach ($msgs as $m) {
    echo smtp_test_header($m['data'], 'Subject')[0], ' on connection ', $m['envelope']['conn'], "\n";
}
var_dump(smtp_last_error());
?>
--EXPECT--
bool(true)
bool(true)
connections_opened=2 connections_reused=0 probes=1 dropped=1 retries=0
first on connection 1
second on connection 2
NULL
