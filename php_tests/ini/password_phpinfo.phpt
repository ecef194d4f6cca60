--TEST--
smtp.password: phpinfo() shows ******** for a literal password, a reference as written, and never the secret
--EXTENSIONS--
smtp
--INI--
smtp.password=S3cret-App-Pass
--FILE--
<?php
ob_start(); phpinfo(INFO_MODULES); $info = ob_get_clean();
var_dump(str_contains($info, 'S3cret-App-Pass'));
preg_match('/^smtp\.password => .*$/m', $info, $m); echo $m[0], "\n";
ini_set('smtp.password', 'env:SMTP_PASSWORD');
ob_start(); phpinfo(INFO_MODULES); $info = ob_get_clean();
var_dump(str_contains($info, 'S3cret-App-Pass'));
preg_match('/^smtp\.password => .*$/m', $info, $m); echo $m[0], "\n";
ini_set('smtp.password', '');
ob_start(); phpinfo(INFO_MODULES); $info = ob_get_clean();
preg_match('/^smtp\.password => .*$/m', $info, $m); echo $m[0], "\n";
?>
--EXPECT--
bool(false)
smtp.password => ******** => ********
bool(false)
smtp.password => env:SMTP_PASSWORD => ********
smtp.password => no value => ********
