<?php
/*
 * One memory measurement of the benchmark: the extra peak RSS of sending ONE message of a given body
 * size, in this fresh PHP process. Started by bench/run.bash (its memory scenario), one process per
 * measurement so that peaks never mix; prints one JSON line:
 *   {"mode", "size", "ok", "extra", "hwm0", "rss0", "hwm1", "wire", "capture", "error"}
 *
 *   BENCH_MEM_MODE   mail            mail() through the extension (settings from php -d smtp.*)
 *                    phpmailer_smtp  Debian's PHPMailer over SMTP to BENCH_HOST:BENCH_PORT
 *                    phpmailer_mail  Debian's PHPMailer in its default "mail" mode: it builds the
 *                                    message in PHP and calls mail(), here through the extension
 *   BENCH_MEM_SIZE   body size in bytes (1..64 MiB)
 *   BENCH_FROM, BENCH_TO, BENCH_HOST, BENCH_PORT (phpmailer_smtp)
 *   BENCH_MEM_CAPTURE  the capture directory of the test server (php_tests/servers/smtp_server.py)
 *                    when it is the server: the capture of the measured message is checked (BDAT
 *                    chunks, commands, the body received byte for byte) and then deleted
 *
 * The method is php_tests/memory/memory.inc's: a small warm-up message first (through the same
 * client and server), so code pages and buffers faulted in on first use are not counted; the body
 * is built before the baseline; /proc/self/status is parsed without regular expressions (see
 * mem_status()); the peak is reset (`echo 5 > /proc/self/clear_refs` sets VmHWM to
 * VmRSS); extra = VmHWM after the send - the larger of VmHWM and VmRSS before.
 *
 * Which command carried the message is never assumed. For the mail() modes smtp_test_send(), with
 * the same settings to the same server, runs after the measurement and its transcript says whether
 * the extension sent BDAT or DATA ("wire"); with the test server, its capture of the measured
 * message says too (BDAT chunk sizes, or none). PHPMailer has no BDAT code: "wire" is DATA when the
 * server accepted the message (checked by its SMTP transcript of a small message, see below).
 */
declare(strict_types=1);

function env(string $name, string $default = ''): string
{
	$v = getenv($name);
	return $v === false ? $default : $v;
}

/* [VmHWM, VmRSS] in bytes. No preg_*() here: compiling a pattern for the first time makes PCRE's JIT
 * map and fill executable memory (about 170 KiB of peak, measured), which would be charged to the
 * send when the first call is the baseline's. It is called once before the baseline as well. */
function mem_status(): array
{
	$s = (string) file_get_contents('/proc/self/status');
	$out = [];
	foreach (['VmHWM:', 'VmRSS:'] as $key) {
		$p = strpos($s, "\n$key");
		if ($p === false) {
			throw new RuntimeException("no $key in /proc/self/status");
		}
		$out[] = (int) trim(substr($s, $p + strlen($key) + 1, 24)) * 1024;   /* "   12345 kB" */
	}
	return $out;
}

/* Exactly $size bytes of text lines of 76 bytes (75 characters and LF), every 7th line starting with
 * '.', now and then a lone "." line; the last byte is LF. Built with one str_repeat (and one substr)
 * before the baseline is taken. */
function mem_body(int $size): string
{
	$block = '';
	for ($i = 0; $i < 100; $i++) {
		if ($i % 50 === 49) {
			$block .= ".\n";
		} elseif ($i % 7 === 3) {
			$block .= str_pad(sprintf('.Line %02d starts with a dot:', $i), 75, ' the quick brown fox') . "\n";
		} else {
			$block .= str_pad(sprintf('Line %02d of the memory benchmark:', $i), 75, ' the lazy dog jumps') . "\n";
		}
	}
	$body = substr(str_repeat($block, intdiv($size, strlen($block)) + 1), 0, $size);
	$body[$size - 1] = "\n";
	return $body;
}

function capture_files(string $dir): array
{
	$f = glob($dir . '/*.json') ?: [];
	sort($f);
	return $f;
}

$mode = env('BENCH_MEM_MODE', 'mail');
$size = max(1, min(64 << 20, (int) env('BENCH_MEM_SIZE', '1024')));
$from = env('BENCH_FROM', 'bench@client.test');
$to = env('BENCH_TO', 'sink@sink.test');
$capdir = env('BENCH_MEM_CAPTURE');
$subject = 'memory benchmark message';
$out = ['mode' => $mode, 'size' => $size, 'ok' => false, 'extra' => null, 'hwm0' => null, 'rss0' => null,
	'hwm1' => null, 'wire' => null, 'capture' => null, 'error' => ''];

