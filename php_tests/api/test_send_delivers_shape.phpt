--TEST--
smtp_test_send(): delivers the test message; recipients, timings, transcript; options for this call only
--DESCRIPTION--
The test message reaches the server with the subject and body given as options and the sender from the
"from" option; the result has ok true, stage done, the final reply, one recipient entry with its reply,
every timing, and the transcript of the pipelined transaction. A second call without options uses the
settings (smtp.host etc.), which the first call did not change.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['implicit_tls' => true, 'auth' => 'CRAM-MD5 PLAIN', 'users' => ['alice' => 'pw-77']]);
$closed = smtp_test_closed_port();
ini_set('smtp.host', "127.0.0.1:$closed");
ini_set('smtp.from', 'settings@example.com');
ini_set('smtp.timeout', '5');
$r = smtp_test_send('Rcpt One <one@example.org>', api_opts($srv, ['encryption' => 'ssl', 'username' => 'alice',
    'password' => 'pw-77', 'from' => 'admin@example.com', 'from_name' => 'Site Admin',
    'subject' => 'Hello from the admin screen', 'body' => "Line 1\nLine 2"]));
api_check_shape($r);
var_dump($r['ok'], $r['stage'], $r['code'], $r['enhanced'], $r['message'], $r['encryption'], $r['auth'], $r['tls']['verified']);
var_dump($r['recipients']);
var_dump($r['timings']['send'] > 0, $r['timings']['auth'] > 0, $r['timings']['tls'] > 0);
var_dump(api_has_line($r, 'C: MAIL FROM:<admin@example.com>'), api_has_line($r, 'C: RCPT TO:<one@example.org>'),
    api_has_line($r, 'C: DATA'), (bool)preg_match('/^C: <message: \d+ bytes>$/m', $r['transcript']),
    api_has_line($r, 'C: AUTH PLAIN ********'), !str_contains($r['transcript'], 'pw-77'));
$m = smtp_test_messages($srv);
var_dump(count($m), $m[0]['envelope']['mail_from'], $m[0]['envelope']['rcpt_to'], $m[0]['envelope']['auth_mech']);
var_dump(smtp_test_header($m[0]['data'], 'Subject'), smtp_test_header($m[0]['data'], 'From'), smtp_test_header($m[0]['data'], 'To'));
var_dump(str_ends_with($m[0]['data'], "\r\n\r\nLine 1\r\nLine 2\r\n"));
/* without options: the settings, untouched (a closed port) */
$r2 = smtp_test_send('two@example.org');
api_check_shape($r2);
var_dump($r2['ok'], $r2['stage'], $r2['port'] === $closed, $r2['recipients'], ini_get('smtp.from'));
?>
--EXPECTF--
shape ok
bool(true)
string(4) "done"
int(250)
string(5) "2.0.0"
string(%d) "Ok: queued as %s"
string(3) "ssl"
string(5) "PLAIN"
bool(true)
array(1) {
  ["one@example.org"]=>
  array(3) {
    ["code"]=>
    int(250)
    ["enhanced"]=>
    string(5) "2.1.5"
    ["message"]=>
    string(%d) "Recipient <one@example.org> ok"
  }
}
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(1)
string(17) "admin@example.com"
array(1) {
  [0]=>
  string(15) "one@example.org"
}
string(5) "PLAIN"
array(1) {
  [0]=>
  string(27) "Hello from the admin screen"
}
array(1) {
  [0]=>
  string(30) "Site Admin <admin@example.com>"
}
array(1) {
  [0]=>
  string(26) "Rcpt One <one@example.org>"
}
bool(true)
shape ok
bool(false)
string(7) "connect"
bool(true)
array(0) {
}
string(20) "settings@example.com"
