#!/bin/sh
# The headless listing for a day's work (issue 13): --columns, --format
# table|tsv|csv|json, --filter (the dashboard's filter language), --time,
# the table fitted to a terminal (a pty) and never cut when piped, the help
# of every command, "did you mean" for a mistyped command, option, column
# or field, and the options every command takes after its name. Real
# binary, the fake providers, a private keyring.
#
#   SESAME_BIN=./sesame sh tests/integration/test_cli_views.sh
#
# Ends with "N passed, N failed"; exit status 0 only when nothing failed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    exec sh "$here/with-keyring.sh" sh "$here/integration/test_cli_views.sh" "$@"
fi

. "$here/integration/cli_helpers.sh"

# on_pty COLS COMMAND...: run on a pseudo-terminal COLS wide (0: no size
# set); what it printed in $T/out (CR LF made LF), its exit status in rc
on_pty() {
    "$PY" - "$@" >"$T/out" 2>"$T/err" <<'PYEOF'
import fcntl, os, pty, struct, sys, termios
cols = int(sys.argv[1])
argv = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:  # stdout alone on the terminal: no progress lines from stderr
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.execvp(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cols, 0, 0))
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))
sys.exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 99)
PYEOF
    rc=$?
}
# widest LINE in $T/out, in terminal columns
widest() {
    "$PY" -c '
import sys, unicodedata
w = 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n"):
    n = sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
            for c in line)
    w = max(w, n)
print(w)' "$T/out"
}

fake POST /_fake/reset >/dev/null || { echo "the fake at $FAKE_URL does not answer"; echo "0 passed, 1 failed"; exit 1; }
printf 'sk_test_fake\n' | sesame account add clerk --label "Clerk production" \
    --base-url "$FAKE_URL/clerk/v1" >/dev/null 2>"$T/err" || { cat "$T/err"; echo "0 passed, 1 failed"; exit 1; }
printf 'key_public_fake\nkey_private_fake\n' | sesame account add basistheory --label "Basis Theory" \
    --base-url "$FAKE_URL/basistheory" >/dev/null 2>"$T/err" || { cat "$T/err"; echo "0 passed, 1 failed"; exit 1; }
BT=$(sesame create "Basis Theory" --permission token:read 2>/dev/null)

run sesame sessions --json
expect "the listing, as JSON" 0
N=$(jget 'len(d["sessions"])')
NACTIVE=$(jget 'len([s for s in d["sessions"] if s["status"] == "active"])')
check "some active, some not" test "$NACTIVE" -gt 0 -a "$NACTIVE" -lt "$N"
SID=$(jget '[s["id"] for s in d["sessions"] if s["provider"] == "clerk"][0]')
LONG_USER=$(jget 'max((s["user"] or "" for s in d["sessions"]), key=len)')

# ---- --columns -----------------------------------------------------------------

run sesame sessions --columns user,session,status
expect "--columns" 0 "^USER +SESSION +STATUS$"
check "--columns: only those" sh -c "! grep -q 'PROVIDER\|ACCOUNT\|CREATED' '$T/out'"
check "--columns: a row per session" test "$(($(wc -l <"$T/out") - 1))" -eq "$N"
run sesame sessions --columns ' Last_Active , device,ip,place,country,idle,flags'
expect "--columns: blanks, case and _ aside; chosen empty columns stay" 0 \
    "^LAST ACTIVE +DEVICE +IP +PLACE +COUNTRY +IDLE LIMIT +FLAGS$"
run sesame sessions --columns user,sesion
expect "--columns: an unknown name" 2 "unknown column 'sesion' \\(did you mean session\\?\\)"
check "--columns: the error lists the names" grep -q "the columns: provider, provider-id" "$T/err"
run sesame sessions --columns user,user
expect "--columns: a name twice" 2 "listed twice"
run sesame sessions --columns ''
expect "--columns: none" 2 "no columns"
run sesame sessions --columns user --json
expect "--columns does not apply to JSON" 2 "does not apply to JSON"

# ---- --format ------------------------------------------------------------------

