#!/usr/bin/python3
"""Drift check: the settings table (the rows of SMTP_SETTINGS in ext/smtp_settings.h, from which the
ini entries, the globals and the options are generated) against docs/configuration.md's settings table.

Fails when
  - a row of the table has no row in docs/configuration.md, or an smtp.* row of the docs is no row
    of the table;
  - the documented default or "changeable" column differs from the row's default and access;
  - an ini entry is registered in ext/*.c outside the table (a literal "smtp.name" entry), or the
    ini entries are no longer generated from the table."""
import glob
import os
import re
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE = "ext/smtp_settings.h"
ENTRY = re.compile(r'\b(?:STD_)?(?:PHP|ZEND)_INI_[A-Z0-9_]*\s*\(\s*"([^"]+)"\s*,')
ROW = re.compile(r"^\|\s*`([A-Za-z0-9_.]+)`\s*\|\s*`([^`]*)`\s*\|\s*([^|]*?)\s*\|")
X_ROW = re.compile(r'\bX\(\s*(\w+)\s*,\s*(\w+)\s*,\s*("(?:[^"\\]|\\.)*")\s*,\s*(\w+)\s*,')
ACCESS = {"ALL": "everywhere", "SYSTEM": "php.ini only"}


def strip_comments(c):
    c = re.sub(r"/\*.*?\*/", " ", c, flags=re.S)
    return re.sub(r"//[^\n]*", " ", c)


def table_rows(problems):
    """The rows of #define SMTP_SETTINGS(X): [(setting, default, access)]."""
    text = strip_comments(open(TABLE).read())
    m = re.search(r"#define\s+SMTP_SETTINGS\(X\)((?:[^\n]*\\\n)*[^\n]*)", text)
    if not m:
        problems.append("%s has no #define SMTP_SETTINGS(X)" % TABLE)
        return []
    rows = []
    for name, _kind, default, access in X_ROW.findall(m.group(1)):
        rows.append(("smtp." + name, default[1:-1], access))
    if not rows:
        problems.append("%s: SMTP_SETTINGS(X) has no row" % TABLE)
    seen = set()
    for name, _, _ in rows:
        if name in seen:
            problems.append("%s: %s is in the table twice" % (TABLE, name))
        seen.add(name)
    return rows


def main():
    os.chdir(TOP)
    problems = []
    rows = table_rows(problems)
    table = {name: (default, access) for name, default, access in rows}

    # The ini entries must come from the table, and from nowhere else.
    ini = strip_comments(open("ext/smtp_ini.c").read())
    if not re.search(r"PHP_INI_BEGIN\(\)\s*SMTP_SETTINGS\(\w+\)\s*PHP_INI_END\(\)", ini):
        problems.append("ext/smtp_ini.c: PHP_INI_BEGIN() ... PHP_INI_END() is not SMTP_SETTINGS(...) alone")
    for path in sorted(glob.glob("ext/*.c")):
        for name in ENTRY.findall(strip_comments(open(path).read())):
            problems.append("%s registers %s outside the table: add a row to %s instead" % (path, name, TABLE))

    docs = {}
    for line in open("docs/configuration.md"):
        m = ROW.match(line)
        if m:
            docs[m.group(1)] = (m.group(2), m.group(3))
    for name, default, access in rows:
        if name not in docs:
            problems.append("%s (a row of %s) has no row in docs/configuration.md" % (name, TABLE))
            continue
        doc_default, doc_access = docs[name]
        want = default if default else '""'
        if doc_default != want:
            problems.append("docs/configuration.md gives %s the default `%s`, the table `%s`" % (name, doc_default, want))
        if ACCESS.get(access) != doc_access:
            problems.append("docs/configuration.md says %s is changeable \"%s\", the table says %s (\"%s\")"
                            % (name, doc_access, access, ACCESS.get(access, "?")))
    for name in sorted(n for n in docs if n.startswith("smtp.") and n not in table):
        problems.append("docs/configuration.md documents %s, which is no row of %s" % (name, TABLE))

    if problems:
        for p in problems:
            print(p)
        print("drift_ini: %d problem(s)" % len(problems))
        return 1
    print("drift_ini: the %d settings of %s and docs/configuration.md agree" % (len(rows), TABLE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
