--TEST--
mb_send_mail() and error_log(..., 1): the engine sends the stream PHP's own handlers give sendmail, under several mbstring.language settings
--DESCRIPTION--
Each case of cases.inc runs once with smtp.host empty (PHP's own mb_send_mail()/error_log(): php_mail()
writes the stream to sendmail_path, here a shell line that saves it; in a child php, see
mailpaths_stock() in cases.inc for why and for the leak check on a debug build of PHP) and once with
smtp.host set (the engine, to the test server, in this process). With CRLF line ends and without the Date/Message-ID/From the engine adds as
sendmail does, the bytes must be equal, and so must return values and warnings. Languages: neutral
(UTF-8, base64/base64), Japanese (ISO-2022-JP, base64/7bit), English (ISO-8859-1, Q/8bit), German.
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path="cat > {PWD}/same_bytes_as_stock.stream.out #"
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
require __DIR__ . '/cases.inc';
$file = __DIR__ . '/same_bytes_as_stock.stream.out';
$srv = smtp_test_server();
$jobs = $names = [];
foreach (['neutral', 'Japanese', 'English', 'German'] as $lang) {
	foreach (mailpaths_cases() as $name => $c) {
		$jobs[] = [$lang, $c];
		$names[] = "[$lang] $name";
	}
}
$stock_side = mailpaths_stock($jobs, $file, 'mailpaths/same_bytes_as_stock');
$bad = 0;
$n = 0;
foreach ($jobs as $i => [$lang, $c]) {
	ini_set('mbstring.language', $lang);
	[$sr, $sw, $stock] = $stock_side[$i] ?? [null, [], ''];
	[$er, $ew, $got] = mailpaths_engine($srv, $c, ['smtp.from' => 'root@x.test']);
	$engine = $got === '' ? '' : mailpaths_engine_bytes($got, 'root@x.test');
	$n++;
	if ($stock === '' || $stock !== $engine || $sr !== $er || $sw !== $ew) {
		$bad++;
		echo "DIFF {$names[$i]}\n", json_encode([$sr, $sw, $stock]), "\n", json_encode([$er, $ew, $engine]), "\n";
	}
}
@unlink($file);
echo "$n cases, $bad differ\n";
var_dump(mb_language());
?>
--EXPECT--
60 cases, 0 differ
string(6) "German"
