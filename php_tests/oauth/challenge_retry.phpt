--TEST--
OAuth: the server refuses the cached token with the 334 error challenge; the client answers an empty line, reads the 535, fetches a new token once and authenticates on a fresh AUTH
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
/* the endpoint hands out a token the server no longer takes, then the one it takes */
[$srv, $ts] = oauth_setup([oauth_token('ya29.ACCESS-REVOKED'), oauth_token('ya29.ACCESS-TWO')], 'ya29.ACCESS-TWO',
	[], ['xoauth2_challenge' => true]);
$r = smtp_test_send('bob@example.org');
var_dump($r['ok'], $r['auth']);
echo count(smtp_test_token_requests($ts)), " token requests\n";
foreach (explode("\n", $r["transcript"]) as $l) {
	if (preg_match('/^C: AUTH|^S: 334|^S: 235|^S: 535|^C: $|access token/', $l)) {
		echo preg_replace('/^(S: 334) \S+/', '$1 <base64 status>', $l), "\n";
	}
}
oauth_no_secret('transcript', $r["transcript"]);
/* the server refuses every token: one retry only, then the 535 with its hint (stage auth) */
[$srv2, $ts2] = oauth_setup([oauth_token('ya29.ACCESS-A'), oauth_token('ya29.ACCESS-B')], 'ya29.ACCESS-NEVER',
	[], ['xoauth2_challenge' => true]);
$r = smtp_check();
var_dump($r['ok'], $r['stage'], $r['code']);
echo count(smtp_test_token_requests($ts2)), " token requests\n";
echo $r['hint'], "\n";
?>
--EXPECT--
bool(true)
string(7) "XOAUTH2"
2 token requests
C: AUTH XOAUTH2 ********
S: 334 <base64 status>
C: 
S: 535 5.7.8 Username and Password not accepted (test server: token refused)
*: the server refused the access token (535 5.7.8 Username and Password not accepted (test server: token refused)): asking the token endpoint for a new one and trying AUTH once more
C: AUTH XOAUTH2 ********
S: 235 2.7.0 Authentication successful
bool(false)
string(4) "auth"
int(535)
2 token requests
Gmail refused the OAuth access token: smtp.username must be the address of the Google account that granted access, and the token's scope must include https://mail.google.com/ (reconnect the account if it was granted another scope).
