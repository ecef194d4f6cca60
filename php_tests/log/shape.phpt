--TEST--
smtp.log: one JSON line per attempt with every key and type; no password, no AUTH payload, no subject or body
--DESCRIPTION--
Three mail() calls over STARTTLS + AUTH PLAIN (sent, sent again on the kept connection, refused 550) and one with quotes, a backslash and UTF-8 in the reply.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../spool/spool.inc';
$smtp_test_need_openssl = true;
$sp = spool_test_dir();
ini_set('smtp.spool_dir', '');
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'S3cret-pass'],
	'faults' => ['rcpt:nobody@example.org=550 5.1.1 Unknown']]);
smtp_test_ini($srv, ['smtp.encryption' => 'tls', 'smtp.cafile' => smtp_test_ca(), 'smtp.username' => 'alice',
	'smtp.password' => 'S3cret-pass']);
mail('to@example.org', 'Secret subject', 'Secret body text');
mail('to2@example.org, cc@example.org', 'Secret subject', 'Secret body text');
@mail('nobody@example.org', 'Secret subject', 'Secret body text');
$raw = file_get_contents($sp['log']);
var_dump(substr_count($raw, "\n"));
foreach (['S3cret', base64_encode("\0alice\0S3cret-pass"), 'Secret subject', 'Secret body'] as $never) {
	var_dump(str_contains($raw, $never));
}
$lines = spool_test_log($sp);
echo implode(' ', array_keys($lines[0])), "\n";
foreach ($lines as $l) {
	printf("%s %s rcpts=%d code=%s enhanced=%s stage=%s attempt=%d reused=%s tls=%s spool=%s maybe=%s\n",
		preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/', $l['time']) ? 'time-ok' : $l['time'],
		$l['result'], $l['rcpts'], var_export($l['code'], true), var_export($l['enhanced'], true), $l['stage'],
		$l['attempt'], var_export($l['reused'], true), var_export($l['tls'], true), var_export($l['spool_id'], true),
		var_export($l['maybe_sent'], true));
	var_dump(is_string($l['message_id']) && $l['message_id'][0] === '<', $l['from'], $l['host'], $l['port'] === $srv['port'],
		is_float($l['duration_ms']) || is_int($l['duration_ms']), abs(strtotime($l['time']) - time()) < 60);
}
echo $lines[2]['reply'], ' | ', $lines[2]['error'], "\n";
smtp_test_stop($srv);
// quotes, a backslash and UTF-8 in a reply: escaped, and the line stays valid JSON (bytes that are not
// UTF-8 are escaped too: test_log.c, the test server cannot send them)
$srv = smtp_test_server(['faults' => ["mail=550 5.7.1 say \"no\" \\\\ refus\u{e9}"]]);
smtp_test_ini($srv, ['smtp.username' => '']);
@mail('to@example.org', 's', 'b');
$l = spool_test_log($sp)[3];
var_dump($l['reply']);
?>
--EXPECT--
int(3)
bool(false)
bool(false)
bool(false)
bool(false)
time message_id from rcpts host port result stage code enhanced reply error duration_ms attempt reused tls spool_id maybe_sent source
time-ok sent rcpts=1 code=250 enhanced='2.0.0' stage=done attempt=1 reused=false tls='TLSv1.3' spool=NULL maybe=false
bool(true)
string(18) "sender@example.com"
string(9) "127.0.0.1"
bool(true)
bool(true)
bool(true)
time-ok sent rcpts=2 code=250 enhanced='2.0.0' stage=done attempt=1 reused=true tls='TLSv1.3' spool=NULL maybe=false
bool(true)
string(18) "sender@example.com"
string(9) "127.0.0.1"
bool(true)
bool(true)
bool(true)
time-ok failed rcpts=1 code=550 enhanced='5.1.1' stage=rcpt attempt=1 reused=true tls='TLSv1.3' spool=NULL maybe=false
bool(true)
string(18) "sender@example.com"
string(9) "127.0.0.1"
bool(true)
bool(true)
bool(true)
Unknown | SMTP RCPT TO <nobody@example.org> refused: 550 5.1.1 Unknown
string(19) "say "no" \\ refusé"
