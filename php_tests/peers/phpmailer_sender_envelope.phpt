--TEST--
Peer: PHPMailer's Sender (passed to mail() as -f) becomes the envelope sender
--DESCRIPTION--
PHPMailer in mail mode calls mail(..., "-f<Sender>") when Sender is set (setFrom() sets it to the
From address unless told not to). The extension takes -f as the envelope sender, ahead of
smtp.from, like sendmail -f; the From: header stays PHPMailer's. Without a Sender there is no -f and
smtp.from is used. A Sender PHPMailer finds unsafe for a shell (a '+' in it, its CVE-2016-10033
guard) is not passed as -f at all: PHPMailer only puts it in the sendmail_from ini setting for the
call; a sendmail_from changed at runtime comes before smtp.from (order: -f, a runtime sendmail_from,
smtp.from, php.ini's sendmail_from), so the VERP bounce address survives a site-wide smtp.from.
Each message arrives as PHPMailer built it.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
mail.add_x_header=0
sendmail_from=
--FILE--
<?php
require __DIR__ . '/peers.inc';

$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.from' => 'site-default@example.com']);

$cases = [
	'Sender set' => function ($m) {
		$m->setFrom('news@example.com', 'News');
		$m->Sender = 'bounces-list-42@example.net';
	},
	'setFrom() default (Sender = From)' => function ($m) {
		$m->setFrom('news@example.com', 'News');
	},
	'no Sender (setFrom(..., false))' => function ($m) {
		$m->setFrom('news@example.com', 'News', false);
	},
	'Sender with + (no -f), smtp.from set' => function ($m) {
		$m->setFrom('news@example.com', 'News');
		$m->Sender = 'bounces+list-42@example.net';
	},
	'Sender with + (no -f), smtp.from empty' => function ($m) {
		ini_set('smtp.from', '');
		$m->setFrom('news@example.com', 'News');
		$m->Sender = 'bounces+list-42@example.net';
	},
];
$i = 0;
foreach ($cases as $label => $setup) {
	$m = peers_mailer();
	$setup($m);
	$m->addAddress('jane@example.org', 'Doe, Jane');
	$m->Subject = 'Envelope test';
	$m->Body = "hello\n";
	$sent = $m->send();
	$msg = smtp_test_messages($srv)[$i++];
	echo "$label: sent ", var_export($sent, true), ', MAIL FROM <', $msg['envelope']['mail_from'], '>, From: ',
		smtp_test_header($msg['data'], 'From')[0], ', as built: ', peers_diff(peers_expected_delivery($m), $msg['data']), "\n";
}
echo 'sendmail_from restored by PHPMailer: ', var_export(ini_get('sendmail_from'), true), "\n";
?>
--EXPECT--
Sender set: sent true, MAIL FROM <bounces-list-42@example.net>, From: News <news@example.com>, as built: identical
setFrom() default (Sender = From): sent true, MAIL FROM <news@example.com>, From: News <news@example.com>, as built: identical
no Sender (setFrom(..., false)): sent true, MAIL FROM <site-default@example.com>, From: News <news@example.com>, as built: identical
Sender with + (no -f), smtp.from set: sent true, MAIL FROM <bounces+list-42@example.net>, From: News <news@example.com>, as built: identical
Sender with + (no -f), smtp.from empty: sent true, MAIL FROM <bounces+list-42@example.net>, From: News <news@example.com>, as built: identical
sendmail_from restored by PHPMailer: ''
