--TEST--
smtp.host empty: PHP's own mail() runs unchanged (sendmail_path receives exactly what stock mail() writes)
--EXTENSIONS--
smtp
--INI--
sendmail_path="cat > {PWD}/host_empty_uses_php_mail.sendmail.out"
--FILE--
<?php
$out = __DIR__ . '/host_empty_uses_php_mail.sendmail.out';
var_dump(ini_get('smtp.host'));
var_dump(mail('a@example.org', 'Subject here', "Body\n", ['From' => 'b@example.org']));
echo str_replace("\r\n", "<CRLF>\n", file_get_contents($out));
var_dump(smtp_last_error());
unlink($out);
?>
--EXPECT--
string(0) ""
bool(true)
To: a@example.org<CRLF>
Subject: Subject here<CRLF>
From: b@example.org<CRLF>
<CRLF>
Body
<CRLF>
NULL
