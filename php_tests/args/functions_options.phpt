--TEST--
smtp_test_send()/smtp_check() options: unknown keys, wrong types and invalid values throw naming the key; no server is an error in the result
--EXTENSIONS--
smtp
--INI--
smtp.host=
--FILE--
<?php
$bad = [
    ['bogus' => 1], [0 => 'x'], ['port' => '25'], ['port' => 70000], ['timeout' => 0], ['verify_peer' => 1],
    ['encryption' => 'x'], ['auth' => 'digest'], ['host' => ''], ['host' => 'a:99999'], ['from' => 'not an address'],
    ['subject' => "a\r\nBcc: x@example.org"], ['from_name' => "a\nb"], ['username' => ['x']], ['body' => "a\0b"],
];
foreach ($bad as $o) {
    try { smtp_test_send('a@example.org', $o); echo "no exception\n"; }
    catch (Throwable $e) { echo get_class($e), ': ', $e->getMessage(), "\n"; }
}
try { smtp_test_send("a@example.org\r\nBcc: x@example.org"); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
try { smtp_check(['subject' => 'x']); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
try { smtp_check(['from' => 'a@example.org']); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }

$r = smtp_check();
var_dump($r['ok'], $r['stage'], $r['error']);
$r = smtp_test_send('a@example.org', ['host' => '127.0.0.1']);
var_dump($r['ok'], $r['stage'], $r['error']);
var_dump(smtp_last_error());
?>
--EXPECT--
ValueError: smtp_test_send(): Argument #2 ($options) contains unknown option "bogus" (known: host, port, encryption, username, password, auth, from, from_name, helo, timeout, verify_peer, cafile, oauth_provider, oauth_client_id, oauth_client_secret, oauth_refresh_token, oauth_token_url, oauth_tenant, oauth_scope, oauth_grant, subject, body)
ValueError: smtp_test_send(): Argument #2 ($options) must only have string keys, 0 given
TypeError: smtp_test_send(): Argument #2 ($options) option "port" must be of type int, string given
ValueError: smtp_test_send(): Argument #2 ($options) option "port" must be between 0 and 65535
ValueError: smtp_test_send(): Argument #2 ($options) option "timeout" must be between 1 and 3600 seconds
TypeError: smtp_test_send(): Argument #2 ($options) option "verify_peer" must be of type bool, int given
ValueError: smtp_test_send(): Argument #2 ($options) option "encryption" must be one of auto, tls, ssl, none (aliases: starttls, smtps, implicit)
ValueError: smtp_test_send(): Argument #2 ($options) option "auth" must be one of auto, plain, login, cram-md5, xoauth2, none
ValueError: smtp_test_send(): Argument #2 ($options) option "host" must be a host name or address, or a comma-separated list of them, each optionally with :port
ValueError: smtp_test_send(): Argument #2 ($options) option "host" must be a host name or address, or a comma-separated list of them, each optionally with :port
ValueError: smtp_test_send(): Argument #2 ($options) option "from" must be an email address
ValueError: smtp_test_send(): Argument #2 ($options) option "subject" must not contain line breaks or NUL bytes
ValueError: smtp_test_send(): Argument #2 ($options) option "from_name" must not contain line breaks or NUL bytes
TypeError: smtp_test_send(): Argument #2 ($options) option "username" must be of type string, array given
ValueError: smtp_test_send(): Argument #2 ($options) option "body" must not contain NUL bytes
smtp_test_send(): Argument #1 ($to) must not contain line breaks or NUL bytes
smtp_check(): Argument #1 ($options) contains unknown option "subject" (known: host, port, encryption, username, password, auth, helo, timeout, verify_peer, cafile, oauth_provider, oauth_client_id, oauth_client_secret, oauth_refresh_token, oauth_token_url, oauth_tenant, oauth_scope, oauth_grant, probe_from, probe_rcpt)
smtp_check(): Argument #1 ($options) contains unknown option "from" (known: host, port, encryption, username, password, auth, helo, timeout, verify_peer, cafile, oauth_provider, oauth_client_id, oauth_client_secret, oauth_refresh_token, oauth_token_url, oauth_tenant, oauth_scope, oauth_grant, probe_from, probe_rcpt)
bool(false)
string(7) "connect"
string(65) "No SMTP server: smtp.host is empty and no "host" option was given"
bool(false)
string(4) "mail"
string(71) "No sender for the test message: set smtp.from or pass the "from" option"
NULL
