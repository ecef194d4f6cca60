--TEST--
smtp.encryption: valid values and aliases are taken, anything else is refused with the list of valid ones
--EXTENSIONS--
smtp
--FILE--
<?php
foreach (['tls', 'ssl', 'none', 'auto', 'STARTTLS', 'smtps', 'implicit', 'Tls'] as $v) {
    var_dump(ini_set('smtp.encryption', $v) !== false, ini_get('smtp.encryption'));
}
var_dump(ini_set('smtp.encryption', 'bogus'));
var_dump(ini_get('smtp.encryption'));
?>
--EXPECTF--
bool(true)
string(3) "tls"
bool(true)
string(3) "ssl"
bool(true)
string(4) "none"
bool(true)
string(4) "auto"
bool(true)
string(8) "STARTTLS"
bool(true)
string(5) "smtps"
bool(true)
string(8) "implicit"
bool(true)
string(3) "Tls"

Warning: ini_set(): smtp.encryption must be one of auto, tls, ssl, none (aliases: starttls, smtps, implicit), "bogus" given in %s on line %d
bool(false)
string(3) "Tls"
