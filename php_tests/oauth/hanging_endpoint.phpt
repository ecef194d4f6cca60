--TEST--
OAuth: a token endpoint that never answers is bounded by smtp.timeout (stage oauth, cause timeout), and so is one that answers garbage
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
[$srv, $ts] = oauth_setup([['delay' => 60, 'status' => 200, 'json' => ['access_token' => 'late']],
	['status' => 502, 'raw' => '<html>Bad gateway</html>']], 'x', ['smtp.timeout' => (string)($to = smtp_test_slow() ? 20 : 2)]);
$t = microtime(true);
$r = smtp_check();
$took = microtime(true) - $t;
var_dump($r['ok'], $r['stage']);
echo $r['error'], "\n";
var_dump($took >= $to - 0.5, $took < $to + 3);
echo smtp_oauth_status()['last_error_code'], "\n";
$r = smtp_check();
echo $r['error'], "\n";
?>
--EXPECTF--
bool(false)
string(5) "oauth"
OAuth token request to localhost:%d failed: timed out after %s s (smtp.timeout)
bool(true)
bool(true)
timeout
OAuth token request to localhost:%d failed: HTTP 502 (the answer is not JSON: the endpoint, or a proxy on the way, is unavailable just now)
