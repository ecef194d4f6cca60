--TEST--
smtp.encryption=none and smtp.auth=none unquoted in php.ini (which PHP reads as "") are taken as none, without a warning
--EXTENSIONS--
smtp
--INI--
smtp.encryption=none
smtp.auth=none
--FILE--
<?php
var_dump(ini_get('smtp.encryption'), ini_get('smtp.auth'));
var_dump(ini_set('smtp.encryption', '') !== false);
echo "done\n";
?>
--EXPECT--
string(0) ""
string(0) ""
bool(true)
done
