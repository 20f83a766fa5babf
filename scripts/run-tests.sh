#!/bin/sh
# The README's test command: set up, build (warnings are errors), and run the
# whole test suite with CTest. Extra arguments go to ctest.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
sh scripts/setup.sh
build=${KINDCTX_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINDCTX_WERROR=ON -DKINDCTX_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
