#!/usr/bin/env python3
"""The shared library exports exactly the public API: every function declared
KC_API in include/kindctx.h, and nothing else.

usage: check_exports.py HEADER LIBRARY [NM]

Symbols are hidden by default (-fvisibility=hidden) and KC_API marks the
exceptions, so a symbol exported without a declaration in the header is a
leaked internal, and a declared function that is not exported cannot be
linked. Either fails the check, with both lists printed.
"""
import re
import subprocess
import sys

# Defined dynamic symbols that the toolchain, not our code, may add.
TOOLCHAIN = {"_init", "_fini", "_edata", "_end", "__bss_start"}

# "KC_API <return type> name(" at the start of a declaration, possibly with
# the return type's '*' touching the name: "KC_API const char *kc_version(void);"
DECL = re.compile(r"^\s*KC_API\b[^;(]*?\b(kc_\w+)\s*\(", re.MULTILINE)


def header_functions(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)  # drop comments
    names = set(DECL.findall(text))
    if not names:
        sys.exit(f"check_exports: no KC_API functions found in {path}")
    return names


def exported(lib, nm):
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    functions, other = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2].split("@")[0]
        if name in TOOLCHAIN:
            continue
        if kind in "TWi":  # text (code), weak, indirect function
            functions.add(name)
        else:
            other.add(f"{name} ({kind})")
    return functions, other


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    header, lib = sys.argv[1], sys.argv[2]
    nm = sys.argv[3] if len(sys.argv) == 4 else "nm"
    declared = header_functions(header)
    functions, other = exported(lib, nm)
    missing = sorted(declared - functions)
    leaked = sorted(functions - declared)
    ok = True
    if missing:
        ok = False
        print(f"declared KC_API in {header} but not exported by {lib}:")
        print("".join(f"  {n}\n" for n in missing), end="")
    if leaked:
        ok = False
        print(f"exported by {lib} but not declared KC_API in {header}:")
        print("".join(f"  {n}\n" for n in leaked), end="")
    if other:
        ok = False
        print("exported data symbols (the API has none):")
        print("".join(f"  {n}\n" for n in sorted(other)), end="")
    if not ok:
        return 1
    print(f"check_exports: {len(functions)} exported functions == "
          f"{len(declared)} KC_API declarations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
