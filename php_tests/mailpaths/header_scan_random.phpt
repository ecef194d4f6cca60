--TEST--
mb_send_mail(): on 300 generated header strings (60 under valgrind) the engine's header scan decides as PHP's own (MIME headers, charset, body encoding, warnings)
--DESCRIPTION--
Header strings made (seeded, so the same every run) from the pieces mb_send_mail()'s scan reacts to:
colons, CRLF, LF, a bare CR, continuation white space, the names Content-Type,
Content-Transfer-Encoding and MIME-Version, "charset=", charset and encoding names, quotes. Each is
sent through PHP's own mb_send_mail() (sendmail_path saving the stream; in a child php, see
mailpaths_stock() in cases.inc) and through the engine; the
MIME-Version/Content-Type/Content-Transfer-Encoding lines, the encoded body, the return value and
the warnings must be the same. (Where a header line without a colon ends the header section is the
engine's sendmail behaviour, the same as for mail(), and not compared here.)
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path="cat > {PWD}/header_scan_random.stream.out #"
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
require __DIR__ . '/cases.inc';
$file = __DIR__ . '/header_scan_random.stream.out';
$srv = smtp_test_server();
mt_srand(20261201);
$pieces = [':', "\r\n", "\r\n ", "\n", ' ', "\t", 'a', 'Content-Type', 'content-transfer-encoding', 'MIME-Version',
	';', 'charset=', 'utf-8', 'ISO-8859-1', 'base64', '8bit', 'x', "\r", '=', '"'];
$mime = function (string $stream): string {
	preg_match_all('/^(MIME-Version|Content-Type|Content-Transfer-Encoding): [^\r\n]*$/mi', $stream, $m);
	$last = strrpos($stream, "\r\n\r\n");
	return json_encode([$m[0], $last === false ? '' : substr($stream, $last)]);
};
$bad = 0;
$n = smtp_test_slow() ? 60 : 300;  // fewer under valgrind
$jobs = [];
for ($k = 0; $k < $n; $k++) {
	$h = "From: shop@x.test\r\n";
	for ($j = mt_rand(1, 14); $j > 0; $j--) {
		$h .= $pieces[mt_rand(0, count($pieces) - 1)];
	}
	$jobs[] = [ini_get('mbstring.language'), ['mb', 'alice@y.test', 'subject', "é\n", $h]];
}
$stock_side = mailpaths_stock($jobs, $file, 'mailpaths/header_scan_random');
foreach ($jobs as $k => [, $c]) {
	$h = $c[4];
	[$sr, $sw, $stock] = $stock_side[$k] ?? [null, [], ''];
	[$er, $ew, $engine] = mailpaths_engine($srv, $c, ['smtp.from' => 'root@x.test']);
	if ($sr !== $er || $sw !== $ew || ($sr === true && $mime($stock) !== $mime($engine))) {
		$bad++;
		echo 'DIFF ', json_encode([$h, $sr, $sw, $er, $ew, $mime($stock), $mime($engine)]), "\n";
	}
}
@unlink($file);
echo "$bad differ\n";
?>
--EXPECT--
0 differ
