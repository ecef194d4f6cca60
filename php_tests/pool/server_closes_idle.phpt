--TEST--
Pool: the server closed the kept connection while it was idle, with and without a 421: the next mail() sees it and opens a new one, no warning, no retry needed
--DESCRIPTION--
Before a kept connection is used, its socket is checked without waiting: an EOF or a 421 the server
sent while idle means it is gone, and a new connection is opened at once (no round trip lost, nothing
sent twice).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
foreach ([[], ['idle-421']] as $faults) {
    $srv = smtp_test_server(['conn_timeout' => 0.5, 'faults' => $faults]);
    smtp_test_ini($srv);
    $before = smtp_stats();
    var_dump(mail('to@example.org', 'a', 'b'));
    usleep(900000);
    var_dump(mail('to@example.org', 'b', 'b'));
    $st = smtp_stats();
    echo implode(' ', pool_conns($srv)), ' retries=', $st['retries'] - $before['retries'],
        ' dropped=', $st['dropped'] - $before['dropped'], "\n";
    var_dump(smtp_last_error());
    smtp_test_stop($srv);
}
?>
--EXPECT--
bool(true)
bool(true)
2 2 retries=0 dropped=1
NULL
bool(true)
bool(true)
2 2 retries=0 dropped=1
NULL
