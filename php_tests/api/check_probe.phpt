--TEST--
smtp_check() with probe_from / probe_rcpt: MAIL FROM and RCPT TO after AUTH, then RSET, never DATA; refusals give stage mail or rcpt, the server's code and a send-as or relay hint
--DESCRIPTION--
Against the test server (STARTTLS, AUTH PLAIN): an accepted probe (pipelined: MAIL, RCPT and RSET in one
write), the defaults (probe_rcpt alone takes the test message's sender, probe_from alone is also the
recipient), Microsoft's 550 5.7.60 send-as refusal at MAIL, a relay refusal at RCPT without PIPELINING,
Postfix's sender-login refusal (delayed to RCPT), an unverified-alias refusal, no sender at all, and
smtp_test_send() refusing the probe options. The server never sees DATA and stores no message.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$login = ['encryption' => 'tls', 'username' => 'alice', 'password' => 'secret'];
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret']]);

$r = smtp_check(api_opts($srv, $login + ['probe_from' => 'alice@example.com', 'probe_rcpt' => 'bob@example.org']));
api_check_shape($r);
var_dump($r['ok'], $r['stage'], $r['probe'], $r['recipients'], $r['auth']);
var_dump(api_has_line($r, 'C: MAIL FROM:<alice@example.com>'), api_has_line($r, 'C: RCPT TO:<bob@example.org>'),
    api_has_line($r, 'C: RSET'), str_contains($r['transcript'], 'DATA'));
$conns = smtp_test_connections($srv, 1);
$cmds = array_map(fn($c) => strtoupper(strtok($c, ' :')), end($conns)['commands']);
echo implode(' ', $cmds), "\n";
var_dump(count(smtp_test_messages($srv)));

/* the defaults: probe_from alone is the recipient too; probe_rcpt alone takes smtp.from */
$r = smtp_check(api_opts($srv, $login + ['probe_from' => 'alice@example.com']));
var_dump($r['ok'], $r['probe']);
ini_set('smtp.from', 'shop@example.com');
$r = smtp_check(api_opts($srv, $login + ['probe_rcpt' => 'bob@example.org']));
var_dump($r['ok'], $r['probe']['from'], $r['probe']['rcpt']);
ini_set('smtp.from', '');
$r = smtp_check(api_opts($srv, ['probe_rcpt' => 'bob@example.org']));
api_show($r);
var_dump($r['probe'], $r['transcript']);

/* Microsoft 365: the login may not send as this sender */
$ms = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret'],
    'faults' => ['mail=550 5.7.60 SMTP; Client does not have permissions to send as this sender']]);
$r = smtp_check(api_opts($ms, $login + ['probe_from' => 'boss@example.com']));
api_show($r);
var_dump($r['probe'], $r['message']);

/* relay denied at RCPT, without PIPELINING: one command at a time */
$relay = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret'], 'pipelining' => false,
    'faults' => ['rcpt:x@other.example=554 5.7.1 <x@other.example>: Relay access denied']]);
$r = smtp_check(api_opts($relay, $login + ['probe_from' => 'alice@example.com', 'probe_rcpt' => 'x@other.example']));
api_show($r);
var_dump($r['probe']);
$conns = smtp_test_connections($relay, 1);
echo implode(' ', array_map(fn($c) => strtoupper(strtok($c, ' :')), end($conns)['commands'])), "\n";

/* Postfix's smtpd_sender_login_maps: the sender's refusal comes at RCPT (smtpd_delay_reject) */
$pf = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret'],
    'faults' => ['rcpt:boss@example.com=553 5.7.1 <boss@example.com>: Sender address rejected: not owned by user alice']]);
$r = smtp_check(api_opts($pf, $login + ['probe_from' => 'boss@example.com']));
api_show($r);

/* an alias that is not verified */
$al = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret'],
    'faults' => ['mail=553 5.7.1 Sender address is not a verified alias of this account']]);
$r = smtp_check(api_opts($al, $login + ['probe_from' => 'other@example.com']));
echo $r['stage'], ' ', $r['code'], ' ', $r['hint'], "\n";