try {
	$mailer = null;
	if ($mode === 'mail') {
		$headers = "From: <$from>";
		$send = static function (string $body) use ($to, $subject, $headers, $from): bool {
			return mail($to, $subject, $body, $headers, "-f$from");
		};
	} elseif ($mode === 'phpmailer_smtp' || $mode === 'phpmailer_mail') {
		require '/usr/share/php/libphp-phpmailer/autoload.php';
		$mailer = new PHPMailer\PHPMailer\PHPMailer(true);
		if ($mode === 'phpmailer_smtp') {
			$mailer->isSMTP();
			$mailer->Host = env('BENCH_HOST', '127.0.0.1');
			$mailer->Port = (int) env('BENCH_PORT', '25');
			$mailer->SMTPSecure = '';
			$mailer->SMTPAutoTLS = false;
			$mailer->Timeout = 120;
		} /* else: PHPMailer's default, isMail() */
		$mailer->setFrom($from);
		$mailer->addAddress($to);
		$mailer->Subject = $subject;
		$send = static function (string $body) use ($mailer): bool {
			$mailer->Body = $body;
			return $mailer->send();
		};
	} else {
		throw new RuntimeException("unknown BENCH_MEM_MODE $mode");
	}

	/* warm-up: the same client, the same server, a small message */
	if (!$send("a small message first\n")) {
		throw new RuntimeException('the warm-up message was not sent: '
			. ($mailer ? $mailer->ErrorInfo : (error_get_last()['message'] ?? '')));
	}
	$before = $capdir !== '' ? capture_files($capdir) : [];

	$body = mem_body($size);
	mem_status();
	gc_collect_cycles();
	@file_put_contents('/proc/self/clear_refs', '5');
	[$hwm0, $rss0] = mem_status();
	$ok = $send($body);
	[$hwm1] = mem_status();

	$out['ok'] = $ok;
	$out['extra'] = $hwm1 - max($hwm0, $rss0);
	$out['hwm0'] = $hwm0;
	$out['rss0'] = $rss0;
	$out['hwm1'] = $hwm1;
	if (!$ok) {
		$out['error'] = $mailer ? $mailer->ErrorInfo : (error_get_last()['message'] ?? 'mail() returned false');
	}

	/* --- after the measurement: what went over the wire ------------------------------------ */
	if ($capdir !== '') {
		$new = array_values(array_diff(capture_files($capdir), $before));
		$cap = ['messages' => count($new)];
		if ($new) {
			$env = json_decode((string) file_get_contents($new[0]), true);
			$eml = substr($new[0], 0, -5) . '.eml';
			$data = (string) @file_get_contents($eml);
			$pos = strpos($data, "\r\n\r\n");
			/* the body as sent, with CRLF line endings; mail() adds a line separator after it */
			$want = str_replace("\n", "\r\n", $body);
			$got = $pos === false ? '' : substr($data, $pos + 4);
			$cap['commands'] = $env['commands'] ?? null;
			$cap['chunks'] = $env['chunks'] ?? null;
			$cap['accepted'] = $env['accepted'] ?? null;
			$cap['size'] = $env['size'] ?? null;
			$cap['body_same'] = $got === $want || $got === $want . "\r\n";
			unset($data, $got, $want);
			foreach ($new as $j) {
				@unlink(substr($j, 0, -5) . '.eml');
			}
		}
		$out['capture'] = $cap;
	}
	unset($body);
	if ($mode === 'phpmailer_smtp') {
		/* PHPMailer's own transcript of a small message to the same server: DATA or BDAT */
		$log = '';
		$mailer->SMTPDebug = 3;
		$mailer->Debugoutput = static function (string $s) use (&$log): void {
			$log .= $s;
		};
		$mailer->Body = "a small message last\n";
		$mailer->send();
		$out['wire'] = preg_match('/CLIENT -> SERVER: BDAT /', $log) ? 'BDAT'
			: (preg_match('/CLIENT -> SERVER: DATA\s/', $log) ? 'DATA' : 'unknown');
	} else {
		/* the extension's transcript of a small message with the same settings to the same server */
		$r = smtp_test_send($to, ['from' => $from, 'body' => "a small message last\n"]);
		$t = (string) $r['transcript'];
		$out['wire'] = preg_match('/^C: BDAT \d+/m', $t) ? 'BDAT' : (preg_match('/^C: DATA$/m', $t) ? 'DATA' : 'unknown');
		$out['chunking_offered'] = in_array('CHUNKING', $r['capabilities'], true);
		if (!$r['ok']) {
			$out['error'] .= ($out['error'] !== '' ? '; ' : '') . 'smtp_test_send: ' . $r['error'];
		}
	}
} catch (Throwable $e) {
	$out['error'] = $e->getMessage();
}
echo json_encode($out), "\n";
exit($out['ok'] ? 0 : 1);
