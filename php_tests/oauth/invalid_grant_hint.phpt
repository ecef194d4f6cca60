--TEST--
OAuth: a revoked refresh token (invalid_grant) fails at stage oauth, names the endpoint's host, hints at Google's 7-day Testing tokens, never shows a secret
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
[$srv, $ts] = oauth_setup([['status' => 400, 'json' => ['error' => 'invalid_grant',
	'error_description' => 'Token has been expired or revoked.']]]);
$w = smtp_test_warnings(fn() => mail('bob@example.org', 's', 'b'), $ok);
var_dump($ok);
echo implode("\n", $w), "\n";
$e = smtp_last_error();
var_dump($e['stage'], $e['message']);
var_dump(str_contains($e['hint'], 'Testing'), str_contains($e['hint'], '7 days'));
$st = smtp_oauth_status();
var_dump($st['cached'], $st['last_error_code'], $st['last_error'] === $e['error']);
echo count(smtp_test_messages($srv)), " messages\n";
oauth_no_secret('warning', implode("\n", $w));
oauth_no_secret('result', json_encode($e));
oauth_no_secret('status', json_encode($st));
oauth_no_secret('phpinfo', (function () { ob_start(); phpinfo(INFO_MODULES); return ob_get_clean(); })());

/* smtp_check() reports the same, with the stage and the hint */
$r = smtp_check();
var_dump($r['ok'], $r['stage'], $r['hint'] === $e['hint']);
oauth_no_secret('check', json_encode($r));
?>
--EXPECTF--
bool(false)
mail(): OAuth token request to localhost:%d refused (HTTP 400): invalid_grant: Token has been expired or revoked.
string(5) "oauth"
string(49) "invalid_grant: Token has been expired or revoked."
bool(true)
bool(true)
bool(false)
string(13) "invalid_grant"
bool(true)
0 messages
bool(false)
string(5) "oauth"
bool(true)
