#!/bin/sh
# expect_failure.sh PATTERN COMMAND [ARG...]
# Runs COMMAND and succeeds only when it fails (non-zero exit) AND its output
# (stdout and stderr) matches the extended regular expression PATTERN.
# Used by the planted-defect canaries: they prove that the sanitizer and
# valgrind jobs really turn red on the defect they exist to catch.
set -u
pattern=$1
shift
out=$("$@" 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
    printf '%s\n' "$out" | tail -20
    echo "canary: '$*' exited 0: the defect was NOT caught" >&2
    exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
    printf '%s\n' "$out" | tail -20
    echo "canary: '$*' failed (exit $rc) but without /$pattern/" >&2
    exit 1
fi
echo "canary: caught as expected (exit $rc, /$pattern/)"
exit 0
