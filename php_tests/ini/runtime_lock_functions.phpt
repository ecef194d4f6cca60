--TEST--
smtp.allow_runtime_config=0 also binds smtp_check()/smtp_test_send(): an option that overrides a connection setting is refused before any connection
--DESCRIPTION--
Otherwise a script could point the php.ini credentials at a server of its choosing. The message options
(from, from_name, subject, body) stay allowed; the refusal is a warning plus a result with ok=false.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--INI--
smtp.allow_runtime_config=0
smtp.username=site@example.com
smtp.password=php-ini-secret
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$evil = smtp_test_server(['auth' => 'PLAIN LOGIN', 'users' => ['site@example.com' => 'php-ini-secret']]);
foreach (['host' => '127.0.0.1:' . $evil['port'], 'port' => $evil['port'], 'verify_peer' => false,
          'cafile' => '/tmp/x.pem', 'username' => 'x', 'password' => 'y', 'encryption' => 'none'] as $k => $v) {
    $r = smtp_check([$k => $v]);
    echo "$k: ", var_export($r['ok'], true), " ", $r['stage'], "\n";
}
$r = smtp_test_send('a@example.org', ['host' => '127.0.0.1:' . $evil['port'], 'from' => 'site@example.com']);
echo $r['error'], "\n";
echo "connections at the other server: ", count(smtp_test_connections($evil)), "\n";
?>
--EXPECTF--
Warning: smtp_check(): The option "host" cannot override the settings: smtp.allow_runtime_config is off in php.ini (nothing was sent) in %s on line %d
host: false connect

Warning: smtp_check(): The option "port" cannot override the settings: %s in %s on line %d
port: false connect

Warning: smtp_check(): The option "verify_peer" cannot override the settings: %s in %s on line %d
verify_peer: false connect

Warning: smtp_check(): The option "cafile" cannot override the settings: %s in %s on line %d
cafile: false connect

Warning: smtp_check(): The option "username" cannot override the settings: %s in %s on line %d
username: false connect

Warning: smtp_check(): The option "password" cannot override the settings: %s in %s on line %d
password: false connect

Warning: smtp_check(): The option "encryption" cannot override the settings: %s in %s on line %d
encryption: false connect

Warning: smtp_test_send(): The option "host" cannot override the settings: %s in %s on line %d
The option "host" cannot override the settings: smtp.allow_runtime_config is off in php.ini (nothing was sent)
connections at the other server: 0
