<?php
/* Prepended (auto_prepend_file) to a php-src mail test that php_tests/matrix/oracle.php runs. oracle.php
 * rewrote each call of mail(), mb_send_mail() and error_log() in the test into
 * __smtp_oracle_after(CALL, 'name') on the same line, so the call still runs from the test's own file
 * and line (mail.log and X-PHP-Originating-Script name them). After each call this records the return
 * value, the warnings raised since the previous call and the message the call produced:
 *   stock  (PHP's own handler): what sendmail_path (the oracle's capture line) received, seen as
 *          `sendmail -t -i` sees it (every line end CRLF, Bcc: removed);
 *   engine (the extension): what the test server received, less what the engine adds as sendmail
 *          does (Date, Message-ID, the From: made from smtp.from).
 * Then it writes that message where the test's own sendmail_path would have written it, so the
 * test's own reads of that file and its output work the same in both runs.
 * Environment: SMTP_ORACLE_MODE (stock|engine), SMTP_ORACLE_STOCK (the capture file),
 * SMTP_ORACLE_CAPTURE (the test server's capture directory), SMTP_ORACLE_FROM (smtp.from),
 * SMTP_ORACLE_TARGET (the test's own output file, or empty), SMTP_ORACLE_CALLS (the record: one base64 serialize()d array a line). */

require __DIR__ . '/../mailpaths/cases.inc';

function __smtp_oracle_env(string $name): string
{
	return (string)getenv('SMTP_ORACLE_' . $name);
}

function &__smtp_oracle_state(): array
{
	static $st = null;
	if ($st === null) {
		$st = ['warnings' => [], 'seen' => __smtp_oracle_engine_count()];
	}
	return $st;
}

function __smtp_oracle_engine_files(): array
{
	$dir = __smtp_oracle_env('CAPTURE');
	$files = $dir === '' ? [] : (glob("$dir/*.json") ?: []);
	sort($files);
	return $files;
}

function __smtp_oracle_engine_count(): int
{
	return count(__smtp_oracle_engine_files());
}

/* The stream PHP piped into sendmail as `sendmail -t -i` (Postfix's) takes it, which is what the
 * engine does too (docs/mail-compatibility.md): every line end (CRLF, LF or a bare CR) one CRLF; the
 * header section ends at the empty line or at the first line that is neither a field nor a
 * continuation line, and then an empty line is put before that line; Bcc:, Resent-Bcc:, Return-Path:
 * and Content-Length: are removed with their continuation lines. */
function __smtp_oracle_sendmail_view(string $raw): string
{
	$lines = explode("\r\n", preg_replace('/\r\n|\r|\n/', "\r\n", $raw));
	$out = [];
	$field = null; /* null: no field yet; true: a field that is kept; false: one that is removed */
	$body = count($lines);
	foreach ($lines as $i => $line) {
		if ($line === '') {
			$body = $i;
			break;
		}
		if (($line[0] === ' ' || $line[0] === "\t") && $field !== null) {
			if ($field) {
				$out[] = $line;
			}
			continue;
		}
		if (!preg_match('/^[\x21-\x39\x3b-\x7e]+[ \t]*:/', $line)) {
			$out[] = ''; /* not a field: the body starts here, after an empty line */
			$body = $i;
			break;
		}
		$field = !preg_match('/^(?:bcc|resent-bcc|return-path|content-length)[ \t]*:/i', $line);
		if ($field) {
			$out[] = $line;
		}
	}
	return implode("\r\n", array_merge($out, array_slice($lines, $body)));
}

/* The message this call produced, comparable between the two runs; '' when there was none. */
function __smtp_oracle_message(): string
{
	$st = &__smtp_oracle_state();
	if (__smtp_oracle_env('MODE') === 'stock') {
		$f = __smtp_oracle_env('STOCK');
		if (!is_file($f)) {
			return '';
		}
		$raw = (string)file_get_contents($f);
		unlink($f);
		return __smtp_oracle_sendmail_view($raw);
	}
	$files = __smtp_oracle_engine_files();
	$out = '';
	foreach (array_slice($files, $st['seen']) as $j) {
		$eml = substr($j, 0, -5) . '.eml';
		$out .= mailpaths_engine_bytes(is_file($eml) ? (string)file_get_contents($eml) : '', __smtp_oracle_env('FROM'));
	}
	$st['seen'] = count($files);
	if (is_file(__smtp_oracle_env('STOCK'))) {
		$out .= "\n[the engine run started sendmail_path]\n";
	}
	return $out;
}

function __smtp_oracle_after($ret, string $fn)
{
	$st = &__smtp_oracle_state();
	$msg = __smtp_oracle_message();
	$target = __smtp_oracle_env('TARGET');
	if ($target !== '' && $msg !== '') {
		file_put_contents($target, $msg);
	}
	file_put_contents(__smtp_oracle_env('CALLS'), base64_encode(serialize(['fn' => $fn, 'return' => var_export($ret, true),
		'warnings' => $st['warnings'], 'message' => $msg])) . "\n", FILE_APPEND);
	$st['warnings'] = [];
	return $ret;
}

__smtp_oracle_state();
set_error_handler(function (int $no, string $str): bool {
	if (error_reporting() & $no) {
		$st = &__smtp_oracle_state();
		$st['warnings'][] = $str;
	}
	return false; /* PHP prints it as it would have */
});
