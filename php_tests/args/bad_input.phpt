--TEST--
mail() bad input: injection through To/Subject, a 1 MB header line, invalid and empty addresses — a clear error or a safe message, never a crash
--DESCRIPTION--
CR/LF in the To and Subject arguments cannot add a header (they become spaces, as with stock mail()); a 1 MB
header line is refused before connecting with a sentence that says so; an unparseable address list or no
recipient at all gives false with a warning naming the problem and nothing reaches the server.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/../servers/server.inc';
$srv = smtp_test_server();
smtp_test_ini($srv, ['smtp.from' => 'site@example.com']);

function attempt(string $label, ...$args): void {
    $w = smtp_test_warnings(fn() => mail(...$args), $r);
    echo "$label: ", var_export($r, true), "\n";
    foreach ($w as $x) echo "  warning: ", substr($x, 0, 110), "\n";
}

/* 1. header injection through To: CRLF becomes spaces (as stock mail()), and the line is then no
 * valid address list: refused, nothing sent (Postfix's sendmail would deliver to "Bcc:victim"@...) */
attempt('injection in To', "to@example.org\r\nBcc: victim@example.net", 's', 'body');
/* ... through Subject: it stays inside the Subject line */
attempt('injection in Subject', 'to@example.org', "Hi\r\nBcc: victim2@example.net\r\n\r\nfake body", 'real body');
$m = smtp_test_messages($srv);
echo "recipients: ", implode(',', $m[0]['envelope']['rcpt_to']), "\n";
var_dump(smtp_test_header($m[0]['data'], 'Bcc'));
echo "Subject: ", smtp_test_header($m[0]['data'], 'Subject')[0], "\n";

/* 2. a 1 MB header line */
attempt('1 MB header', 'to@example.org', 's', 'b', 'X-Big: ' . str_repeat('a', 1 << 20));
var_dump(smtp_last_error()['stage']);

/* 3. invalid address lists */
attempt('unclosed angle', 'Jane <jane@example.org', 's', 'b');
attempt('unclosed quote', '"Jane <jane@example.org>', 's', 'b');
attempt('bad cc', 'to@example.org', 's', 'b', ['Cc' => 'a@example.org, (unclosed comment']);

/* 4. no recipient at all */
attempt('empty to', '', 's', 'b');
attempt('group only', 'undisclosed-recipients:;', 's', 'b');

echo "messages at the server: ", count(smtp_test_messages($srv)), "\n";
?>
--EXPECTF--
injection in To: false
  warning: mail(): Invalid To: header: An address followed by ':' (not a group name) in "to@example.org  Bcc:".
injection in Subject: true
recipients: to@example.org
array(0) {
}
Subject: Hi  Bcc: victim2@example.net    fake body
1 MB header: false
  warning: mail(): A header line is longer than 65536 bytes: %s
string(4) "mail"
unclosed angle: false
  warning: mail(): %s
unclosed quote: false
  warning: mail(): %s
bad cc: false
  warning: mail(): %s
empty to: false
  warning: mail(): %s
group only: false
  warning: mail(): %s
messages at the server: 1
