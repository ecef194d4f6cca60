--TEST--
554 5.7.1 Relay access denied: hint to log in (no AUTH) or to check the sender (after AUTH)
--DESCRIPTION--
Postfix's relay refusal at RCPT TO, first without credentials, then after a successful AUTH.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['faults' => ['rcpt=554 5.7.1 <to@example.net>: Relay access denied']]);
$r = smtp_test_send('to@example.net', api_opts($srv, ['from' => 'a@example.com']));
api_show($r);
var_dump($r['recipients']);
$srv2 = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret'],
    'faults' => ['rcpt=554 5.7.1 <to@example.net>: Relay access denied']]);
$r = smtp_test_send('to@example.net', api_opts($srv2, ['encryption' => 'tls', 'from' => 'a@example.com', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
var_dump($r['auth']);
?>
--EXPECTF--
shape ok
ok: false
stage: 'rcpt'
code: 554
enhanced: '5.7.1'
error: 'SMTP RCPT TO <to@example.net> refused: 554 5.7.1 <to@example.net>: Relay access denied'
hint: 'The server relays mail to other domains only for clients that log in: set smtp.username and smtp.password (on the submission port, 587 or 465), or ask the server\'s administrator to allow this machine\'s address.'
array(1) {
  ["to@example.net"]=>
  array(3) {
    ["code"]=>
    int(554)
    ["enhanced"]=>
    string(5) "5.7.1"
    ["message"]=>
    string(37) "<to@example.net>: Relay access denied"
  }
}
shape ok
ok: false
stage: 'rcpt'
code: 554
enhanced: '5.7.1'
error: 'SMTP RCPT TO <to@example.net> refused: 554 5.7.1 <to@example.net>: Relay access denied'
hint: 'The server does not let this account send to that recipient: check that smtp.from is an address of this account (a foreign sender is often refused as relaying) and that the account may send outside its own domain.'
string(5) "PLAIN"
