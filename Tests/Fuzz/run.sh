#!/usr/bin/env bash
# Builds the libFuzzer targets into .build/fuzz/ and fuzzes each for SECONDS (default 60).
#
#   Tests/Fuzz/run.sh [SECONDS] [TARGET...]     targets: gguf safetensors json names (default: all)
#
# Each target is one Swift file compiled with the FormatParsers sources into a single module,
# instrumented with -sanitize=fuzzer,address. Seeds are generated at run time (make_seeds.py) from
# synthetic files plus the fixtures in $COMPAT_FIXTURES or ../shared/fixtures when present; inputs
# the fuzzer finds accumulate in .build/fuzz/corpus/TARGET. Exits non-zero when any target crashes,
# leaks, times out (10 s per input) or runs out of memory (2 GB RSS, 512 MB in one allocation),
# naming the target and the input that did it.
#
# Environment: FUZZ_JOBS, how many targets fuzz at once (default: the number of CPUs);
# FUZZ_MAX_LEN, the largest input the fuzzing phase makes (default 65536).
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gguf safetensors json names)
parallel=${FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN)}
out=.build/fuzz
fixtures=${COMPAT_FIXTURES:-../shared/fixtures}

target_source() {
    case "$1" in
        gguf) echo Tests/Fuzz/GGUFTarget.swift ;;
        safetensors) echo Tests/Fuzz/SafetensorsTarget.swift ;;
        json) echo Tests/Fuzz/JSONTarget.swift ;;
        names) echo Tests/Fuzz/NamesTarget.swift ;;
        *) echo "unknown fuzz target '$1' (gguf, safetensors, json, names)" >&2; exit 2 ;;
    esac
}

target_dictionary() {
    if [ "$1" = gguf ]; then echo Tests/Fuzz/gguf.dict; else echo Tests/Fuzz/json.dict; fi
}

# Waits while FUZZ_JOBS background jobs are running.
throttle() {
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do sleep 1; done
}

for target in "${targets[@]}"; do target_source "$target" >/dev/null; done
command -v python3 >/dev/null || { echo "run.sh needs python3 to write the seed corpus" >&2; exit 2; }
mkdir -p "$out/artifacts"
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT

# -O keeps the fuzzer fast; -assert-config Debug keeps the standard library's bounds checks on
# unsafe buffers, so reading a prefix view past its end traps even inside the input's allocation.
mapfile -t sources < <(find Sources/FormatParsers -name '*.swift' | sort)
started=$(date +%s)
echo "building ${targets[*]} into $out/"
for target in "${targets[@]}"; do
    throttle
    rm -f "$out/$target.build-failed"
    swiftc -sanitize=fuzzer,address -parse-as-library -module-name FormatParsers \
        -O -assert-config Debug -g -wmo \
        "${sources[@]}" Tests/Fuzz/FuzzSupport.swift "$(target_source "$target")" \
        -o "$out/fuzz-$target" >"$out/build-$target.log" 2>&1 || touch "$out/$target.build-failed" &
done
wait
build_failed=0
for target in "${targets[@]}"; do
    if [ -e "$out/$target.build-failed" ]; then
        echo "FAILED to build $target:"
        grep -v 'ld.gold: warning: Cannot export local symbol' "$out/build-$target.log" | tail -30
        build_failed=1
    fi
done
[ $build_failed -eq 0 ] || exit 1
echo "built in $(( $(date +%s) - started )) s"

if [ -d "$fixtures" ]; then
    python3 Tests/Fuzz/make_seeds.py "$seeds" "$fixtures"
else
    echo "no fixtures at $fixtures: synthetic seeds only"
    python3 Tests/Fuzz/make_seeds.py "$seeds"
fi

# Each target first runs every seed whole (up to 4 MiB, so the real files parse to the end), then
# fuzzes with inputs of at most FUZZ_MAX_LEN bytes: mutating megabyte inputs runs ~100 times slower.
fuzz_target() {
    local target=$1 binary="$out/fuzz-$1" status=0
    local options=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -artifact_prefix="$out/artifacts/$target-")
    # Swift's own crash handler would fight AddressSanitizer's; libFuzzer reports the crash.
    export SWIFT_BACKTRACE=enable=no
    {
        "$binary" "${options[@]}" -runs=0 -max_len=4194304 "$seeds/$target" &&
        "$binary" "${options[@]}" -max_total_time="$duration" -max_len="$max_len" \
            -dict="$(target_dictionary "$target")" -print_final_stats=1 "$out/corpus/$target" "$seeds/$target"
    } >"$out/$target.log" 2>&1 || status=$?
    echo "$status" >"$out/$target.status"
}

max_len=${FUZZ_MAX_LEN:-65536}
echo "fuzzing ${targets[*]} for $duration s each, $parallel at a time, inputs up to $max_len bytes"
started=$(date +%s)
for target in "${targets[@]}"; do
    throttle
    mkdir -p "$out/corpus/$target"
    fuzz_target "$target" &
done
wait
echo "fuzzed in $(( $(date +%s) - started )) s"

failed=0
for target in "${targets[@]}"; do
    log="$out/$target.log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    status=$(cat "$out/$target.status")
    if [ "$status" = 0 ]; then
        echo "ok      $target: ${runs:-?} runs, corpus $(find "$out/corpus/$target" -type f | wc -l) files"
    else
        failed=1
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        echo "FAILED  $target (exit $status) after ${runs:-?} runs; input: ${artifact:-none written}; log: $log"
        grep -E 'Fatal error|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|SUMMARY|^ +#[0-9]+ .* in .*(FormatParsers|Target)' "$log" \
            | head -20 | cut -c1-400
        echo "  reproduce: SWIFT_BACKTRACE=enable=no $out/fuzz-$target ${artifact:-INPUT}"
    fi
done
exit $failed
