#!/bin/sh
# Run test binaries inside one private keyring and print one closing line,
# "N passed, N failed", summed over cmocka's per-binary counts.
# Usage: tests/run-tests.sh BIN...
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    exec "$here/with-keyring.sh" "$0" "$@"
fi
passed=0 failed=0 crashed=""
log=$(mktemp)
for t in "$@"; do
    name=$(basename "$t")
    CMOCKA_MESSAGE_OUTPUT=stdout timeout 300 "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
        crashed="$crashed $name(rc=$rc)"
        failed=$((failed + 1))
    fi
done
rm -f "$log"
[ -n "$crashed" ] && echo "crashed or timed out:$crashed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
