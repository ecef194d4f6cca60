--TEST--
Envelope sender order: -f, then a sendmail_from changed at runtime, then smtp.from, then php.ini's sendmail_from, then From:
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--INI--
sendmail_from=ini-default@example.com
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.from' => '']);
$send = function (string $label, string $params = '') use ($srv) {
    static $n = 0;
    mail('to@example.org', $label, 'b', 'From: header@example.com', $params);
    echo $label, ': <', smtp_test_messages($srv)[$n++]['envelope']['mail_from'], ">\n";
};
$send('php.ini sendmail_from');
ini_set('smtp.from', 'site@example.com');
$send('smtp.from over php.ini sendmail_from');
ini_set('sendmail_from', 'bounces+verp@example.net');
$send('runtime sendmail_from over smtp.from');
$send('-f over everything', '-fdash-f@example.org');
ini_set('sendmail_from', '');
$send('runtime sendmail_from emptied: smtp.from again');
ini_set('smtp.from', '');
$send('nothing set: the From: header');
?>
--EXPECT--
php.ini sendmail_from: <ini-default@example.com>
smtp.from over php.ini sendmail_from: <site@example.com>
runtime sendmail_from over smtp.from: <bounces+verp@example.net>
-f over everything: <dash-f@example.org>
runtime sendmail_from emptied: smtp.from again: <site@example.com>
nothing set: the From: header: <header@example.com>
