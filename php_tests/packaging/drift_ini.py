#!/usr/bin/python3
"""Drift check: every ini setting the extension registers (STD_PHP_INI_* / PHP_INI_* / ZEND_INI_*
entries in ext/*.c) must have a row in docs/configuration.md's settings table, and every smtp.*
row of that table must be a setting the extension registers."""
import glob
import os
import re
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENTRY = re.compile(r'\b(?:STD_)?(?:PHP|ZEND)_INI_[A-Z0-9_]*\s*\(\s*"([^"]+)"')
ROW = re.compile(r"^\|\s*`([A-Za-z0-9_.]+)`\s*\|")


def strip_comments(c):
    c = re.sub(r"/\*.*?\*/", " ", c, flags=re.S)
    return re.sub(r"//[^\n]*", " ", c)


def main():
    os.chdir(TOP)
    ext = {}
    for path in sorted(glob.glob("ext/*.c")):
        for name in ENTRY.findall(strip_comments(open(path).read())):
            ext.setdefault(name, path)
    doc_rows = set()
    for line in open("docs/configuration.md"):
        m = ROW.match(line)
        if m:
            doc_rows.add(m.group(1))
    documented_ours = {n for n in doc_rows if n.startswith("smtp.")}
    problems = []
    if not ext:
        problems.append("no ini entry found in ext/*.c")
    for name in sorted(set(ext) - doc_rows):
        problems.append("%s (registered in %s) has no row in docs/configuration.md" % (name, ext[name]))
    for name in sorted(documented_ours - set(ext)):
        problems.append("docs/configuration.md documents %s, which the extension does not register" % name)
    if problems:
        for p in problems:
            print(p)
        print("drift_ini: %d problem(s)" % len(problems))
        return 1
    print("drift_ini: the %d ini settings of ext/*.c and docs/configuration.md agree" % len(ext))
    return 0


if __name__ == "__main__":
    sys.exit(main())
