# The toolchain the hardening stages rely on (docs/security.md,
# ../shared/notes/reliability-facts.md): libcjson-dev at least
# 1.7.15-1+deb12u4 (its CVE fixes; cJSON_Version() still says 1.7.15, so the
# package version is what counts), and libclang-rt-14-dev, which holds
# libFuzzer and the sanitizer runtimes (clang-14 only recommends it).
set -eu
fail=0
v=$(dpkg-query -W -f='${Version}' libcjson-dev 2>/dev/null || true)
if [ -z "$v" ] || ! dpkg --compare-versions "$v" ge "1.7.15-1+deb12u4"; then
    echo "libcjson-dev ${v:-not installed}: need >= 1.7.15-1+deb12u4" >&2
    fail=1
else
    echo "libcjson-dev $v"
fi
for p in clang-14 libclang-rt-14-dev valgrind; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        echo "$p $(dpkg-query -W -f='${Version}' "$p")"
    else
        echo "$p is not installed (scripts/setup.sh --ci installs it)" >&2
        fail=1
    fi
done
exit $fail
