#!/usr/bin/env python3
"""Every public function must have a NULL-argument test.

Reads the names of all KC_API functions from include/kindctx.h and fails when
one of them is not called between the NULL-ARGUMENTS BEGIN/END markers of
tests/test_hardening.c, so a function added to the header without a NULL
test turns this check red. Usage: check_null_tests.py [SOURCE_DIR]
"""
import os
import re
import sys


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    header = open(os.path.join(root, "include", "kindctx.h"), encoding="utf-8").read()
    # Declarations span lines: "KC_API <type> <name>(" up to the first "(".
    names = re.findall(r"^KC_API\s+[^;(]*?\b(kc_\w+)\s*\(", header, re.M)
    if len(names) < 10:
        print("found only %d KC_API functions in include/kindctx.h: parser out of date" % len(names))
        return 1
    test = open(os.path.join(root, "tests", "test_hardening.c"), encoding="utf-8").read()
    m = re.search(r"/\* NULL-ARGUMENTS BEGIN \*/(.*?)/\* NULL-ARGUMENTS END \*/", test, re.S)
    if not m:
        print("tests/test_hardening.c has no NULL-ARGUMENTS BEGIN/END block")
        return 1
    block = m.group(1)
    missing = [n for n in names if not re.search(r"(?<![\w])%s\s*\(" % re.escape(n), block)]
    for n in missing:
        print("no NULL-argument test for %s (add one to every_public_function_tolerates_null "
              "in tests/test_hardening.c)" % n)
    print("%d public functions, %d without a NULL-argument test" % (len(names), len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
