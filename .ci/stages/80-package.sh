# Packaging: a Release build with Debian's hardening flags, then
#   1. ctest -L package: exported symbols == the header's KC_API functions,
#      `kindctx --version` == kc_version(), and a consumer built outside the
#      tree against `cmake --install` output with find_package and pkg-config;
#   2. cpack -G DEB; the packages' contents == the files `cmake --install` lays;
#   3. lintian (errors fail, warnings are listed);
#   4. `apt-get install ./*.deb` in a fresh Debian 12 made by debootstrap, where
#      the installed command judges the bundled examples and a consumer builds
#      with find_package and pkg-config against the installed -dev package,
#      then `apt-get purge` leaves nothing behind.
# Nothing is installed into this machine's own system folders (only the
# lintian and debootstrap tools), so no later build can pick up a copy.
set -eu
build=build-package
src=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kindctx-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s)
step() { printf '\n-- %s (%ss)\n' "$*" "$(( $(date +%s) - t0 ))"; }
die() { echo "80-package: $*" >&2; exit 1; }

# no_system_copy: kindctx must never be installed on the CI machine itself.
no_system_copy() {
    for p in kindctx libkindctx-dev libkindctx0.1; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            die "package $p is installed on this machine"
        fi
    done
    for f in /usr/include/kindctx.h /usr/local/include/kindctx.h /usr/bin/kindctx \
             /usr/local/bin/kindctx; do
        [ ! -e "$f" ] || die "$f exists on this machine"
    done
    if ls /usr/lib/*/libkindctx* /usr/lib/libkindctx* /usr/local/lib/libkindctx* \
          >/dev/null 2>&1; then
        die "a libkindctx is installed on this machine"
    fi
}
no_system_copy

step "tools: lintian, debootstrap"
missing=""
for p in lintian debootstrap dpkg-dev file; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

step "Release build, prefix /usr, dpkg-buildflags (hardening=+all)"
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
export CFLAGS LDFLAGS
rm -rf "$build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DKINDCTX_WERROR=ON -DKINDCTX_BUILD_BENCH=OFF -DKINDCTX_BUILD_FUZZ=OFF >/dev/null
cmake --build "$build" -j "$(nproc)"
unset CFLAGS LDFLAGS

step "1. exported symbols, versions, find_package and pkg-config consumers"
(cd "$build" && ctest --output-on-failure -L package)

step "2. cpack -G DEB"
(cd "$build" && cpack -G DEB)
debs=$(ls "$build"/packages/*.deb)
for deb in $debs; do
    printf '\n%s\n' "$(basename "$deb")"
    dpkg-deb --field "$deb" Package Version Architecture Section Depends Installed-Size |
        sed 's/^/  /'
done
dpkg-deb --field "$build"/packages/libkindctx0.1_*.deb Depends | grep -q libcjson1 ||
    die "the library package does not declare its libcjson1 dependency"

step "2. package contents == cmake --install"
cmake --install "$build" --prefix "$tmp/install" >/dev/null
# One line per entry: type (d, f, l) and path under /usr, symlinks with target.
(cd "$tmp/install" && find . -mindepth 1 \( -type d -printf 'd ./usr/%P\n' \) -o \
    \( -type l -printf 'l ./usr/%P -> %l\n' \) -o \( -type f -printf 'f ./usr/%P\n' \)) |
    sort >"$tmp/installed.txt"
for deb in $debs; do
    dpkg-deb --contents "$deb"
done | awk '{
        t = substr($1, 1, 1); if (t == "-") t = "f"
        path = $6; for (i = 7; i <= NF; i++) path = path " " $i
        sub(/\/$/, "", path)
        if (path != "./usr" && path != ".") print t " " path
    }' | sort -u >"$tmp/packaged.txt"
if ! diff -u "$tmp/installed.txt" "$tmp/packaged.txt" >"$tmp/contents.diff"; then
    echo "(- only in cmake --install, + only in the packages)"
    cat "$tmp/contents.diff"
    die "the packages' contents differ from cmake --install"
fi
echo "$(grep -c '^[fl]' "$tmp/installed.txt") files and links, identical"

step "3. lintian"
# Every tag down to pedantic and info is listed; only errors fail the stage.
# shellcheck disable=SC2086
lintian --pedantic --display-info $debs >"$tmp/lintian.txt" 2>&1 || true
grep -E '^[EWIPXO]: ' "$tmp/lintian.txt" >"$tmp/tags.txt" || true
if [ -s "$tmp/tags.txt" ]; then
    sed 's/^/  /' "$tmp/tags.txt"
else
    echo "  no tags"
fi
echo "  $(grep -c '^E: ' "$tmp/tags.txt") errors, $(grep -c '^W: ' "$tmp/tags.txt") warnings," \
     "$(grep -c '^[IPX]: ' "$tmp/tags.txt") info/pedantic/experimental"
if grep -q '^E: ' "$tmp/tags.txt"; then
    # shellcheck disable=SC2086
    lintian --info $debs 2>&1 | grep -A25 '^E: ' || true
    die "lintian reports errors"
fi

step "4. apt-get install ./*.deb in a fresh Debian 12 (debootstrap)"
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources \
             2>/dev/null | grep -v security | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) bookworm .*/\2/p' \
                                 /etc/apt/sources.list 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
root=$tmp/root
ok=0
for try in 1 2; do
    if debootstrap --variant=minbase bookworm "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
        ok=1
        break
    fi
    echo "debootstrap failed (try $try):"; tail -5 "$tmp/debootstrap.log"
    rm -rf "$root"
done
[ "$ok" = 1 ] || die "debootstrap from $mirror failed"
echo "debootstrap: $(du -sh "$root" | cut -f1) from $mirror ($(( $(date +%s) - t0 ))s)"
mkdir -p "$root/tmp/debs" "$root/tmp/consumer"
cp $debs "$root/tmp/debs/"
cp tests/package/consumer/main.c tests/package/consumer/CMakeLists.txt "$root/tmp/consumer/"
version=$(sed -n 's/^project(kindctx VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
# Nothing is mounted into the chroot, so removing it can touch nothing else.
# (apt without a pty: nothing is mounted, so there is no /dev/pts.)
mkdir -p "$root/etc/apt/apt.conf.d"
echo 'Dpkg::Use-Pty "0";' >"$root/etc/apt/apt.conf.d/90kindctx-ci"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive KC_VERSION="$version" sh -eu -c '
    apt-get update -qq
    cd /tmp/debs
    apt-get install -y -q --no-install-recommends ./*.deb 2>&1 | grep -v "^debconf: "
    echo "== installed:"
    dpkg-query -W -f="  \${Package} \${Version}\n" kindctx libkindctx-dev "libkindctx0.*" libcjson1
    echo "== kindctx --version"
    v=$(kindctx --version); echo "  $v"
    [ "$v" = "kindctx $KC_VERSION" ] || { echo "expected kindctx $KC_VERSION" >&2; exit 1; }
    echo "== man kindctx"
    if [ -f /usr/share/man/man1/kindctx.1.gz ]; then echo "  present"; else echo "  (no man page yet)"; fi
    echo "== kindctx examples --dir /usr/share/kindctx/examples/scenarios"
    kindctx examples --dir /usr/share/kindctx/examples/scenarios --quiet | tail -n 3
    cd / && kindctx examples --quiet | tail -n 1
    echo "== a consumer against the installed libkindctx-dev"
    apt-get install -y -qq --no-install-recommends gcc libc6-dev pkg-config cmake make \
        >/dev/null 2>&1
    cd /tmp/consumer
    cmake -S . -B build >/dev/null && cmake --build build >/dev/null
    ./build/consumer | head -n 3
    ./build/consumer_static >/dev/null
    cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o pc main.c $(pkg-config --cflags --libs kindctx)
    ./pc >/dev/null
    echo "  find_package (shared, static) and pkg-config: built and ran"
    echo "== apt-get purge"
    apt-get purge -y -q kindctx libkindctx-dev "libkindctx0.*" >/dev/null 2>&1
    left=$(ls -d /usr/share/kindctx /usr/include/kindctx.h /usr/lib/*/libkindctx* \
              /usr/lib/*/cmake/kindctx /usr/share/doc/kindctx 2>/dev/null || true)
    [ -z "$left" ] || { echo "left behind: $left" >&2; exit 1; }
    echo "  nothing left behind"
'
rm -rf "$root"

no_system_copy
step "packaging checks passed"
