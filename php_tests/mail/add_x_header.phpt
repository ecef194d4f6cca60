--TEST--
mail(): mail.add_x_header=1 adds X-PHP-Originating-Script as stock mail() does
--DESCRIPTION--
The header names the uid and the script, like PHP's own mail().
--INI--
mail.add_x_header=1
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
var_dump(mail('to@example.org', 'x header', 'b'));
$x = smtp_test_header(smtp_test_messages($srv)[0]['data'], 'X-PHP-Originating-Script');
var_dump(count($x), (bool)preg_match('/^\d+:add_x_header\.php$/', $x[0]));
?>
--EXPECT--
bool(true)
int(1)
bool(true)
