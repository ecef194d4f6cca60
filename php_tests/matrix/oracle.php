<?php
/* The php-src oracle (issue 17): PHP's own tests of mail() and mb_send_mail() — tests no one here wrote —
 * run with the PHP running this script, each twice: once as stock PHP (no extension; sendmail_path a
 * line that captures what PHP pipes into `sendmail -t -i`) and once through the extension
 * (smtp.host = the project's test server). The two runs must agree byte for byte: the test's output,
 * and for each call of mail(), mb_send_mail() and error_log() its return value, its warnings and the
 * message (seen as `sendmail -t -i` sees it, less the Date, Message-ID and From the engine adds as
 * sendmail would: oracle_prelude.php).
 *
 *   php oracle.php --src DIR --module PATH [--only NAME]...
 *     DIR     php-src's tests as extracted from a source tarball: DIR/ext/standard/tests/mail/*.phpt
 *             and DIR/ext/mbstring/tests/mb_send_mail*.phpt (php_tests/matrix/run.bash extracts them
 *             from Debian's php8.2 source package at test time; they are not part of this tree)
 *     PATH    the smtp.so to test
 * Prints one line per test (ok / DIFF / NOT ADAPTED / SKIP), the tests not adapted and why, and
 * "oracle: N passed, N failed (N not adapted, N skipped here)". Exit status 0 when none failed and
 * at least one passed.
 *
 * How a test is adapted: its --INI-- and --FILE-- sections; each call of the three functions is
 * wrapped on its own line (the call still runs from the test's file and line); sendmail_path becomes
 * the capture line in the stock run (so a sendmail_path that fails, like gh10990's, captures too);
 * the message is written where the test's own sendmail_path would have put it, for the test's own
 * reads of that file. A test whose --SKIPIF-- says skip is not run; one that is Windows only, or whose
 * only assertion is about sendmail_path itself, is listed as not adapted, with the reason. */

require __DIR__ . '/../servers/server.inc';

const ORACLE_FUNCS = ['mail', 'mb_send_mail', 'error_log'];
const ORACLE_FROM = 'oracle@oracle.test';

/* Tests whose only assertion cannot be carried over to the extension, with the reason. The check
 * keeps the declaration honest: if the test as shipped no longer fits it (a newer tarball), the test
 * is run like any other and the stale declaration is reported. */
function oracle_not_adaptable(): array
{
	$failing_sendmail = fn(array $t) => $t['target'] === null && oracle_count_calls($t['FILE']) === 1
		&& preg_match('/bool\(false\)\s*$/', $t['EXPECT'] ?? '') === 1;
	return [
		'mail_basic5.phpt' => ['its one assertion: mail() returns false when the sendmail_path command fails ("exit 1"). '
			. 'The extension runs no sendmail; its mail() is false when the SMTP server refuses (php_tests/mail)', $failing_sendmail],
		'mail_variation1.phpt' => ['its one assertion: mail() returns false when the sendmail_path program does not exist. '
			. 'The extension runs no sendmail; its mail() is false when the SMTP server refuses (php_tests/mail)', $failing_sendmail],
	];
}

function oracle_sections(string $text): array
{
	$parts = preg_split('/^--([A-Z_]+)--[ \t]*\r?\n/m', $text, -1, PREG_SPLIT_DELIM_CAPTURE);
	$s = [];
	for ($i = 1; $i + 1 < count($parts); $i += 2) {
		$s[$parts[$i]] = $parts[$i + 1];
	}
	return $s;
}

/* The INI section as run-tests.php reads it: name=value lines. */
function oracle_ini(string $ini, string $dir): array
{
	$out = [];
	$ini = str_replace(['{PWD}', '{TMP}'], [$dir, sys_get_temp_dir()], $ini);
	$ini = preg_replace('/\{MAIL:(\S+)\}/', 'tee $1 >/dev/null', $ini);
	foreach (preg_split('/[\r\n]+/', $ini) as $line) {
		if (trim($line) === '' || !str_contains($line, '=')) {
			continue;
		}
		[$k, $v] = explode('=', $line, 2);
		$out[trim($k)] = trim($v);
	}
	return $out;
}

/* The file the test's own sendmail_path writes the message to, or null. */
function oracle_target(?string $sendmail_path): ?string
{
	if ($sendmail_path === null) {
		return null;
	}
	$v = trim($sendmail_path, " \t\"'");
	if (preg_match('/^(?:tee\s+(\S+)(?:\s+>\s*\/dev\/null)?|cat\s*>\s*(\S+))\s*$/', $v, $m)) {
		return $m[1] !== '' ? $m[1] : $m[2];
	}
	return null;
}

