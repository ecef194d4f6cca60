--TEST--
Pool: after fork() the child never uses (or closes with a word) the parent's kept connection
--DESCRIPTION--
The child finds a session opened by another process id: it drops it without QUIT and without TLS
close_notify (the socket is shared with the parent) and opens its own. A second child exits without
sending: its module shutdown drops the parent's session silently too. The parent's TLS connection is
untouched and carries its next message.
--EXTENSIONS--
smtp
pcntl
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; if (!function_exists('pcntl_fork')) die('skip pcntl_fork() is needed'); ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
$srv = smtp_test_server(['implicit_tls' => true]);
smtp_test_ini($srv, ['smtp.encryption' => 'ssl', 'smtp.cafile' => $srv['ca']]);
var_dump(mail('to@example.org', 'parent 1', 'b'));
$pid = pcntl_fork();
if ($pid === 0) {
    $ok = mail('to@example.org', 'child', 'b');
    $st = smtp_stats();
    /* the child's own connection: opened, not the parent's reused */
    exit($ok && $st['connections_opened'] === 2 && $st['connections_reused'] === 0 ? 0 : 1);
}
pcntl_waitpid($pid, $status);
var_dump(pcntl_wexitstatus($status));
/* a child that sends nothing and exits: its module shutdown finds the parent's session in its pool and
 * must drop it without a byte (a TLS close_notify would end the parent's TLS session) */
$pid = pcntl_fork();
if ($pid === 0) {
    exit(0);
}
pcntl_waitpid($pid, $status);
var_dump(mail('to@example.org', 'parent 2', 'b'));
$st = smtp_stats();
echo pool_stats('connections_opened', 'connections_reused'), "\n";
$msgs = smtp_test_messages($srv);
foreach ($msgs as $m) {
    echo smtp_test_header($m['data'], 'Subject')[0], ' on connection ', $m['envelope']['conn'], "\n";
}
var_dump(smtp_last_error());
?>
--EXPECT--
bool(true)
int(0)
bool(true)
connections_opened=1 connections_reused=1
parent 1 on connection 1
child on connection 2
parent 2 on connection 1
NULL
