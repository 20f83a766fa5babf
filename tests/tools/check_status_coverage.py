#!/usr/bin/env python3
"""Every status code is produced by some test.

Reads the status names from KC_STATUS_MAP in include/kindctx.h, then counts,
for each, the places where a test expects it: an assertion in tests/*.c
(assert_*, SAW(...), expect_*, a row of a table of expected outcomes) or an
`expected` file of a data-driven case under tests/data. Prints the counts and
fails when a status is never expected. Usage: check_status_coverage.py [SOURCE_DIR]
"""
import glob
import os
import re
import sys


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    header = open(os.path.join(root, "include", "kindctx.h"), encoding="utf-8").read()
    m = re.search(r"#define KC_STATUS_MAP\(X\)(.*?)\n\n", header, re.S)
    if not m:
        print("KC_STATUS_MAP not found in include/kindctx.h")
        return 1
    names = ["KC_" + n for n in re.findall(r"X\((\w+),", m.group(1))]
    counts = {n: 0 for n in names}
    pattern = re.compile(r"\b(%s)\b" % "|".join(names))
    # An expectation: an assertion, the SAW() table of test_hardening.c, an
    # expect_ helper, or a table row ("{..., KC_ESYNTAX, 1, 4, ...}").
    expecting = re.compile(r"assert_|SAW\(|expect_|fail_msg|^\s*\{.*\}\s*,?\s*$", re.M)
    for path in sorted(glob.glob(os.path.join(root, "tests", "*.c"))):
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            # assertions may wrap: look at this line and the two before it
            context = "\n".join(lines[max(0, i - 2):i + 1])
            if not expecting.search(context):
                continue
            for hit in pattern.findall(line):
                counts[hit] += 1
    for path in sorted(glob.glob(os.path.join(root, "tests", "data", "**", "expected*"), recursive=True)):
        if not os.path.isfile(path):
            continue
        for hit in pattern.findall(open(path, encoding="utf-8", errors="replace").read()):
            counts[hit] += 1
    missing = [n for n in names if counts[n] == 0]
    for n in names:
        print("%-12s %5d%s" % (n, counts[n], "   <- never expected by any test" if not counts[n] else ""))
    print("%d status codes, %d never produced by a test" % (len(names), len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
