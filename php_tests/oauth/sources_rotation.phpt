--TEST--
OAuth secrets from env: and file:; a rotated refresh token is written back to its file (same mode, atomically) and used for the next refresh
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/oauth.inc';
$dir = sys_get_temp_dir() . '/smtp-oauth-rot-' . getmypid();
@mkdir($dir, 0700);
file_put_contents("$dir/refresh", "1//REFRESH-TOKEN-abc\n");
chmod("$dir/refresh", 0640);
putenv('SMTP_TEST_OAUTH_SECRET=CLIENT-SECRET-xyz');
[$srv, $ts] = oauth_setup([
	oauth_token('ya29.ACCESS-ONE', 2, ['refresh_token' => '1//REFRESH-TOKEN-rotated']),
	oauth_token('ya29.ACCESS-ONE', 3599),
], 'ya29.ACCESS-ONE', ['smtp.oauth_client_secret' => 'env:SMTP_TEST_OAUTH_SECRET',
	'smtp.oauth_refresh_token' => "file:$dir/refresh"]);
$r = smtp_test_send('bob@example.org');
var_dump($r['ok']);
echo str_contains($r['transcript'], 'issued a new refresh token; written to') ? "note in transcript\n" : $r['transcript'];
var_dump(file_get_contents("$dir/refresh"), sprintf('%o', fileperms("$dir/refresh") & 0777));
var_dump(glob("$dir/*"));
oauth_no_secret('transcript', $r['transcript'], ['REFRESH-TOKEN-rotated']);
sleep(2); /* the first token lived 2 s: the next mail() refreshes with the rotated token */
var_dump(mail('bob@example.org', 's', 'b'));
$req = smtp_test_token_requests($ts);
echo $req[0]['form']['client_secret'], " / ", $req[0]['form']['refresh_token'], "\n";
echo $req[1]['form']['refresh_token'], "\n";
/* the cache key follows the source, not the token: status still finds it */
var_dump(smtp_oauth_status()['cached']);
/* a source that cannot be read: stage oauth, the setting named, nothing sent */
ini_set('smtp.oauth_client_secret', 'env:SMTP_TEST_OAUTH_UNSET');
$w = smtp_test_warnings(fn() => mail('bob@example.org', 's', 'b'), $ok);
var_dump($ok, smtp_last_error()['stage']);
echo implode("\n", $w), "\n";
unlink("$dir/refresh");
rmdir($dir);
?>
--EXPECTF--
bool(true)
note in transcript
string(25) "1//REFRESH-TOKEN-rotated
"
string(3) "640"
array(1) {
  [0]=>
  string(%d) "%s/refresh"
}
bool(true)
CLIENT-SECRET-xyz / 1//REFRESH-TOKEN-abc
1//REFRESH-TOKEN-rotated
bool(true)
bool(false)
string(5) "oauth"
mail(): smtp.oauth_client_secret refers to the environment variable SMTP_TEST_OAUTH_UNSET, which is not set or empty
