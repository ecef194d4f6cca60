--TEST--
mail.mixed_lf_and_crlf=1 (PHP 8.2.4): mail(), mb_send_mail() and error_log(..., 1) through the engine send what PHP's own handlers give sendmail (LF between the lines PHP adds; mb_send_mail()'s Subject folded for an LF)
--EXTENSIONS--
smtp
mbstring
--INI--
sendmail_path="cat > {PWD}/line_mixed_lf_and_crlf.stream.out #"
mail.mixed_lf_and_crlf=1
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc';
if (ini_get('mail.mixed_lf_and_crlf') === false) die('skip PHP before 8.2.4 has no mail.mixed_lf_and_crlf'); ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
require __DIR__ . '/line_modes.inc';
mailpaths_line_modes(__DIR__ . '/line_mixed_lf_and_crlf.stream.out');
?>
--EXPECT--
38 cases, 0 differ
