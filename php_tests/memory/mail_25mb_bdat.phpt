--TEST--
A 25 MB mail() over BDAT (CHUNKING) costs at most 1 MiB of extra peak memory
--DESCRIPTION--
With CHUNKING offered the message goes as BDAT chunks (CRLF line endings, no dot-stuffing) read
from the body where it lies. The server must receive exactly the CRLF-normalised body, and its
capture must show that BDAT was used.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/memory.inc';
$r = smtp_mem_run(['chunking' => true]);
var_dump($r['ok']);
echo $r['extra'] <= SMTP_MEM_LIMIT ? "extra peak at most 1 MiB\n" : "extra peak {$r['extra']} bytes\n";
var_dump($r['same'], $r['count'], isset($r['envelope']['chunks']));
?>
--EXPECT--
bool(true)
extra peak at most 1 MiB
bool(true)
int(2)
bool(true)
