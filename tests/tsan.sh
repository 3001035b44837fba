#!/bin/sh
# `make tsan`: the whole suite under ThreadSanitizer, against the tsan build
# (build/tsan): every unit and integration binary, the headless commands
# (tests/integration/test_cli.sh), the dashboard end to end (tests/e2e) and
# the fault matrix. GLib, GIO and libsecret are not instrumented: reports
# inside them are suppressed (tests/tsan.supp), nothing else is.
#
# How a race fails a part: a test binary exits 66 (TSan's exit code after a
# report) and run-tests.sh counts it; the e2e harness fails the test whose
# sesame printed "WARNING: ThreadSanitizer" on its stderr; the scripts that
# do not read stderr (headless commands, fault matrix) run with TSan's
# log_path, and every report file they leave is one more failure here.
# Each part prints its closing line; the last line is the sum,
# "N passed, N failed".
# Usage: tests/tsan.sh BUILD_DIR
set -u
b=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
total_p=0 total_f=0
log=$(mktemp)
reports=$(mktemp -d)
trap 'rm -rf "$log" "$reports"' EXIT

export G_SLICE=always-malloc   # GLib's slice allocator hides frees from TSan
export SESAME_NO_BENCH=1       # timing benchmarks mean nothing 5-15x slower
TS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 history_size=4 suppressions=$here/tsan.supp"

part() { # part NAME CMD...: run, show, add its closing line to the total
    name=$1
    shift
    echo "==== $name"
    start=$(date +%s)
    "$@" 2>&1 | tee "$log"
    line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
    if [ -z "$line" ]; then
        echo "$name: no closing line (crashed?)"
        f=1 p=0
    fi
    total_p=$((total_p + p))
    total_f=$((total_f + f))
    echo "($name: $(( $(date +%s) - start )) s)"
}

# with_reports CMD...: run CMD with TSan writing its reports to files; show
# them, and close with CMD's counts plus one failure per report file.
with_reports() {
    rm -f "$reports"/tsan.*
    TSAN_OPTIONS="$TS log_path=$reports/tsan" "$@" >"$reports/out" 2>&1
    cat "$reports/out"
    line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$reports/out" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
    n=0
    for r in "$reports"/tsan.*; do
        [ -e "$r" ] || continue
        n=$((n + 1))
        echo "---- ThreadSanitizer report ($r)"
        cat "$r"
    done
    [ -z "$line" ] && f=1 p=0
    echo "ThreadSanitizer reports: $n"
    echo "${p:-0} passed, $(( ${f:-0} + n )) failed"
}

part "unit + integration (TSan)" env TSAN_OPTIONS="$TS" SESAME_BIN="$b/sesame" \
    sh "$here/run-tests.sh" "$b"/tests/test_*
part "headless commands (TSan)" with_reports env SESAME_BIN="$b/sesame" \
    "$here/with-keyring.sh" sh "$here/integration/test_cli.sh"
part "headless commands: trust (TSan)" with_reports env SESAME_BIN="$b/sesame" \
    "$here/with-keyring.sh" sh "$here/integration/test_cli_trust.sh"
part "headless commands: views (TSan)" with_reports env SESAME_BIN="$b/sesame" \
    "$here/with-keyring.sh" sh "$here/integration/test_cli_views.sh"
part "end to end (TSan)" env TSAN_OPTIONS="$TS" sh "$here/e2e/run.sh" "$b/sesame"
part "fault matrix (TSan)" with_reports "$here/with-keyring.sh" /usr/bin/python3 \
    "$here/faults/matrix.py" "$b/sesame"
echo "==== total (TSan)"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
