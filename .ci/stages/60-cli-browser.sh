# The HTML report of `kindctx report` in a real headless browser: installs
# Debian's chromium (and a font), builds with -DKINDCTX_BROWSER_TESTS=ON and
# runs CTest's cli_report_browser: one chart bar per fired rule, no console
# errors, and a phone-width screenshot kept as the artefact.
set -eu
need=""
for p in chromium fonts-dejavu-core; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        need="$need $p"
    fi
done
if [ -n "$need" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $need
fi
build=build-browser
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINDCTX_WERROR=ON \
    -DKINDCTX_BROWSER_TESTS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target kindctx_cli
(cd "$build" && ctest --output-on-failure -R '^cli_report_browser$')
echo "screenshot: $(pwd)/$build/test-artifacts/report.png"
