--TEST--
A 25 MB mail() over DATA costs at most 1 MiB of extra peak memory: the body streams to the socket
--DESCRIPTION--
The body (LF line endings, lines starting with '.') is read where it lies: CRLF normalisation and
dot-stuffing happen on the fly into the fixed wire buffer. The server must receive exactly the
CRLF-normalised body.
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/memory.inc';
$r = smtp_mem_run([]);
var_dump($r['ok']);
echo $r['extra'] <= SMTP_MEM_LIMIT ? "extra peak at most 1 MiB\n" : "extra peak {$r['extra']} bytes\n";
var_dump($r['same'], $r['count'], isset($r['envelope']['chunks']));
?>
--EXPECT--
bool(true)
extra peak at most 1 MiB
bool(true)
int(2)
bool(false)
