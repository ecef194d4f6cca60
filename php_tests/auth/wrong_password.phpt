--TEST--
A wrong password: mail() returns false, the warning quotes the 535 reply, the password appears nowhere
--DESCRIPTION--
AUTH PLAIN with a wrong password is refused with 535 5.7.8: false, warning "SMTP AUTH PLAIN refused: 535 ...",
smtp_last_error() stage auth, code 535, enhanced 5.7.8; neither the password nor its base64 form is in the
warning, the error or the transcript (which shows ******** instead); no MAIL is sent.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'right']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'],
    'smtp.username' => 'alice', 'smtp.password' => 'Wr0ngPassw0rd', 'smtp.auth' => 'plain']);
$w = smtp_test_warnings(fn() => mail('to@example.org', 'wrong', 'b'), $ret);
var_dump($ret);
echo implode("\n", $w), "\n";
$e = smtp_last_error();
var_dump($e['stage'], $e['code'], $e['enhanced'], $e['auth']);
$all = implode("\n", $w) . print_r($e, true);
$secrets = ['Wr0ngPassw0rd', base64_encode("\0alice\0Wr0ngPassw0rd"), base64_encode('Wr0ngPassw0rd')];
foreach ($secrets as $s) {
    var_dump(str_contains($all, $s));
}
var_dump(str_contains($e['transcript'], '********'));
var_dump(in_array('MAIL', smtp_test_connections($srv, 1)[0]['commands'], true));
?>
--EXPECTF--
bool(false)
mail(): SMTP AUTH PLAIN refused: 535 5.7.8 Authentication credentials invalid
string(4) "auth"
int(535)
string(5) "5.7.8"
%s
bool(false)
bool(false)
bool(false)
bool(true)
bool(false)
