--TEST--
smtp.port, smtp.timeout, smtp.auth and smtp.host: invalid values are refused with a warning naming the valid ones
--EXTENSIONS--
smtp
--FILE--
<?php
var_dump(ini_set('smtp.port', '2525'), ini_get('smtp.port'));
var_dump(ini_set('smtp.port', '70000'));
var_dump(ini_set('smtp.port', 'abc'));
var_dump(ini_set('smtp.timeout', '0'));
var_dump(ini_set('smtp.timeout', '30') !== false);
var_dump(ini_set('smtp.auth', 'cram-md5') !== false);
var_dump(ini_set('smtp.auth', 'digest-md5'));
var_dump(ini_set('smtp.host', 'a.example, [::1]:2525, b.example:587') !== false);
var_dump(ini_set('smtp.host', 'a.example:99999'));
var_dump(ini_get('smtp.host'));
?>
--EXPECTF--
string(1) "0"
string(4) "2525"

Warning: ini_set(): smtp.port must be a number from 1 to 65535, or 0 for the default (465 with ssl, else 587), "70000" given in %s on line %d
bool(false)

Warning: ini_set(): smtp.port must be a number from 1 to 65535, or 0 for the default (465 with ssl, else 587), "abc" given in %s on line %d
bool(false)

Warning: ini_set(): smtp.timeout must be a number of seconds from 1 to 3600, "0" given in %s on line %d
bool(false)
bool(true)
bool(true)

Warning: ini_set(): smtp.auth must be one of auto, plain, login, cram-md5, xoauth2, none, "digest-md5" given in %s on line %d
bool(false)
bool(true)

Warning: ini_set(): smtp.host must be a host name or address, or a comma-separated list of them, each optionally with :port ([v6addr]:port for IPv6): %s in %s on line %d
bool(false)
string(36) "a.example, [::1]:2525, b.example:587"
