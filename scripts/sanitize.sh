#!/usr/bin/env bash
# Runs the tests under AddressSanitizer and then ThreadSanitizer, each in its own build folder
# (.build-asan, .build-tsan), and reports whether each passed and how long it took (build included).
# Arguments go to `swift test`, e.g.: scripts/sanitize.sh --filter FormatParsersTests
#
# Both sanitizers report and carry on instead of stopping at the first finding, so one run lists
# every finding. A run fails when a test fails or the log holds any sanitizer report.
set -uo pipefail
cd "$(dirname "$0")/.."

# Swift's crash handler would fight the sanitizers' reports.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=halt_on_error=0
# Leaks in the toolchain's libraries, not ours: XCTest's runner (which `swift test` starts before
# swift-testing) never frees its suite objects, and Foundation's Process.run leaves a weak-reference side table.
# (A "$" in a pattern anchors its end, so mangled Swift names are given without theirs.)
suppressions=$(mktemp)
trap 'rm -f "$suppressions"' EXIT
printf '%s\n' 'leak:libXCTest.so' 'leak:s10Foundation7ProcessC3runyyKF' >"$suppressions"
export LSAN_OPTIONS="suppressions=$suppressions:print_suppressions=0"

failed=0
for sanitizer in address thread; do
    scratch=.build-${sanitizer:0:1}san
    log=$scratch/sanitize.log
    recover=()
    [ $sanitizer = address ] && recover=(-Xswiftc -sanitize-recover=address)
    mkdir -p "$scratch"
    started=$(date +%s)
    status=0
    swift test --scratch-path "$scratch" --sanitize=$sanitizer "${recover[@]}" "$@" >"$log" 2>&1 || status=$?
    reports=$(grep -cE 'ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer' "$log")
    if [ $status -eq 0 ] && [ "$reports" -eq 0 ]; then
        result=passed
    else
        result="FAILED (swift test exit $status, $reports sanitizer reports)"
        failed=1
    fi
    echo "$sanitizer sanitizer: $result in $(( $(date +%s) - started )) s (log: $log)"
    if [ "$result" != passed ]; then
        # Build errors when the tests did not run (tests print expected "error:" lines of their own).
        grep -q 'Test run with' "$log" || grep -E '^/.*: error: |^error: ' "$log" | sort -u | head -20
        grep -E 'SUMMARY: [A-Za-z]+Sanitizer|✘ Test .* failed' "$log" | sort | uniq -c | head -20
        # The failing expectations themselves, so a CI log shows why without the log file.
        grep -E '^✘ Test .* recorded an issue' "$log" | cut -c1-400 | head -10
    fi
    if [ "$reports" -gt 0 ]; then
        echo "  project frames in the sanitizer reports:"
        grep -E '^ +#[0-9]+ ' "$log" | grep -oE '/(Sources|Tests)/[^ ]+\.swift:[0-9]+' | sort | uniq -c | sort -rn | head -10
        echo "  the first report:"
        grep -m1 -A40 -E 'ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer' "$log" | cut -c1-200
    fi
done
exit $failed
