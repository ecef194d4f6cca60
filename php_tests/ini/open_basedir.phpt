--TEST--
open_basedir: a script cannot point smtp.* paths (password file:, CA file, DKIM key, spool, log) outside it; php.ini's paths stay usable
--DESCRIPTION--
As PHP's own error_log and mail.log: a path set by ini_set() (or .htaccess) or passed as an option must lie
within open_basedir, or the extension would read a file for a script that may not (a password file: sent to a
server the script chose) or write one (the spool, the log). Values from php.ini are the administrator's; a
script may restore them.
--EXTENSIONS--
smtp
--INI--
smtp.cafile=/etc/ssl/certs/ca-certificates.crt
--FILE--
<?php
$tmp = sys_get_temp_dir() . '/smtp-obd-' . getmypid();
@mkdir($tmp, 0700);
file_put_contents("$tmp/pw", "secret-in-base\n");
var_dump(ini_set('open_basedir', __DIR__ . PATH_SEPARATOR . $tmp) !== false);
$w = [];
set_error_handler(function ($no, $str) use (&$w) { $w[] = $str; return true; });
$tries = [
	['smtp.password', 'file:/etc/passwd'],
	['smtp.password', "file:$tmp/pw"],
	['smtp.password', 'env:SMTP_PW'],
	['smtp.password', 'literal-secret'],
	['smtp.oauth_refresh_token', 'file:/root/token'],
	['smtp.oauth_client_secret', "file:$tmp/pw"],
	['smtp.cafile', '/etc/ssl/certs/ssl-cert-snakeoil.pem'],
	['smtp.cafile', "$tmp/ca.pem"],
	['smtp.dkim_private_key', "env:DKIM_KEY, $tmp/k.pem"],
	['smtp.dkim_private_key', "$tmp/k.pem, file:/etc/ssl/private/k.pem"],
	['smtp.spool_dir', '/var/spool/smtp-elsewhere'],
	['smtp.spool_dir', "$tmp/spool"],
	['smtp.log', '/var/log/smtp-elsewhere.log'],
	['smtp.log', '../../../../../../etc/smtp.log'],
	['smtp.log', 'syslog'],
	['smtp.log', "$tmp/smtp.log"],
];
foreach ($tries as [$k, $v]) {
	$w = [];
	$r = ini_set($k, $v);
	printf("%-26s %-5s %s\n", $k, $r === false ? 'no' : 'yes', $w ? str_replace($tmp, 'TMP', $w[0]) : '-');
}
/* php.ini's CA file is outside the base; a script may restore it or set it again */
ini_restore('smtp.cafile');
var_dump(ini_get('smtp.cafile'));
var_dump(ini_set('smtp.cafile', '/etc/ssl/certs/ca-certificates.crt') !== false);
var_dump(ini_set('smtp.cafile', "$tmp/ca.pem") !== false, ini_get('smtp.cafile') === "$tmp/ca.pem");
ini_restore('smtp.cafile');
var_dump(ini_get('smtp.cafile'));
var_dump(ini_set('smtp.cafile', '/etc/ssl/certs/ca-certificates.crt') !== false);
restore_error_handler();
ini_set('smtp.dkim_private_key', '');
/* the options of smtp_test_send() and smtp_check() follow the same rule */
foreach ([['password' => 'file:/etc/shadow'], ['cafile' => '/etc/hosts'], ['oauth_client_secret' => 'file:/etc/hostname']] as $o) {
	try {
		smtp_check($o + ['host' => '127.0.0.1:1', 'timeout' => 1]);
		echo "no exception\n";
	} catch (ValueError $e) {
		echo $e->getMessage(), "\n";
	}
}
$r = smtp_check(['host' => '127.0.0.1:1', 'timeout' => 1, 'password' => "file:$tmp/pw", 'username' => 'u']);
var_dump($r['stage']);
unlink("$tmp/pw");
rmdir($tmp);
?>
--EXPECT--
bool(true)
smtp.password              no    ini_set(): smtp.password cannot be set to the path /etc/passwd: it is not within open_basedir
smtp.password              yes   -
smtp.password              yes   -
smtp.password              yes   -
smtp.oauth_refresh_token   no    ini_set(): smtp.oauth_refresh_token cannot be set to the path /root/token: it is not within open_basedir
smtp.oauth_client_secret   yes   -
smtp.cafile                no    ini_set(): smtp.cafile cannot be set to the path /etc/ssl/certs/ssl-cert-snakeoil.pem: it is not within open_basedir
smtp.cafile                yes   -
smtp.dkim_private_key      yes   -
smtp.dkim_private_key      no    ini_set(): smtp.dkim_private_key cannot be set to the path /etc/ssl/private/k.pem: it is not within open_basedir
smtp.spool_dir             no    ini_set(): smtp.spool_dir cannot be set to the path /var/spool/smtp-elsewhere: it is not within open_basedir
smtp.spool_dir             yes   -
smtp.log                   no    ini_set(): smtp.log cannot be set to the path /var/log/smtp-elsewhere.log: it is not within open_basedir
smtp.log                   no    ini_set(): smtp.log cannot be set to the path ../../../../../../etc/smtp.log: it is not within open_basedir
smtp.log                   yes   -
smtp.log                   yes   -
string(34) "/etc/ssl/certs/ca-certificates.crt"
bool(true)
bool(true)
bool(true)
string(34) "/etc/ssl/certs/ca-certificates.crt"
bool(true)
smtp_check(): Argument #1 ($options) option "password" names the path /etc/shadow, which is not within open_basedir
smtp_check(): Argument #1 ($options) option "cafile" names the path /etc/hosts, which is not within open_basedir
smtp_check(): Argument #1 ($options) option "oauth_client_secret" names the path /etc/hostname, which is not within open_basedir
string(7) "connect"
