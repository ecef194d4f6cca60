--TEST--
mail.cr_lf_mode=crlf (PHP 8.5): mail(), mb_send_mail() and error_log(..., 1) through the engine send what PHP's own handlers give sendmail
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path="cat > {PWD}/line_cr_lf_mode_crlf.stream.out #"
mail.cr_lf_mode=crlf
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc';
if (ini_get('mail.cr_lf_mode') === false) die('skip mail.cr_lf_mode is PHP 8.5\'s'); ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
require __DIR__ . '/line_modes.inc';
var_dump(ini_get('mail.cr_lf_mode'));
mailpaths_line_modes(__DIR__ . '/line_cr_lf_mode_crlf.stream.out');
?>
--EXPECT--
string(4) "crlf"
38 cases, 0 differ
