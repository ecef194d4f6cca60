--TEST--
Feature markers: SMTP_CHECK_PROBE says smtp_check() takes probe_from / probe_rcpt
--EXTENSIONS--
smtp
--FILE--
<?php
var_dump(defined('SMTP_CHECK_PROBE'), SMTP_CHECK_PROBE);
// The options it announces are accepted: with no host the check fails at its first stage, not with a ValueError.
ini_set('smtp.host', '');
$r = smtp_check(['host' => '127.0.0.1', 'port' => 1, 'timeout' => 1, 'probe_from' => 'a@example.com', 'probe_rcpt' => 'b@example.com']);
var_dump($r['ok'], is_string($r['stage']));
?>
--EXPECT--
bool(true)
int(1)
bool(false)
bool(true)
