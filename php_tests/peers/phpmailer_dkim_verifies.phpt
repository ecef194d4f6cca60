--TEST--
Peer: a DKIM signature made in PHPMailer (mail mode) verifies with python3-dkim on the delivered bytes
--DESCRIPTION--
PHPMailer signs before it calls mail(), over the To: and Subject: it hands mail() and its own
header fields; the transport must not change a signed byte. Three signatures, each on its own
message: PHPMailer's own signer (it always writes c=relaxed/simple), and python3-dkim's signer put in
PHPMailer's DKIM_Add() with c=relaxed/relaxed and c=simple/simple (simple header canonicalization:
one changed space or fold in To:/Subject: breaks it). DKIM_extraHeaders names To, Subject and a
custom header. The key is made now by openssl; python3-dkim gets the public key from a local
function instead of DNS. Controls: PHPMailer's own output verifies; one flipped body byte, one
changed Subject byte fail; an unfolded Subject fails under simple and passes under relaxed.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $peers_need_dkim = true; require __DIR__ . '/skipif.inc'; ?>
--INI--
mail.add_x_header=0
--FILE--
<?php
require __DIR__ . '/peers.inc';

$srv = smtp_test_server();
smtp_test_ini($srv);
$key = peers_dkim_key();

foreach ([null, 'relaxed/relaxed', 'simple/simple'] as $i => $canon) {
	$m = peers_mailer($key, $canon);
	$m->setFrom('news@example.com', 'Newsletter Team');
	$m->addAddress('jane@example.org', 'Doe, Jane');
	$m->addAddress('bob@example.org');
	$m->addCC('carol@example.net', 'Carol Person');
	$m->addBCC('hidden@example.net');
	$m->addCustomHeader('X-Peer-Test', 'signed custom header');
	$m->DKIM_extraHeaders = ['To', 'Subject', 'X-Peer-Test'];
	$m->Subject = 'Grüße aus Köln — Rechnung №' . (42 + $i);
	$m->Body = "Hello Jane,\n\n.a line that starts with a dot\nsecond line\n";
	$m->addStringAttachment(str_repeat("\x00\x01\xfe\xff", 300), 'blob.bin');
	$sent = $m->send();

	$msgs = smtp_test_messages($srv);
	$got = $msgs[$i]['data'];
	$want = peers_expected_delivery($m);
	$v = peers_dkim_verify($got, $key);
	$h = array_map('strtolower', $v['h'] ?? []);

	echo "== ", $canon ?? 'PHPMailer\'s own signer', "\n";
	echo 'sent: ', var_export($sent, true), ', envelope: ', implode(' ', $msgs[$i]['envelope']['rcpt_to']), "\n";
	echo 'c=', $v['c'], ', signs To, Subject, Cc, X-Peer-Test: ',
		var_export(!array_diff(['to', 'subject', 'cc', 'x-peer-test', 'from'], $h), true),
		', signs Bcc: ', var_export(in_array('bcc', $h, true), true), "\n";
	echo 'control, PHPMailer\'s own output verifies: ', var_export(peers_dkim_ok($want, $key), true), "\n";
	echo 'delivered = PHPMailer output: ', peers_diff($want, $got), "\n";
	echo 'delivered verifies: ', var_export($v['verified'], true), ', key looked up: ', implode(' ', $v['lookups']), "\n";
	echo 'one body byte flipped: ', var_export(peers_dkim_ok(peers_flip_body_byte($got), $key), true), "\n";
	$subj = smtp_test_header($got, 'Subject')[0];
	$pos = strpos($got, "\r\nSubject: =?utf-8?Q?G");
	if ($pos === false) {
		throw new RuntimeException('Subject not found as expected: ' . json_encode($subj));
	}
	$pos += strlen("\r\nSubject: =?utf-8?Q?");
	$changed = substr_replace($got, 'X', $pos, 1);
	echo 'one Subject byte changed: ', var_export(peers_dkim_ok($changed, $key), true), "\n";
	if (str_contains($subj, "\r\n ")) {
		// stock mail() turns every control character of the subject into a space
		$unfolded = str_replace("Subject: $subj\r\n", 'Subject: ' . str_replace(["\r", "\n"], ' ', $subj) . "\r\n", $got);
		echo 'Subject unfolded (what stock mail() does to a folded Subject): ',
			var_export(peers_dkim_ok($unfolded, $key), true), "\n";
	}
}
?>
--EXPECT--
== PHPMailer's own signer
sent: true, envelope: jane@example.org bob@example.org carol@example.net hidden@example.net
c=relaxed/simple, signs To, Subject, Cc, X-Peer-Test: true, signs Bcc: false
control, PHPMailer's own output verifies: true
delivered = PHPMailer output: identical
delivered verifies: true, key looked up: peers._domainkey.example.com.
one body byte flipped: false
one Subject byte changed: false
Subject unfolded (what stock mail() does to a folded Subject): true
== relaxed/relaxed
sent: true, envelope: jane@example.org bob@example.org carol@example.net hidden@example.net
c=relaxed/relaxed, signs To, Subject, Cc, X-Peer-Test: true, signs Bcc: false
control, PHPMailer's own output verifies: true
delivered = PHPMailer output: identical
delivered verifies: true, key looked up: peers._domainkey.example.com.
one body byte flipped: false
one Subject byte changed: false
Subject unfolded (what stock mail() does to a folded Subject): true
== simple/simple
sent: true, envelope: jane@example.org bob@example.org carol@example.net hidden@example.net
c=simple/simple, signs To, Subject, Cc, X-Peer-Test: true, signs Bcc: false
control, PHPMailer's own output verifies: true
delivered = PHPMailer output: identical
delivered verifies: true, key looked up: peers._domainkey.example.com.
one body byte flipped: false
one Subject byte changed: false
Subject unfolded (what stock mail() does to a folded Subject): false