/* Token positions of the calls of ORACLE_FUNCS: [start index => name], [index of the closing ')' => [names]]. */
function oracle_calls(array $t): array
{
	$skip_before = [T_OBJECT_OPERATOR, T_NULLSAFE_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION, T_NEW, T_CONST];
	$ignore = [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT];
	$starts = [];
	$ends = [];
	$n = count($t);
	for ($i = 0; $i < $n; $i++) {
		if (!is_array($t[$i]) || $t[$i][0] !== T_STRING || !in_array(strtolower($t[$i][1]), ORACLE_FUNCS, true)) {
			continue;
		}
		for ($p = $i - 1; $p >= 0 && is_array($t[$p]) && in_array($t[$p][0], $ignore, true); $p--);
		if ($p >= 0 && is_array($t[$p]) && in_array($t[$p][0], $skip_before, true)) {
			continue;
		}
		for ($q = $i + 1; $q < $n && is_array($t[$q]) && in_array($t[$q][0], $ignore, true); $q++);
		if ($q >= $n || $t[$q] !== '(') {
			continue;
		}
		$depth = 0;
		for ($c = $q; $c < $n; $c++) {
			if ($t[$c] === '(') {
				$depth++;
			} elseif ($t[$c] === ')' && --$depth === 0) {
				break;
			}
		}
		if ($c >= $n) {
			continue;
		}
		$starts[$i] = strtolower($t[$i][1]);
		$ends[$c][] = strtolower($t[$i][1]);
	}
	return [$starts, $ends];
}

function oracle_count_calls(string $code): int
{
	return count(oracle_calls(token_get_all($code))[0]);
}

/* Each call wrapped into __smtp_oracle_after(CALL, 'name'), nothing else changed (no line moves). */
function oracle_rewrite(string $code): string
{
	$t = token_get_all($code);
	[$starts, $ends] = oracle_calls($t);
	$out = '';
	foreach ($t as $i => $tok) {
		if (isset($starts[$i])) {
			$out .= '\__smtp_oracle_after(';
		}
		$out .= is_array($tok) ? $tok[1] : $tok;
		foreach (array_reverse($ends[$i] ?? []) as $name) {
			$out .= ", '$name')";
		}
	}
	return $out;
}

/* php-src's tests are written for an unprivileged user (gh7875 skips as root): run as root, the tests
 * run as nobody when setpriv(1) can switch to it. [] when they run as this user. */
function oracle_user(): array
{
	static $u = null;
	if ($u === null) {
		$u = [];
		$pw = function_exists('posix_getpwnam') ? posix_getpwnam('nobody') : false;
		$setpriv = trim((string)shell_exec('command -v setpriv 2>/dev/null'));
		if (function_exists('posix_geteuid') && posix_geteuid() === 0 && $pw && $setpriv !== '') {
			$u = ['uid' => $pw['uid'], 'cmd' => [$setpriv, "--reuid={$pw['uid']}", "--regid={$pw['gid']}", '--clear-groups', '--']];
		}
	}
	return $u;
}

/* Runs PHP with $args in $dir; returns [exit code, output (stdout and stderr)]. */
function oracle_php(array $args, string $dir, array $env, float $timeout = 60.0): array
{
	$cmd = array_merge(oracle_user()['cmd'] ?? [], [PHP_BINARY], $args);
	$out = "$dir/.oracle-out";
	$proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $out, 'w'], 2 => ['file', $out, 'a']],
		$pipes, $dir, $env + getenv());
	if (!is_resource($proc)) {
		return [-1, 'cannot start ' . PHP_BINARY];
	}
	$deadline = microtime(true) + (smtp_test_slow() ? 4 * $timeout : $timeout);
	while (($st = proc_get_status($proc))['running']) {
		if (microtime(true) > $deadline) {
			proc_terminate($proc, 9);
			proc_close($proc);
			return [-1, (string)@file_get_contents($out) . "\n[timed out]"];
		}
		usleep(10000);
	}
	proc_close($proc);
	$text = (string)file_get_contents($out);
	unlink($out);
	return [$st['exitcode'], $text];
}

function oracle_ini_args(array $ini): array
{
	$a = [];
	foreach ($ini as $k => $v) {
		array_push($a, '-d', "$k=$v");
	}
	return $a;
}

function oracle_empty_dir(string $dir, array $keep): void
{
	foreach (scandir($dir) as $f) {
		if ($f !== '.' && $f !== '..' && !in_array($f, $keep, true)) {
			smtp_test_rmdir("$dir/$f");
		}
	}
}

/* What may differ between two runs of the same test: mail.log's time stamps. */
function oracle_output(string $s): string
{
	return preg_replace('/\[\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2} [^\]]*\]/', '[DATE]', $s);
}

function oracle_calls_read(string $file): array
{
	$calls = [];
	foreach (is_file($file) ? file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [] as $l) {
		$calls[] = unserialize(base64_decode($l));
	}
	return $calls;
}

