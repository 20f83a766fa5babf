# Every unit test and the long-lived `kindctx logic` stream under valgrind
# (memcheck, --error-exitcode, leaks counted as errors).
set -eu
cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug -DKINDCTX_WERROR=ON \
    -DKINDCTX_VALGRIND_TESTS=ON >/dev/null
cmake --build build-valgrind -j "$(nproc)"
(cd build-valgrind && ctest --output-on-failure -j "$(nproc)" -L valgrind)
