#!/usr/bin/python3
"""Drift check: package.xml's file list against the files git tracks, and config.w32's sources
against config.m4's.

Fails when
  - a tracked file under ext/, php_tests/ or docs/, or a top-level file, is missing from
    package.xml or is listed with the wrong role (src, test, doc);
  - package.xml lists a file that git does not track, or a file that must not ship;
  - a new top-level file is neither shipped nor in the list of files that are not shipped;
  - a source file compiled by config.m4 is missing from config.w32, or the reverse.
The expected roles are written out here on purpose, apart from tools/gen-package-xml.sh (which
writes package.xml's <contents>): the two must agree. The fix for most failures is to run
tools/gen-package-xml.sh and commit package.xml.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NS = "{http://pear.php.net/dtd/package-2.0}"

# Top-level files that are tracked but not in the PECL tarball, and why.
TOP_NOT_SHIPPED = {
    ".gitignore": "git only",
    ".clang-format": "the code style of the repository (php_tests/unit/run.sh checks it)",
    "package.xml": "pecl package adds it itself",
    "composer.json": "PIE reads it from the repository, not from the PECL tarball",
}


def expected_role(path):
    """'src' | 'test' | 'doc' | None (not shipped) | '?' (top-level file nobody decided on)."""
    if path.startswith(("php_tests/e2e/", "php_tests/packaging/")):
        return None  # WordPress e2e needs the plugin (not shipped); packaging checks need git
    if path.startswith("ext/") or path in ("config.m4", "config.w32", "Makefile.frag"):
        return "src"
    if path.startswith("php_tests/"):
        return "test"
    if path.startswith("docs/") or path in ("README.md", "CHANGELOG.md", "LICENSE"):
        return "doc"
    if "/" in path:
        return None  # tools/, wordpress/, bench/, .ci/: not part of the extension's package
    if path in TOP_NOT_SHIPPED:
        return None
    return "?"


def package_files(xml_path):
    """{path: role} from package.xml's <contents>, walking nested <dir> elements."""
    root = ET.parse(xml_path).getroot()
    contents = root.find(NS + "contents")
    if contents is None:
        raise SystemExit("package.xml has no <contents>")
    out = {}

    def walk(el, prefix):
        for child in el:
            if child.tag == NS + "dir":
                name = child.get("name", "/")
                walk(child, prefix if name == "/" else prefix + name.strip("/") + "/")
            elif child.tag == NS + "file":
                path = prefix + child.get("name", "").lstrip("/")
                if path in out:
                    problems.append("package.xml lists %s twice" % path)
                out[path] = child.get("role")

    walk(contents, "")
    return out


LAYERS = ("SUPPORT", "FORMATS", "WIRE", "PROTOCOL", "DELIVERY")


def layer_lists(text, js):
    """{layer: [file, ...]} from SMTP_<LAYER>="a.c b.c" (config.m4) or var SMTP_<LAYER> = "..." (config.w32),
    including appends such as SMTP_DELIVERY="$SMTP_DELIVERY oauth_curl.c"."""
    out = {l: [] for l in LAYERS}
    pat = r'(?:var\s+)?SMTP_(%s)\s*=\s*"([^"]*)"' % "|".join(LAYERS)
    for line in text.splitlines():
        if line.lstrip().startswith("//" if js else "dnl"):
            continue
        for layer, files in re.findall(pat, line):
            out[layer] += [f for f in files.split() if f.endswith(".c")]
    return out


def m4_sources(text):
    found = set(re.findall(r"\b(ext/[A-Za-z0-9_/]+\.c)\b", text))
    for files in layer_lists(text, False).values():
        found |= {"ext/core/" + f for f in files}
    return found


def w32_sources(text):
    # binding sources are written as "ext\\smtp.c" (a JS string with backslashes); the core's as layer lists
    code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
    found = re.findall(r'"((?:[A-Za-z0-9_]+\\\\)+[A-Za-z0-9_]+\.c)\b', code)
    found += re.findall(r'[" ]((?:[A-Za-z0-9_]+\\\\)+[A-Za-z0-9_]+\.c)\b', code)
    out = {f.replace("\\\\", "/") for f in found}
    for files in layer_lists(text, True).values():
        out |= {"ext/core/" + f for f in files}
    return out


problems = []


def main():
    os.chdir(TOP)
    tracked = subprocess.run(["git", "ls-files", "-z"], check=True, capture_output=True).stdout
    tracked = [p.decode() for p in tracked.split(b"\0") if p]
    # A tracked file deleted from the work tree but not committed yet does not ship.
    tracked = [p for p in tracked if os.path.lexists(p)]
    listed = package_files("package.xml")
    tracked_set = set(tracked)
    checked = 0

    for path in sorted(tracked):
        want = expected_role(path)
        if want == "?":
            problems.append("top-level file %s is tracked but neither shipped nor excluded: decide "
                            "(tools/gen-package-xml.sh role_of and this check's lists)" % path)
            continue
        if want is None:
            if path in listed:
                problems.append("package.xml lists %s, which must not ship" % path)
            continue
        checked += 1
        if path not in listed:
            problems.append("%s (role %s) is missing from package.xml" % (path, want))
        elif listed[path] != want:
            problems.append("%s has role %s in package.xml, expected %s" % (path, listed[path], want))
    for path in sorted(listed):
        if path not in tracked_set:
            problems.append("package.xml lists %s, which git does not track" % path)

    m4 = m4_sources(open("config.m4").read())
    w32 = w32_sources(open("config.w32").read())
    if not m4:
        problems.append("config.m4: no source file found")
    m4_layers = layer_lists(open("config.m4").read(), False)
    w32_layers = layer_lists(open("config.w32").read(), True)
    for layer in LAYERS:
        if sorted(m4_layers[layer]) != sorted(w32_layers[layer]):
            problems.append("layer %s: config.m4 lists %s, config.w32 lists %s"
                            % (layer, " ".join(m4_layers[layer]), " ".join(w32_layers[layer])))
    for src in sorted(m4 - w32):
        problems.append("config.w32 does not compile %s (config.m4 does)" % src)
    for src in sorted(w32 - m4):
        problems.append("config.w32 compiles %s, config.m4 does not" % src)
    for src in sorted(m4 | w32):
        if not os.path.exists(src):
            problems.append("the build files name %s, which does not exist" % src)

    if problems:
        for p in problems:
            print(p)
        print("drift_files: %d problem(s); most are fixed by tools/gen-package-xml.sh" % len(problems))
        return 1
    print("drift_files: %d shipped files listed with the right role; config.w32 compiles the same "
          "%d sources as config.m4" % (checked, len(m4)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