run sesame sessions --format json
expect "--format json" 0
check "--format json is --json" json 'len(d["sessions"]) == '"$N"' and set(d) == {"sessions", "errors"}'
run sesame sessions --format csv
expect "--format csv" 0
check "csv: CRLF line ends (RFC 4180)" sh -c "head -n 1 '$T/out' | od -c | grep -q '\\\\r  \\\\n'"
check "csv: header of column names" sh -c "head -n 1 '$T/out' | tr -d '\\r' | grep -qx 'account,provider,user,session,status,created,last-active,expires,idle,flags'"
check "csv: a record per session, every value whole" "$PY" -c '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
doc = json.loads(sys.argv[2])
ids = [s["id"] for s in doc["sessions"]]
users = [s["user"] or s["user_id"] or "" for s in doc["sessions"]]
assert rows[0][3] == "session" and len(rows) == len(ids) + 1, rows[:2]
assert [r[3] for r in rows[1:]] == ids
assert [r[2] for r in rows[1:]] == users
assert all(len(r) == 10 for r in rows)  # flags too: the seed has sessions from new places
' "$T/out" "$(sesame sessions --json)"
check "csv: absolute times by default" "$PY" -c '
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[5]) for r in rows[1:] if r[5]), rows[1]
' "$T/out"
run sesame help help
expect "help help is the help" 0 "sesame help \[COMMAND\]"
run sesame sessions --format tsv --columns session,user,place
expect "--format tsv" 0 "^session	user	place$"
check "tsv: three fields a line, a line a session" "$PY" -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "" and len(lines) - 2 == int(sys.argv[2]), len(lines)
assert all(len(l.split("\t")) == 3 for l in lines[:-1])
' "$T/out" "$N"
run sesame sessions --format yaml
expect "--format: an unknown one" 2 "one of table, tsv, csv, json"
for f in table tsv csv json; do
    run sesame sessions --format "$f"
    check "no secret in --format $f" sh -c "! grep -q 'sk_test_fake\|key_private_fake\|key_public_fake' '$T/out' '$T/err'"
done

# ---- --filter --------------------------------------------------------------------

run sesame sessions --filter status:active --json
expect "--filter status:active" 0
check "--filter status:active: the active ones, all of them" json \
    'len(d["sessions"]) == '"$NACTIVE"' and all(s["status"] == "active" for s in d["sessions"])'
run sesame sessions --filter '!status:active' --json
check "--filter !status:active" json \
    'len(d["sessions"]) == '"$N - $NACTIVE"' and not any(s["status"] == "active" for s in d["sessions"])'
FIRST=$(echo "$LONG_USER" | cut -d' ' -f1)
run sesame sessions --filter "user:$FIRST provider:clerk" --format csv --columns user
check "--filter user: and provider:" sh -c "[ \$(tail -n +2 '$T/out' | grep -c .) -gt 0 ] && ! tail -n +2 '$T/out' | grep -qv '$FIRST'"
run sesame sessions --filter "\"$LONG_USER\"" --json
check "--filter \"a phrase\"" json 'd["sessions"] and all(s["user"] == "'"$LONG_USER"'" for s in d["sessions"])'
run sesame sessions --filter 'provider:basis' --json
check "--filter provider: by its name" json '[s["id"] for s in d["sessions"]] == ["'"$BT"'"]'
run sesame sessions --filter "basistheory $BT" --columns session
expect "--filter: plain words, the provider's id" 0 "^$BT$"
run sesame sessions --filter 'nobody-at-all'
expect "--filter: nothing matches" 0 "^no sessions$"
run sesame sessions --filter 'usr:ada'
expect "--filter: an unknown field" 2 "--filter: unknown field 'usr' \\(did you mean user\\?\\)"
run sesame sessions --filter '"unclosed'
expect "--filter: a quote not closed" 2 "a quote is not closed"
run sesame sessions --filter 'user:'
expect "--filter: a field without a value" 2 "user: needs a value"

# ---- errors: the JSON document's error is what stderr says after the label -------------

printf 'sk_test_wrong\n' | sesame account add clerk --label "Clerk wrong" --no-check \
    --base-url "$FAKE_URL/clerk/v1" >/dev/null 2>&1
run sesame sessions --account "Clerk wrong" --json
expect "an account that fails" 3
check "docs/json.md: error is stderr's line after 'sesame: <label>: '" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
err = open(sys.argv[2], encoding="utf-8").read().rstrip("\n").split("\n")
assert len(d["errors"]) == 1 and d["errors"][0]["account_label"] == "Clerk wrong", d
assert err == ["sesame: Clerk wrong: " + d["errors"][0]["error"]], (err, d)
assert d["errors"][0]["error"].startswith("HTTP 401 from Clerk: clerk_key_invalid: "), d
' "$T/out" "$T/err"
sesame account remove "Clerk wrong" >/dev/null 2>&1

# ---- --time --------------------------------------------------------------------------

