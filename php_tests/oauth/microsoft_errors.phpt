--TEST--
OAuth Microsoft: the default scope with offline_access, invalid_client with AADSTS7000215 (wrong secret), AADSTS700082 (expired refresh token), consent AADSTS65001: each its hint
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
$desc = fn($code, $text) => "AADSTS$code: $text\r\nTrace ID: 0a1b2c3d-0000-0000-0000-000000000000\r\nCorrelation ID: x\r\nTimestamp: 2026-12-01 10:00:00Z";
[$srv, $ts] = oauth_setup([
	['status' => 401, 'json' => ['error' => 'invalid_client', 'error_description' => $desc('7000215', 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.'), 'error_codes' => [7000215]]],
	['status' => 400, 'json' => ['error' => 'invalid_grant', 'error_description' => $desc('700082', 'The refresh token has expired due to inactivity.'), 'error_codes' => [700082]]],
	['status' => 400, 'json' => ['error' => 'invalid_grant', 'error_description' => $desc('65001', 'The user or administrator has not consented to use the application.')]],
], 'ya29.ACCESS-ONE', ['smtp.oauth_provider' => 'microsoft']);
foreach ([1, 2, 3] as $i) {
	$r = smtp_check();
	echo $r['stage'], " | ", $r['message'], "\n", $r['hint'], "\n";
}
$req = smtp_test_token_requests($ts);
echo $req[0]['form']['scope'], "\n";
echo smtp_oauth_status()['last_error_code'], "\n";
?>
--EXPECT--
oauth | invalid_client: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.
Microsoft says the client secret is wrong (AADSTS7000215): smtp.oauth_client_secret must be the secret's Value (not its Secret ID) from the app registration > Certificates & secrets; create a new one if it expired.
oauth | invalid_grant: AADSTS700082: The refresh token has expired due to inactivity.
Microsoft says the refresh token expired because it was not used for too long (AADSTS700082): connect the account again to get a new smtp.oauth_refresh_token.
oauth | invalid_grant: AADSTS65001: The user or administrator has not consented to use the application.
The permission was not granted (AADSTS65001: consent required): give the app the permission for SMTP (SMTP.Send, or SMTP.SendAsApp for client_credentials) and have an administrator grant consent, then connect the account again; check smtp.oauth_scope.
https://outlook.office.com/SMTP.Send offline_access
invalid_grant
