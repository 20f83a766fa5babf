#!/bin/sh
# `kindctx --version` names the version that kc_version() returns and that the
# header's KC_VERSION_STRING and CMake's project() say (checked by CHECKER,
# version_check.c, linked with the shared library).
# usage: version_agree.sh KINDCTX CHECKER
set -eu
lib=$("$2") || { echo "version_agree: $2 failed" >&2; exit 1; }
cli=$("$1" --version)
echo "kindctx --version: $cli"
echo "kc_version():      $lib"
if [ "$cli" != "kindctx $lib" ]; then
    echo "version_agree: they differ" >&2
    exit 1
fi
