--TEST--
phpinfo() as HTML (php-cgi) with the module loaded: the smtp section, the password as ********, references and key sources HTML-escaped, no crash
--DESCRIPTION--
The CLI prints phpinfo() as text; a web SAPI prints HTML, which goes through the displayers' other
branch (smtp_compat_html_esc(), ext/php_smtp_compat.h: php_info_html_esc() is gone from PHP 8.4).
php-cgi (run-tests' TEST_PHP_CGI_EXECUTABLE, or the php-cgi beside PHP_BINARY) runs phpinfo() with
this module, a literal password from the command line, then values set by the script that hold
<, >, &, " and ': a file: reference for the password and a key source list for
smtp.dkim_private_key. Each cell must read back as the value (html_entity_decode()) without a raw
markup character, the password must show as ******** and never appear, and php-cgi must exit 0.
--EXTENSIONS--
smtp
--SKIPIF--
<?php
require __DIR__ . '/cgi.inc';
if (!function_exists('proc_open')) {
	die('skip proc_open() is disabled');
}
if (smtp_test_php_cgi() === null) {
	die('skip no php-cgi: neither TEST_PHP_CGI_EXECUTABLE nor a php-cgi beside ' . PHP_BINARY . ' (Debian: apt-get install php8.2-cgi)');
}
?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
require __DIR__ . '/cgi.inc';
$literal = 'S3cret-App-Pass';
$ref = "file:/etc/smtp/<pw&\"x'>.txt";
$keys = "/etc/php/dkim/<rsa&1>.pem, env:DKIM_\"ED'";
$script = sys_get_temp_dir() . '/smtp-phpinfo-cgi-' . getmypid() . '.php';
file_put_contents($script, '<?php
$parts = [];
foreach ([null, [' . var_export($ref, true) . ', ' . var_export($keys, true) . ']] as $set) {
	if ($set) {
		ini_set("smtp.password", $set[0]);
		ini_set("smtp.dkim_private_key", $set[1]);
	}
	ob_start();
	phpinfo(INFO_MODULES);
	$parts[] = ob_get_clean();
}
echo implode("\n<!-- next -->\n", $parts);
');
[$rc, $out, $err] = smtp_test_run([smtp_test_php_cgi(), '-n', '-q', '-d', 'extension=' . smtp_test_module_path(),
	'-d', "smtp.password=$literal", '-d', 'smtp.dkim_private_key=/etc/php/dkim/plain.pem', $script], '', 60.0,
	smtp_test_cgi_env());
@unlink($script);
echo "exit $rc", $err === '' ? '' : ", stderr: $err", "\n";
$parts = explode("\n<!-- next -->\n", $out);
echo count($parts), " pages\n";
[$before, $after] = $parts + ['', ''];
var_dump((bool)preg_match('~<h2><a name="module_smtp"[^>]*>smtp</a></h2>~', $before));
var_dump(str_contains($before, '<tr class="h"><th>smtp support</th><th>enabled</th></tr>'));
var_dump(str_contains($out, $literal), str_contains($out, htmlspecialchars($literal)));

/* [local value, master value] of an ini row, or null */
function cells(string $page, string $name): ?array
{
	$re = '~<tr><td class="e">' . preg_quote($name, '~') . '</td><td class="v">(.*?)</td><td class="v">(.*?)</td></tr>~';
	return preg_match($re, $page, $m) ? [$m[1], $m[2]] : null;
}
/* how a cell reads in a browser, and whether it holds a raw markup character */
function shown(string $cell): string
{
	$raw = preg_match('~[<>"\']|&(?![a-z]+;|#[0-9]+;)~i', $cell) ? ' (raw markup character!)' : '';
	return html_entity_decode($cell, ENT_QUOTES | ENT_HTML401) . $raw;
}
$p = cells($before, 'smtp.password');
echo "password, from the command line: ", $p ? shown($p[0]) . ' | ' . shown($p[1]) : 'no row', "\n";
$p = cells($after, 'smtp.password');
echo "password, a reference set by the script: ", $p ? var_export(shown($p[0]) === $ref, true) . ' | ' . shown($p[1]) : 'no row', "\n";
$k = cells($before, 'smtp.dkim_private_key');
echo "dkim key, from the command line: ", $k ? shown($k[0]) : 'no row', "\n";
$k = cells($after, 'smtp.dkim_private_key');
echo "dkim key, set by the script: ", $k ? var_export(shown($k[0]) === $keys, true) . ' | ' . shown($k[1]) : 'no row', "\n";
?>
--EXPECT--
exit 0
2 pages
bool(true)
bool(true)
bool(false)
bool(false)
password, from the command line: ******** | ********
password, a reference set by the script: true | ********
dkim key, from the command line: /etc/php/dkim/plain.pem
dkim key, set by the script: true | /etc/php/dkim/plain.pem
