--TEST--
mb_send_mail() and error_log(..., 1) go through the engine when smtp.host is set (sendmail_path=/bin/false)
--DESCRIPTION--
sendmail_path is /bin/false: PHP's own handlers would fail. With smtp.host set, both functions return
true and the test server received the messages: mb_send_mail()'s ISO-2022-JP encoded Subject and 7bit
body under mbstring.language=Japanese, its headers given as an array, the envelope sender from -f;
error_log()'s subject "PHP error_log message" and its headers. A refused recipient gives false, a
warning and smtp_last_error(); mb_substitute_character() is what it was before.
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path=/bin/false
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['faults' => ['rcpt:bad@example.org=550 5.1.1 User unknown']]);
smtp_test_ini($srv);
ini_set('mbstring.language', 'Japanese');
mb_substitute_character('none');

var_dump(mb_send_mail('to@example.org', 'テスト', "本文\n", ['From' => 'shop@example.com', 'X-Id' => '7'], '-fbounce@example.com'));
var_dump(smtp_last_error());
var_dump(error_log("disk full\n", 1, 'ops@example.org'));
var_dump(error_log('db down', 1, 'ops@example.org', "From: app@example.com\r\nX-Severity: high"));

$m = smtp_test_messages($srv);
var_dump(count($m));
echo $m[0]['envelope']['mail_from'], ' ', implode(',', $m[0]['envelope']['rcpt_to']), "\n";
var_dump(smtp_test_header($m[0]['data'], 'Subject'), mb_decode_mimeheader(smtp_test_header($m[0]['data'], 'Subject')[0]));
var_dump(smtp_test_header($m[0]['data'], 'Content-Type'), smtp_test_header($m[0]['data'], 'Content-Transfer-Encoding'));
var_dump(smtp_test_header($m[0]['data'], 'X-Id'));
$body = smtp_test_split($m[0]['data'])[1];
echo json_encode(mb_convert_encoding($body, 'UTF-8', 'ISO-2022-JP'), JSON_UNESCAPED_UNICODE), "\n";

var_dump(smtp_test_header($m[1]['data'], 'Subject'));
echo json_encode(smtp_test_split($m[1]['data'])[1]), "\n";
echo $m[1]['envelope']['mail_from'], ' ', implode(',', $m[1]['envelope']['rcpt_to']), "\n";
var_dump(smtp_test_header($m[2]['data'], 'From'), smtp_test_header($m[2]['data'], 'X-Severity'));

// failures: a refused recipient
$w = smtp_test_warnings(fn() => mb_send_mail('bad@example.org', 'x', 'y'), $r);
var_dump($r, $w);
$e = smtp_last_error();
var_dump($e['stage'], $e['code']);
$w = smtp_test_warnings(fn() => error_log('x', 1, 'bad@example.org'), $r);
var_dump($r, $w);
var_dump(smtp_last_error()['stage']);
var_dump(mb_substitute_character());
?>
--EXPECTF--
bool(true)
NULL
bool(true)
bool(true)
int(3)
bounce@example.com to@example.org
array(1) {
  [0]=>
  string(34) "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="
}
string(9) "テスト"
array(1) {
  [0]=>
  string(31) "text/plain; charset=ISO-2022-JP"
}
array(1) {
  [0]=>
  string(4) "7bit"
}
array(1) {
  [0]=>
  string(1) "7"
}
"本文\r\n\r\n"
array(1) {
  [0]=>
  string(21) "PHP error_log message"
}
"disk full\r\n\r\n"
sender@example.com ops@example.org
array(1) {
  [0]=>
  string(15) "app@example.com"
}
array(1) {
  [0]=>
  string(4) "high"
}
bool(false)
array(1) {
  [0]=>
  string(%d) "mb_send_mail(): SMTP RCPT TO <bad@example.org> refused: 550 5.1.1 User unknown"
}
string(4) "rcpt"
int(550)
bool(false)
array(1) {
  [0]=>
  string(%d) "error_log(): SMTP RCPT TO <bad@example.org> refused: 550 5.1.1 User unknown"
}
string(4) "rcpt"
string(4) "none"
