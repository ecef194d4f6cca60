--TEST--
Sender refused at MAIL FROM: hint to use an address the login owns (Postfix's sender login maps)
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
hint: 'The server lets this login send only as the addresses it owns: use the login\'s own address (or one of its aliases) as the sender (smtp.from), or ask the server\'s administrator to allow this sender for smtp.username.'
string(68) "<boss@example.com>: Sender address rejected: not owned by user alice"
array(0) {
}
bool(false)
