--TEST--
CHUNKING: the server refuses the message after BDAT with 451: false, stage data, the reply quoted
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server(['chunking' => true, 'faults' => ['dot=451 4.3.0 Try again later']]);
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'later', "body"));
$e = smtp_last_error();
var_dump($e['stage'], $e['code']);
echo $e['error'], "\n";
?>
--EXPECTF--
Warning: mail(): SMTP message refused after BDAT: 451 4.3.0 Try again later in %s on line %d
bool(false)
string(4) "data"
int(451)
SMTP message refused after BDAT: 451 4.3.0 Try again later
