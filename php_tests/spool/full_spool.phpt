--TEST--
Fault matrix: a full spool (ENOSPC on a small tmpfs) — mail() false with a warning naming the spool and the cause, nothing half-written left, never true and lost; a flush that cannot write an entry back keeps it claimed and says so; once space is back the next failure queues and the flush delivers it once
--DESCRIPTION--
The spool directory is on a 256 KiB tmpfs mounted in a private mount namespace: the test runs its
program (full_spool.inc) under `unshare -m` with this PHP and this module (the sanitizer preload of the
ASan pass is inherited; under valgrind the child PHP is traced like any child), so the mount is never
seen outside and goes away with the process. mail() goes to a refused port (a transient failure that
would be queued):
- the tmpfs full: false, one warning quoting the SMTP failure and the spool's ("No space left on
  device"), smtp_last_error() not queued, no entry in new/, nothing left in tmp/;
- less space than the message (the entry's write fails half-way): the same;
- the space freed: true without a warning, queued (stage connect), one entry in new/.
Then, the tmpfs full again, a forced flush against a server answering 451: the entry cannot be written
back with its next attempt; it stays claimed in cur/ (not lost, not duplicated), the flush warns and logs
why (stage spool). With the space freed and the claim dated past the claim bound (as a crashed worker's),
a forced flush against a server that is up delivers that one message once (a second flush: nothing);
the two refused messages never arrive. The log has failed, failed, queued, queued (the 451), queued
(stage spool: not written back), sent. Afterwards this process's own mount table has no trace of the
tmpfs.
--EXTENSIONS--
smtp
--SKIPIF--
<?php
require __DIR__ . '/../servers/skipif.inc';
$d = sys_get_temp_dir() . '/smtp-full-skip-' . getmypid();
@mkdir($d, 0700);
exec('unshare -m --propagation unchanged /bin/sh -c \'mount --make-rprivate / && mount -t tmpfs -o size=64k t "$1"\' sh '
	. escapeshellarg($d) . ' 2>&1', $out, $rc);
@rmdir($d);
if ($rc !== 0) {
	die('skip needs a private mount namespace and a tmpfs mount (root, unshare -m): ' . implode(' ', $out));
}
?>
--FILE--
<?php
require __DIR__ . '/spool.inc';
$base = sys_get_temp_dir() . '/smtp-full-spool-' . getmypid() . '-' . bin2hex(random_bytes(4));
mkdir("$base/mnt", 0700, true);
/* "unchanged": unshare itself does not remount / private (valgrind flags its mount() call with a NULL
 * type); the program does it with mount --make-rprivate before mounting the tmpfs. */
[$rc, $out, $err] = smtp_test_run(['unshare', '-m', '--propagation', 'unchanged', PHP_BINARY, '-n',
	'-d', 'extension=' . spool_test_module(), __DIR__ . '/full_spool.inc', $base], '', 120);
echo $out, $err, "exit: $rc\n";
echo 'tmpfs visible here: ', var_export(str_contains((string)file_get_contents('/proc/self/mountinfo'), " $base/mnt "), true), "\n";
smtp_test_rmdir($base);
?>
--EXPECTF--
tmpfs mounted: true
spool full: mail=false w=1 stage=connect queued=false maybe=false spooled=0 new=0 tmp=0 cur=0 free=none
  mail(): SMTP connect to 127.0.0.1:%d failed: Connection refused; the message could not be spooled for a later attempt: cannot write a spool entry in MNT/spool: No space left on device
  files: filler
message larger than the space left: mail=false w=1 stage=connect queued=false maybe=false spooled=0 new=0 tmp=0 cur=0 free=some
  mail(): SMTP connect to 127.0.0.1:%d failed: Connection refused; the message could not be spooled for a later attempt: cannot write a spool entry in MNT/spool: No space left on device
  files: filler
space freed: mail=true w=0 stage=connect queued=true maybe=false spooled=1 new=1 tmp=0 cur=0 free=some
  files: spool/new/ENTRY
flush, spool full, server 451: delivered=0 failed=0 deferred=1 remaining=1 w=1; spooled=1 claimed=1; files: filler spool/cur/ENTRY
  smtp_spool_flush(): spooled message %s <%s>: the entry could not be written back with its next attempt (cannot write a spool entry in MNT/spool: No space left on device): it stays claimed in cur/ and a flush takes it back after %d s
busy server accepted: 0
flush: delivered=1 failed=0 remaining=0; again: delivered=0; spooled=0; files: -
server received: space freed, %d bytes
log: failed,failed,queued,queued,queued,sent
exit: 0
tmpfs visible here: false
