--TEST--
Transient failures are queued (421 greeting, MAIL 451, RCPT 450, final 451, silent server, line cut before the reply); 5xx never
--DESCRIPTION--
Each case: mail()'s return, whether a warning was raised, smtp_last_error()'s queued/stage/code, the spool's count, and what the server accepted (nothing).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$cases = [
	'greeting 421' => ['greeting=421 4.3.2 Busy'],
	'MAIL 451' => ['mail=451 4.3.0 Try later'],
	'RCPT 450' => ['rcpt=450 4.2.1 Mailbox busy'],
	'final dot 451' => ['dot=451 4.3.0 Queue full'],
	'DATA 451' => ['data=451 4.3.0 Not now'],
	'silent server' => ['silent'],
	'closed after MAIL' => ['close-after=MAIL'],
	'greeting 554' => ['greeting=554 5.7.1 Go away'],
	'MAIL 550' => ['mail=550 5.7.1 Relaying denied'],
	'RCPT 550' => ['rcpt=550 5.1.1 User unknown'],
	'final dot 554' => ['dot=554 5.6.0 Content rejected'],
];
foreach ($cases as $name => $faults) {
	$sp = spool_test_dir();
	$srv = smtp_test_server(['faults' => $faults]);
	smtp_test_ini($srv, ['smtp.timeout' => smtp_test_slow() ? 10 : 2, 'smtp.persistent' => 0]);
	$w = smtp_test_warnings(fn() => mail('to@example.org', $name, 'b'), $r);
	$e = smtp_last_error();
	printf("%-18s %-5s warnings=%d queued=%s stage=%s code=%s spooled=%d accepted=%d\n", $name, var_export($r, true),
		count($w), var_export($e['queued'] ?? false, true), $e['stage'], var_export($e['code'], true),
		smtp_spool_status()['count'], count(spool_test_accepted($srv)));
	smtp_test_stop($srv);
}
?>
--EXPECT--
greeting 421       true  warnings=0 queued=true stage=greeting code=421 spooled=1 accepted=0
MAIL 451           true  warnings=0 queued=true stage=mail code=451 spooled=1 accepted=0
RCPT 450           true  warnings=0 queued=true stage=rcpt code=450 spooled=1 accepted=0
final dot 451      true  warnings=0 queued=true stage=data code=451 spooled=1 accepted=0
DATA 451           true  warnings=0 queued=true stage=data code=451 spooled=1 accepted=0
silent server      true  warnings=0 queued=true stage=greeting code=NULL spooled=1 accepted=0
closed after MAIL  true  warnings=0 queued=true stage=mail code=NULL spooled=1 accepted=0
greeting 554       false warnings=1 queued=false stage=greeting code=554 spooled=0 accepted=0
MAIL 550           false warnings=1 queued=false stage=mail code=550 spooled=0 accepted=0
RCPT 550           false warnings=1 queued=false stage=rcpt code=550 spooled=0 accepted=0
final dot 554      false warnings=1 queued=false stage=data code=554 spooled=0 accepted=0
