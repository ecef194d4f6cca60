--TEST--
smtp.allow_runtime_config=0: every runtime change of an smtp.* setting is refused, php.ini values stay
--EXTENSIONS--
smtp
--INI--
smtp.allow_runtime_config=0
smtp.host=relay.example.net
smtp.username=site@example.net
--FILE--
<?php
var_dump(ini_set('smtp.host', 'attacker.example'));
var_dump(ini_set('smtp.username', 'x'));
var_dump(ini_set('smtp.password', 'x'));
var_dump(ini_set('smtp.verify_peer', '0'));
var_dump(ini_set('smtp.allow_runtime_config', '1'));
var_dump(ini_get('smtp.host'), ini_get('smtp.username'), ini_get('smtp.verify_peer'));
ini_restore('smtp.host');
var_dump(ini_get('smtp.host'));
?>
--EXPECTF--
Warning: ini_set(): smtp.host cannot be changed at runtime: smtp.allow_runtime_config is off in php.ini in %s on line %d
bool(false)

Warning: ini_set(): smtp.username cannot be changed at runtime: smtp.allow_runtime_config is off in php.ini in %s on line %d
bool(false)

Warning: ini_set(): smtp.password cannot be changed at runtime: smtp.allow_runtime_config is off in php.ini in %s on line %d
bool(false)

Warning: ini_set(): smtp.verify_peer cannot be changed at runtime: smtp.allow_runtime_config is off in php.ini in %s on line %d
bool(false)
bool(false)
string(17) "relay.example.net"
string(16) "site@example.net"
string(1) "1"

Warning: ini_restore(): smtp.host cannot be changed at runtime: smtp.allow_runtime_config is off in php.ini in %s on line %d
string(17) "relay.example.net"
