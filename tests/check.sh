#!/bin/sh
# The whole suite, as `make check` runs it: unit and integration binaries
# (release build), the headless commands against the fake, the dashboard
# end to end in a pty, then the unit and integration binaries, the headless
# commands and the dashboard end to end again under ASan+UBSan. Each part
# prints its own closing line; the last line here is the sum,
# "N passed, N failed".
# The fault matrix runs beside the ASan parts and is shown after them.
# Usage: tests/check.sh RELEASE_TEST_DIR ASAN_TEST_DIR BINARY
set -u
rel=$1 asan=$2 bin=$3
here=$(cd "$(dirname "$0")" && pwd)
total_p=0 total_f=0
log=$(mktemp)
trap 'rm -f "$log" "${matrix_log:-}"' EXIT

add_total() { # add_total NAME OUT: add OUT's closing line to the total
    line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
    if [ -z "$line" ]; then
        echo "$1: no closing line (crashed?)"
        f=1 p=0
    fi
    total_p=$((total_p + p))
    total_f=$((total_f + f))
}

part() { # part NAME CMD...: run, show as it goes, add its closing line to the total
    name=$1
    shift
    echo "==== $name"
    t0=$(date +%s)
    "$@" 2>&1 | tee "$log"
    echo "($name: $(($(date +%s) - t0)) s)"
    add_total "$name" "$log"
}

part "unit + integration" env SESAME_BIN="$bin" sh "$here/run-tests.sh" "$rel"/test_*
part "headless commands" env SESAME_BIN="$bin" "$here/with-keyring.sh" sh "$here/integration/test_cli.sh"
part "headless commands: trust" env SESAME_BIN="$bin" "$here/with-keyring.sh" sh "$here/integration/test_cli_trust.sh"
part "headless commands: views" env SESAME_BIN="$bin" "$here/with-keyring.sh" sh "$here/integration/test_cli_views.sh"
part "make demo, install" sh "$here/integration/test_make.sh"
part "headless commands: risk" env SESAME_BIN="$bin" "$here/with-keyring.sh" sh "$here/integration/test_cli_risk.sh"
part "headless commands: outcomes" "$here/with-keyring.sh" /usr/bin/python3 \
    "$here/integration/test_cli_outcomes.py" "$bin"
part "headless commands: durability" "$here/with-keyring.sh" /usr/bin/python3 \
    "$here/integration/test_cli_durability.py" "$bin"
part "end to end" sh "$here/e2e/run.sh" "$bin"
# The fault matrix mostly waits (injected latencies, hangs, timeouts): it runs
# beside the ASan parts, with a keyring and fakes of its own, and is shown
# after them. On 2 cores that saves about two of the suite's minutes.
matrix_log=$(mktemp)
(
    t0=$(date +%s)
    "$here/with-keyring.sh" /usr/bin/python3 "$here/faults/matrix.py" "$bin"
    echo "(fault matrix, beside the ASan parts: $(($(date +%s) - t0)) s)"
) > "$matrix_log" 2>&1 &
matrix_pid=$!
part "unit + integration (ASan+UBSan)" env SESAME_BIN="$asan/../sesame" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh "$here/run-tests.sh" "$asan"/test_*
part "headless commands (ASan+UBSan)" env SESAME_BIN="$asan/../sesame" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$here/with-keyring.sh" sh "$here/integration/test_cli.sh"
part "headless commands: trust (ASan+UBSan)" env SESAME_BIN="$asan/../sesame" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$here/with-keyring.sh" sh "$here/integration/test_cli_trust.sh"
part "headless commands: views (ASan+UBSan)" env SESAME_BIN="$asan/../sesame" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$here/with-keyring.sh" sh "$here/integration/test_cli_views.sh"
part "headless commands: risk (ASan+UBSan)" env SESAME_BIN="$asan/../sesame" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$here/with-keyring.sh" sh "$here/integration/test_cli_risk.sh"
part "headless commands: outcomes (ASan+UBSan)" env \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$here/with-keyring.sh" /usr/bin/python3 "$here/integration/test_cli_outcomes.py" "$asan/../sesame"
part "headless commands: durability (ASan+UBSan)" env \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$here/with-keyring.sh" /usr/bin/python3 "$here/integration/test_cli_durability.py" "$asan/../sesame"
part "end to end (ASan+UBSan)" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh "$here/e2e/run.sh" "$asan/../sesame"
part "fuzz regressions" sh "$here/fuzz/run.sh" regress 0 clerk basistheory plantly cbrain apideck \
    config state theme keymap prefs sanitize jscan journal seen query
wait "$matrix_pid"
echo "==== fault matrix"
cat "$matrix_log"
add_total "fault matrix" "$matrix_log"
echo "==== total"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
