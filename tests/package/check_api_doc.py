#!/usr/bin/env python3
"""docs/api.md keeps up with include/kindctx.h.

usage: check_api_doc.py HEADER API_MD [EXAMPLE_C]

Fails when a function declared KC_API in the header is not named in the
guide, or the guide names a kc_ function the header does not declare. With
EXAMPLE_C, also writes the guide's complete program (the first ```c block
under "## A complete program") there, for the build to compile and CTest to
run, so the example cannot rot.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_exports import header_functions  # noqa: E402


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    header, guide = sys.argv[1], sys.argv[2]
    declared = header_functions(header)
    with open(guide, encoding="utf-8") as f:
        text = f.read()
    named = set(re.findall(r"\b(kc_[a-z0-9_]+)\s*\(", text))
    missing = sorted(declared - named)
    unknown = sorted(n for n in named - declared)
    ok = True
    if missing:
        ok = False
        print(f"KC_API functions not named in {guide} (as name(...)):")
        print("".join(f"  {n}\n" for n in missing), end="")
    if unknown:
        ok = False
        print(f"{guide} names functions that {header} does not declare:")
        print("".join(f"  {n}\n" for n in unknown), end="")
    if len(sys.argv) == 4:
        m = re.search(r"^## A complete program\n.*?^```c\n(.*?)^```", text,
                      re.MULTILINE | re.DOTALL)
        if not m:
            print(f"{guide}: no ```c block under '## A complete program'")
            ok = False
        else:
            out = sys.argv[3]
            body = f"/* Generated from {os.path.basename(guide)}; do not edit. */\n" + m.group(1)
            old = None
            if os.path.exists(out):
                with open(out, encoding="utf-8") as f:
                    old = f.read()
            if old != body:
                with open(out, "w", encoding="utf-8") as f:
                    f.write(body)
    if not ok:
        return 1
    print(f"check_api_doc: all {len(declared)} KC_API functions are in {guide}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