function oracle_show(string $s, int $max = 400): string
{
	$e = addcslashes($s, "\0..\37\177..\377\\\"");
	return '"' . (strlen($e) > $max ? substr($e, 0, $max) . '..." (' . strlen($s) . ' bytes)' : $e . '"');
}

/* Runs one test both ways; returns ['ok' | 'diff' | 'skip' | 'na', text]. */
function oracle_test(string $path, array $srv, string $module, string $work): array
{
	$name = basename($path);
	$t = oracle_sections((string)file_get_contents($path));
	if (!isset($t['FILE'])) {
		return ['na', 'no --FILE-- section (' . implode(', ', array_keys($t)) . ')'];
	}
	$dir = "$work/" . basename($name, '.phpt');
	@mkdir($dir, 0755, true);
	if (oracle_user()) {
		chown($dir, oracle_user()['uid']);
	}
	$script = basename($name, '.phpt') . '.php';
	$ini = oracle_ini($t['INI'] ?? '', $dir);
	$t['target'] = oracle_target($ini['sendmail_path'] ?? null);
	$code = $t['FILE'];
	if ($t['target'] !== null && $t['target'][0] === '/' && dirname($t['target']) !== $dir) {
		/* a fixed path outside the test's directory (/tmp/php_test_...): into the directory, in the
		 * INI and the code alike, so concurrent runs do not share it */
		$code = str_replace($t['target'], "$dir/" . basename($t['target']), $code);
		$t['target'] = "$dir/" . basename($t['target']);
	}
	$base = ['display_errors' => '1', 'display_startup_errors' => '1', 'log_errors' => '0', 'html_errors' => '0',
		'error_reporting' => '-1', 'output_buffering' => '0', 'mail.add_x_header' => '0'];

	if (isset($t['SKIPIF'])) {
		file_put_contents("$dir/skipif.php", $t['SKIPIF']);
		[, $out] = oracle_php(array_merge(oracle_ini_args($base + $ini), ['skipif.php']), $dir, []);
		oracle_empty_dir($dir, []);
		if (preg_match('/^\s*skip\b(.*)$/is', $out, $m)) {
			$why = trim(preg_replace('/\s+/', ' ', $out));
			if (preg_match('/windows|win32/i', $why)) {
				$also = str_contains($t['EXTENSIONS'] ?? '', 'imap') ? ', then reads the delivered message back over IMAP' : '';
				return ['na', "Windows only (its SKIPIF: \"$why\"): it drives PHP's SMTP client of Windows "
					. "(the SMTP and smtp_port settings$also); on this system PHP's mail() has only sendmail_path, "
					. 'which is what the extension replaces'];
			}
			return ['skip', "its SKIPIF: \"$why\""];
		}
	}
	foreach (preg_split('/\s+/', trim($t['EXTENSIONS'] ?? ''), -1, PREG_SPLIT_NO_EMPTY) as $ext) {
		if (!extension_loaded($ext)) {
			return ['skip', "needs the $ext extension"];
		}
	}
	$declared = oracle_not_adaptable()[$name] ?? null;
	$stale = '';
	if ($declared !== null) {
		if (($declared[1])($t)) {
			return ['na', $declared[0]];
		}
		$stale = ' (declared not adaptable, but the test no longer fits that declaration)';
	}

	file_put_contents("$dir/$script", oracle_rewrite($code));
	$stock_file = "$dir/.oracle-stock.eml";
	$calls_file = "$dir/.oracle-calls";
	$env = ['SMTP_ORACLE_STOCK' => $stock_file, 'SMTP_ORACLE_CAPTURE' => $srv['dir'], 'SMTP_ORACLE_FROM' => ORACLE_FROM,
		'SMTP_ORACLE_TARGET' => (string)$t['target'], 'SMTP_ORACLE_CALLS' => $calls_file];
	$capture = ['sendmail_path' => "\"cat > $stock_file #\"", 'auto_prepend_file' => __DIR__ . '/oracle_prelude.php'];
	$runs = [];
	foreach (['stock', 'engine'] as $mode) {
		$extra = $mode === 'stock' ? [] : ['extension' => $module, 'smtp.host' => '127.0.0.1:' . $srv['port'],
			'smtp.encryption' => 'none', 'smtp.helo' => 'client.test', 'smtp.from' => ORACLE_FROM,
			'smtp.timeout' => smtp_test_slow() ? '30' : '5'];
		$args = array_merge(oracle_ini_args($base), oracle_ini_args($ini), oracle_ini_args($capture + $extra), [$script]);
		[$rc, $out] = oracle_php($args, $dir, $env + ['SMTP_ORACLE_MODE' => $mode]);
		$runs[$mode] = ['rc' => $rc, 'out' => oracle_output($out), 'calls' => oracle_calls_read($calls_file)];
		oracle_empty_dir($dir, [$script]);
	}
	oracle_empty_dir($dir, []);
	@rmdir($dir);

	[$s, $e] = [$runs['stock'], $runs['engine']];
	$diffs = [];
	if (count($s['calls']) !== count($e['calls'])) {
		$diffs[] = sprintf('%d calls recorded in the stock run, %d in the engine run', count($s['calls']), count($e['calls']));
	}
	foreach ($s['calls'] as $i => $sc) {
		$ec = $e['calls'][$i] ?? null;
		if ($ec === null) {
			break;
		}
		foreach (['return', 'warnings', 'message'] as $k) {
			if ($sc[$k] !== $ec[$k]) {
				$fmt = fn($v) => is_array($v) ? oracle_show(implode(' | ', $v)) : oracle_show($v);
				$diffs[] = sprintf("call %d (%s): %s differ\n      stock:  %s\n      engine: %s", $i + 1, $sc['fn'], $k,
					$fmt($sc[$k]), $fmt($ec[$k]));
			}
		}
	}
	if ($s['out'] !== $e['out']) {
		$diffs[] = "the test's output differs\n      stock:  " . oracle_show($s['out'], 1500) . "\n      engine: " . oracle_show($e['out'], 1500);
	}
	if ($s['rc'] !== $e['rc']) {
		$diffs[] = "exit status {$s['rc']} (stock) and {$e['rc']} (engine)";
	}
	$n = count($s['calls']);
	$msgs = count(array_filter($s['calls'], fn($c) => $c['message'] !== ''));
	if ($diffs) {
		return ['diff', implode("\n    ", $diffs) . $stale];
	}
	return ['ok', "$n call" . ($n === 1 ? '' : 's') . ", $msgs message" . ($msgs === 1 ? '' : 's')
		. ': the same bytes, return values, warnings and output' . $stale];
}

