--TEST--
OAuth: the server refuses the access token and closes the connection (Microsoft, Gmail): one refresh, the new token on one new connection, no loop; also through the pool (smtp.persistent=1) when a kept session's token expired at the server
--DESCRIPTION--
close-after-auth-fail: the test SMTP server closes the connection right after its 535 (also after the
334 error challenge answered with an empty line). The retry cannot go on that connection: the engine
connects once more and sends the refreshed token there. A server that refuses every token gets exactly
one refresh and one new connection, then the 535 stands. With the pool, xoauth2-once makes the server
refuse a token it took before (the kept session then went idle and was closed): the next mail() uses the
cached token on a new connection, is refused and disconnected, refreshes once and succeeds.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
function auth_lines(string $t): void
{
	foreach (explode("\n", $t) as $l) {
		if (preg_match('/^C: AUTH|^S: 334|^S: 235|^S: 535|^C: $|access token|new connection|^\*: connected to/', $l)) {
			echo preg_replace(['/^(S: 334) \S+/', '/port \d+ \([^)]*\)/'], ['$1 <base64 status>', 'port N'], $l), "\n";
		}
	}
}
function conns(array $srv, int $n): string
{
	return implode(' ', array_map(fn($c) => ($c['auth_user'] ? 'auth' : 'noauth') . '/' . $c['closed_by'],
		smtp_test_connections($srv, $n)));
}

echo "-- 334 error challenge, 535, close\n";
[$srv, $ts] = oauth_setup([oauth_token('ya29.ACCESS-REVOKED'), oauth_token('ya29.ACCESS-TWO')], 'ya29.ACCESS-TWO',
	[], ['xoauth2_challenge' => true, 'faults' => ['close-after-auth-fail']]);
$r = smtp_test_send('bob@example.org');
var_dump($r['ok'], $r['auth'], $r['error']);
echo count(smtp_test_token_requests($ts)), " token requests\n";
auth_lines($r['transcript']);
echo conns($srv, 2), "\n";
oauth_no_secret('transcript', $r['transcript']);
oauth_no_secret('result', json_encode($r));

echo "-- plain 535, close\n";
[$srv, $ts] = oauth_setup([oauth_token('ya29.ACCESS-REVOKED'), oauth_token('ya29.ACCESS-TWO')], 'ya29.ACCESS-TWO',
	[], ['faults' => ['close-after-auth-fail']]);
var_dump(mail('bob@example.org', 'after a refusal', 'body'));
echo count(smtp_test_token_requests($ts)), " token requests, ", count(smtp_test_messages($srv)), " message\n";
echo conns($srv, 2), "\n";

echo "-- every token refused, close: one refresh, one new connection\n";
[$srv, $ts] = oauth_setup([oauth_token('ya29.ACCESS-A'), oauth_token('ya29.ACCESS-B'), oauth_token('ya29.ACCESS-C')],
	'ya29.ACCESS-NEVER', [], ['xoauth2_challenge' => true, 'faults' => ['close-after-auth-fail']]);
$r = smtp_check();
var_dump($r['ok'], $r['stage'], $r['code']);
echo count(smtp_test_token_requests($ts)), " token requests\n";
echo conns($srv, 2), "\n";
usleep(300000);
echo count(smtp_test_connections($srv)), " connections in all\n";

echo "-- pool: a kept session, then its token expired at the server\n";
[$srv, $ts] = oauth_setup([oauth_token('ya29.ACCESS-ONE'), oauth_token('ya29.ACCESS-TWO')],
	['ya29.ACCESS-ONE', 'ya29.ACCESS-TWO'], ['smtp.persistent' => '1'],
	['faults' => ['close-after-auth-fail', 'xoauth2-once'], 'conn_timeout' => 1]);
var_dump(mail('bob@example.org', 'one', 'first'));
var_dump(mail('bob@example.org', 'two', 'second on the kept session'));
echo count(smtp_test_token_requests($ts)), " token request, ", count(smtp_test_connections($srv)), " connections ended\n";
echo count(smtp_test_connections($srv, 1)), " connection ended (the server closes the idle session after 1 s)\n";
var_dump(mail('bob@example.org', 'three', 'the cached token is refused now'));
echo count(smtp_test_token_requests($ts)), " token requests, ", count(smtp_test_messages($srv)), " messages\n";
$c = smtp_test_connections($srv, 2);
echo $c[1]['auth_user'] ? 'auth' : 'noauth', '/', $c[1]['closed_by'], "\n";
var_dump(mail('bob@example.org', 'four', 'on the new kept session'));
echo count(smtp_test_token_requests($ts)), " token requests, ", count(smtp_test_messages($srv)), " messages, ",
	count(smtp_test_connections($srv)), " connections ended\n";
?>
--EXPECT--
-- 334 error challenge, 535, close
bool(true)
string(7) "XOAUTH2"
NULL
2 token requests
*: connected to 127.0.0.1 port N
C: AUTH XOAUTH2 ********
S: 334 <base64 status>
C: 
S: 535 5.7.8 Username and Password not accepted (test server: token refused)
*: the server refused the access token (535 5.7.8 Username and Password not accepted (test server: token refused)): asking the token endpoint for a new one and trying AUTH once more
C: AUTH XOAUTH2 ********
*: the server closed the connection after refusing the access token: trying the new token on a new connection
*: connected to 127.0.0.1 port N
C: AUTH XOAUTH2 ********
S: 235 2.7.0 Authentication successful
noauth/server auth/client-quit
-- plain 535, close
bool(true)
2 token requests, 1 message
noauth/server auth/client-quit
-- every token refused, close: one refresh, one new connection
bool(false)
string(4) "auth"
int(535)
2 token requests
noauth/server noauth/server
2 connections in all
-- pool: a kept session, then its token expired at the server
bool(true)
bool(true)
1 token request, 0 connections ended
1 connection ended (the server closes the idle session after 1 s)
bool(true)
2 token requests, 3 messages
noauth/server
bool(true)
2 token requests, 4 messages, 2 connections ended
