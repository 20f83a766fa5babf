# Threads under ThreadSanitizer: 8 threads sharing one rule set judge
# 100,000 generated scenarios and must agree with a sequential run
# (tests/test_threads.c), plus concurrent loads. A planted data race must be
# reported first, proving that TSan is working. Everything here is
# instrumented (-fsanitize=thread on every file); libcjson is not, but only
# its tree accessors are used (docs/security.md).
set -eu
build=build-tsan
flags="-fsanitize=thread -fno-omit-frame-pointer"
CC=clang-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINDCTX_WERROR=ON \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" -DKINDCTX_BUILD_CLI=OFF \
    -DKINDCTX_BUILD_FUZZ=OFF -DKINDCTX_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target test_threads
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"

clang-14 $flags -g -O1 tests/tools/canary/race.c -o "$build/canary_race"
sh tests/tools/expect_failure.sh "ThreadSanitizer: data race" "$build/canary_race"

KC_TEST_DATA="$(pwd)/tests/data" KC_SOURCE_DIR="$(pwd)" \
    KINDCTX_THREADS_SCENARIOS="${KINDCTX_THREADS_SCENARIOS:-100000}" "$build/tests/test_threads"
