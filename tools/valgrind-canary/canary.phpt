--TEST--
valgrind canary: a library preloaded into this php leaks on purpose (run-phpt.sh --valgrind requires LEAK here)
--DESCRIPTION--
Not part of the suite: tools/run-phpt.sh --valgrind copies this test into .build, builds canary.c beside it, and runs
this test alone after the suite, with the suite's valgrind options and suppressions. Its output
matches; its valgrind log must not be empty (run-tests: LEAK) and must name the canary's definitely
and indirectly lost blocks. A pass that does not report them does not check leaks.
--ENV--
LD_PRELOAD={PWD}/smtp-valgrind-canary.so
--FILE--
<?php
echo "canary ran\n";
?>
--EXPECT--
canary ran
