# The compatibility suites' own runner (from ../shared) checks `kindctx logic`
# from outside, in one long-lived process each: plain, ASan, valgrind.
set -eu
compat=../shared/tools/jsonlogic_compat.py
if [ ! -f "$compat" ]; then
    echo "(../shared/tools/jsonlogic_compat.py not present; CTest cli_logic_stream covers this)"
    exit 0
fi
python3 "$compat" tests/data/jsonlogic/suites -- build/kindctx logic
python3 "$compat" tests/data/jsonlogic/suites -- build-asan/kindctx logic
python3 "$compat" tests/data/jsonlogic/suites -- \
    valgrind -q --error-exitcode=99 --leak-check=full build-valgrind/kindctx logic
