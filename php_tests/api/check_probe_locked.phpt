--TEST--
smtp_check() probe options with smtp.allow_runtime_config=0: allowed (they override no setting), unlike a connection option
--EXTENSIONS--
smtp
--INI--
smtp.allow_runtime_config=0
--FILE--
<?php
$r = @smtp_check(['probe_from' => 'a@example.com', 'probe_rcpt' => 'b@example.com']);
var_dump($r['stage'], $r['error'], $r['probe']);
$r = @smtp_check(['host' => 'other.example', 'probe_from' => 'a@example.com']);
var_dump($r['error']);
?>
--EXPECT--
string(7) "connect"
string(65) "No SMTP server: smtp.host is empty and no "host" option was given"
array(4) {
  ["from"]=>
  string(13) "a@example.com"
  ["rcpt"]=>
  string(13) "b@example.com"
  ["mail_code"]=>
  NULL
  ["rcpt_code"]=>
  NULL
}
string(110) "The option "host" cannot override the settings: smtp.allow_runtime_config is off in php.ini (nothing was sent)"