run sesame sessions --time absolute --columns session,created
expect "--time absolute" 0 "^$SID +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$"
run sesame sessions --columns session,created,expires
expect "relative times by default" 0 "^sess_[A-Za-z0-9]+ +[0-9]+[mhdy] ago +in [0-9]+[dhm] [0-9]+[hms]$"
run sesame sessions --time later
expect "--time: an unknown one" 2 "relative or absolute"
run sesame sessions --time absolute --json
expect "--time does not apply to JSON" 2 "does not apply to JSON"

# ---- the width of the terminal ---------------------------------------------------------

run sesame sessions
check "piped: wider than any terminal, nothing cut" test "$(widest)" -gt 120
check "piped: the longest user whole" grep -qF -- "$LONG_USER" "$T/out"
check "piped: no cut mark" sh -c "! grep -q '…' '$T/out'"
for cols in 200 120 80 60; do
    on_pty "$cols" "$BIN" sessions
    expect "on a terminal of $cols columns" 0 "^ACCOUNT"
    check "on $cols columns: no line wider" test "$(widest)" -le "$cols"
    check "on $cols columns: session ids whole" grep -q "  $SID  " "$T/out"
done
on_pty 120 "$BIN" sessions
check "on 120 columns: the account label whole" grep -q "^Clerk production  " "$T/out"
check "on 120 columns: users cut, and marked" grep -q "…" "$T/out"
on_pty 0 env COLUMNS=70 "$BIN" sessions
check "no size on the terminal: \$COLUMNS" test "$(widest)" -le 70
check "no size on the terminal: session ids whole" grep -q "  $SID  " "$T/out"
on_pty 80 "$BIN" sessions --format csv
check "csv on a terminal: never cut" grep -qF -- "$LONG_USER" "$T/out"

# ---- help -------------------------------------------------------------------------------

run sesame --help
expect "--help names help COMMAND" 0 "sesame help COMMAND"
for c in account sessions refresh create authorize revoke token verify open; do
    run sesame "$c" --help
    cp "$T/out" "$T/help1"
    expect "$c --help" 0 "^Examples:$"
    check "$c --help: exit statuses" grep -q "^Exit status:$" "$T/out"
    check "$c --help: more than the usage" test "$(wc -l <"$T/out")" -gt 15
    run sesame help "$c"
    check "help $c is $c --help" cmp -s "$T/out" "$T/help1"
done
run sesame help sessions
check "help sessions: every option" sh -c "for o in account status filter columns format json time window timeout; do grep -q -- \"--\$o\" '$T/out' || exit 1; done"
run sesame help sesions
expect "help of a mistyped command" 2 "unknown command 'sesions' \\(did you mean sessions\\?\\)"
run sesame account --help
expect "account --help" 0 "--no-allow-http"

# ---- did you mean ------------------------------------------------------------------------

run sesame sesions
expect "a mistyped command" 2 "unknown command 'sesions' \\(did you mean sessions\\?\\)"
check "a mistyped command: one line on stderr" stderr_lines_ok
run sesame sessions --acount x
expect "a mistyped option" 2 "unknown option --acount \\(did you mean --account\\?\\)"
run sesame revoke x y --froget
expect "a mistyped option of revoke" 2 "did you mean --forget\\?"
run sesame sessions --colums user
expect "a mistyped option with a value" 2 "did you mean --columns\\?"
run sesame account ad clerk
expect "a mistyped account command" 2 "unknown account command 'ad' \\(did you mean add\\?\\)"
run sesame sessions --zzzzzz
expect "nothing close: no guess" 2 "unknown option --zzzzzz$"
run sesame sessions --t x
expect "an ambiguous start" 2 "--t is ambiguous"

# ---- options every command takes, after its name -------------------------------------------

run sesame sessions --timeout 10 --columns session
expect "--timeout after the command" 0 "^SESSION$"
run sesame sessions --columns session --timeout=10
expect "--timeout=N after the command" 0 "^SESSION$"
run sesame account list --timeout 5
expect "--timeout after account list" 0 "clerk-production"
run sesame --timeout 10 sessions --columns session
expect "--timeout before the command still" 0 "^SESSION$"
run sesame sessions --timeout 0
expect "--timeout 0 after the command" 2 "--timeout wants a number of seconds from 1 to 3600"
run sesame revoke --timeout abc x y
expect "--timeout abc" 2 "--timeout wants"
run sesame refresh "Basis Theory" --timeout 5 --json
expect "--timeout after refresh" 0
check "refresh with --timeout lists" json '[s["id"] for s in d["sessions"]] == ["'"$BT"'"]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
