#!/bin/sh
# Run the libFuzzer targets built by tests/fuzz/fuzz.mk, one after another,
# and print one line per target and a closing "N passed, N failed".
#
#   tests/fuzz/run.sh fuzz SECONDS TARGET...   fuzz each for SECONDS on a copy
#                                              of its corpus (build/fuzz/corpus)
#   tests/fuzz/run.sh regress 0 TARGET...      run each once over its seeds
#                                              and crash reproducers
#
# Logs: build/fuzz/logs/<target>.log; crashes: build/fuzz/artifacts/<target>/.
set -u
mode=$1
secs=$2
shift 2
B=build/fuzz
T=tests/fuzz
passed=0
failed=0

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
if [ -f "$T/lsan.supp" ]; then
    export LSAN_OPTIONS="suppressions=$PWD/$T/lsan.supp:${LSAN_OPTIONS:-}"
fi
mkdir -p "$B/logs"

for t in "$@"; do
    bin=$B/fuzz_$t
    log=$B/logs/$t.log
    art=$B/artifacts/$t
    mkdir -p "$art"
    case $t in
    clerk | basistheory | plantly | cbrain | apideck | jscan) d=json ;;
    *) d=$t ;;
    esac
    dict=
    [ -f "$T/dict/$d.dict" ] && dict="-dict=$T/dict/$d.dict"
    if [ "$mode" = fuzz ]; then
        # a working copy: libFuzzer adds what it finds to the first corpus
        # directory, and the committed seeds must stay as they are
        mkdir -p "$B/corpus/$t"
        [ -d "$T/corpus/$t" ] && cp -R "$T/corpus/$t/." "$B/corpus/$t/"
        [ -d "$T/regress/$t" ] && cp -R "$T/regress/$t/." "$B/corpus/$t/"
        # shellcheck disable=SC2086
        "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -detect_leaks=1 -timeout=25 \
            -print_final_stats=1 -artifact_prefix="$art/" $dict "$B/corpus/$t" >"$log" 2>&1
        rc=$?
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
        cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
        n=$(find "$B/corpus/$t" -type f | wc -l)
        info="${runs:-?} runs, ${eps:-?} exec/s, cov ${cov:-?}, corpus $n"
    else
        list=$(mktemp)
        find "$T/corpus/$t" "$T/regress/$t" -type f 2>/dev/null | sort >"$list"
        n=$(wc -l <"$list")
        if [ "$n" -eq 0 ]; then
            : >"$log"
            rc=0
        else
            # files given one by one: each runs once, nothing is written
            xargs "$bin" -rss_limit_mb=2048 -detect_leaks=1 -timeout=25 \
                -artifact_prefix="$art/" <"$list" >"$log" 2>&1
            rc=$?
        fi
        rm -f "$list"
        info="$n inputs"
    fi
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "fuzz_$t: PASS ($info)"
    else
        failed=$((failed + 1))
        what=$(grep -m 1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|FUZZ PROPERTY FAILED' "$log" | cut -c 1-160)
        crash=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n 1)
        printf '%s\n' "fuzz_$t: FAIL (${what:-exit $rc}) ${crash:+reproducer $crash, }log $log"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
