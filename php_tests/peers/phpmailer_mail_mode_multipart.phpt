--TEST--
Peer: Debian's PHPMailer in mail mode (quoted name with a comma, Cc, Bcc, UTF-8 subject, attachments) arrives byte for byte
--DESCRIPTION--
PHPMailer's default transport is PHP's mail(); with smtp.host set that is the extension. The message
must arrive exactly as PHPMailer built it (getSentMIMEMessage(): every header field, the encoded
Subject, the multipart body with its base64 and quoted-printable parts, lines starting with a dot),
the only differences being the ones sendmail -t makes: Bcc: removed, To: and Subject: first (mail()
writes them), the line mail() writes after the message. Envelope: To + Cc + Bcc, each once.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
mail.add_x_header=0
--FILE--
<?php
require __DIR__ . '/peers.inc';

$srv = smtp_test_server();
smtp_test_ini($srv);

$m = peers_mailer();
$m->setFrom('news@example.com', 'Newsletter Team');
$m->addAddress('jane@example.org', 'Doe, Jane');
$m->addAddress('bob@example.org');
$m->addCC('carol@example.net', 'Carol "CC" Person');
$m->addBCC('hidden@example.net', 'Hidden Reader');
$m->addBCC('audit@example.org');
$m->Subject = 'Grüße aus Köln — Rechnung №42';
$m->Body = "Hello Jane,\n\n.this line starts with a dot\n..and this one with two\n.\nFrom the team\n"
	. str_repeat('long line with words ', 30) . "\nbye\n";
$m->addStringAttachment(str_repeat(implode('', array_map('chr', range(0, 255))), 40), 'blob.bin', PHPMailer\PHPMailer\PHPMailer::ENCODING_BASE64, 'application/octet-stream');
$m->addStringAttachment("caf\xC3\xA9 = cr\xC3\xA8me\r\n.dot line\nbare LF line\n" . str_repeat('x', 100) . "\n", 'notes.txt', PHPMailer\PHPMailer\PHPMailer::ENCODING_QUOTED_PRINTABLE, 'text/plain; charset=utf-8');

var_dump($m->send());

$msgs = smtp_test_messages($srv);
echo count($msgs), " message(s)\n";
$got = $msgs[0]['data'];
$want = peers_expected_delivery($m);

// the whole message, byte for byte
echo 'delivered = PHPMailer output: ', peers_diff($want, $got), "\n";
// and piece by piece, so a failure says where
[$wh, $wb] = smtp_test_split($want);
[$gh, $gb] = smtp_test_split($got);
echo 'body identical: ', var_export($gb === $wb, true), "\n";
echo 'headers identical: ', var_export($gh === $wh, true), "\n";
var_dump(smtp_test_header($got, 'To') === ['"Doe, Jane" <jane@example.org>, bob@example.org']);
var_dump(smtp_test_header($got, 'Subject')[0] === $m->encodeHeader($m->Subject));
// PHPMailer Q-encodes and folds it; the fold arrives as PHPMailer wrote it
echo 'Subject: ', json_encode(smtp_test_header($got, 'Subject')[0]), "\n";
echo 'Cc: ', smtp_test_header($got, 'Cc')[0], "\n";
echo 'Bcc headers: ', count(smtp_test_header($got, 'Bcc')), "\n";
echo 'hidden@ in message: ', var_export(str_contains($got, 'hidden@example.net') || str_contains($got, 'Hidden Reader'), true), "\n";
echo 'PHPMailer wrote a Bcc: ', var_export(str_contains($m->getSentMIMEMessage(), "\nBcc: Hidden Reader <hidden@example.net>, audit@example.org"), true), "\n";
echo 'multipart: ', preg_match('~^multipart/mixed;~', smtp_test_header($got, 'Content-Type')[0]), "\n";
// the attachment decodes back to the bytes attached
preg_match('~filename=blob\.bin\r\n\r\n(.*?)\r\n\r\n--~s', $got, $mm);
var_dump(base64_decode($mm[1] ?? '', true) === str_repeat(implode('', array_map('chr', range(0, 255))), 40));
echo 'envelope from: ', $msgs[0]['envelope']['mail_from'], "\n";
echo 'envelope to: ', implode(', ', $msgs[0]['envelope']['rcpt_to']), "\n";
?>
--EXPECT--
bool(true)
1 message(s)
delivered = PHPMailer output: identical
body identical: true
headers identical: true
bool(true)
bool(true)
Subject: "=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln_=E2=80=94_Rechnung_?=\r\n =?utf-8?Q?=E2=84=9642?="
Cc: "Carol \"CC\" Person" <carol@example.net>
Bcc headers: 0
hidden@ in message: false
PHPMailer wrote a Bcc: true
multipart: 1
bool(true)
envelope from: news@example.com
envelope to: jane@example.org, bob@example.org, carol@example.net, hidden@example.net, audit@example.org
