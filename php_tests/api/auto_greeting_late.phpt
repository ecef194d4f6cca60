--TEST--
encryption auto on a port that may be implicit TLS: a server that greets late in plain text is still used; one that says nothing at all gets a hint of its own
--DESCRIPTION--
The server greets in plain text after 3 s, longer than auto's wait (2 s): the TLS handshake on the second
connection meets plain text, so the first connection, kept open, is used when its greeting comes. A server
that never says anything, on either connection: the greeting times out at the timeout, with a hint that
both were tried (the hint for tls and none, which suggests ssl, stays: hint_tls_on_implicit_tls_port.phpt).
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$timeout = smtp_test_slow() ? 30 : 10;
$late = smtp_test_server(['faults' => ['delay=greeting:3']]);
$r = smtp_check(api_opts($late, ['encryption' => 'auto', 'timeout' => $timeout]));
api_check_shape($r);
var_dump($r['ok'], $r['encryption'], $r['tls']);
var_dump((bool)preg_match('/^\*: no TLS on the second connection \(.*\): waiting for a greeting on the first$/m', $r['transcript']));
var_dump($r['timings']['total'] >= 2900 && $r['timings']['total'] < $timeout * 1000);
$t = smtp_test_send('bob@example.org', api_opts($late, ['encryption' => 'auto', 'timeout' => $timeout, 'from' => 'a@example.com']));
var_dump($t['ok'], count(smtp_test_messages($late)));

$silent = smtp_test_server(['faults' => ['silent']]);
$start = microtime(true);
$r = smtp_check(api_opts($silent, ['encryption' => 'auto', 'timeout' => 3]));
$el = microtime(true) - $start;
api_show($r);
var_dump($el >= 2.9 && $el < (smtp_test_slow() ? 20 : 4.5));
?>
--EXPECTF--
shape ok
bool(true)
string(4) "none"
NULL
bool(true)
bool(true)
bool(true)
int(1)
shape ok
ok: false
stage: 'greeting'
code: NULL
enhanced: NULL
error: 'SMTP greeting from 127.0.0.1:%d timed out after %s s'
hint: 'The server on port %d sent no greeting, and a TLS handshake on a second connection got no answer either (smtp.encryption=auto tries both): it is overloaded or not an SMTP server - check smtp.host and smtp.port.'
bool(true)
