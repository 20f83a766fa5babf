# libFuzzer, 60 s per target under ASan+UBSan (no recovery, leaks detected):
# the rule loader, the scenario parser, JSON Logic, templates (fuzz/,
# docs/security.md). A planted-crash canary runs first and must be caught,
# so a crash really turns this stage red. Fuzzing writes into a scratch copy
# of each seed corpus; fuzz/corpus in the repository is never modified.
# Crash inputs are kept in build-fuzz/artifacts/ with the command that
# replays them. KINDCTX_FUZZ_SECONDS changes the time per target.
set -eu
build=build-fuzz
seconds=${KINDCTX_FUZZ_SECONDS:-60}
jobs=$(nproc)
CC=clang-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINDCTX_WERROR=ON \
    -DKINDCTX_SANITIZE=ON -DKINDCTX_BUILD_TESTS=OFF -DKINDCTX_BUILD_CLI=OFF \
    -DKINDCTX_BUILD_BENCH=OFF >/dev/null
targets="rules scenario logic template"
cmake --build "$build" -j "$jobs" --target fuzz_rules fuzz_scenario fuzz_logic fuzz_template \
    fuzz_rules_replay fuzz_scenario_replay fuzz_logic_replay fuzz_template_replay

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=$(pwd)/$build/artifacts
rm -rf "$artifacts"
mkdir -p "$artifacts"

# run NAME BINARY SECONDS SEEDS [DICT]: fuzzes into $work/NAME; log in $work/NAME.log
run() {
    mkdir -p "$work/$1"
    "$2" -max_total_time="$3" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
        -print_final_stats=1 ${5:+-dict="$5"} -artifact_prefix="$artifacts/$1-" \
        "$work/$1" "$4" >"$work/$1.log" 2>&1
}

report() {
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$1.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$1.log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$work/$1.log")
    cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$1.log" | sed 's/.*DONE *//; s/ lim:.*//')
    files=$(find "$work/$1" -type f | wc -l)
    printf '%-9s %9s execs %6s/s  peak %5s MB  corpus %5s files  %s\n' \
        "$1" "${execs:-?}" "${rate:-?}" "${rss:-?}" "$files" "$cov"
}

# The canary: a target with a planted heap overflow must be caught.
clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    tests/tools/canary/fuzz_crash.c -o "$build/fuzz_canary"
mkdir -p "$work/canary-seed"
printf 'FUZZY' >"$work/canary-seed/seed"
if run canary "$build/fuzz_canary" 60 "$work/canary-seed"; then
    tail -20 "$work/canary.log"
    echo "fuzz canary: the planted crash was NOT found; this stage cannot be trusted" >&2
    exit 1
fi
grep -q 'heap-buffer-overflow' "$work/canary.log" || {
    tail -20 "$work/canary.log"
    echo "fuzz canary failed, but not with the planted heap-buffer-overflow" >&2
    exit 1
}
rm -f "$artifacts"/canary-*
echo "fuzz canary: planted heap-buffer-overflow found and reported, as it must be"

# The real targets, $jobs at a time.
failed=""
set -- $targets
while [ $# -gt 0 ]; do
    pids=""
    names=""
    n=0
    while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
        run "$1" "$build/fuzz/fuzz_$1" "$seconds" "fuzz/corpus/$1" "fuzz/$1.dict" &
        pids="$pids $!"
        names="$names $1"
        n=$((n + 1))
        shift
    done
    for pid in $pids; do
        name=$(echo $names | cut -d' ' -f1)
        names=$(echo $names | cut -d' ' -f2-)
        if ! wait "$pid"; then
            failed="$failed $name"
        fi
    done
done

echo
echo "target        executions     rate   memory    corpus after the run"
for t in $targets; do
    report "$t"
done
for t in $failed; do
    echo
    echo "==== fuzz_$t FAILED; end of its log:"
    tail -60 "$work/$t.log"
    for a in "$artifacts/$t"-*; do
        [ -e "$a" ] || continue
        echo "reproduce: $build/fuzz/fuzz_${t}_replay $a"
    done
done
if [ -n "$failed" ]; then
    echo "fuzzing found problems in:$failed (inputs kept in $artifacts)" >&2
    exit 1
fi
