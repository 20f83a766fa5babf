#!/usr/bin/env python3
"""Fails when library code (lib/) uses what docs/security.md rules out:

  - cJSON's case-insensitive getters (cJSON_GetObjectItem, cJSON_HasObjectItem):
    keys are compared byte-exactly, "A" is not "a";
  - cJSON's parser (cJSON_Parse*) and its process-global error pointer
    (cJSON_GetErrorPtr): kindctx reads JSON with its own strict reader;
  - process-wide state: cJSON_InitHooks, setlocale, mutable static variables;
  - printing, exiting or aborting: the library reports, the caller decides.

Comments and string literals are ignored. Usage: forbidden.py [SOURCE_DIR]
"""
import os
import re
import sys

CALLS = {
    "cJSON_GetObjectItem": "case-insensitive getter: use cJSON_GetObjectItemCaseSensitive",
    "cJSON_HasObjectItem": "case-insensitive lookup: use cJSON_GetObjectItemCaseSensitive",
    "cJSON_GetErrorPtr": "process-global error pointer (not thread-safe)",
    "cJSON_InitHooks": "process-global allocator hooks",
    "cJSON_Parse": "cJSON's parser: kindctx parses with lib/json_read.c",
    "cJSON_ParseWithLength": "cJSON's parser: kindctx parses with lib/json_read.c",
    "cJSON_ParseWithOpts": "cJSON's parser: kindctx parses with lib/json_read.c",
    "cJSON_ParseWithLengthOpts": "cJSON's parser: kindctx parses with lib/json_read.c",
    "setlocale": "process-wide locale",
    "printf": "the library never prints",
    "fprintf": "the library never prints",
    "vprintf": "the library never prints",
    "vfprintf": "the library never prints",
    "dprintf": "the library never prints",
    "puts": "the library never prints",
    "fputs": "the library never prints",
    "putchar": "the library never prints",
    "perror": "the library never prints",
    "exit": "the library never exits",
    "_exit": "the library never exits",
    "_Exit": "the library never exits",
    "quick_exit": "the library never exits",
    "abort": "the library never aborts",
    "assert": "the library never aborts (assert aborts)",
    "strtok": "hidden static state",
    "localtime": "hidden static state",
    "gmtime": "hidden static state",
    "rand": "hidden static state",
}
WORDS = {"stdout": "the library never prints", "stderr": "the library never prints"}

CALL_RE = re.compile(r"(?<![A-Za-z0-9_])(%s)\s*\(" % "|".join(sorted(CALLS, key=len, reverse=True)))
WORD_RE = re.compile(r"(?<![A-Za-z0-9_])(%s)(?![A-Za-z0-9_])" % "|".join(WORDS))
# A variable with static storage that is not const: global state.
STATIC_RE = re.compile(r"^\s*static\s+(?!const\b)(?!inline\b)[^;(){}=]*?[A-Za-z_]\w*\s*(\[[^]]*\]\s*)*(=|;)")


def strip(text):
    """Blanks out comments, string and character literals, keeping newlines."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    lib = os.path.join(root, "lib")
    problems = []
    files = sorted(f for f in os.listdir(lib) if f.endswith((".c", ".h")))
    for name in files:
        with open(os.path.join(lib, name), encoding="utf-8") as f:
            code = strip(f.read())
        for lineno, line in enumerate(code.split("\n"), 1):
            for m in CALL_RE.finditer(line):
                problems.append("lib/%s:%d: %s(): %s" % (name, lineno, m.group(1), CALLS[m.group(1)]))
            for m in WORD_RE.finditer(line):
                problems.append("lib/%s:%d: %s: %s" % (name, lineno, m.group(1), WORDS[m.group(1)]))
            if STATIC_RE.match(line):
                problems.append("lib/%s:%d: mutable static variable (global state): %s"
                                % (name, lineno, line.strip()))
    for p in problems:
        print(p)
    if not files:
        print("no sources found in %s" % lib)
        return 1
    print("%d files checked, %d problems" % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
