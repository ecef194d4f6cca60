--TEST--
mb_send_mail() and error_log(..., 1) through the engine keep mail.log, mail.add_x_header and mail.force_extra_parameters
--DESCRIPTION--
With mail.add_x_header=1 the stream (X-PHP-Originating-Script naming the calling file) equals PHP's own; mail.log gets
the same "mail() on [...]" line from both; mail.force_extra_parameters=-f... decides the envelope sender
over the fifth argument.
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path="cat > {PWD}/mail_ini.stream.out #"
mail.add_x_header=1
mail.log={PWD}/mail_ini.maillog.out
mail.force_extra_parameters=-fforced@example.com
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
require __DIR__ . '/cases.inc';
$stream = __DIR__ . '/mail_ini.stream.out';
$log = __DIR__ . '/mail_ini.maillog.out';
$srv = smtp_test_server();
$cases = [['mb', 'to@example.org', 'Ünïcödé', "Grüße\n", 'From: shop@example.com', '-fignored@example.com'],
	['el', 'ops@example.org', null, 'err', "From: app@example.com"]];
foreach ($cases as $i => $c) {
	@unlink($stream);
	@unlink($log);
	ini_set('smtp.host', '');
	$s = mailpaths_run($c);
	$stock = mailpaths_stock_bytes(file_get_contents($stream));
	$stock_log = preg_replace('/^\[[^\]]*\] /', '', file_get_contents($log));
	unlink($log);
	smtp_test_ini($srv);
	$e = mailpaths_run($c);
	$m = smtp_test_messages($srv)[$i];
	$engine_log = preg_replace('/^\[[^\]]*\] /', '', file_get_contents($log));
	var_dump($s === $e, $e[0], $stock === mailpaths_engine_bytes($m['data'], ''), $stock_log === $engine_log);
	echo smtp_test_header($m['data'], 'X-PHP-Originating-Script')[0], "\n";
	echo trim($engine_log), "\n";
	echo $m['envelope']['mail_from'], "\n";
}
@unlink($stream);
@unlink($log);
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)
%d:cases.inc
mail() on [%scases.inc:%d]: To: to@example.org -- Headers: From: shop@example.com  MIME-Version: 1.0  Content-Type: text/plain; charset=UTF-8  Content-Transfer-Encoding: BASE64 -- Subject: =?UTF-8?B?w5xuw69jw7Zkw6k=?=
forced@example.com
bool(true)
bool(true)
bool(true)
bool(true)
%d:cases.inc
mail() on [%scases.inc:%d]: To: ops@example.org -- Headers: From: app@example.com -- Subject: PHP error_log message
sender@example.com
