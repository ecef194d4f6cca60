#!/usr/bin/python3
"""ext/core's layering, checked: every #include "x.h" of a core file names a header of the same layer
or a lower one, and no core file includes a PHP header. The layers are config.m4's lists
(SMTP_SUPPORT < SMTP_FORMATS < SMTP_WIRE < SMTP_PROTOCOL < SMTP_DELIVERY); a header belongs to the
layer of its .c file, or, for a header without one, to the layer a line `dnl header-only: x.h LAYER`
in config.m4 gives. Prints one line per problem and "layers: N passed, N failed"."""
import os
import re
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ORDER = ["SUPPORT", "FORMATS", "WIRE", "PROTOCOL", "DELIVERY"]


def main():
    m4 = open(os.path.join(TOP, "config.m4")).read()
    layer_of = {}
    for layer, files in re.findall(r'SMTP_(%s)="([^"]*)"' % "|".join(ORDER), m4):
        for f in files.split():
            if f.endswith(".c"):
                layer_of[f[:-2]] = layer
    for name, layer in re.findall(r"dnl header-only: ([A-Za-z0-9_]+)\.h (%s)" % "|".join(ORDER), m4):
        layer_of[name] = layer
    core = os.path.join(TOP, "ext", "core")
    problems, checked = [], 0
    for fn in sorted(os.listdir(core)):
        if not (fn.endswith(".c") or fn.endswith(".h")):
            continue
        base = fn[:-2]
        if base not in layer_of:
            problems.append("%s: in no layer of config.m4" % fn)
            continue
        mine = ORDER.index(layer_of[base])
        for lineno, line in enumerate(open(os.path.join(core, fn), encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if not m:
                continue
            inc = m.group(2)
            if re.match(r"(php|zend|Zend|main/|ext/|SAPI)", inc):
                problems.append("%s:%d: includes the PHP header %s (ext/core is pure C)" % (fn, lineno, inc))
                continue
            if m.group(1) != '"':
                continue
            dep = os.path.basename(inc)[:-2]
            if dep not in layer_of:
                problems.append("%s:%d: includes %s, which is in no layer" % (fn, lineno, inc))
                continue
            checked += 1
            if ORDER.index(layer_of[dep]) > mine:
                problems.append("%s:%d: %s (%s) includes %s (%s): includes must point down"
                                % (fn, lineno, fn, layer_of[base].lower(), inc, layer_of[dep].lower()))
    for p in problems:
        print(p)
    print("layers: %d passed, %d failed" % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
