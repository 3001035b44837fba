#!/bin/sh
# make bench: the speed a person feels (tests/bench/bench.py), inside a
# private keyring and a temporary HOME (tests/with-keyring.sh). Installs the
# reference client, Clerk's official @clerk/backend, into build/bench/ on
# first use; writes build/bench/results.json and prints the table.
#   BENCH_QUICK=1          a fast look (fewer runs, 10 s idle)
#   BENCH_IDLE_SECONDS=N   length of the idle measurement
#   BENCH_ONLY=a,b         only these figures (first_frame key_latency
#                          refresh_all scale filter idle headless headless_cpu)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/bench"
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    mkdir -p "$out"
    if [ ! -f "$out/node_modules/@clerk/backend/package.json" ]; then
        command -v npm >/dev/null || { echo "bench: npm (Node.js) is needed for the reference client" >&2; exit 1; }
        echo "bench: installing @clerk/backend into build/bench (npm) ..." >&2
        npm install --prefix "$out" --no-audit --no-fund --loglevel=error @clerk/backend >&2
    fi
    # the script imports @clerk/backend: it runs from next to node_modules
    cp "$top/tests/bench/clerk_node_list.mjs" "$out/clerk_node_list.mjs"
    exec "$top/tests/with-keyring.sh" sh "$0" "$@"
fi
/usr/bin/python3 "$top/tests/bench/bench.py" "$top/sesame" "$out/results.json"
