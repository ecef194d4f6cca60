--TEST--
DKIM: a key that cannot be used stops the send with stage "dkim" and a sentence naming the setting (mail(), smtp_test_send(), smtp_check())
--DESCRIPTION--
A file that is not a key, an EC key (DKIM signs with RSA or Ed25519), a 512-bit RSA key, a missing file,
two selectors for one key, a missing selector or domain, an encrypted key, an env: variable that is not
set: mail() returns false with one warning, smtp_last_error() says stage "dkim" and gives the hint, and
nothing reaches the server. The key material never appears in a warning or the result. smtp_check()
loads the keys: it reports the bad key without connecting, and names the good keys in its transcript.
The keys are loaded once per process (a key file removed after the first send does not stop the
next) and again when a setting changes (a fixed setting takes effect at the next send).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
mail.add_x_header=0
--FILE--
<?php
require __DIR__ . '/dkim.inc';

$srv = smtp_test_server();
smtp_test_ini($srv);
$keys = dkim_test_keys();
$dir = dkim_test_dir();
$ec = dkim_test_key('ec', 'ec1');
$small = dkim_test_key('rsa', 'small', 512);
file_put_contents("$dir/junk.pem", "this is not a key\n");
dkim_test_openssl(['pkey', '-in', $keys['rsa']['file'], '-aes256', '-passout', 'pass:secret', '-out', "$dir/enc.pem"]);
$pem = file_get_contents($keys['rsa']['file']);
$secret_line = explode("\n", $pem)[1];

$cases = [
	'not a key' => ['example.com', 's1', "$dir/junk.pem"],
	'EC key' => ['example.com', 's1', $ec['file']],
	'512-bit RSA' => ['example.com', 's1', $small['file']],
	'missing file' => ['example.com', 's1', "$dir/nonexistent.pem"],
	'file: missing' => ['example.com', 's1', "file:$dir/nonexistent.pem"],
	'two selectors, one key' => ['example.com', 's1,s2', $keys['rsa']['file']],
	'one selector, two keys' => ['example.com', 's1', $keys['rsa']['file'] . ',' . $keys['ed']['file']],
	'no selector' => ['example.com', '', $keys['rsa']['file']],
	'no domain' => ['', 's1', $keys['rsa']['file']],
	'no key' => ['example.com', 's1', ''],
	'encrypted key' => ['example.com', 's1', "$dir/enc.pem"],
	'env: not set' => ['example.com', 's1', 'env:SMTP_DKIM_TEST_UNSET'],
];
foreach ($cases as $label => [$d, $s, $k]) {
	ini_set('smtp.dkim_domain', $d);
	ini_set('smtp.dkim_selector', $s);
	ini_set('smtp.dkim_private_key', $k);
	$w = smtp_test_warnings(fn() => mail('to@example.org', 'x', "body\n"), $ok);
	$e = smtp_last_error();
	echo "== $label\n";
	echo 'mail(): ', var_export($ok, true), ', stage ', $e['stage'], "\n";
	echo str_replace($dir, 'DIR', implode("\n", $w)), "\n";
	if ($e['error'] !== substr($w[0], strlen('mail(): ')) || $e['hint'] === null || !str_contains($e['hint'], 'smtp.dkim_private_key')) {
		echo "result differs from the warning, or no hint: ", json_encode($e), "\n";
	}
	if (str_contains(json_encode($e) . implode('', $w), $secret_line)) {
		echo "KEY MATERIAL LEAKED\n";
	}
}
echo "messages at the server: ", count(smtp_test_messages($srv)), "\n";

echo "== smtp_check() with a bad key\n";
ini_set('smtp.dkim_domain', 'example.com');
ini_set('smtp.dkim_selector', 'ec1');
ini_set('smtp.dkim_private_key', $ec['file']);
$r = smtp_check();
echo var_export($r['ok'], true), ' ', $r['stage'], ': ', str_replace($dir, 'DIR', $r['error']), "\n";
echo "== smtp_test_send() with a bad key\n";
$r = smtp_test_send('to@example.org');
echo var_export($r['ok'], true), ' ', $r['stage'], ': ', str_replace($dir, 'DIR', $r['error']), "\n";
echo "connections so far: ", count(smtp_test_connections($srv)), "\n";

