--TEST--
mail(): To: and Subject: are written exactly as given (encoded words, quoted names, spacing)
--DESCRIPTION--
A DKIM signature made by the caller must still verify, so To: and Subject: keep every byte; the envelope
gets the addresses out of the To list.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv);
$to = '"Doe, Jane" <jane@example.org>, =?UTF-8?B?SsO8cmdlbg==?= <juergen@example.org>';
$subject = '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=  and  two  spaces';
var_dump(mail($to, $subject, 'b'));
$m = smtp_test_messages($srv)[0];
var_dump(smtp_test_header($m['data'], 'To') === [$to], smtp_test_header($m['data'], 'Subject') === [$subject]);
echo implode(',', $m['envelope']['rcpt_to']), "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
jane@example.org,juergen@example.org
