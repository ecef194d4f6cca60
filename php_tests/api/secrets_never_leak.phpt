--TEST--
Secrets: no password, AUTH payload (PLAIN, LOGIN, CRAM-MD5) or OAuth token in results, transcripts, warnings, smtp_last_error(), mail.log or phpinfo()
--DESCRIPTION--
For each mechanism (PLAIN, LOGIN, CRAM-MD5 with the password; XOAUTH2 with a token) the test runs smtp_check(),
smtp_test_send() and mail() (one recipient refused, so smtp_last_error() holds the whole transcript), a
successful and a refused login, with smtp.password set (phpinfo() is captured too) and as an option.
The forbidden strings are computed here: the password and the token, their base64, the PLAIN initial
response, the LOGIN user and password lines, the CRAM-MD5 response (rebuilt from the challenge the server
sent and checked against what it received) and the XOAUTH2 initial response. As a control, each of them
is found in the test server's own transcript (so the search would see them); none is found in any output.
--EXTENSIONS--
smtp
--INI--
mail.log={PWD}/secrets_never_leak.maillog.out
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$pw = 'Pw-' . bin2hex(random_bytes(6)) . '+/=';      /* base64-significant characters included */
$token = 'ya29.' . bin2hex(random_bytes(12));
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN LOGIN CRAM-MD5 XOAUTH2',
    'users' => ['alice' => $pw, 'bob@example.com' => $token],
    'faults' => ['rcpt:refused@example.org=550 5.1.1 <refused@example.org>: User unknown']]);

$out = [];          /* every output of the extension, as text */
$collect = function ($label, $v) use (&$out) {
    $out[] = "== $label\n" . print_r($v, true) . "\n" . serialize($v);
};
$runs = ['PLAIN' => ['alice', $pw], 'LOGIN' => ['alice', $pw], 'CRAM-MD5' => ['alice', $pw], 'XOAUTH2' => ['bob@example.com', $token]];
$ok = [];
foreach ($runs as $mech => [$user, $secret]) {
    $o = api_opts($srv, ['encryption' => 'tls', 'auth' => strtolower($mech), 'username' => $user, 'password' => $secret]);
    $r = smtp_check($o);
    $ok[] = "$mech check " . ($r['ok'] && $r['auth'] === $mech ? 'ok' : 'FAILED: ' . $r['error']);
    $collect("$mech check", $r);
    $r = smtp_test_send('ok@example.org', $o + ['from' => 'a@example.com']);
    $ok[] = "$mech send " . ($r['ok'] ? 'ok' : 'FAILED: ' . $r['error']);
    $collect("$mech send", $r);
    $bad = smtp_check(['password' => $secret . 'x'] + $o);
    $ok[] = "$mech wrong secret " . $bad['stage'] . ' ' . $bad['code'];
    $collect("$mech wrong", $bad);

    /* mail() with the settings: one recipient refused -> warning + smtp_last_error() */
    smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => $srv['ca'], 'smtp.auth' => strtolower($mech),
        'smtp.username' => $user, 'smtp.password' => $secret]);
    $w = smtp_test_warnings(fn() => mail('ok@example.org, refused@example.org', "secrets $mech", 'body'), $res);
    $ok[] = "$mech mail() " . var_export($res, true) . ', ' . count($w) . ' warning';
    $collect("$mech mail warnings", $w);
    $collect("$mech last error", smtp_last_error());
    ini_set('smtp.password', $secret . 'x');
    $w = smtp_test_warnings(fn() => mail('ok@example.org', "secrets $mech wrong", 'body'), $res);
    $ok[] = "$mech mail() wrong secret " . var_export($res, true);
    $collect("$mech mail wrong warnings", $w);
    $collect("$mech mail wrong last error", smtp_last_error());
    ini_set('smtp.password', $secret);
    ob_start();
    phpinfo(INFO_MODULES);
    $collect("$mech phpinfo", ob_get_clean());
}
echo implode("\n", $ok), "\n";
$collect('mail.log', (string)@file_get_contents(__DIR__ . '/secrets_never_leak.maillog.out'));
$all = implode("\n", $out);

/* the forbidden strings, computed from the secrets and the server's challenges */
$t = smtp_test_transcript($srv);
$forbidden = [
    'password' => $pw, 'token' => $token, 'base64(password)' => base64_encode($pw), 'base64(token)' => base64_encode($token),
    'PLAIN response' => base64_encode("\0alice\0$pw"), 'PLAIN response with authzid' => base64_encode("alice\0alice\0$pw"),
    'LOGIN user line' => base64_encode('alice'), 'LOGIN password line' => base64_encode($pw),
    'XOAUTH2 response' => base64_encode("user=bob@example.com\x01auth=Bearer $token\x01\x01"),
];
/* CRAM-MD5: every challenge the server sent, and the response the client computed for it */
preg_match_all('/^#(\d+) S: 334 (\S+)\n#\1 C: (\S+)$/m', $t, $m, PREG_SET_ORDER);
$cram = 0;
foreach ($m as [, $conn, $chal, $resp]) {
    $c = base64_decode($chal, true);
    if ($c === false || !str_starts_with($c, '<')) {
        continue;                           /* LOGIN's prompts, not a CRAM-MD5 challenge */
    }
    foreach ([$pw, $pw . 'x'] as $i => $p) {
        $digest = hash_hmac('md5', $c, $p);
        $want = base64_encode("alice $digest");
        if ($want === $resp) {
            $forbidden["CRAM-MD5 response #$conn"] = $want;
            $forbidden["CRAM-MD5 digest #$conn"] = $digest;
            $cram++;
        }
    }
}
echo "CRAM-MD5 responses rebuilt: ", $cram >= 2 ? 'yes' : "no ($cram)", "\n";
$leaks = $control = [];
foreach ($forbidden as $what => $s) {
    if (str_contains($all, $s)) {
        $leaks[] = $what;
    }
    if (!str_contains($t, $s) && $what !== 'password' && $what !== 'token' && $what !== 'base64(token)'
        && $what !== 'PLAIN response with authzid' && !str_starts_with($what, 'CRAM-MD5 digest')) {
        $control[] = $what;
    }
}
echo 'leaks: ', $leaks ? implode(', ', $leaks) : 'none', "\n";
echo 'not on the wire (control): ', $control ? implode(', ', $control) : 'none', "\n";
/* the masks are there instead */
var_dump(str_contains($all, 'C: AUTH PLAIN ********'), str_contains($all, 'C: AUTH XOAUTH2 ********'),
    str_contains($all, "C: AUTH CRAM-MD5\nS: 334 "), str_contains($all, 'smtp.password => ********'),
    str_contains($all, 'mail() on ['));
?>
--CLEAN--
<?php @unlink(__DIR__ . '/secrets_never_leak.maillog.out'); ?>
--EXPECT--
PLAIN check ok
PLAIN send ok
PLAIN wrong secret auth 535
PLAIN mail() true, 1 warning
PLAIN mail() wrong secret false
LOGIN check ok
LOGIN send ok
LOGIN wrong secret auth 535
LOGIN mail() true, 1 warning
LOGIN mail() wrong secret false
CRAM-MD5 check ok
CRAM-MD5 send ok
CRAM-MD5 wrong secret auth 535
CRAM-MD5 mail() true, 1 warning
CRAM-MD5 mail() wrong secret false
XOAUTH2 check ok
XOAUTH2 send ok
XOAUTH2 wrong secret auth 535
XOAUTH2 mail() true, 1 warning
XOAUTH2 mail() wrong secret false
CRAM-MD5 responses rebuilt: yes
leaks: none
not on the wire (control): none
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
