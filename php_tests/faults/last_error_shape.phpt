--TEST--
smtp_last_error(): null before any failure, then the brief's result array with every key and type
--DESCRIPTION--
After a refused recipient the array has exactly the keys ok, stage, code, enhanced, message, error, hint,
host, port, address, encryption, tls, auth, capabilities, recipients, timings, transcript with sensible values.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
var_dump(smtp_last_error());
$srv = smtp_test_server(['faults' => ['rcpt=550 5.1.1 User unknown']]);
smtp_test_ini($srv);
var_dump(@mail('to@example.org', 'shape', 'b'));
$e = smtp_last_error();
$keys = array_keys($e);
sort($keys);
echo implode(' ', $keys), "\n";
var_dump($e['ok'], $e['stage'], $e['code'], $e['enhanced'], $e['message']);
var_dump(str_contains($e['error'], '550 5.1.1 User unknown'));
var_dump($e['host'], $e['port'] === $srv['port'], $e['address'], $e['encryption'], $e['tls'], $e['auth']);
var_dump(in_array('PIPELINING', $e['capabilities'], true));
var_dump(array_keys($e['recipients']), $e['recipients']['to@example.org']['code']);
echo implode(' ', array_keys($e['timings'])), "\n";
var_dump($e['timings']['total'] >= $e['timings']['connect'], $e['timings']['total'] < 5000);
var_dump(str_contains($e['transcript'], 'C: RCPT TO:<to@example.org>'), str_contains($e['transcript'], 'S: 550 5.1.1 User unknown'));
?>
--EXPECT--
NULL
bool(false)
address auth capabilities code encryption enhanced error hint host message ok port recipients stage timings tls transcript
bool(false)
string(4) "rcpt"
int(550)
string(5) "5.1.1"
string(12) "User unknown"
bool(true)
string(9) "127.0.0.1"
bool(true)
string(9) "127.0.0.1"
string(4) "none"
NULL
NULL
bool(true)
array(1) {
  [0]=>
  string(14) "to@example.org"
}
int(550)
connect tls auth send total
bool(true)
bool(true)
bool(true)
bool(true)
