#!/usr/bin/env bash
# Builds the libFuzzer targets and runs one of them, or all of them, for a number of minutes.
#
#   Fuzz/run.sh TARGET MINUTES     TARGET: wire, json, yaml, csv (or FuzzWireMessage, FuzzJSONIngest,
#                                  FuzzConfiguration, FuzzCSV)
#   Fuzz/run.sh all MINUTES        every target, FUZZ_JOBS at a time (default 2)
#   Fuzz/run.sh TARGET replay FILE...   runs the target once on each FILE (a crash reproducer, say)
#
# The build passes `-Xswiftc -sanitize=fuzzer,address` besides SwiftPM's `--sanitize=fuzzer --sanitize=address`:
# Swift 6.3's driver keeps only the last of two separate `-sanitize=` flags, so without the combined one the Swift
# code gets AddressSanitizer but no coverage instrumentation (libFuzzer would then report no `cov:`).
#
# Each run starts from the seeds in Fuzz/Corpus/<name> (never modified) plus the inputs earlier runs kept in
# Fuzz/.build-fuzz/corpus/<name>; crashes, leaks, hangs and out-of-memory inputs are written to
# Fuzz/.build-fuzz/artifacts/<name>/. Hangs: -timeout=10 (seconds per input); memory: -rss_limit_mb=2048 and
# -malloc_limit_mb=2048; leak detection is on. At the end the run prints executions, exec/s, cov, ft and corpus
# size. Environment: FUZZ_JOBS (parallel targets for `all`), FUZZ_CONFIGURATION (debug, the default, or release),
# FUZZ_SKIP_BUILD=1 to reuse the last build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
scratch="$here/.build-fuzz"
configuration=${FUZZ_CONFIGURATION:-debug}
all_targets=(wire json yaml csv)

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

product() {
    case "$1" in
        wire | FuzzWireMessage) echo FuzzWireMessage ;;
        json | FuzzJSONIngest) echo FuzzJSONIngest ;;
        yaml | FuzzConfiguration) echo FuzzConfiguration ;;
        csv | FuzzCSV) echo FuzzCSV ;;
        *) return 1 ;;
    esac
}

short_name() {
    case "$1" in
        FuzzWireMessage) echo wire ;;
        FuzzJSONIngest) echo json ;;
        FuzzConfiguration) echo yaml ;;
        FuzzCSV) echo csv ;;
        *) echo "$1" ;;
    esac
}

build() {
    [[ "${FUZZ_SKIP_BUILD:-0}" == 1 ]] && return 0
    echo "building the fuzz targets ($configuration, --sanitize=fuzzer --sanitize=address)" >&2
    (cd "$here" && swift build --scratch-path "$scratch" -c "$configuration" \
        --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address "$@" 2>&1 | grep -v "Cannot export local symbol" >&2)
}

binary() { echo "$scratch/$configuration/$(product "$1")"; }

# run NAME MINUTES: fuzzes one target and prints one summary line.
run() {
    local name seconds corpus artifacts log
    name=$(short_name "$1")
    seconds=$(($2 * 60))
    corpus="$scratch/corpus/$name"
    artifacts="$scratch/artifacts/$name"
    log="$scratch/logs/$name.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    local options=(
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -detect_leaks=1
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/"
    )
    [[ -f "$here/Corpus/$name.dict" ]] && options+=(-dict="$here/Corpus/$name.dict")
    echo "fuzzing $name for $2 min: $(binary "$name") ${options[*]} $corpus $here/Corpus/$name" >&2
    local status=0
    # SWIFT_BACKTRACE: the Swift runtime's backtracer would otherwise hold each crash for up to 30 s symbolicating.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        "$(binary "$name")" "${options[@]}" "$corpus" "$here/Corpus/$name" >"$log" 2>&1 || status=$?
    summarize "$name" "$log" "$corpus" "$status"
    return "$status"
}

summarize() {
    local name=$1 log=$2 corpus=$3 status=$4
    local executions speed peak last cov ft files
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    files=$(find "$corpus" -type f | wc -l)
    local outcome="ok"
    [[ "$status" != 0 ]] && outcome="FAILED (exit $status): see $log and $scratch/artifacts/$name/"
    printf '%-5s executions=%s exec/s=%s cov=%s ft=%s corpus=%s files peak_rss=%sMB %s\n' \
        "$name" "${executions:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$files" "${peak:-?}" "$outcome"
}

[[ $# -ge 2 ]] || usage
target=$1
shift
if [[ "$target" == all ]]; then
    minutes=$1
    [[ "$minutes" =~ ^[0-9]+$ ]] || usage
    for name in "${all_targets[@]}"; do build --product "$(product "$name")"; done
    jobs=${FUZZ_JOBS:-2}
    failed=0
    pids=()
    for name in "${all_targets[@]}"; do
        run "$name" "$minutes" &
        pids+=($!)
        if ((${#pids[@]} >= jobs)); then
            wait "${pids[0]}" || failed=1
            pids=("${pids[@]:1}")
        fi
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    exit "$failed"
fi

product "$target" >/dev/null || usage
if [[ "$1" == replay ]]; then
    shift
    build --product "$(product "$target")"
    SWIFT_BACKTRACE=enable=no exec "$(binary "$target")" -runs=1 "$@"
fi
minutes=$1
[[ "$minutes" =~ ^[0-9]+$ ]] || usage
build --product "$(product "$target")"
run "$target" "$minutes"
