--TEST--
mb_send_mail() goes through the engine whether mbstring is loaded before or after the extension; without mbstring error_log() still does
--DESCRIPTION--
Child PHP processes without php.ini (-n), sendmail_path=/bin/false, the extension pointed at the test
server: "-d extension=smtp -d extension=mbstring", the reverse order, and no mbstring at all.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
// the smtp.so this process runs with (Linux: from the process's mappings; else the tree's build)
$maps = @file_get_contents('/proc/self/maps');
$so = $maps && preg_match('~(/\S+/smtp\.so)$~m', $maps, $mm) ? $mm[1] : realpath(__DIR__ . '/../../modules/smtp.so');
$srv = smtp_test_server();
$php = getenv('TEST_PHP_EXECUTABLE') ?: PHP_BINARY;
$code = 'var_dump(function_exists("mb_send_mail") ? mb_send_mail("to@example.org", "Grüße", "x") : "no mbstring");'
	. 'var_dump(error_log("e", 1, "ops@example.org"));';
$base = ['-n', '-d', 'sendmail_path=/bin/false', '-d', 'smtp.host=127.0.0.1:' . $srv['port'], '-d', 'smtp.encryption="none"',
	'-d', 'smtp.from=sender@example.com'];
$orders = ['smtp first' => ['-d', "extension=$so", '-d', 'extension=mbstring'],
	'mbstring first' => ['-d', 'extension=mbstring', '-d', "extension=$so"],
	'no mbstring' => ['-d', "extension=$so"]];
foreach ($orders as $name => $ext) {
	$p = proc_open(array_merge([$php], $base, $ext, ['-r', $code]), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
	$out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
	proc_close($p);
	echo "$name: ", str_replace("\n", ' ', trim($out)), "\n";
}
$m = smtp_test_messages($srv);
var_dump(count($m));
foreach ($m as $x) {
	echo smtp_test_header($x['data'], 'Subject')[0], "\n";
}
?>
--EXPECT--
smtp first: bool(true) bool(true)
mbstring first: bool(true) bool(true)
no mbstring: string(11) "no mbstring" bool(true)
int(5)
=?UTF-8?B?R3LDvMOfZQ==?=
PHP error_log message
=?UTF-8?B?R3LDvMOfZQ==?=
PHP error_log message
PHP error_log message
