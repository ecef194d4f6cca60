# `make test` runs the project's phpt suite in php_tests/ (not the default tests/).
TESTS ?= $(srcdir)/php_tests
