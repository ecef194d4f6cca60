--TEST--
Peer: PHPMailer's folded long Subject and long To list arrive as folded, and its DKIM signature still verifies
--DESCRIPTION--
PHPMailer encodes a long UTF-8 Subject and long UTF-8 display names as encoded words folded with
CRLF + space, and hands them to mail() that way. The folds must arrive exactly where PHPMailer put
them: with PHPMailer's own signer (relaxed/simple) and with python3-dkim's simple/simple signer in
PHPMailer's DKIM_Add() (simple header canonicalization: a moved or removed fold breaks it).
Then a To list PHPMailer writes as one 2,097-octet line (it does not fold between addresses):
over RFC 5322's 998-octet limit, so the transport folds it before white space (as Postfix does),
which relaxed header canonicalization — PHPMailer's — undoes: the signature still verifies and the
unfolded To: is PHPMailer's, byte for byte. Envelope: every recipient, once.
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

$subject = 'Ihre Bestellung №2024-0815 bei Bäckerei Müller & Söhne, Köln — Lieferung verzögert sich: '
	. 'neue Lieferzeit für Brötchen, Brezeln und Streuselkuchen ist übermorgen früh zwischen 6 und 8 Uhr, '
	. 'wir bitten um Entschuldigung für die Unannehmlichkeiten';
$names = ['Doe, Jane', 'Ünal Çelik-Øster, Geschäftsführung der Bäckerei Müller & Söhne GmbH & Co. KG (Köln)',
	'Bob', 'José María Fernández-González de la Peña y Ñúñez, Jefe de Producción', 'O\'Brien, "Pat"',
	'Zoë Ångström — Qualitätssicherung und Lebensmittelhygiene, Standort Düsseldorf-Nord', '', 'Team, Sales',
	'Łukasz Żółć-Świętochowski, Kierownik Działu Logistyki i Dystrybucji', 'Li Wei 李伟 (Einkauf)',
	'Ålesund Fiskeriet AS, avdeling for kvalitetskontroll og sertifisering', 'Last One'];

foreach ([null, 'simple/simple'] as $i => $canon) {
	$m = peers_mailer($key, $canon);
	$m->setFrom('orders@example.com', 'Bäckerei Müller');
	foreach ($names as $n => $name) {
		$m->addAddress("person$n@example.org", $name);
	}
	$m->Subject = $subject;
	$m->Body = "Sehr geehrte Damen und Herren,\n\n.die Lieferung verzögert sich.\n";
	$m->send();

	$want = peers_expected_delivery($m);
	$got = smtp_test_messages($srv)[$i]['data'];
	$to = smtp_test_header($want, 'To')[0];
	$subj = smtp_test_header($want, 'Subject')[0];
	echo "== ", $canon ?? 'PHPMailer\'s own signer', "\n";
	echo 'PHPMailer folded: Subject into ', substr_count($subj, "\r\n ") + 1, ' lines, To into ',
		substr_count($to, "\r\n ") + 1, ' lines, every line <= 998: ', var_export(max(array_map('strlen', explode("\r\n", $want))) <= 998, true), "\n";
	echo 'delivered = PHPMailer output: ', peers_diff($want, $got), "\n";
	echo 'To and Subject identical: ', var_export(smtp_test_header($got, 'To') === [$to]
		&& smtp_test_header($got, 'Subject') === [$subj], true), "\n";
	$v = peers_dkim_verify($got, $key);
	echo 'c=', $v['c'], ' verifies: ', var_export($v['verified'] && peers_dkim_ok($want, $key), true), "\n";
	echo 'one body byte flipped: ', var_export(peers_dkim_ok(peers_flip_body_byte($got), $key), true), "\n";
	echo 'a fold of To moved: ', var_export(peers_dkim_ok(preg_replace('/\?=\r\n =\?/', "?=\r\n  =?", $got, 1), $key), true), "\n";
	$rc = smtp_test_messages($srv)[$i]['envelope']['rcpt_to'];
	echo 'envelope: ', count($rc), ' recipients, as added: ',
		var_export($rc === array_map(fn($n) => "person$n@example.org", array_keys($names)), true), "\n";
}

echo "== one 2,097-octet To line\n";
$m = peers_mailer($key);
$m->setFrom('orders@example.com');
for ($n = 0; $n < 45; $n++) {
	$m->addAddress("recipient$n@example.org", "Recipient Number $n");
}
$m->Subject = $subject;
$m->Body = "hello\n";
$m->send();
$want = peers_expected_delivery($m);
$got = smtp_test_messages($srv)[2]['data'];
$to = smtp_test_header($want, 'To')[0];
$gto = smtp_test_header($got, 'To')[0];
echo 'PHPMailer To line: ', strlen("To: $to"), ' octets, folded: ', var_export(str_contains($to, "\r\n"), true), "\n";
echo 'delivered lines <= 998: ', var_export(max(array_map('strlen', explode("\r\n", $got))) <= 998, true), "\n";
echo 'delivered To unfolded = PHPMailer To: ', var_export(str_replace("\r\n", '', $gto) === $to, true), ', folds: ', substr_count($gto, "\r\n"), "\n";
echo 'rest identical: ', var_export(str_replace("To: $gto\r\n", '', $got) === str_replace("To: $to\r\n", '', $want), true), "\n";
$v = peers_dkim_verify($got, $key);
echo 'c=', $v['c'], ' verifies: ', var_export($v['verified'], true), "\n";
echo 'envelope: ', count(smtp_test_messages($srv)[2]['envelope']['rcpt_to']), " recipients\n";
?>
--EXPECT--
== PHPMailer's own signer
PHPMailer folded: Subject into 7 lines, To into 10 lines, every line <= 998: true
delivered = PHPMailer output: identical
To and Subject identical: true
c=relaxed/simple verifies: true
one body byte flipped: false
a fold of To moved: true
envelope: 12 recipients, as added: true
== simple/simple
PHPMailer folded: Subject into 7 lines, To into 10 lines, every line <= 998: true
delivered = PHPMailer output: identical
To and Subject identical: true
c=simple/simple verifies: true
one body byte flipped: false
a fold of To moved: false
envelope: 12 recipients, as added: true
== one 2,097-octet To line
PHPMailer To line: 2097 octets, folded: false
delivered lines <= 998: true
delivered To unfolded = PHPMailer To: true, folds: 2
rest identical: true
c=relaxed/simple verifies: true
envelope: 45 recipients
