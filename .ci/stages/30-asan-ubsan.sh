# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer
# (clang, no recovery: the first report fails the run).
set -eu
CC=clang-14 cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKINDCTX_WERROR=ON \
    -DKINDCTX_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$(nproc)"
(cd build-asan && ctest --output-on-failure -j "$(nproc)")