echo "== fixed: smtp_check() names the keys, mail() signs\n";
dkim_test_use([$keys['rsa'], $keys['ed']]);
$r = smtp_check();
echo var_export($r['ok'], true), ' ', $r['stage'], "\n";
preg_match('/DKIM keys loaded: [^\r\n]*/', $r['transcript'], $m);
echo $m[0] ?? 'no DKIM line in the transcript', "\n";
var_dump(mail('to@example.org', 'x', "body\n"));
$msgs = smtp_test_messages($srv);
echo count($msgs), ' message, ', dkim_test_all_pass(dkim_test_verify($msgs[0]['data'], $keys), 2) ? 'both signatures verify' : 'FAIL', "\n";
echo "== env: holding the PEM\n";
putenv('SMTP_DKIM_TEST_KEY=' . file_get_contents($keys['ed']['file']));
ini_set('smtp.dkim_selector', 'ed1');
ini_set('smtp.dkim_private_key', 'env:SMTP_DKIM_TEST_KEY');
var_dump(mail('to@example.org', 'x', "body\n"));
$msgs = smtp_test_messages($srv);
echo dkim_test_all_pass(dkim_test_verify($msgs[1]['data'], $keys), 1) ? 'verifies' : 'FAIL', "\n";
echo "== loaded once: the file removed after the first send, the next send still signs\n";
copy($keys['ed']['file'], "$dir/once.pem");
ini_set('smtp.dkim_private_key', "$dir/once.pem");
var_dump(mail('to@example.org', 'x', "body\n"));
unlink("$dir/once.pem");
var_dump(mail('to@example.org', 'x', "body\n"));
$msgs = smtp_test_messages($srv);
echo dkim_test_all_pass(dkim_test_verify($msgs[3]['data'], $keys), 1) ? 'verifies' : 'FAIL', "\n";
echo "== a changed setting loads again\n";
ini_set('smtp.dkim_private_key', "file:$dir/once.pem");
$w = smtp_test_warnings(fn() => mail('to@example.org', 'x', "body\n"), $ok);
var_dump($ok);
echo str_replace($dir, 'DIR', implode("\n", $w)), "\n";
?>
--EXPECT--
== not a key
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key: DIR/junk.pem is not a private key in PEM format ("-----BEGIN PRIVATE KEY-----")
== EC key
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key: DIR/ec1.pem is an EC (ECDSA) key: DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)
== 512-bit RSA
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key: DIR/small.pem is a 512-bit RSA key: DKIM needs at least 1024 bits (2048 recommended)
== missing file
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key: the file DIR/nonexistent.pem cannot be read: No such file or directory
== file: missing
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key: the file DIR/nonexistent.pem cannot be read: No such file or directory
== two selectors, one key
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_selector names 2 selectors but smtp.dkim_private_key 1 key: give one selector per key, in the same order
== one selector, two keys
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_selector names 1 selector but smtp.dkim_private_key 2 keys: give one selector per key, in the same order
== no selector
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_selector is empty: set it to the selector of the key's DNS record (<selector>._domainkey.example.com)
== no domain
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_domain is empty: set it to the domain of the DKIM key's DNS record (d=)
== no key
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key is empty: set it to the path of the PEM private key
== encrypted key
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key: DIR/enc.pem is encrypted with a passphrase: store the key without one (openssl pkey -in key.pem -out plain.pem) and protect the file by its permissions
== env: not set
mail(): false, stage dkim
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key refers to the environment variable SMTP_DKIM_TEST_UNSET, which is not set or empty
messages at the server: 0
== smtp_check() with a bad key
false dkim: DKIM signing failed, nothing was sent: smtp.dkim_private_key: DIR/ec1.pem is an EC (ECDSA) key: DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)
== smtp_test_send() with a bad key
false dkim: DKIM signing failed, nothing was sent: smtp.dkim_private_key: DIR/ec1.pem is an EC (ECDSA) key: DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)
connections so far: 0
== fixed: smtp_check() names the keys, mail() signs
true done
DKIM keys loaded: d=example.com: s=rsa2048 (rsa-sha256, 2048 bits), s=ed1 (ed25519-sha256)
bool(true)
1 message, both signatures verify
== env: holding the PEM
bool(true)
verifies
== loaded once: the file removed after the first send, the next send still signs
bool(true)
bool(true)
verifies
== a changed setting loads again
bool(false)
mail(): DKIM signing failed, nothing was sent: smtp.dkim_private_key: the file DIR/once.pem cannot be read: No such file or directory
