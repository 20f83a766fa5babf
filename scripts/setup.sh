#!/bin/sh
# Installs what building and testing kindctx needs on Debian 12, and nothing
# that is already there. Safe to run any number of times. Needs root (or sudo)
# only when something is missing.
#
#   scripts/setup.sh            build + test dependencies
#   scripts/setup.sh --ci       also the tools CI uses (clang, valgrind, ...)
set -eu

pkgs="build-essential cmake pkg-config libcjson-dev libcmocka-dev python3 python3-jsonschema"
if [ "${1:-}" = "--ci" ]; then
    pkgs="$pkgs clang-14 libclang-rt-14-dev valgrind gcovr"
fi

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "setup: all build dependencies are installed"
    exit 0
fi

echo "setup: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup: need root to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
