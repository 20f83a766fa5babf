#!/bin/sh
# The README's main command: set up, build, and run the main job through the
# kindctx command.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
sh scripts/setup.sh
build=${KINDCTX_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target kindctx_cli
# Every bundled example scenario, judged and checked against its expected
# verdict; the last line says "N passed, M failed".
"$build/kindctx" examples
