<?php
/*
 * One benchmark run of one PHP client: sends N messages of a 1 KB body to one recipient and prints one
 * JSON line: {"n", "ok", "failed", "elapsed", "rate", "median_ms", "p90_ms", "first_error"}.
 * Started by bench/run.bash; every setting comes from the environment (BENCH_*), so the same file
 * drives mail() (through the extension, msmtp or Postfix's sendmail, chosen by the php -d options
 * run.bash passes) and Debian's PHPMailer.
 *
 *   BENCH_MODE       mail | phpmailer | symfony
 *   BENCH_N          messages to send (1..100000)
 *   BENCH_SECONDS    stop early after this many seconds (the run then reports how many it sent)
 *   BENCH_FROM, BENCH_TO
 *   phpmailer only:  BENCH_HOST, BENCH_PORT, BENCH_SECURE ("" or "ssl"), BENCH_KEEPALIVE (0/1),
 *                    BENCH_USER, BENCH_PASSFILE, BENCH_CAFILE, BENCH_NODELAY (1: the stream context
 *                    option socket.tcp_nodelay, a control run; PHPMailer does not set it by default),
 *                    BENCH_AUTOLOAD (default: Debian's /usr/share/php/libphp-phpmailer/autoload.php;
 *                    run.bash passes Composer's vendor/autoload.php for PHPMailer 7)
 *   symfony only:    Symfony Mailer's EsmtpTransport, BENCH_AUTOLOAD (Composer's vendor/autoload.php),
 *                    BENCH_HOST, BENCH_PORT, BENCH_SECURE ("" none, "ssl" implicit, "tls" STARTTLS),
 *                    BENCH_USER, BENCH_PASSFILE, BENCH_CAFILE; one connection for all messages, as
 *                    Symfony's transport does by itself (restart threshold raised so it never reconnects)
 *   BENCH_SECURE "tls" for PHPMailer: STARTTLS.
 *   BENCH_TIMES_FILE when set: one line "T0 T1" (hrtime ns, CLOCK_MONOTONIC) per call, so a relay
 *                    that logs its turns with the same clock can tell which round trips fell in which call
 *
 * CPU: getrusage() of this process (user, sys) and of its waited-for children (msmtp, sendmail),
 * taken just before the first call and after the last (PHP's start-up excluded, like elapsed).
 * With the extension, smtp_stats() at the end (connections opened and reused) is reported too.
 *
 * Latency is measured with hrtime() around each mail() / send() call; elapsed is from the start of
 * the first call to the end of the last (PHP's own start-up and the loading of PHPMailer excluded).
 */
declare(strict_types=1);

function env(string $name, string $default = ''): string
{
	$v = getenv($name);
	return $v === false ? $default : $v;
}

function percentile(array $sorted, float $p): float
{
	$n = count($sorted);
	if ($n === 0) {
		return 0.0;
	}
	/* nearest rank */
	$rank = (int) ceil($p / 100 * $n);
	return $sorted[max(0, min($n - 1, $rank - 1))];
}

$mode = env('BENCH_MODE', 'mail');
$n = max(1, min(100000, (int) env('BENCH_N', '100')));
$limit_ns = (int) (max(1.0, min(600.0, (float) env('BENCH_SECONDS', '20'))) * 1e9);
$from = env('BENCH_FROM', 'bench@client.test');
$to = env('BENCH_TO', 'sink@sink.test');

/* 16 lines of 63 characters + LF = 1024 bytes of body */
$body = '';
for ($i = 1; $i <= 16; $i++) {
	$line = sprintf('Line %02d of the benchmark message: ', $i);
	$body .= str_pad($line, 63, 'abcdefghij') . "\n";
}
$subject = 'benchmark message';

