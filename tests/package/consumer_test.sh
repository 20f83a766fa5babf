#!/bin/sh
# Installs a built kindctx into a temporary prefix, then builds the program in
# consumer/ outside the source tree against it, with each discovery method,
# and runs what it built:
#   1. CMake:      find_package(kindctx CONFIG), kindctx::kindctx and ::kindctx_static
#   2. pkg-config: `pkg-config --cflags --libs kindctx` (shared library)
#   3. pkg-config: `pkg-config --static ...` with libkindctx.a
# and checks that the installed `kindctx --version` names the version the
# library reports.
#
# usage: consumer_test.sh BUILD_DIR [WORK_DIR]
#   BUILD_DIR  a configured and built kindctx build directory
#   WORK_DIR   where to install and build (default: a new temporary folder);
#              removed at the end unless KC_KEEP_WORK=1
# Environment: CC (default cc), CMAKE_GENERATOR (default: CMake's).
set -eu

build=${1:?usage: consumer_test.sh BUILD_DIR [WORK_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
if [ -n "${2:-}" ]; then
    work=$2
    rm -rf "$work"
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/kindctx-consumer.XXXXXX")
fi
work=$(cd "$work" && pwd)
cleanup() {
    if [ "${KC_KEEP_WORK:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
cc=${CC:-cc}
prefix=$work/prefix
step() { printf '\n-- %s\n' "$*"; }
die() { echo "consumer_test: $*" >&2; exit 1; }

step "install $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
    { cat "$work/install.log"; die "cmake --install failed"; }
[ -f "$prefix/include/kindctx.h" ] || die "no include/kindctx.h in $prefix"
pc=$(find "$prefix" -name kindctx.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || die "no kindctx.pc in $prefix"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
[ -f "$libdir/libkindctx.a" ] || die "no libkindctx.a in $libdir"

# The consumer's sources, copied out of the source tree so that nothing in it
# (headers, build folders) can be found by accident.
src=$work/src
mkdir -p "$src"
cp "$here/consumer/main.c" "$here/consumer/CMakeLists.txt" "$src/"

# needed FILE: the DT_NEEDED entries of an executable.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

step "1. find_package(kindctx CONFIG) with CMAKE_PREFIX_PATH=$prefix"
cmake -S "$src" -B "$work/build-cmake" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; die "configuring the consumer failed"; }
grep "kindctx .* from $prefix/" "$work/cmake.log" ||
    { cat "$work/cmake.log"; die "find_package did not find the kindctx in $prefix"; }
cmake --build "$work/build-cmake" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; die "building the consumer failed"; }
needed "$work/build-cmake/consumer" | grep -qx 'libkindctx\.so\.[0-9.]*' ||
    die "consumer (kindctx::kindctx) does not link libkindctx.so"
LD_LIBRARY_PATH=$libdir "$work/build-cmake/consumer"
if needed "$work/build-cmake/consumer_static" | grep -q libkindctx; then
    die "consumer_static (kindctx::kindctx_static) links libkindctx.so"
fi
"$work/build-cmake/consumer_static" >/dev/null
echo "consumer_static: ok"

step "2. pkg-config --cflags --libs kindctx (PKG_CONFIG_PATH=$pcdir)"
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs kindctx)
echo "$cc ... $flags"
# shellcheck disable=SC2086 # the flags are words
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$work/consumer-pc" \
    "$src/main.c" $flags
out=$(LD_LIBRARY_PATH=$libdir ldd "$work/consumer-pc" | grep libkindctx) ||
    die "consumer-pc does not link libkindctx.so"
case $out in *"$libdir/"*) ;; *) die "consumer-pc resolves $out, not the copy in $libdir" ;; esac
LD_LIBRARY_PATH=$libdir "$work/consumer-pc"

step "3. pkg-config --static, linking libkindctx.a"
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --static --cflags --libs kindctx |
        sed 's/-lkindctx\b/-l:libkindctx.a/')
echo "$cc ... $flags"
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$work/consumer-pc-static" \
    "$src/main.c" $flags
if needed "$work/consumer-pc-static" | grep -q libkindctx; then
    die "consumer-pc-static links libkindctx.so"
fi
"$work/consumer-pc-static" >/dev/null
echo "consumer-pc-static: ok"

if [ -x "$prefix/bin/kindctx" ]; then
    step "4. the installed kindctx --version and kc_version() agree"
    lib_version=$(LD_LIBRARY_PATH=$libdir "$work/consumer-pc" | sed -n 's/^header .*, library //p')
    cli_version=$("$prefix/bin/kindctx" --version)
    echo "kindctx --version: $cli_version; kc_version(): $lib_version"
    [ "$cli_version" = "kindctx $lib_version" ] || die "versions differ"
fi

printf '\nconsumer_test: find_package and pkg-config consumers built and ran\n'
