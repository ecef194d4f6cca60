#!/usr/bin/env python3
"""composer.json as PIE reads it (PIE's extension-maintainers documentation): "type" php-ext, a
vendor/package name, php-ext.extension-name equal to the extension config.m4 builds, support-zts and
support-nts booleans, and configure-options that are exactly the options config.m4 declares (each a
name PIE may pass to ./configure: enable-X/disable-X for PHP_ARG_ENABLE, with-X/without-X for
PHP_ARG_WITH, with a description and a boolean needs-value). PIE passes nothing to ./configure that
the user did not give; that a phpize build without options builds the extension is run.bash's
build-steps check. Prints one line; exits 1 with the problems."""
import json
import re
import sys

problems = []
c = json.load(open("composer.json"))
m4 = open("config.m4").read()

if c.get("type") != "php-ext":
    problems.append('"type" must be "php-ext" (a PHP module), is %r' % c.get("type"))
if not re.fullmatch(r"[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*", c.get("name", "")):
    problems.append('"name" must be vendor/package, is %r' % c.get("name"))
ext = c.get("php-ext", {})
if not isinstance(ext, dict):
    problems.append('"php-ext" must be an object')
    ext = {}
name = ext.get("extension-name")
if name != "smtp" or "ZEND_GET_MODULE(smtp)" not in open("ext/smtp.c").read():
    problems.append('php-ext.extension-name must be the module name "smtp", is %r' % name)
for k in ("support-zts", "support-nts"):
    if k in ext and not isinstance(ext[k], bool):
        problems.append("php-ext.%s must be a boolean" % k)

# the options config.m4 declares: PHP_ARG_ENABLE([x], ..., [default]) / PHP_ARG_WITH(...)
declared = {}
for kind, arg, _ in re.findall(r"PHP_ARG_(ENABLE|WITH)\(\[?([\w-]+)\]?,(.*?)\)\n", m4, re.S):
    spell = ("enable-%s" % arg, "disable-%s" % arg) if kind == "ENABLE" else ("with-%s" % arg, "without-%s" % arg)
    declared[arg] = spell
given = {}
for o in ext.get("configure-options", []):
    n = o.get("name", "")
    if not isinstance(o.get("description"), str) or not o["description"]:
        problems.append("configure option %r: no description" % n)
    if "needs-value" in o and not isinstance(o["needs-value"], bool):
        problems.append("configure option %r: needs-value must be a boolean" % n)
    owner = [a for a, spell in declared.items() if n in spell]
    if not owner:
        problems.append("configure option %r is not an option of config.m4 (%s)" % (n, ", ".join("/".join(s) for s in declared.values())))
    else:
        given[owner[0]] = n
for arg, spell in declared.items():
    if arg not in given:
        problems.append("config.m4 option %s is missing from php-ext.configure-options" % "/".join(spell))

if problems:
    print("composer.json is not what PIE expects:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print("composer.json: %s, type php-ext, extension %s, configure options %s" % (
    c["name"], name, " ".join("--" + v for v in given.values())))
