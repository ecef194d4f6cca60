#!/usr/bin/python3
"""Drift check: the version in ext/php_smtp.h (PHP_SMTP_VERSION, what phpversion('smtp') reports),
package.xml (<version><release>) and composer.json ("version") must be the same, and CHANGELOG.md
must have a section for it."""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NS = "{http://pear.php.net/dtd/package-2.0}"


def main():
    os.chdir(TOP)
    versions, problems = {}, []
    m = re.search(r'^\s*#\s*define\s+PHP_SMTP_VERSION\s+"([^"]*)"', open("ext/php_smtp.h").read(), re.M)
    if m:
        versions["ext/php_smtp.h PHP_SMTP_VERSION"] = m.group(1)
    else:
        problems.append("ext/php_smtp.h: no #define PHP_SMTP_VERSION \"...\"")
    rel = ET.parse("package.xml").getroot().find(NS + "version/" + NS + "release")
    if rel is not None and (rel.text or "").strip():
        versions["package.xml <release>"] = rel.text.strip()
    else:
        problems.append("package.xml: no <version><release>")
    composer = json.load(open("composer.json"))
    if isinstance(composer.get("version"), str):
        versions["composer.json version"] = composer["version"]
    else:
        problems.append("composer.json: no \"version\"")

    if len(set(versions.values())) > 1:
        problems.append("the versions differ: " + ", ".join("%s = %s" % kv for kv in versions.items()))
    elif versions:
        v = next(iter(versions.values()))
        if not re.match(r"^\d+\.\d+\.\d+([a-zA-Z0-9.]*)$", v):
            problems.append("version %r is not X.Y.Z" % v)
        if not re.search(r"^##\s+" + re.escape(v) + r"\b", open("CHANGELOG.md").read(), re.M):
            problems.append("CHANGELOG.md has no \"## %s\" section" % v)

    if problems:
        for p in problems:
            print(p)
        print("drift_version: %d problem(s)" % len(problems))
        return 1
    print("drift_version: %s everywhere (%s)" % (next(iter(versions.values())), ", ".join(versions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
