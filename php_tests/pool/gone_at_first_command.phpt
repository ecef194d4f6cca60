--TEST--
Pool: a kept connection answers its first command with 421, or is cut: the message goes once more on a new connection, exactly once
--DESCRIPTION--
Nothing was accepted before the server's MAIL FROM reply, so sending again on a new connection cannot
duplicate the message. mail() returns true without a warning; smtp_stats() counts the retry.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
foreach (['421-at-mail=2', 'close-at-mail=2'] as $fault) {
    $srv = smtp_test_server(['faults' => [$fault]]);
    smtp_test_ini($srv);
    $before = smtp_stats();
    var_dump(mail('to@example.org', 'first', 'b'));
    var_dump(mail('to@example.org', 'second', 'b'));
    $st = smtp_stats();
    $msgs = smtp_test_messages($srv);
    echo $fault, ': ', count($msgs), ' messages, subjects ', implode(',', array_map(fn($m) => smtp_test_header($m['data'], 'Subject')[0], $msgs)),
        ', retries=', $st['retries'] - $before['retries'], ', opened=', $st['connections_opened'] - $before['connections_opened'], "\n";
    var_dump(smtp_last_error());
    smtp_test_stop($srv);
}
?>
--EXPECT--
bool(true)
bool(true)
421-at-mail=2: 2 messages, subjects first,second, retries=1, opened=2
NULL
bool(true)
bool(true)
close-at-mail=2: 2 messages, subjects first,second, retries=1, opened=2
NULL
