--TEST--
smtp_test_send()/smtp_check() options: an unknown key is a ValueError and a wrong type a TypeError, naming the key
--DESCRIPTION--
Programming errors throw before any connection; SMTP failures never throw (a closed port is reported).
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/api.inc';
$port = smtp_test_closed_port();
$base = ['host' => "127.0.0.1:$port", 'timeout' => 2, 'encryption' => 'none'];
$calls = [
    'check unknown' => fn() => smtp_check($base + ['hots' => 'x']),
    'check subject' => fn() => smtp_check($base + ['subject' => 'x']),
    'send unknown' => fn() => smtp_test_send('a@example.org', $base + ['passwd' => 'x']),
    'port string' => fn() => smtp_check(['port' => '587'] + $base),
    'timeout float' => fn() => smtp_check(['timeout' => 1.5] + $base),
    'verify_peer int' => fn() => smtp_check($base + ['verify_peer' => 0]),
    'password int' => fn() => smtp_check($base + ['password' => 1234]),
    'host array' => fn() => smtp_check(['host' => ['a']] + $base),
    'encryption bad' => fn() => smtp_check(['encryption' => 'maybe'] + $base),
    'int key' => fn() => smtp_check([0 => 'x']),
];
foreach ($calls as $name => $fn) {
    try {
        $fn();
        echo "$name: no exception\n";
    } catch (Throwable $e) {
        echo "$name: ", get_class($e), ': ', $e->getMessage(), "\n";
    }
}
/* an SMTP failure is a result, not an exception */
$r = smtp_check($base);
var_dump($r['ok'], $r['stage']);
$r = smtp_test_send('a@example.org', $base + ['from' => 'b@example.org']);
var_dump($r['ok'], $r['stage']);
?>
--EXPECTF--
check unknown: ValueError: smtp_check(): Argument #1 ($options) contains unknown option "hots"%s
check subject: ValueError: smtp_check(): Argument #1 ($options) contains unknown option "subject"%s
send unknown: ValueError: smtp_test_send(): Argument #2 ($options) contains unknown option "passwd"%s
port string: TypeError: smtp_check(): Argument #1 ($options) option "port" must be of type int, string given
timeout float: TypeError: smtp_check(): Argument #1 ($options) option "timeout" must be of type int, float given
verify_peer int: TypeError: smtp_check(): Argument #1 ($options) option "verify_peer" must be of type bool, int given
password int: TypeError: smtp_check(): Argument #1 ($options) option "password" must be of type string, int given
host array: TypeError: smtp_check(): Argument #1 ($options) option "host" must be of type string, array given
encryption bad: ValueError: smtp_check(): Argument #1 ($options) option "encryption" must be %s
int key: ValueError: smtp_check(): Argument #1 ($options) must only have string keys, 0 given
bool(false)
string(7) "connect"
bool(false)
string(7) "connect"
