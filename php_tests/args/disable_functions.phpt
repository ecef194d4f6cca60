--TEST--
disable_functions=mail is respected with the extension loaded
--EXTENSIONS--
smtp
--INI--
disable_functions=mail
smtp.host=127.0.0.1:1
--FILE--
<?php
var_dump(function_exists('mail'));
try { mail('a@example.org', 's', 'b'); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
?>
--EXPECT--
bool(false)
Error: Call to undefined function mail()
