--TEST--
Fault matrix: for each fault, mail()'s return, the warning, smtp_last_error(), the spool, and what the server finally received after a flush
--DESCRIPTION--
Each scenario runs mail() against the test server with one fault (smtp.spool_dir set), then flushes the spool
(forced) against a server without the fault and with the same TLS/AUTH set-up. Every message ends up delivered
once, queued and then delivered once, or reported failed (and never delivered).
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$tls = ['starttls' => true];
$auth = ['auth' => 'PLAIN', 'users' => ['alice' => 'pw-secret']];
$tlsIni = fn() => ['smtp.encryption' => 'tls', 'smtp.cafile' => smtp_test_ca()];
$authIni = ['smtp.username' => 'alice', 'smtp.password' => 'pw-secret'];
/* name => [server options with the fault, ini, recipients] */
$cases = [
	'refused' => [null, [], 'a@example.org'],
	'silent server' => [['faults' => ['silent']], [], 'a@example.org'],
	'trickling greeting' => [['faults' => ['trickle']], [], 'a@example.org'],
	'greeting 421' => [['faults' => ['greeting=421 4.3.2 Busy']], [], 'a@example.org'],
	'greeting 554' => [['faults' => ['greeting=554 5.7.1 No']], [], 'a@example.org'],
	'TLS: plain server on ssl' => [[], ['smtp.encryption' => 'ssl'], 'a@example.org'],
	'TLS: certificate name' => [['starttls' => true, 'cert' => 'wrongname'], 'tls', 'a@example.org'],
	'TLS: handshake alert' => [['starttls' => true, 'faults' => ['tls-alert']], 'tls', 'a@example.org'],
	'TLS: no such cafile' => [['starttls' => true], 'badca', 'a@example.org'],
	'STARTTLS missing' => [[], ['smtp.encryption' => 'tls'], 'a@example.org'],
	'STARTTLS injection' => [['starttls' => true, 'faults' => ['inject-after-starttls']], 'tls', 'a@example.org'],
	'STARTTLS 454' => [['starttls' => true, 'faults' => ['starttls=454 4.7.0 TLS not available']], 'tls', 'a@example.org'],
	'EHLO and HELO 550' => [['faults' => ['ehlo=550 5.7.1 No', 'helo=550 5.7.1 No']], [], 'a@example.org'],
	'AUTH 535' => [$auth + ['faults' => ['auth=535 5.7.8 Bad credentials']], 'auth', 'a@example.org'],
	'AUTH 454' => [$auth + ['faults' => ['auth=454 4.7.0 Try later']], 'auth', 'a@example.org'],
	'MAIL 451' => [['faults' => ['mail=451 4.3.0 Later']], [], 'a@example.org'],
	'MAIL 550' => [['faults' => ['mail=550 5.7.1 Denied']], [], 'a@example.org'],
	'RCPT 450 all' => [['faults' => ['rcpt=450 4.2.1 Busy']], [], 'a@example.org, b@example.org'],
	'RCPT 550 all' => [['faults' => ['rcpt=550 5.1.1 Unknown']], [], 'a@example.org, b@example.org'],
	'RCPT 450 some' => [['faults' => ['rcpt:b@example.org=450 4.2.1 Busy']], [], 'a@example.org, b@example.org'],
	'RCPT 550 some' => [['faults' => ['rcpt:b@example.org=550 5.1.1 Unknown']], [], 'a@example.org, b@example.org'],
	'DATA 451' => [['faults' => ['data=451 4.3.0 Later']], [], 'a@example.org'],
	'354 then 451' => [['faults' => ['dot=451 4.3.0 Later']], [], 'a@example.org'],
	'354 then 554' => [['faults' => ['dot=554 5.6.0 Rejected']], [], 'a@example.org'],
	'BDAT LAST 451' => [['chunking' => true, 'faults' => ['dot=451 4.3.0 Later']], [], 'a@example.org'],
	'closed at DATA' => [['faults' => ['close-after=DATA']], [], 'a@example.org'],
	'lost after the data' => [['faults' => ['close-after=DOT']], [], 'a@example.org'],
	'no final reply' => [['faults' => ['silent-after=DOT']], [], 'a@example.org'],
	'421 at MAIL' => [['faults' => ['421-at=MAIL']], [], 'a@example.org'],
];
foreach ($cases as $name => [$opts, $ini, $to]) {
	$sp = spool_test_dir();
	foreach (['smtp.username' => '', 'smtp.password' => '', 'smtp.cafile' => ''] as $k => $v) {
		ini_set($k, $v);
	}
	$clean = [];
	if ($ini === 'tls') {
		$ini = $tlsIni();
		$clean = $tls;
	} elseif ($ini === 'badca') {
		$ini = ['smtp.encryption' => 'tls', 'smtp.cafile' => sys_get_temp_dir() . '/no-such-ca.pem'];
		$clean = $tls;
	} elseif ($ini === 'auth') {
		$ini = $authIni;
		$clean = $auth;
	}
	if ($opts === null) {
		$srv = ['port' => smtp_test_closed_port()];
		smtp_test_ini($srv);
	} else {
		$srv = smtp_test_server($opts);
		smtp_test_ini($srv, $ini);
	}
	ini_set('smtp.timeout', smtp_test_slow() ? '20' : '2');
	ini_set('smtp.persistent', '0');
	$w = smtp_test_warnings(fn() => mail($to, $name, 'b'), $r);
	$e = smtp_last_error();
	$first = $opts === null ? 0 : count(spool_test_accepted($srv));
	$spooled = smtp_spool_status()['count'];
	if ($opts !== null) {
		smtp_test_stop($srv);
	}
	$good = smtp_test_server($clean + ($opts['chunking'] ?? false ? ['chunking' => true] : []));
	smtp_test_ini($good, $ini);
	ini_set('smtp.persistent', '0');
	$f = smtp_spool_flush(0, true);
	$later = spool_test_accepted($good);
	$rcpts = [];
	foreach ($later as $m) {
		$rcpts = array_merge($rcpts, $m['envelope']['rcpt_to']);
	}
	printf("%-24s %-5s w=%d stage=%-8s queued=%-5s maybe=%-5s spooled=%d first=%d flush:%d later=%s\n", $name,
		var_export($r, true), count($w), $e === null ? '-' : $e['stage'], var_export($e['queued'] ?? false, true),
		var_export($e['maybe_sent'] ?? false, true), $spooled, $first, $f['delivered'], implode(',', $rcpts) ?: '-');
	smtp_test_stop($good);
}
?>
--EXPECT--
refused                  true  w=0 stage=connect  queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
silent server            true  w=0 stage=greeting queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
trickling greeting       true  w=0 stage=greeting queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
greeting 421             true  w=0 stage=greeting queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
greeting 554             false w=1 stage=greeting queued=false maybe=false spooled=0 first=0 flush:0 later=-
TLS: plain server on ssl false w=1 stage=tls      queued=false maybe=false spooled=0 first=0 flush:0 later=-
TLS: certificate name    true  w=0 stage=tls      queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
TLS: handshake alert     true  w=0 stage=tls      queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
TLS: no such cafile      false w=1 stage=tls      queued=false maybe=false spooled=0 first=0 flush:0 later=-
STARTTLS missing         false w=1 stage=tls      queued=false maybe=false spooled=0 first=0 flush:0 later=-
STARTTLS injection       false w=1 stage=tls      queued=false maybe=false spooled=0 first=0 flush:0 later=-
STARTTLS 454             true  w=0 stage=tls      queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
EHLO and HELO 550        false w=1 stage=ehlo     queued=false maybe=false spooled=0 first=0 flush:0 later=-
AUTH 535                 false w=1 stage=auth     queued=false maybe=false spooled=0 first=0 flush:0 later=-
AUTH 454                 true  w=0 stage=auth     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
MAIL 451                 true  w=0 stage=mail     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
MAIL 550                 false w=1 stage=mail     queued=false maybe=false spooled=0 first=0 flush:0 later=-
RCPT 450 all             true  w=0 stage=rcpt     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org,b@example.org
RCPT 550 all             false w=1 stage=rcpt     queued=false maybe=false spooled=0 first=0 flush:0 later=-
RCPT 450 some            true  w=0 stage=done     queued=true  maybe=false spooled=1 first=1 flush:1 later=b@example.org
RCPT 550 some            true  w=1 stage=done     queued=false maybe=false spooled=0 first=1 flush:0 later=-
DATA 451                 true  w=0 stage=data     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
354 then 451             true  w=0 stage=data     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
354 then 554             false w=1 stage=data     queued=false maybe=false spooled=0 first=0 flush:0 later=-
BDAT LAST 451            true  w=0 stage=data     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
closed at DATA           true  w=0 stage=data     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
lost after the data      true  w=0 stage=data     queued=true  maybe=true  spooled=1 first=0 flush:1 later=a@example.org
no final reply           true  w=0 stage=data     queued=true  maybe=true  spooled=1 first=0 flush:1 later=a@example.org
421 at MAIL              true  w=0 stage=mail     queued=true  maybe=false spooled=1 first=0 flush:1 later=a@example.org
