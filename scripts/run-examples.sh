#!/bin/sh
# The README's main command: set up, build, and run the main job through the
# kindctx command.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
sh scripts/setup.sh
build=${KINDCTX_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINDCTX_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target kindctx_cli
# Until the bundled scenarios land: every JSON Logic compatibility case
# through one `kindctx logic` process.
python3 tests/logic_stream.py tests/data/jsonlogic/suites "$build/kindctx" logic
