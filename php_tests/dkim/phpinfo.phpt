--TEST--
DKIM: phpinfo() shows smtp.dkim_private_key's paths and env: names, never key material
--DESCRIPTION--
The setting names where the key is (a path, file:, env:NAME): phpinfo() shows it as written. A value
that holds PEM text by mistake is shown as ******** (and refused at the send, tested in errors.phpt).
--EXTENSIONS--
smtp
--INI--
smtp.dkim_private_key="-----BEGIN PRIVATE KEY-----MC4CAQAwBQYDK2VwBCIEIKeyMaterial"
--FILE--
<?php
function row(): string
{
	ob_start();
	phpinfo(INFO_MODULES);
	preg_match('/^smtp\.dkim_private_key => .*$/m', ob_get_clean(), $m);
	return $m[0] ?? 'no row';
}
echo row(), "\n";
ini_set('smtp.dkim_private_key', '/etc/php/dkim/rsa.pem, env:DKIM_ED');
echo row(), "\n";
?>
--EXPECT--
smtp.dkim_private_key => ******** => ********
smtp.dkim_private_key => /etc/php/dkim/rsa.pem, env:DKIM_ED => ********
