--TEST--
A 25 MB mail() signed with DKIM (RSA and Ed25519) costs at most 1 MiB of extra peak memory: the body hash streams too
--DESCRIPTION--
The body hash is computed from the body where it lies, through the same line-ending normalisation as
the wire, in pieces: signing must not copy the body. Both signatures of the received 25 MB message
verify with python3-dkim, and the server received exactly the CRLF-normalised body.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; require __DIR__ . '/../dkim/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/memory.inc';
require __DIR__ . '/../dkim/dkim.inc';
$keys = dkim_test_keys();
$r = smtp_mem_run([], ['smtp.dkim_domain' => DKIM_TEST_DOMAIN, 'smtp.dkim_selector' => 'rsa2048,ed1',
	'smtp.dkim_private_key' => $keys['rsa']['file'] . ',' . $keys['ed']['file']]);
var_dump($r['ok']);
echo $r['extra'] <= SMTP_MEM_LIMIT ? "extra peak at most 1 MiB\n" : "extra peak {$r['extra']} bytes\n";
var_dump($r['same'], $r['count']);
$v = dkim_test_verify($r['data'], $keys);
echo dkim_test_all_pass($v, 2) ? "both signatures verify\n" : dkim_test_explain($v) . "\n";
?>
--EXPECT--
bool(true)
extra peak at most 1 MiB
bool(true)
int(2)
both signatures verify
