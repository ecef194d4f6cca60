--TEST--
OAuth: what real token endpoints and proxies answer — a proxy's HTML error page (HTTP 502/503: transient, oauth_unavailable; HTTP 403: not), 429, temporarily_unavailable, expires_in as a string, an answer over the size bound, Google's refresh without a new refresh_token
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
$html = '<html><head><title>503 Service Unavailable</title></head><body><h1>proxy.example.net</h1></body></html>';
[$srv, $ts] = oauth_setup([
	['status' => 503, 'raw' => $html],
	['status' => 403, 'raw' => '<html><body>Access denied by policy</body></html>'],
	['status' => 429, 'json' => ['error' => 'slow_down']],
	['status' => 400, 'json' => ['error' => 'temporarily_unavailable', 'error_description' => 'The service is busy']],
	['status' => 200, 'raw' => '{"access_token":"' . str_repeat('x', 70000) . '"}'],
	['status' => 200, 'json' => ['access_token' => 'ya29.ACCESS-ONE', 'expires_in' => '3599', 'token_type' => 'Bearer']],
	['status' => 200, 'json' => ['access_token' => 'ya29.ACCESS-ONE', 'expires_in' => 3599, 'token_type' => 'Bearer']],
]);
for ($i = 0; $i < 5; $i++) {
	$r = smtp_check();
	$st = smtp_oauth_status();
	echo $r['stage'], " | ", $st['last_error_code'], " | ", preg_replace('/:\d+ /', ':PORT ', $r['error']), "\n";
	echo "   ", substr($r['hint'], 0, 90), "\n";
	oauth_no_secret('check', json_encode($r));
}
echo count(smtp_test_messages($srv)), " messages, ", count(smtp_test_token_requests($ts)), " token requests\n";

/* expires_in "3599": the token is kept for 3599 - 60 s */
var_dump(mail('bob@example.org', 'one', 'body'));
$st = smtp_oauth_status();
var_dump($st['cached'], $st['valid_until'] - $st['last_refresh'], $st['last_error']);

/* Google answers a refresh without a refresh_token: the configured one is sent again next time */
ini_set('smtp.oauth_scope', 'https://mail.google.com/'); /* another cache key: a new request */
var_dump(mail('bob@example.org', 'two', 'body'));
$req = smtp_test_token_requests($ts);
echo count($req), " token requests; the last two sent ", $req[count($req) - 1]['form']['refresh_token'], " and ",
	$req[count($req) - 2]['form']['refresh_token'], "\n";
?>
--EXPECT--
oauth | oauth_unavailable | OAuth token request to localhost:PORT failed: HTTP 503 (the answer is not JSON: the endpoint, or a proxy on the way, is unavailable just now)
   The token endpoint (or a proxy on the way) is unavailable just now (HTTP 5xx, 429 or tempo
oauth | oauth_endpoint | OAuth token request to localhost:PORT failed: HTTP 403 (the answer is not JSON: perhaps a proxy's or a firewall's page)
   The token endpoint did not give a token: check smtp.oauth_token_url (or the provider and s
oauth | slow_down | OAuth token request to localhost:PORT refused (HTTP 429): slow_down
   The token endpoint (or a proxy on the way) is unavailable just now (HTTP 5xx, 429 or tempo
oauth | temporarily_unavailable | OAuth token request to localhost:PORT refused (HTTP 400): temporarily_unavailable: The service is busy
   The token endpoint (or a proxy on the way) is unavailable just now (HTTP 5xx, 429 or tempo
oauth | oauth_endpoint | OAuth token request to localhost:PORT failed: the answer is larger than 65536 bytes
   The token endpoint did not give a token: check smtp.oauth_token_url (or the provider and s
0 messages, 5 token requests
bool(true)
bool(true)
int(3539)
NULL
bool(true)
7 token requests; the last two sent 1//REFRESH-TOKEN-abc and 1//REFRESH-TOKEN-abc
