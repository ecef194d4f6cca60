--TEST--
Recipient refused at RCPT TO (550 5.1.1): hint to check the address; per-recipient result
--DESCRIPTION--
The only recipient is unknown; the result's recipients entry holds the server's reply.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['faults' => ['rcpt:nobody@example.org=550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table']]);
$r = smtp_test_send('nobody@example.org', api_opts($srv, ['from' => 'a@example.com']));
api_show($r);
var_dump($r['recipients']);
?>
--EXPECTF--
shape ok
ok: false
stage: 'rcpt'
code: 550
enhanced: '5.1.1'
error: 'SMTP RCPT TO <nobody@example.org> refused: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table'
hint: 'The server refused the recipient (the mailbox does not exist): check the address for typos; other recipients of the same message are not affected.'
array(1) {
  ["nobody@example.org"]=>
  array(3) {
    ["code"]=>
    int(550)
    ["enhanced"]=>
    string(5) "5.1.1"
    ["message"]=>
    string(87) "<nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table"
  }
}
