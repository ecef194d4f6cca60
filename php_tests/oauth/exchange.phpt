--TEST--
smtp_oauth_exchange(): the authorization code with its PKCE verifier for a refresh token (the one secret ever returned); a used code's invalid_grant; per-call options; unknown options throw
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
$ts = smtp_test_token_server([
	['status' => 200, 'json' => ['access_token' => 'ya29.ACCESS-NEW', 'refresh_token' => '1//NEW-REFRESH', 'expires_in' => 3599,
		'scope' => 'https://mail.google.com/', 'token_type' => 'Bearer']],
	['status' => 400, 'json' => ['error' => 'invalid_grant', 'error_description' => 'Bad Request']],
]);
ini_set('smtp.cafile', smtp_test_ca());
ini_set('smtp.oauth_provider', 'google');
ini_set('smtp.oauth_client_id', 'client-123.apps.example');
$r = smtp_oauth_exchange('4/0AbCdEf-code', 'verifier-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG', 'https://site.example/wp-admin/options-general.php?page=native-smtp',
	['client_secret' => 'CLIENT-SECRET-xyz', 'token_url' => $ts['url']]);
var_dump($r);
$f = smtp_test_token_requests($ts)[0]['form'];
ksort($f);
echo json_encode($f, JSON_UNESCAPED_SLASHES), "\n";
$r = smtp_oauth_exchange('4/0AbCdEf-code', 'v', 'https://site.example/cb', ['token_url' => $ts['url']]);
var_dump($r['ok'], $r['error_code'], $r['refresh_token']);
echo $r['error'], "\n";
try {
	smtp_oauth_exchange('c', 'v', 'https://x/cb', ['bogus' => 1]);
} catch (ValueError $e) {
	echo $e->getMessage(), "\n";
}
?>
--EXPECTF--
array(7) {
  ["ok"]=>
  bool(true)
  ["refresh_token"]=>
  string(14) "1//NEW-REFRESH"
  ["expires_in"]=>
  int(3599)
  ["scope"]=>
  string(24) "https://mail.google.com/"
  ["error"]=>
  NULL
  ["error_code"]=>
  NULL
  ["hint"]=>
  NULL
}
{"client_id":"client-123.apps.example","client_secret":"CLIENT-SECRET-xyz","code":"4/0AbCdEf-code","code_verifier":"verifier-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG","grant_type":"authorization_code","redirect_uri":"https://site.example/wp-admin/options-general.php?page=native-smtp"}
bool(false)
string(13) "invalid_grant"
NULL
OAuth token request to localhost:%d refused (HTTP 400): invalid_grant: Bad Request
smtp_oauth_exchange(): Argument #4 ($options) contains unknown option "bogus" (known: provider, client_id, client_secret, token_url, tenant, scope)
