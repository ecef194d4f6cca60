--TEST--
smtp.log: who made each attempt ("source": mail, test, spool); smtp_test_send() and a mail() whose settings cannot be used write a line too; smtp_check() writes none
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../spool/spool.inc';
$sp = spool_test_dir();
$srv = smtp_test_server(['auth' => 'PLAIN', 'users' => ['alice' => 'pw-Secret9']]);
smtp_test_ini($srv, ['smtp.username' => 'alice', 'smtp.password' => 'pw-Secret9', 'smtp.auth' => 'plain',
	'smtp.encryption' => 'none', 'smtp.allow_insecure_auth' => '1']);
ini_set('smtp.persistent', '0');
var_dump(mail('a@example.org', 's', 'b'));
var_dump(smtp_test_send('t@example.org')['ok']);
var_dump(smtp_check()['ok']);
/* a password file that cannot be read: nothing is tried, the line says failed at auth */
ini_set('smtp.password', 'file:' . $sp['base'] . '/no-such-password');
var_dump(@mail('b@example.org', 's', 'b'));
var_dump(smtp_test_send('t@example.org')['ok']);
ini_set('smtp.password', 'pw-Secret9');
/* refused for now: queued by mail(), delivered by the flush */
smtp_test_stop($srv);
ini_set('smtp.host', '127.0.0.1:' . smtp_test_closed_port());
var_dump(mail('c@example.org', 's', 'b'));
var_dump(smtp_test_send('t@example.org')['ok']);
$srv2 = smtp_test_server(['auth' => 'PLAIN', 'users' => ['alice' => 'pw-Secret9']]);
ini_set('smtp.host', '127.0.0.1:' . $srv2['port']);
var_dump(smtp_spool_flush(0, true)['delivered']);
$raw = file_get_contents($sp['log']);
var_dump(str_contains($raw, 'pw-Secret9'));
foreach (spool_test_log($sp) as $l) {
	printf("%-5s %-6s stage=%-7s rcpts=%d host=%s attempt=%d\n", $l['source'], $l['result'], $l['stage'], $l['rcpts'],
		$l['host'] === null ? 'null' : 'set', $l['attempt']);
}
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(false)
bool(false)
bool(true)
bool(false)
int(1)
bool(false)
mail  sent   stage=done    rcpts=1 host=set attempt=1
test  sent   stage=done    rcpts=1 host=set attempt=1
mail  failed stage=auth    rcpts=1 host=null attempt=1
test  failed stage=auth    rcpts=1 host=set attempt=1
mail  queued stage=connect rcpts=1 host=set attempt=1
test  failed stage=connect rcpts=1 host=set attempt=1
spool sent   stage=done    rcpts=1 host=set attempt=2
