--TEST--
OAuth refresh_token: the first mail() fetches the token, the next ones use the cache, a new one is fetched after expiry
--DESCRIPTION--
The token endpoint records the form fields; the test SMTP server accepts only the fetched access token
for alice@example.com (XOAUTH2). The token is kept until its expiry minus the skew (expires_in 2: one
second), so the third mail() asks again (60 s under valgrind). smtp_oauth_status() tells the cache without any network.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
$exp = smtp_test_slow() ? 60 : 8; /* valid for half of it (4 s): room for two mail() calls on a loaded machine; 60 under valgrind */
/* the wait for expiry (half of a short token's life) must not outlast the test server's idle exit */
[$srv, $ts] = oauth_setup([oauth_token('ya29.ACCESS-ONE', $exp)], 'ya29.ACCESS-ONE', [], ['idle_exit' => 120]);
$st = smtp_oauth_status();
var_dump($st['enabled'], $st['provider'], $st['grant'], $st['cached'], $st['valid_until']);

var_dump(mail('bob@example.org', 'one', 'first'));
$req = smtp_test_token_requests($ts);
echo count($req), " token request(s)\n";
$form = $req[0]['form'];
ksort($form);
echo json_encode($form), "\n";
echo $req[0]['content_type'], "\n";
$st = smtp_oauth_status();
var_dump($st['cached'], $st['last_refresh'] >= time() - 5, $st['valid_until'] - $st['last_refresh'] === intdiv($exp, 2), $st['last_error']);

var_dump(mail('bob@example.org', 'two', 'second'));
echo count(smtp_test_token_requests($ts)), " token request(s) after the second mail()\n";

$until = smtp_oauth_status()['valid_until'];
sleep(max(1, $until - time() + 1));
var_dump(smtp_oauth_status()['cached']);
var_dump(mail('bob@example.org', 'three', 'third'));
echo count(smtp_test_token_requests($ts)), " token request(s) after expiry\n";

$msgs = smtp_test_messages($srv);
echo count($msgs), " messages, auth ", $msgs[0]['envelope']['auth_user'], " ", $msgs[0]['envelope']['auth_mech'], "\n";
oauth_no_secret('transcript', smtp_test_transcript($srv) === '' ? '' : implode("\n", array_map(
	fn($m) => json_encode($m['envelope']), $msgs)));
?>
--EXPECT--
bool(true)
string(6) "google"
string(13) "refresh_token"
bool(false)
NULL
bool(true)
1 token request(s)
{"client_id":"client-123.apps.example","client_secret":"CLIENT-SECRET-xyz","grant_type":"refresh_token","refresh_token":"1\/\/REFRESH-TOKEN-abc"}
application/x-www-form-urlencoded
bool(true)
bool(true)
bool(true)
NULL
bool(true)
1 token request(s) after the second mail()
bool(false)
bool(true)
2 token request(s) after expiry
3 messages, auth alice@example.com XOAUTH2
