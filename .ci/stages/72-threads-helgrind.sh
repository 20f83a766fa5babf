# Threads under valgrind's helgrind (which, unlike TSan, also sees inside the
# uninstrumented system libraries): the threads test with 2,000 scenarios
# (helgrind is ~100x slower), --error-exitcode so any report fails the
# stage. A planted data race must be reported first.
set -eu
build=build-helgrind
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINDCTX_WERROR=ON \
    -DKINDCTX_BUILD_CLI=OFF -DKINDCTX_BUILD_FUZZ=OFF -DKINDCTX_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target test_threads
helgrind="valgrind --tool=helgrind --error-exitcode=99"

cc -g -O1 -pthread tests/tools/canary/race.c -o "$build/canary_race"
sh tests/tools/expect_failure.sh "Possible data race" $helgrind "$build/canary_race"

KC_TEST_DATA="$(pwd)/tests/data" KC_SOURCE_DIR="$(pwd)" \
    KINDCTX_THREADS_SCENARIOS="${KINDCTX_THREADS_HELGRIND_SCENARIOS:-2000}" \
    $helgrind "$build/tests/test_threads"
