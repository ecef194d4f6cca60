--TEST--
OAuth client_credentials (Microsoft SMTP.SendAsApp): no refresh token, the .default scope, the tenant required
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
[$srv, $ts] = oauth_setup([oauth_token('eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.APP-TOKEN')],
	'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.APP-TOKEN',
	['smtp.oauth_provider' => 'microsoft', 'smtp.oauth_grant' => 'client_credentials', 'smtp.oauth_refresh_token' => '']);
var_dump(mail('bob@example.org', 'app', 'sent as the app'));
$f = smtp_test_token_requests($ts)[0]['form'];
ksort($f);
echo json_encode($f, JSON_UNESCAPED_SLASHES), "\n";
echo smtp_oauth_status()['grant'], "\n";
/* without smtp.oauth_tenant the token URL of the provider cannot be used: a setting error, nothing sent */
ini_set('smtp.oauth_token_url', '');
$r = smtp_check(['oauth_tenant' => '']);
var_dump($r['stage']);
echo $r['error'], "\n";
$r = smtp_check(['oauth_tenant' => 'common']);
echo $r['error'], "\n";
echo count(smtp_test_token_requests($ts)), " token request(s)\n";
?>
--EXPECT--
bool(true)
{"client_id":"client-123.apps.example","client_secret":"CLIENT-SECRET-xyz","grant_type":"client_credentials","scope":"https://outlook.office365.com/.default"}
client_credentials
string(5) "oauth"
OAuth token request not sent: smtp.oauth_tenant must name the directory (its tenant ID or a domain such as contoso.onmicrosoft.com) for client_credentials: the common endpoint has no application permissions
OAuth token request not sent: smtp.oauth_tenant "common" cannot be used for client_credentials: name the directory (its tenant ID or a domain such as contoso.onmicrosoft.com)
1 token request(s)
