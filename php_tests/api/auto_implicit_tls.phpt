--TEST--
encryption auto finds implicit TLS on a port other than 465: no greeting within the short wait, TLS on a second connection
--DESCRIPTION--
The test server speaks TLS from the first byte on an ephemeral port. smtp.encryption=auto waits at most
min(2 s, timeout/5) for a greeting, then opens a second connection with a TLS handshake and goes on as
ssl: smtp_check() and smtp_test_send() succeed well within the timeout (10 s), the transcript says
implicit TLS was detected, the message arrives over TLS. With failover (a closed port first) and with
the pool (mail() twice: the kept connection remembers it is TLS, no second wait).
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['implicit_tls' => true, 'auth' => 'PLAIN', 'users' => ['alice' => 'secret']]);
$timeout = smtp_test_slow() ? 30 : 10;
$o = api_opts($srv, ['encryption' => 'auto', 'timeout' => $timeout, 'username' => 'alice', 'password' => 'secret']);

$r = smtp_check($o);
api_check_shape($r);
var_dump($r['ok'], $r['encryption'], $r['tls']['verified'], $r['auth']);
var_dump(api_has_line($r, "*: implicit TLS detected on port {$srv['port']} (smtp.encryption=auto): set smtp.encryption=ssl to skip the wait"));
var_dump((bool)preg_match('/^\*: no greeting within (\d+(?:\.\d)?) s on port \d+: trying implicit TLS on a second connection/m', $r['transcript'], $m));
$wait = (float)$m[1];
var_dump($wait >= 1.9 && $wait < $timeout);    /* min(2 s, 10 s / 5), and never the whole timeout (a loaded machine may take longer than 2 s) */
/* within the deadline (a wall-clock bound tighter than the timeout failed on a slow debug build) */
var_dump($r['timings']['total'] < $timeout * 1000);
/* greeting, EHLO, AUTH, QUIT: what a direct ssl check costs too */
$direct = smtp_check(['encryption' => 'ssl'] + $o);
var_dump($direct['ok'], substr_count($r['transcript'], "\nS: ") === substr_count($direct['transcript'], "\nS: "));

/* a message through the detected TLS */
$t = smtp_test_send('bob@example.org', $o + ['from' => 'alice@example.com']);
var_dump($t['ok'], $t['encryption'], $t['recipients']['bob@example.org']['code']);
$msgs = smtp_test_messages($srv);
var_dump(count($msgs), $msgs[0]['envelope']['tls'] ?? null, $msgs[0]['envelope']['auth_user'] ?? null);

/* a short timeout shortens the wait: timeout 2 s -> 0.4 s */
$r = smtp_check(['timeout' => 2] + $o);
var_dump($r['ok'], preg_match('/no greeting within (\d+(?:\.\d)?) s/', $r['transcript'], $m) === 1 && (float)$m[1] >= 0.39 && (float)$m[1] < 2.0);

/* failover: a closed port first, then the implicit-TLS port */
$closed = smtp_test_closed_port();
$r = smtp_check(['host' => "127.0.0.1:$closed, 127.0.0.1:{$srv['port']}"] + $o);
var_dump($r['ok'], $r['port'] === $srv['port'], $r['encryption'], isset($r['ports']));

/* the pool: mail() twice, one connection (and the one that waited for a greeting) */
smtp_test_ini($srv, ['smtp.encryption' => 'auto', 'smtp.username' => 'alice', 'smtp.password' => 'secret',
    'smtp.persistent' => '1', 'smtp.timeout' => (string)$timeout, 'smtp.cafile' => $srv['ca']]);
$before = smtp_stats();
var_dump(mail('c1@example.org', 'one', 'first'));
var_dump(mail('c2@example.org', 'two', 'second'));
$after = smtp_stats();
var_dump($after['connections_opened'] - $before['connections_opened'], $after['connections_reused'] - $before['connections_reused']);
$msgs = smtp_test_messages($srv);
var_dump(count($msgs), end($msgs)['envelope']['tls']);
?>
--EXPECT--
shape ok
bool(true)
string(3) "ssl"
bool(true)
string(5) "PLAIN"
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
string(3) "ssl"
int(250)
int(1)
bool(true)
string(5) "alice"
bool(true)
bool(true)
bool(true)
bool(true)
string(3) "ssl"
bool(false)
bool(true)
bool(true)
int(1)
int(1)
int(3)
bool(true)
