--TEST--
mail() over plain SMTP: the captured message is byte for byte what was given, with CRLF line ends
--DESCRIPTION--
Sends one message to the test server without TLS and compares the delivered bytes with the expected ones
(To, Subject and the extra headers as given, CRLF everywhere, Date and Message-ID added once each).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('Jane Doe <to@example.org>', 'Plain test', "Hello,\nsecond line\n\nlast line",
    "From: Sender <sender@example.com>\r\nX-Test: yes"));
var_dump(smtp_last_error());
$m = smtp_test_messages($srv);
var_dump(count($m), $m[0]['envelope']['accepted'], $m[0]['envelope']['bare_lf'], $m[0]['envelope']['bare_cr']);
$d = $m[0]['data'];
$dates = smtp_test_header($d, 'Date');
$ids = smtp_test_header($d, 'Message-ID');
var_dump(count($dates), count($ids));
var_dump((bool)preg_match('/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/', $dates[0]));
var_dump((bool)preg_match('/^<[^<>@\s]+@[^<>@\s]+>$/', $ids[0]));
// without the two added headers the message is exactly what mail() was given, with CRLF
echo json_encode(preg_replace('/^(Date|Message-ID):[^\r\n]*\r\n/mi', '', $d)), "\n";
?>
--EXPECT--
bool(true)
NULL
int(1)
bool(true)
int(0)
int(0)
int(1)
int(1)
bool(true)
bool(true)
"To: Jane Doe <to@example.org>\r\nSubject: Plain test\r\nFrom: Sender <sender@example.com>\r\nX-Test: yes\r\n\r\nHello,\r\nsecond line\r\n\r\nlast line\r\n"
