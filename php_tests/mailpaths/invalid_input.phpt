--TEST--
mb_send_mail() and error_log(): invalid input gives the exceptions, warnings and return values of PHP's own functions
--DESCRIPTION--
Each call runs with smtp.host empty (PHP's own handler) and with smtp.host set (the engine); sendmail_path
is /bin/false, and every call here fails before anything would be sent, so both must say the same:
NUL bytes, a bad array header, malformed newlines, an unsupported charset in a message the engine then
sends, error_log types 2 (ValueError), 3 (a file) and 4, which the engine leaves to PHP.
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path=/bin/false
error_log={PWD}/invalid_input.errlog.out
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
$file = __DIR__ . '/invalid_input.type3.out';
$calls = [
	'NUL in To' => fn() => mb_send_mail("a@x.test\0b", 's', 'm'),
	'NUL in Subject' => fn() => mb_send_mail('a@x.test', "s\0", 'm'),
	'NUL in message' => fn() => mb_send_mail('a@x.test', 's', "m\0"),
	'NUL in headers' => fn() => mb_send_mail('a@x.test', 's', 'm', "From: a@x.test\0"),
	'NUL in -f' => fn() => mb_send_mail('a@x.test', 's', 'm', '', "-f\0x"),
	'array header with CRLF' => fn() => mb_send_mail('a@x.test', 's', 'm', ['X-A' => "a\r\nBcc: v@x.test"]),
	'array header with a number key' => fn() => mb_send_mail('a@x.test', 's', 'm', [0 => 'x']),
	'array header with an object' => fn() => mb_send_mail('a@x.test', 's', 'm', ['X-A' => new stdClass()]),
	'malformed newlines' => fn() => mb_send_mail('a@x.test', 's', 'm', "From: a@x.test\r\n\r\nX-B: 1"),
	'error_log malformed newlines' => fn() => error_log('m', 1, 'a@x.test', "From: a@x.test\n\nX: y"),
	'error_log NUL in destination' => fn() => error_log('m', 1, "a@x.test\0"),
	'error_log type 2' => fn() => error_log('m', 2, 'a@x.test'),
	'error_log type 3' => fn() => error_log("to file\n", 3, $file),
	'error_log type 0' => fn() => error_log('to the error log'),
	'too few arguments' => fn() => mb_send_mail('a@x.test', 's'),
	'error_log array message' => fn() => error_log([], 1, 'a@x.test'),
];
$bad = 0;
foreach ($calls as $name => $fn) {
	$res = [];
	foreach (['', '127.0.0.1:' . $srv['port']] as $host) {
		smtp_test_ini($srv, ['smtp.host' => $host]);
		try {
			$w = smtp_test_warnings($fn, $r);
			$res[] = [var_export($r, true), $w];
		} catch (Throwable $e) {
			$res[] = [get_class($e) . ': ' . $e->getMessage(), []];
		}
	}
	$same = $res[0] === $res[1];
	$bad += $same ? 0 : 1;
	echo $same ? 'same' : 'DIFF', " $name: ", json_encode($res[1]), "\n";
	if (!$same) {
		echo '  stock: ', json_encode($res[0]), "\n";
	}
}
echo json_encode(file_get_contents($file)), "\n";
unlink($file);
var_dump(count(smtp_test_messages($srv)), $bad);
?>
--CLEAN--
<?php @unlink(__DIR__ . '/invalid_input.errlog.out'); ?>
--EXPECT--
same NUL in To: ["ValueError: mb_send_mail(): Argument #1 ($to) must not contain any null bytes",[]]
same NUL in Subject: ["ValueError: mb_send_mail(): Argument #2 ($subject) must not contain any null bytes",[]]
same NUL in message: ["ValueError: mb_send_mail(): Argument #3 ($message) must not contain any null bytes",[]]
same NUL in headers: ["ValueError: mb_send_mail(): Argument #4 ($additional_headers) must not contain any null bytes",[]]
same NUL in -f: ["ValueError: mb_send_mail(): Argument #5 ($additional_params) must not contain any null bytes",[]]
same array header with CRLF: ["ValueError: Header \"X-A\" contains CRLF characters that are used as a line separator and are not allowed in the header",[]]
same array header with a number key: ["TypeError: Header name cannot be numeric, 0 given",[]]
same array header with an object: ["TypeError: Header \"X-A\" must be of type array|string, stdClass given",[]]
same malformed newlines: ["false",["mb_send_mail(): Multiple or malformed newlines found in additional_header"]]
same error_log malformed newlines: ["false",["error_log(): Multiple or malformed newlines found in additional_header"]]
same error_log NUL in destination: ["ValueError: error_log(): Argument #3 ($destination) must not contain any null bytes",[]]
same error_log type 2: ["ValueError: TCP\/IP option is not available for error logging",[]]
same error_log type 3: ["true",[]]
same error_log type 0: ["true",[]]
same too few arguments: ["ArgumentCountError: mb_send_mail() expects at least 3 arguments, 2 given",[]]
same error_log array message: ["TypeError: error_log(): Argument #1 ($message) must be of type string, array given",[]]
"to file\nto file\n"
int(0)
int(0)
