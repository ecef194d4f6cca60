--TEST--
Pool: one PHP process serving several requests (php -S) keeps the connection from one request to the next
--DESCRIPTION--
The pool lives in the module globals, not in a request: each of 5 requests sends one mail() and all go
over the connection the first request opened. (php-fpm workers do the same, each with a pool of its own.)
--EXTENSIONS--
smtp
--SKIPIF--
<?php require __DIR__ . '/../servers/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/pool.inc';
$srv = smtp_test_server();
$dir = sys_get_temp_dir() . '/smtp-pool-web-' . getmypid();
@mkdir($dir);
file_put_contents("$dir/index.php", '<?php $ok = mail("to@example.org", "request " . $_GET["n"], "b");
$st = smtp_stats(); echo ($ok ? "sent" : "failed"), " opened=", $st["connections_opened"], " reused=", $st["connections_reused"], "\n";');
/* a free port for the web server */
$probe = stream_socket_server('tcp://127.0.0.1:0');
$port = (int)substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
fclose($probe);
$args = [PHP_BINARY, '-n', '-d', 'extension=' . pool_module_path(), '-d', 'smtp.host=127.0.0.1:' . $srv['port'],
    '-d', 'smtp.encryption=none', '-d', 'smtp.from=sender@example.com', '-d', 'smtp.timeout=10',
    '-S', "127.0.0.1:$port", '-t', $dir];
$proc = proc_open($args, [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
$ok = false;
$deadline = microtime(true) + (smtp_test_slow() ? 60 : 5);  // php -S starts slowly under valgrind
while (!$ok && microtime(true) < $deadline) {
    usleep(50000);
    $ok = (bool)@fsockopen('127.0.0.1', $port);
}
for ($n = 1; $n <= 5; $n++) {
    echo trim((string)@file_get_contents("http://127.0.0.1:$port/index.php?n=$n")), "\n";
}
/* SIGINT is php -S's own stop: the modules shut down (ours QUITs the kept connection). SIGTERM ended
 * the process where it was, so under valgrind everything PHP allocated at startup showed as lost. */
proc_terminate($proc, 2);
proc_close($proc);
echo implode(' ', pool_conns($srv)), "\n";
@unlink("$dir/index.php");
@rmdir($dir);
?>
--EXPECT--
sent opened=1 reused=0
sent opened=1 reused=1
sent opened=1 reused=2
sent opened=1 reused=3
sent opened=1 reused=4
5 1
