--TEST--
Sender refused at MAIL FROM: hint to set smtp.from to an address the account may use
--DESCRIPTION--
Postfix's reject_sender_login_mismatch wording after AUTH; the recipient is never sent.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret'], 'pipelining' => false,
    'faults' => ['mail=553 5.7.1 <boss@example.com>: Sender address rejected: not owned by user alice']]);
$r = smtp_test_send('to@example.org', api_opts($srv, ['encryption' => 'tls', 'from' => 'boss@example.com', 'username' => 'alice', 'password' => 'secret']));
api_show($r);
var_dump($r['message'], $r['recipients'], str_contains($r['transcript'], 'RCPT TO'));
?>
--EXPECTF--
shape ok
ok: false
stage: 'mail'
code: 553
enhanced: '5.7.1'
error: 'SMTP MAIL FROM <boss@example.com> refused: 553 5.7.1 <boss@example.com>: Sender address rejected: not owned by user alice'
hint: 'The server refused the sender address: set smtp.from (or mail()\'s -f sender) to an address this account may send as - usually the login\'s own address or a verified alias, in a domain that exists.'
string(68) "<boss@example.com>: Sender address rejected: not owned by user alice"
array(0) {
}
bool(false)
