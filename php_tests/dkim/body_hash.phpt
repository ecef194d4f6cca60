--TEST--
DKIM: the body hash is over the body the receiver sees (LF endings, lone dots, trailing blank lines, 8-bit, no final newline), over DATA and BDAT
--DESCRIPTION--
Bodies given to mail() with LF, CRLF, bare CR and mixed line endings, lines that are a lone dot or start
with dots (dot-stuffed on the wire with DATA, not with BDAT), trailing blank and white-space-only lines,
8-bit bytes, white space runs and a body without a final newline, or empty. For each, bh= must equal the
SHA-256 of the relaxed canonical form (RFC 6376 3.4.4, computed here in PHP) of the body as the server
received it, and python3-dkim must verify the whole signature.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
mail.add_x_header=0
--FILE--
<?php
require __DIR__ . '/dkim.inc';

/* RFC 6376 3.4.4, the obvious way: whole lines */
function relaxed_body(string $b): string
{
	$lines = explode("\r\n", $b);
	if (end($lines) === '') {
		array_pop($lines);
	}
	$lines = array_map(fn($l) => rtrim(preg_replace('/[ \t]+/', ' ', $l), ' '), $lines);
	while ($lines && end($lines) === '') {
		array_pop($lines);
	}
	return $lines ? implode("\r\n", $lines) . "\r\n" : '';
}

$bodies = [
	'LF endings' => "first line\nsecond line\n",
	'lone dots and dotted lines' => ".\n..\n.hidden\nmiddle\n.\n",
	'trailing blank lines' => "text\n\n\n\n",
	'trailing white-space-only lines' => "text\n  \n\t\n \t \n",
	'8-bit' => "Grüße aus Köln – 日本語 \xff\xfe\n",
	'white space runs and trailing white space' => "a  \t b   \n\t lead\ntrail \t\n",
	'no final newline' => "no newline at the end",
	'only a dot, no newline' => ".",
	'empty' => '',
	'only newlines' => "\n\n\n",
	'CRLF, bare CR and mixed' => "one\r\ntwo\rthree\nfour\r\n\r\n",
];
$keys = dkim_test_keys();
foreach (['DATA' => [], 'BDAT' => ['chunking' => true, '8bitmime' => true]] as $how => $opts) {
	$srv = smtp_test_server($opts);
	smtp_test_ini($srv);
	dkim_test_use([$keys['rsa']]);
	foreach ($bodies as $body) {
		mail('to@example.org', 'body hash', $body, 'From: a@example.com');
	}
	$msgs = smtp_test_messages($srv);
	$verdicts = dkim_test_verify_many(array_column($msgs, 'data'), [$keys['rsa']]);
	echo "== $how\n";
	foreach (array_keys($bodies) as $i => $label) {
		$data = $msgs[$i]["data"];
		$pos = strpos($data, "\r\n\r\n");
		$head = substr($data, 0, $pos);
		$got = substr($data, $pos + 4);
		preg_match('/\bbh=([^;]+);/', $head, $m);
		$want = base64_encode(hash('sha256', relaxed_body($got), true));
		printf("%s: bh %s, python3-dkim %s\n", $label, ($m[1] ?? '') === $want ? 'matches' : "DIFFERS ($m[1] vs $want)",
			dkim_test_all_pass($verdicts[$i], 1) ? 'verifies' : dkim_test_explain($verdicts[$i]));
	}
	smtp_test_stop($srv);
}
?>
--EXPECT--
== DATA
LF endings: bh matches, python3-dkim verifies
lone dots and dotted lines: bh matches, python3-dkim verifies
trailing blank lines: bh matches, python3-dkim verifies
trailing white-space-only lines: bh matches, python3-dkim verifies
8-bit: bh matches, python3-dkim verifies
white space runs and trailing white space: bh matches, python3-dkim verifies
no final newline: bh matches, python3-dkim verifies
only a dot, no newline: bh matches, python3-dkim verifies
empty: bh matches, python3-dkim verifies
only newlines: bh matches, python3-dkim verifies
CRLF, bare CR and mixed: bh matches, python3-dkim verifies
== BDAT
LF endings: bh matches, python3-dkim verifies
lone dots and dotted lines: bh matches, python3-dkim verifies
trailing blank lines: bh matches, python3-dkim verifies
trailing white-space-only lines: bh matches, python3-dkim verifies
8-bit: bh matches, python3-dkim verifies
white space runs and trailing white space: bh matches, python3-dkim verifies
no final newline: bh matches, python3-dkim verifies
only a dot, no newline: bh matches, python3-dkim verifies
empty: bh matches, python3-dkim verifies
only newlines: bh matches, python3-dkim verifies
CRLF, bare CR and mixed: bh matches, python3-dkim verifies
