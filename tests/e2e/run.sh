#!/bin/sh
# Run every end-to-end test (the real binary in a pseudo-terminal) inside a
# private keyring, and print one closing line "N passed, N failed".
# Usage: tests/e2e/run.sh ./sesame
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    exec "$here/../with-keyring.sh" "$0" "$bin"
fi
passed=0 failed=0
log=$(mktemp)
for t in "$here"/test_*.py; do
    echo "== $(basename "$t")"
    timeout 600 /usr/bin/python3 "$t" "$bin" >"$log" 2>&1
    rc=$?
    cat "$log"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
        echo "$(basename "$t") exited $rc"
        failed=$((failed + 1))
    fi
done
rm -f "$log"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
