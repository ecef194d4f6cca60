--TEST--
smtp_check(): STARTTLS + AUTH against the test server; every key of the result array, nothing sent
--DESCRIPTION--
The check connects, upgrades with STARTTLS (verified against the test CA), authenticates and quits. The
result has every key of docs/api.md with the right type, the TLS details, the mechanism used, the EHLO
capabilities after TLS, no recipients, timings, and a C:/S: transcript with the AUTH payload masked.
The server received no MAIL command. The options override the settings for this call only.
--EXTENSIONS--
smtp
--SKIPIF--
<?php $smtp_test_need_openssl = true; require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$srv = smtp_test_server(['starttls' => true, 'auth' => 'PLAIN LOGIN', 'users' => ['alice' => 'Sesame-9']]);
ini_set('smtp.host', '127.0.0.1:' . smtp_test_closed_port());   /* the setting is not used */
ini_set('smtp.username', 'bob');
$r = smtp_check(api_opts($srv, ['encryption' => 'tls', 'username' => 'alice', 'password' => 'Sesame-9']));
api_check_shape($r);
var_dump($r['ok'], $r['stage'], $r['error'], $r['hint']);
var_dump($r['host'], $r['port'] === $srv['port'], $r['address'], $r['encryption']);
var_dump($r['tls']['protocol'], $r['tls']['cipher'] !== '', $r['tls']['peer'], $r['tls']['verified']);
var_dump($r['auth'], $r['capabilities'], $r['recipients']);
var_dump($r['timings']['connect'] > 0, $r['timings']['tls'] > 0, $r['timings']['auth'] > 0, $r['timings']['send'], $r['timings']['total'] >= 1.0);
var_dump(api_has_line($r, 'C: STARTTLS'), api_has_line($r, 'C: AUTH PLAIN ********'), api_has_line($r, 'S: 235 2.7.0 Authentication successful'),
    api_has_line($r, 'C: QUIT'), str_contains($r['transcript'], 'MAIL FROM'), str_contains($r['transcript'], 'Sesame-9'));
/* nothing was sent, and the settings are untouched */
$c = smtp_test_connections($srv, 1);
var_dump(count($c), in_array('MAIL', $c[0]['commands'] ?? ['?'], true), count(smtp_test_messages($srv)));
var_dump(ini_get('smtp.username'));
?>
--EXPECTF--
shape ok
bool(true)
string(4) "done"
NULL
NULL
string(9) "127.0.0.1"
bool(true)
string(9) "127.0.0.1"
string(3) "tls"
string(7) "TLSv1.3"
bool(true)
string(%d) "CN=localhost%s"
bool(true)
string(5) "PLAIN"
array(3) {
  [0]=>
  string(10) "PIPELINING"
  [1]=>
  string(16) "AUTH PLAIN LOGIN"
  [2]=>
  string(19) "ENHANCEDSTATUSCODES"
}
array(0) {
}
bool(true)
bool(true)
bool(true)
float(0)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(false)
bool(false)
int(1)
bool(false)
int(0)
string(3) "bob"
