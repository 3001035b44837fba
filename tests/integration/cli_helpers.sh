# Shared by the headless command tests (tests/integration/test_cli*.sh),
# sourced after they have entered the private keyring: the binary, private
# config and state directories in $T, the fake providers at $FAKE_URL
# (started here unless FAKE_URL is set), and the helpers below. Each test
# passes or fails through them; the script ends with
# 'echo "$passed passed, $failed failed"'.
# shellcheck shell=sh
BIN=${SESAME_BIN:-./sesame}
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
T=$(mktemp -d "${SESAME_TEST_TMP:-${TMPDIR:-/tmp}}/cli.XXXXXX")
export SESAME_CONFIG_DIR="$T/config" SESAME_STATE_DIR="$T/state"
unset BROWSER NO_COLOR
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
fake_pid=""
cleanup() {
    [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${FAKE_URL:-}" ]; then
    "$PY" "$here/fake/fake.py" --port 0 --port-file "$T/port" >"$T/fake.log" 2>&1 &
    fake_pid=$!
    i=0
    while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    if [ ! -s "$T/port" ]; then
        echo "the fake did not start:"; cat "$T/fake.log"
        echo "0 passed, 1 failed"
        exit 1
    fi
    FAKE_URL="http://127.0.0.1:$(cat "$T/port")"
fi
FAKE_URL=${FAKE_URL%/}

# ---- helpers ---------------------------------------------------------------

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
    [ -s "$T/err" ] && sed 's/^/    stderr: /' "$T/err" | head -n 5
    [ -s "$T/out" ] && sed 's/^/    stdout: /' "$T/out" | head -n 5
    return 0
}

# run CMD...: stdin from /dev/null; rc, $T/out, $T/err
run() { "$@" </dev/null >"$T/out" 2>"$T/err"; rc=$?; }
# feed TEXT CMD...: TEXT (printf %b, so "a\nb" is two lines) on stdin
feed() { _in=$1; shift; printf '%b\n' "$_in" | "$@" >"$T/out" 2>"$T/err"; rc=$?; }
sesame() { "$BIN" "$@"; }

# expect NAME RC [PATTERN]: the last command exited RC (and PATTERN, a
# grep -E expression, is in its stdout or stderr)
expect() {
    if [ "$rc" -ne "$2" ]; then
        fail "$1: exit $rc, wanted $2"
    elif [ $# -ge 3 ] && ! cat "$T/out" "$T/err" | grep -Eq -- "$3"; then
        fail "$1: no /$3/ in the output"
    else
        pass
    fi
}
# check NAME COMMAND...: passes when the command succeeds
check() { _n=$1; shift; if "$@"; then pass; else fail "$_n"; fi; }

# one line on stderr per error, each "sesame: ..."
stderr_lines_ok() { ! grep -v -e '^sesame: ' -e '^usage: ' -e '^       sesame' "$T/err" | grep -q .; }

lookup() { # lookup ACCOUNT KIND [SESSION]
    secret-tool lookup application sesame account "$1" kind "$2" session "${3:-}" 2>/dev/null
}
has_secret() { [ -n "$(lookup "$@")" ]; }
no_secret() { [ -z "$(lookup "$@")" ]; }

fake() { # fake METHOD PATH [JSON]
    "$PY" - "$FAKE_URL" "$@" <<'EOF'
import sys, urllib.request
base, method, path = sys.argv[1:4]
data = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(base + path, data=data, method=method,
                             headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req, timeout=10).read().decode())
EOF
}

json() { # json PYTHON-EXPRESSION: evaluated with d = JSON of $T/out; true when truthy
    "$PY" - "$1" "$T/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[2]))
sys.exit(0 if eval(sys.argv[1]) else 1)
EOF
}
jget() { # jget PYTHON-EXPRESSION: print its value
    "$PY" - "$1" "$T/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[2]))
print(eval(sys.argv[1]))
EOF
}
