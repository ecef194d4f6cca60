--TEST--
mail.cr_lf_mode=lf (PHP 8.5): mail(), mb_send_mail() and error_log(..., 1) through the engine send what PHP's own handlers give sendmail
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path="cat > {PWD}/line_cr_lf_mode_lf.stream.out #"
mail.cr_lf_mode=lf
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc';
if (ini_get('mail.cr_lf_mode') === false) die('skip mail.cr_lf_mode is PHP 8.5\'s'); ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
require __DIR__ . '/line_modes.inc';
var_dump(ini_get('mail.cr_lf_mode'));
mailpaths_line_modes(__DIR__ . '/line_cr_lf_mode_lf.stream.out');
?>
--EXPECT--
string(2) "lf"
38 cases, 0 differ