$send = null;
$mailer = null;
if ($mode === 'mail') {
	$headers = "From: <$from>";
	$send = static function () use ($to, $subject, $body, $headers, $from): bool {
		return mail($to, $subject, $body, $headers, "-f$from");
	};
} elseif ($mode === 'phpmailer') {
	require env('BENCH_AUTOLOAD', '/usr/share/php/libphp-phpmailer/autoload.php');
	$mailer = new PHPMailer\PHPMailer\PHPMailer(true);
	$mailer->isSMTP();
	$mailer->Host = env('BENCH_HOST', '127.0.0.1');
	$mailer->Port = (int) env('BENCH_PORT', '25');
	$mailer->SMTPSecure = env('BENCH_SECURE');   /* "", "ssl" or "tls" (STARTTLS) */
	$mailer->SMTPAutoTLS = false;
	$mailer->SMTPKeepAlive = env('BENCH_KEEPALIVE', '0') === '1';
	$mailer->Timeout = 15;
	if (env('BENCH_USER') !== '') {
		$mailer->SMTPAuth = true;
		$mailer->Username = env('BENCH_USER');
		$mailer->Password = trim((string) file_get_contents(env('BENCH_PASSFILE')));
	}
	$options = [];
	if (env('BENCH_CAFILE') !== '') {
		$options['ssl'] = ['cafile' => env('BENCH_CAFILE'), 'verify_peer' => true, 'verify_peer_name' => true];
	}
	if (env('BENCH_NODELAY') === '1') {
		$options['socket'] = ['tcp_nodelay' => true];
	}
	$mailer->SMTPOptions = $options;
	$mailer->setFrom($from);
	$mailer->addAddress($to);
	$mailer->Subject = $subject;
	$mailer->Body = $body;
	$send = static function () use ($mailer): bool {
		return $mailer->send();
	};
} elseif ($mode === 'symfony') {
	require env('BENCH_AUTOLOAD');
	$secure = env('BENCH_SECURE');
	$transport = new Symfony\Component\Mailer\Transport\Smtp\EsmtpTransport(
		env('BENCH_HOST', '127.0.0.1'), (int) env('BENCH_PORT', '25'), $secure === 'ssl');
	$transport->setAutoTls($secure === 'tls');
	if ($secure === 'tls') {
		$transport->setRequireTls(true);
	}
	$transport->setLocalDomain('client.test');
	$transport->setRestartThreshold(1000000);
	if (env('BENCH_USER') !== '') {
		$transport->setUsername(env('BENCH_USER'));
		$transport->setPassword(trim((string) file_get_contents(env('BENCH_PASSFILE'))));
	}
	if (env('BENCH_CAFILE') !== '') {
		$transport->getStream()->setStreamOptions(['ssl' => ['cafile' => env('BENCH_CAFILE'),
			'verify_peer' => true, 'verify_peer_name' => true]]);
	}
	$email = (new Symfony\Component\Mime\Email())->from($from)->to($to)->subject($subject)->text($body);
	$send = static function () use ($transport, $email): bool {
		return $transport->send($email) !== null;
	};
} else {
	fwrite(STDERR, "client.php: unknown BENCH_MODE $mode\n");
	exit(2);
}

$times_file = env('BENCH_TIMES_FILE');
$times = [];
$lat = [];
$ok = 0;
$failed = 0;
$first_error = '';
$ru0 = getrusage();
$rc0 = getrusage(1);
$start = hrtime(true);
for ($i = 0; $i < $n; $i++) {
	$t0 = hrtime(true);
	try {
		$r = $send();
	} catch (Throwable $e) {
		$r = false;
		if ($first_error === '') {
			$first_error = $e->getMessage();
		}
	}
	$t1 = hrtime(true);
	$lat[] = ($t1 - $t0) / 1e6;
	if ($times_file !== '') {
		$times[] = "$t0 $t1";
	}
	if ($r) {
		$ok++;
	} else {
		$failed++;
		if ($first_error === '') {
			$first_error = $mode === 'mail'
				? ((error_get_last()['message'] ?? 'mail() returned false'))
				: $mailer->ErrorInfo;
		}
		if ($failed >= 5) {
			break;   /* a broken set-up: do not hammer it */
		}
	}
	if ($t1 - $start > $limit_ns) {
		break;
	}
}
$end = hrtime(true);
$ru1 = getrusage();
$rc1 = getrusage(1);
if ($mailer !== null && $mailer->SMTPKeepAlive) {
	$mailer->smtpClose();
}
if ($times_file !== '') {
	file_put_contents($times_file, implode("\n", $times) . "\n");
}
$tv = static function (array $r, string $k): float {
	return $r["ru_$k.tv_sec"] + $r["ru_$k.tv_usec"] / 1e6;
};
$first_ms = $lat[0] ?? null;
$rest = array_slice($lat, 1);
sort($rest);
sort($lat);
$elapsed = ($end - $start) / 1e9;
echo json_encode([
	'n' => count($lat),
	'ok' => $ok,
	'failed' => $failed,
	'elapsed' => round($elapsed, 6),
	'rate' => $elapsed > 0 ? round($ok / $elapsed, 2) : 0,
	'median_ms' => round(percentile($lat, 50), 3),
	'p90_ms' => round(percentile($lat, 90), 3),
	'first_ms' => $first_ms === null ? null : round($first_ms, 3),
	'rest_median_ms' => $rest ? round(percentile($rest, 50), 3) : null,
	'cpu_user' => round($tv($ru1, 'utime') - $tv($ru0, 'utime'), 6),
	'cpu_sys' => round($tv($ru1, 'stime') - $tv($ru0, 'stime'), 6),
	'cpu_children' => round($tv($rc1, 'utime') - $tv($rc0, 'utime') + $tv($rc1, 'stime') - $tv($rc0, 'stime'), 6),
	'stats' => function_exists('smtp_stats') ? array_intersect_key(smtp_stats(),
		array_flip(['connections_opened', 'connections_reused', 'messages', 'round_trips'])) : null,
	'first_error' => $first_error,
]), "\n";
exit($failed > 0 ? 1 : 0);
