--TEST--
DKIM: every message of the drop-in comparison set verifies with python3-dkim: RSA, Ed25519, and both
--DESCRIPTION--
Each call of php_tests/interop/dropin_cases.inc (mail(), and mb_send_mail() and error_log() type 1, which
the extension carries too) (folded and odd-spaced headers, LF, CRLF and mixed
bodies, lone dots, a body without a final newline, an empty body, 8-bit text, a base64 attachment, the
8 MB body ...) is sent three times: signed with a 2048-bit RSA key (DATA), with an Ed25519 key (BDAT,
CHUNKING offered), and with both (two DKIM-Signature fields, DATA). python3-dkim (dkimpy, with
python3-nacl for Ed25519) checks every signature of the bytes the test server received, the public keys
served by a test DNS that records each lookup. The one case the test server refuses (the unqualified
recipient "alice": 501, where Postfix would qualify it) sends nothing and is listed. mail.add_x_header is on for every case (the set's own
case with it on is then like the others).
--EXTENSIONS--
smtp
mbstring
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
mail.add_x_header=1
--FILE--
<?php
require __DIR__ . '/dkim.inc';
require __DIR__ . '/../interop/dropin_cases.inc';

$keys = dkim_test_keys();
$runs = [
	'rsa-sha256 over DATA' => [[$keys['rsa']], []],
	'ed25519-sha256 over BDAT' => [[$keys['ed']], ['chunking' => true]],
	'both over DATA' => [[$keys['rsa'], $keys['ed']], []],
];
$cases = dropin_cases();
foreach ($runs as $label => [$use, $opts]) {
	$srv = smtp_test_server($opts);
	smtp_test_ini($srv, ['smtp.from' => 'root@example.com', 'smtp.from_name' => 'root', 'smtp.timeout' => '60']);
	dkim_test_use($use);
	$sent = 0;
	$bad = [];
	foreach ($cases as $i => $c) {
		foreach ($c['ini'] ?? [] as $k => $v) {
			@ini_set($k, (string)$v); /* mail.add_x_header is on for all (--INI--) */
		}
		$w = smtp_test_warnings(fn() => match ($c['fn'] ?? 'mail') {
			'mb_send_mail' => mb_send_mail($c['to'], $c['subject'], $c['message'], $c['headers'] ?? [], $c['params'] ?? null),
			'error_log' => error_log($c['message'], 1, $c['to'], $c['headers']),
			default => mail($c['to'], $c['subject'], $c['message'], $c['headers'] ?? '', $c['params'] ?? ''),
		}, $ok);
		foreach ($c['ini'] ?? [] as $k => $v) {
			@ini_restore($k);
		}
		if (!$ok) {
			$bad[] = "$i {$c['name']}: mail() false: " . implode(' ', $w);
			continue;
		}
		$sent++;
	}
	$msgs = smtp_test_messages($srv);
	$pass = 0;
	foreach (dkim_test_verify_many(array_column($msgs, 'data'), $use) as $i => $v) {
		if (dkim_test_all_pass($v, count($use))) {
			$pass++;
		} else {
			$bad[] = "message $i: " . dkim_test_explain($v);
		}
	}
	printf("%s: %d cases, %d sent, %d received, %d verify\n", $label, count($cases), $sent, count($msgs), $pass);
	foreach ($bad as $b) {
		echo "  $b\n";
	}
	smtp_test_stop($srv);
}
echo count($cases) >= 40 ? "the whole set\n" : "only " . count($cases) . " cases\n";
?>
--EXPECT--
rsa-sha256 over DATA: 47 cases, 46 sent, 46 received, 46 verify
  39 unqualified recipient address: mail() false: mail(): SMTP RCPT TO <alice> refused: 501 5.1.3 Address must be fully qualified
ed25519-sha256 over BDAT: 47 cases, 46 sent, 46 received, 46 verify
  39 unqualified recipient address: mail() false: mail(): SMTP RCPT TO <alice> refused: 501 5.1.3 Address must be fully qualified
both over DATA: 47 cases, 46 sent, 46 received, 46 verify
  39 unqualified recipient address: mail() false: mail(): SMTP RCPT TO <alice> refused: 501 5.1.3 Address must be fully qualified
the whole set