/* the probe options are smtp_check()'s */
try {
    smtp_test_send('a@example.org', api_opts($srv, ['probe_from' => 'a@example.com']));
} catch (ValueError $e) {
    echo substr($e->getMessage(), 0, 77), "\n";
}
try {
    smtp_check(api_opts($srv, ['probe_from' => 'not an address']));
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECTF--
shape ok
bool(true)
string(4) "done"
array(4) {
  ["from"]=>
  string(17) "alice@example.com"
  ["rcpt"]=>
  string(15) "bob@example.org"
  ["mail_code"]=>
  int(250)
  ["rcpt_code"]=>
  int(250)
}
array(0) {
}
string(5) "PLAIN"
bool(true)
bool(true)
bool(true)
bool(false)
EHLO STARTTLS EHLO AUTH MAIL RCPT RSET QUIT
int(0)
bool(true)
array(4) {
  ["from"]=>
  string(17) "alice@example.com"
  ["rcpt"]=>
  string(17) "alice@example.com"
  ["mail_code"]=>
  int(250)
  ["rcpt_code"]=>
  int(250)
}
bool(true)
string(16) "shop@example.com"
string(15) "bob@example.org"
shape ok
ok: false
stage: 'mail'
code: NULL
enhanced: NULL
error: 'No sender for the probe: pass the "probe_from" option or set smtp.from'
hint: NULL
array(4) {
  ["from"]=>
  string(0) ""
  ["rcpt"]=>
  string(15) "bob@example.org"
  ["mail_code"]=>
  NULL
  ["rcpt_code"]=>
  NULL
}
string(0) ""
shape ok
ok: false
stage: 'mail'
code: 550
enhanced: '5.7.60'
error: 'SMTP MAIL FROM <boss@example.com> refused: 550 5.7.60 SMTP; Client does not have permissions to send as this sender'
hint: 'Microsoft 365 does not let this account send as this sender: use the mailbox\'s own address as the sender (smtp.from), or have an administrator grant the account Send As on that mailbox (Exchange admin center > Recipients > Mailboxes > the mailbox > Delegation > Send as).'
array(4) {
  ["from"]=>
  string(16) "boss@example.com"
  ["rcpt"]=>
  string(16) "boss@example.com"
  ["mail_code"]=>
  int(550)
  ["rcpt_code"]=>
  NULL
}
string(61) "SMTP; Client does not have permissions to send as this sender"
shape ok
ok: false
stage: 'rcpt'
code: 554
enhanced: '5.7.1'
error: 'SMTP RCPT TO <x@other.example> refused: 554 5.7.1 <x@other.example>: Relay access denied'
hint: 'The server does not let this account send to that recipient: check that smtp.from is an address of this account (a foreign sender is often refused as relaying) and that the account may send outside its own domain.'
array(4) {
  ["from"]=>
  string(17) "alice@example.com"
  ["rcpt"]=>
  string(15) "x@other.example"
  ["mail_code"]=>
  int(250)
  ["rcpt_code"]=>
  int(554)
}
EHLO STARTTLS EHLO AUTH MAIL RCPT RSET QUIT
shape ok
ok: false
stage: 'rcpt'
code: 553
enhanced: '5.7.1'
error: 'SMTP RCPT TO <boss@example.com> refused: 553 5.7.1 <boss@example.com>: Sender address rejected: not owned by user alice'
hint: 'The server lets this login send only as the addresses it owns: use the login\'s own address (or one of its aliases) as the sender (smtp.from), or ask the server\'s administrator to allow this sender for smtp.username.'
mail 553 Gmail sends only as the account's own address or an alias added and verified under Settings > Accounts > Send mail as (Google Workspace: an alias of the user or of the domain): verify the alias, or use the account's address as the sender (smtp.from).
smtp_test_send(): Argument #2 ($options) contains unknown option "probe_from"
smtp_check(): Argument #1 ($options) option "probe_from" must be an email address