$opt = getopt('', ['src:', 'module:', 'only:']);
$src = $opt['src'] ?? '';
$module = $opt['module'] ?? '';
$only = (array)($opt['only'] ?? []);
echo 'oracle: PHP ', PHP_VERSION, PHP_ZTS ? ' ZTS' : ' NTS', PHP_DEBUG ? ' debug' : '', ", php-src tests from $src\n";
$tests = array_merge(glob("$src/ext/standard/tests/mail/*.phpt") ?: [], glob("$src/ext/mbstring/tests/mb_send_mail*.phpt") ?: []);
if ($only) {
	$tests = array_values(array_filter($tests, fn($p) => in_array(basename($p, '.phpt'), $only, true) || in_array(basename($p), $only, true)));
}
if (!$tests || !is_file($module)) {
	echo "oracle: NOT RUN: ", !$tests ? "no php-src mail tests under '$src'" : "no module at '$module'", "\n";
	echo "oracle: 0 passed, 1 failed (0 not adapted, 0 skipped here)\n";
	exit(1);
}
if (extension_loaded('smtp')) {
	echo "oracle: NOT RUN: the smtp extension is already loaded by this PHP's configuration: the stock run would not be stock\n";
	echo "oracle: 0 passed, 1 failed (0 not adapted, 0 skipped here)\n";
	exit(1);
}
$srv = smtp_test_server(['idle_exit' => 300, 'max_lifetime' => 1800]);
$work = sys_get_temp_dir() . '/smtp-oracle-' . getmypid() . '-' . bin2hex(random_bytes(3));
mkdir($work, 0755);
if (oracle_user()) {
	chmod($srv['base'], 0755); /* the engine run reads what the server captured */
	echo "oracle: the tests run as uid ", oracle_user()['uid'], " (nobody), as php-src's tests expect\n";
}
$count = ['ok' => 0, 'diff' => 0, 'skip' => 0, 'na' => 0];
$na = [];
$label = ['ok' => 'ok         ', 'diff' => 'DIFF       ', 'skip' => 'SKIP       ', 'na' => 'NOT ADAPTED'];
foreach ($tests as $p) {
	$rel = substr($p, strlen($src) + 1);
	[$r, $text] = oracle_test($p, $srv, $module, $work);
	$count[$r]++;
	if ($r === 'na') {
		$na[] = "  $rel: $text";
		echo "  {$label[$r]} $rel\n";
	} else {
		echo "  {$label[$r]} $rel: $text\n";
	}
}
smtp_test_rmdir($work);
if ($na) {
	echo "oracle: not adapted, and why:\n", implode("\n", $na), "\n";
}
printf("oracle: %d passed, %d failed (%d not adapted, %d skipped here)\n", $count['ok'], $count['diff'], $count['na'], $count['skip']);
exit($count['diff'] === 0 && $count['ok'] > 0 ? 0 : 1);
