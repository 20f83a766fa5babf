# Branch coverage of lib/ over the whole test suite (gcc --coverage, -O0),
# reported with gcovr: a report, not a gate. The status-code check
# (hardening_status_codes_produced) is part of the suite, so every status
# code being produced by some test is enforced here as everywhere.
# Packaging tests are left out: an installed static library built with
# --coverage cannot link without libgcov.
set -eu
build=build-cov
if ! command -v gcovr >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends gcovr
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DKINDCTX_WERROR=ON \
    -DCMAKE_C_FLAGS="--coverage -O0 -fprofile-update=atomic" \
    -DCMAKE_EXE_LINKER_FLAGS=--coverage -DCMAKE_SHARED_LINKER_FLAGS=--coverage \
    -DKINDCTX_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)"
find "$build" -name '*.gcda' -delete
# The threads test's coverage does not grow with its size.
(cd "$build" && KINDCTX_THREADS_SCENARIOS=5000 ctest --output-on-failure -j "$(nproc)" -LE package)
gcovr -r . "$build" --filter 'lib/' --branches
gcovr -r . "$build" --filter 'lib/' --print-summary --xml "$build/coverage.xml" >/dev/null
gcovr -r . "$build" --filter 'lib/' --print-summary | tail -3
echo "(Cobertura XML: $build/coverage.xml)"
