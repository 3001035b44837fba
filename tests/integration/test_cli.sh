#!/bin/sh
# End-to-end tests of the headless commands: the real binary against the
# fake providers (tests/fake/fake.py), inside a private keyring
# (tests/with-keyring.sh), with private config and state directories.
#
#   SESAME_BIN=./sesame [FAKE_URL=http://127.0.0.1:PORT] sh tests/integration/test_cli.sh
#
# Without FAKE_URL the script starts the fake itself. It prints one line per
# failure and ends with "N passed, N failed"; the exit status is 0 only when
# nothing failed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    exec sh "$here/with-keyring.sh" sh "$here/integration/test_cli.sh" "$@"
fi

. "$here/integration/cli_helpers.sh"

# pty_add MODE: account add on a pseudo-terminal. MODE type: the key is
# typed with echo off; MODE intr: Ctrl-C at the prompt kills sesame with
# SIGINT and the terminal has its echo back.
pty_add() {
    "$PY" - "$BIN" "$1" "$FAKE_URL/clerk/v1" >"$T/out" 2>"$T/err" <<'EOF'
import os, pty, select, signal, sys, termios, time
binary, mode, url = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "account", "add", "clerk", "--label", "Tty " + mode,
                      "--base-url", url])
def read_until(want, timeout=10):
    buf, end = b"", time.time() + timeout
    while time.time() < end and want not in buf:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf
def reap(timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            return st
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print("sesame did not finish")
    sys.exit(1)
prompt = read_until(b": ")
ok = b"Secret key" in prompt
if mode == "type":
    os.write(fd, b"sk_test_fake\n")
    rest = read_until(b"tty-type")
    st = reap()
    ok = ok and b"sk_test_fake" not in rest and b"tty-type" in rest and os.WEXITSTATUS(st) == 0
else:
    time.sleep(0.3)
    os.write(fd, b"\x03")
    st = reap()
    echo = termios.tcgetattr(fd)[3] & termios.ECHO
    ok = ok and os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGINT and bool(echo)
print("ok" if ok else "bad: %r" % prompt)
sys.exit(0 if ok else 1)
EOF
    rc=$?
}
in_state() { grep -q "$1" "$SESAME_STATE_DIR/sessions.state" 2>/dev/null; }

fake POST /_fake/reset >/dev/null || { echo "the fake at $FAKE_URL does not answer"; echo "0 passed, 1 failed"; exit 1; }

# ---- general -----------------------------------------------------------------

run sesame --help
expect "--help" 0 "Exit status"
for c in "account add" "account list" "account remove" sessions refresh create authorize \
         revoke token verify open "6  config" "5  keyring" "4  network" "3  the provider" \
         "2  usage"; do
    check "--help mentions $c" grep -q -- "$c" "$T/out"
done
run sesame --version
expect "--version" 0 "^sesame [0-9]"
run sesame frobnicate
expect "unknown command" 2 "unknown command"
check "unknown command: one line on stderr" stderr_lines_ok
run sesame --frob
expect "unknown option" 2 "unknown option"
run sesame account list
expect "no accounts yet" 0 "no accounts"
run sesame account list --json
expect "no accounts yet, JSON" 0
check "empty account list JSON" json 'd == {"accounts": []}'
run sesame sessions --json
expect "sessions of no accounts" 0
check "empty sessions JSON" json 'd == {"sessions": [], "errors": []}'
run sesame help sessions
expect "help COMMAND" 0 "usage: sesame sessions"
run sesame sessions --help
expect "COMMAND --help" 0 "usage: sesame sessions"

# ---- account add: usage ------------------------------------------------------

run sesame account add clerk --label "Clerk test" --base-url "$FAKE_URL/clerk/v1" --set api_key=sk_test_fake
expect "--set of a secret is refused" 2 "secrets are never taken from the command line"
check "refused secret is not echoed" sh -c "! grep -q sk_test_fake '$T/err' '$T/out'"
run sesame account add clerk --label "Clerk test" --base-url "$FAKE_URL/clerk/v1" --set colour=blue
expect "--set of an unknown field" 2 "no field 'colour'"
run sesame account add nosuch --label X
expect "unknown provider" 2 "unknown provider 'nosuch'"
run sesame account add clerk
expect "missing --label" 2 "--label"
run sesame account add clerk --label X --base-url "http://example.com/v1"
expect "plain http to a remote host" 2 "http"
run sesame account add clerk --label X --ca-file /nonexistent/ca.pem
expect "unreadable --ca-file" 2 "ca-file"
feed "" sesame account add clerk --label "Empty" --base-url "$FAKE_URL/clerk/v1"
expect "empty required secret" 2 "required"
run sesame account add clerk --label "Eof" --base-url "$FAKE_URL/clerk/v1"
expect "no secret on stdin" 2 "standard input ended"
run sesame account list --json
check "failed adds wrote no account" json 'd["accounts"] == []'

# ---- Clerk ---------------------------------------------------------------------

feed "sk_test_fake" sesame account add clerk --label "Clerk test" --base-url "$FAKE_URL/clerk/v1"
expect "add a Clerk account" 0 "^clerk-test$"
CK=$(cat "$T/out")
check "Clerk key in the keyring" has_secret "$CK" api_key
check "Clerk key value" test "$(lookup "$CK" api_key)" = sk_test_fake
feed "sk_test_fake" sesame account add clerk --label "Clerk test" --base-url "$FAKE_URL/clerk/v1"
expect "same label twice" 2 "exists already"
pty_add type
expect "secret typed on the terminal without echo" 0 "^ok$"
check "typed key in the keyring" test "$(lookup tty-type api_key)" = sk_test_fake
pty_add intr
expect "Ctrl-C at the prompt restores the terminal" 0 "^ok$"
run sesame account list --json
check "interrupted add wrote no account" json '"tty-intr" not in [a["id"] for a in d["accounts"]]'
run sesame account remove tty-type
expect "remove the terminal account" 0
run sesame account list
expect "account list" 0 "Clerk test"
run sesame account list --json
check "account list JSON" json 'd["accounts"][0]["id"] == "clerk-test" and d["accounts"][0]["provider"] == "clerk" and "api_key" not in d["accounts"][0]["fields"]'

run sesame sessions --json
expect "Clerk sessions JSON" 0
check "Clerk sessions listed" json 'len(d["sessions"]) > 5 and all(s["provider"] == "clerk" and s["account"] == "clerk-test" for s in d["sessions"])'
check "JSON has every documented field" json 'all(set(s) >= {"account","account_label","provider","id","user_id","user","client_id","status","created_at","last_active_at","expires_at","device","browser","ip","place","tracked"} for s in d["sessions"])'
check "Clerk users named" json 'any(s["user"] for s in d["sessions"])'
check "Clerk sessions are not tracked" json 'not any(s["tracked"] for s in d["sessions"])'
SID=$(jget '[s["id"] for s in d["sessions"] if s["status"] == "active"][0]')
SID2=$(jget '[s["id"] for s in d["sessions"] if s["status"] == "active"][1]')
run sesame sessions
expect "Clerk sessions table" 0 "ACCOUNT +PROVIDER +USER +SESSION +STATUS +CREATED +LAST ACTIVE +EXPIRES"
check "table shows a session" grep -q "$SID" "$T/out"
run sesame sessions --status active --json
expect "status filter" 0
check "only active sessions" json 'd["sessions"] and all(s["status"] == "active" for s in d["sessions"])'
run sesame sessions --status revoked --json
check "only revoked sessions" json 'all(s["status"] == "revoked" for s in d["sessions"])'
run sesame sessions --status pending --json
expect "a status Clerk cannot filter on" 0
check "filtered here instead" json 'all(s["status"] == "pending" for s in d["sessions"]) and d["errors"] == []'
run sesame sessions --status bogus
expect "unknown status" 2 "not one of"
run sesame sessions --window ''
expect "an empty window is not the default" 2 "needs a value"
run sesame sessions --window 4000d
expect "a window past ten years" 2 "at most 3650d"
run sesame sessions --account nobody
expect "unknown account" 2 "no account 'nobody'"
run sesame sessions --account "Clerk test" --json
expect "account by label" 0
check "account by label lists" json 'len(d["sessions"]) > 0'

run sesame refresh clerk-test
expect "Clerk refresh = list" 0 "$SID"
run sesame refresh clerk-test "$SID" --json
expect "Clerk refresh one = get" 0
check "Clerk get gives that session" json 'len(d["sessions"]) == 1 and d["sessions"][0]["id"] == "'"$SID"'"'
run sesame refresh clerk-test sess_doesnotexist
expect "Clerk get of an unknown session" 3 "^sesame: Clerk test: .*404"

run sesame token clerk-test "$SID" default-template
expect "Clerk token" 0 '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$'
run sesame token clerk-test "$SID" hasura --expires-in 120
expect "Clerk token with lifetime" 0 '^[A-Za-z0-9_-]+\.'
run sesame token clerk-test "$SID" no-such-template
expect "Clerk token, unknown template" 3 "template"
run sesame token clerk-test "$SID" default-template --expires-in soon
expect "--expires-in not a number" 2 "expires-in"
run sesame token clerk-test
expect "token without a session" 2 "usage:"

feed "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJ4In0.c2ln" sesame verify clerk-test "$SID"
expect "Clerk verify is gone (410)" 3 "deprecated by Clerk"
check "verify: no token in the message" sh -c "! grep -q eyJhbGci '$T/err'"
feed "" sesame verify clerk-test "$SID"
expect "verify with an empty token" 2 "empty"
run sesame verify clerk-test "$SID" eyJhbGciOiJSUzI1NiJ9.x.y
expect "verify refuses a token in argv" 2 "never the command line"

run sesame revoke clerk-test "$SID"
expect "Clerk revoke" 0 "revoked session $SID"
run sesame refresh clerk-test "$SID" --json
check "revoked session is revoked" json 'd["sessions"][0]["status"] == "revoked"'
run sesame revoke clerk-test sess_doesnotexist
expect "Clerk revoke of an unknown session" 3 "404"
run sesame revoke clerk-test
expect "revoke wants two arguments" 2 "usage:"
run sesame create clerk-test
expect "Clerk sessions are not created" 2 "listed"
run sesame open clerk-test "$SID2"
expect "Clerk sessions have no URL" 2 "no URL"
run sesame authorize clerk-test "$SID2" --permission token:read
expect "Clerk sessions are not authorized" 2 "not authorized"

# ---- Basis Theory ------------------------------------------------------------

feed "key_public_fake\nkey_private_fake" sesame account add basistheory --label "BT test" --base-url "$FAKE_URL/basistheory"
expect "add a Basis Theory account" 0 "^bt-test$"
check "BT public key in the keyring" test "$(lookup bt-test public_key)" = key_public_fake
check "BT private key in the keyring" test "$(lookup bt-test private_key)" = key_private_fake

run sesame create bt-test
expect "BT create" 0 "^[A-Za-z0-9_.-]+$"
BT1=$(cat "$T/out")
check "BT session key in the keyring" has_secret bt-test session_key "$BT1"
check "BT nonce in the keyring" has_secret bt-test nonce "$BT1"
check "BT session in the state file" in_state "$BT1"
run sesame sessions --account bt-test --json
check "BT session is pending and tracked" json 'd["sessions"][0]["id"] == "'"$BT1"'" and d["sessions"][0]["status"] == "pending" and d["sessions"][0]["tracked"] and d["sessions"][0]["expires_at"]'
run sesame authorize bt-test "$BT1"
expect "authorize without a grant" 2 "permission"
run sesame authorize bt-test "$BT1" --permission token:read --expires-at tomorrow
expect "authorize with a bad time" 2 "ISO 8601"
run sesame authorize bt-test "$BT1" --rules '"nope"'
expect "authorize with bad rules" 2 "rules"
run sesame authorize bt-test bt-nosuch --permission token:read
expect "authorize an untracked session" 2 "no tracked session"
run sesame authorize bt-test "$BT1" --permission token:read
expect "BT authorize" 0 "authorized session $BT1"
run sesame sessions --account bt-test --json
check "authorized BT session is active" json '[s["status"] for s in d["sessions"] if s["id"] == "'"$BT1"'"] == ["active"]'
run sesame authorize bt-test "$BT1" --permission token:read
expect "BT authorize twice is refused" 3 ""

EXP=$("$PY" -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
run sesame create bt-test --permission token:read --expires-at "$EXP" --json
expect "BT create and authorize" 0
check "created and authorized session is active" json 'd["sessions"][0]["status"] == "active" and d["sessions"][0]["expires_at"] == "'"$EXP"'"'
BT2=$(jget 'd["sessions"][0]["id"]')
printf '%s\n' '[{"description":"cards","priority":1,"container":"/pci/","transform":"mask","permissions":["token:read"]}]' >"$T/rules.json"
run sesame create bt-test --rules "@$T/rules.json"
expect "BT create with rules from a file" 0
BT3=$(cat "$T/out")
run sesame create bt-test --rules "@$T/nonexistent.json"
expect "rules file missing" 2 "cannot open"
run sesame create bt-test --permission ""
expect "empty permission" 2 "permission"
run sesame create bt-test --options '{"x":1'
expect "options not JSON" 2 "not valid JSON"
run sesame refresh bt-test
expect "BT refresh shows countdowns" 0 "$BT2"
run sesame token bt-test "$BT1" default-template
expect "BT has no tokens" 2 "no tokens"
run sesame revoke bt-test "$BT1"
expect "BT revoke forgets locally" 0 "no way to revoke"
check "BT session key removed" no_secret bt-test session_key "$BT1"
check "BT nonce removed" no_secret bt-test nonce "$BT1"
check "BT session gone from the state" sh -c "! grep -q '$BT1' '$SESAME_STATE_DIR/sessions.state'"
check "BT account keys kept" has_secret bt-test public_key
run sesame revoke bt-test "$BT1"
expect "BT revoke twice" 2 "no tracked session"

# ---- Plantly -----------------------------------------------------------------

feed "plantly-pass" sesame account add plantly --label "Plantly test" --base-url "$FAKE_URL/plantly"
expect "Plantly needs an e-mail" 2 "email_address"
feed "plantly-pass" sesame account add plantly --label "Plantly test" --base-url "$FAKE_URL/plantly" --set email_address=demo@plantly.test
expect "add a Plantly account" 0 "^plantly-test$"
check "Plantly password in the keyring" test "$(lookup plantly-test password)" = plantly-pass
run sesame create plantly-test
expect "Plantly log in" 0 "^plantly-[0-9a-f]+$"
PL=$(cat "$T/out")
check "Plantly access token in the keyring" has_secret plantly-test access_token "$PL"
check "Plantly refresh token in the keyring" has_secret plantly-test refresh_token "$PL"
check "Plantly session tracked" in_state "$PL"
ACCESS1=$(lookup plantly-test access_token "$PL")
REFRESH1=$(lookup plantly-test refresh_token "$PL")
run sesame refresh plantly-test "$PL" --json
expect "Plantly refresh one" 0
check "Plantly refreshed session active" json 'd["sessions"][0]["id"] == "'"$PL"'" and d["sessions"][0]["status"] == "active" and d["sessions"][0]["created_at"] and d["sessions"][0]["expires_at"]'
ACCESS2=$(lookup plantly-test access_token "$PL")
check "Plantly refresh stored a new access token" test -n "$ACCESS2" -a "$ACCESS1" != "$ACCESS2"
run sesame refresh plantly-test
expect "Plantly refresh every session" 0 "$PL"
run sesame refresh plantly-test plantly-nosuch
expect "Plantly refresh of an unknown session" 2 "no tracked session"
run sesame create plantly-test
expect "Plantly second login" 0
PL2=$(cat "$T/out")
run sesame revoke --forget clerk-test "$SID2"
expect "--forget of a listed session" 2 "nothing to forget"
run sesame create plantly-test
PL3=$(cat "$T/out")
secret-tool clear application sesame account plantly-test kind access_token session "$PL3"
run sesame revoke plantly-test "$PL3"
expect "Plantly log out without a token" 5 "keyring"
run sesame revoke plantly-test "$PL3" --forget
expect "--forget drops it here" 0 "forgot session $PL3"
check "--forget cleared the refresh token" no_secret plantly-test refresh_token "$PL3"
check "--forget untracked it" sh -c "! grep -q '$PL3' '$SESAME_STATE_DIR/sessions.state'"
run sesame revoke plantly-test "$PL"
expect "Plantly log out" 0 "ended"
check "Plantly access token removed" no_secret plantly-test access_token "$PL"
check "Plantly refresh token removed" no_secret plantly-test refresh_token "$PL"
check "Plantly session untracked" sh -c "! grep -q '$PL' '$SESAME_STATE_DIR/sessions.state'"
check "Plantly other session kept" has_secret plantly-test access_token "$PL2"
run sesame sessions --account plantly-test --json
check "Plantly lists the other session" json '[s["id"] for s in d["sessions"]] == ["'"$PL2"'"]'
feed "wrong-pass" sesame account add plantly --label "Plantly bad" --base-url "$FAKE_URL/plantly" --set email_address=demo@plantly.test
run sesame create plantly-bad
expect "Plantly wrong password" 3 "^sesame: Plantly bad: HTTP 401"
check "wrong password not shown" sh -c "! grep -q wrong-pass '$T/err'"

# ---- CBRAIN ------------------------------------------------------------------

feed "cbrain-pass" sesame account add cbrain --label "CBRAIN test" --base-url "$FAKE_URL/cbrain" --set login=demo
expect "add a CBRAIN account" 0 "^cbrain-test$"
run sesame create cbrain-test
expect "CBRAIN log in" 0 "^cbrain-[0-9a-f]+$"
CB=$(cat "$T/out")
check "CBRAIN token in the keyring" has_secret cbrain-test api_token "$CB"
run sesame refresh cbrain-test --json
expect "CBRAIN check" 0
check "CBRAIN session active" json 'd["sessions"][0]["id"] == "'"$CB"'" and d["sessions"][0]["status"] == "active" and d["sessions"][0]["user_id"]'
run sesame revoke cbrain-test "$CB"
expect "CBRAIN log out" 0 "ended"
check "CBRAIN token removed" no_secret cbrain-test api_token "$CB"
run sesame refresh cbrain-test "$CB"
expect "CBRAIN refresh after log out" 2 "no tracked session"
# a session that ended elsewhere shows as expired after a check
run sesame create cbrain-test
CB2=$(cat "$T/out")
TOKEN=$(lookup cbrain-test api_token "$CB2")
"$PY" - "$FAKE_URL/cbrain/session" "$TOKEN" <<'EOF'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], method="DELETE", headers={
    "Accept": "application/json", "Authorization": "Bearer " + sys.argv[2]})
urllib.request.urlopen(req, timeout=10).read()
EOF
run sesame refresh cbrain-test "$CB2" --json
expect "CBRAIN check of a session ended elsewhere" 0
check "CBRAIN session marked expired" json 'd["sessions"][0]["status"] == "expired"'
run sesame sessions --account cbrain-test --status expired --json
check "expired state kept" json '[s["id"] for s in d["sessions"]] == ["'"$CB2"'"]'
feed "nope" sesame account add cbrain --label "CBRAIN bad" --base-url "$FAKE_URL/cbrain" --set login=demo
run sesame create cbrain-bad
expect "CBRAIN wrong password" 3 "401"

# ---- Apideck Vault ---------------------------------------------------------------

feed "apideck-fake-key" sesame account add apideck --label "Vault test" --base-url "$FAKE_URL/apideck" --set app_id=fake-app
expect "Vault needs a consumer id" 2 "consumer_id"
feed "apideck-fake-key" sesame account add apideck --label "Vault test" --base-url "$FAKE_URL/apideck" --set app_id=fake-app --set consumer_id=test-consumer --set consumer_name=Ada
expect "add a Vault account" 0 "^vault-test$"
run sesame create vault-test
expect "Vault create" 0 "open it with: sesame open 'Vault test' vault-"
VA=$(head -n 1 "$T/out")
check "Vault create prints only the id on stdout" test "$(wc -l <"$T/out")" -eq 1
check "Vault URL in the keyring" has_secret vault-test session_uri "$VA"
check "Vault token in the keyring" has_secret vault-test session_token "$VA"
run sesame create vault-test --options '{"settings":{"session_length":"30m","unified_apis":["crm"]}}' --json
expect "Vault create with options" 0
VA2=$(jget 'd["sessions"][0]["id"]')
check "Vault session lives 30 minutes" json '1700 <= __import__("calendar").timegm(__import__("time").strptime(d["sessions"][0]["expires_at"], "%Y-%m-%dT%H:%M:%SZ")) - __import__("time").time() <= 1801'
check "Vault session has a URL" json 'd["sessions"][0]["has_url"] and d["sessions"][0]["user"]'
run sesame create vault-test --options '{"colour":"blue"}'
expect "Vault option not in the schema" 2 "colour"
run sesame create vault-test --options
expect "--options without a value" 2 "needs a value"
run sesame open vault-test "$VA" --print
expect "Vault open --print" 0 "^http://127\.0\.0\.1:[0-9]+/apideck/"
URL=$(cat "$T/out")
check "printed URL is the stored one" test "$URL" = "$(lookup vault-test session_uri "$VA")"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s/opened"\n' "$T" >"$T/browser"
chmod +x "$T/browser"
run env BROWSER="$T/browser --new-tab %s" "$BIN" open vault-test "$VA"
expect "Vault open with \$BROWSER" 0 "opened"
i=0; while [ ! -s "$T/opened" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
check "browser got --new-tab and the URL" test "$(cat "$T/opened" 2>/dev/null)" = "--new-tab
$URL"
run env BROWSER="/nonexistent/browser:$T/nonexistent2" "$BIN" open vault-test "$VA"
expect "no browser" 2 "would open $VA's Vault page, but .*nonexistent2.*--print writes the URL"
run env -u BROWSER -u DISPLAY -u WAYLAND_DISPLAY "$BIN" open vault-test "$VA"
expect "no desktop: what it would open, and how to set \$BROWSER" 2 \
    "would open $VA's Vault page, but no desktop \\(\\\$DISPLAY unset\\); set \\\$BROWSER, e.g. w3m"
check "no desktop: the URL is not said" sh -c "! grep -qF '$URL' '$T/err' '$T/out'"
run env -u BROWSER DISPLAY=:99 PATH=/nonexistent "$BIN" open vault-test "$VA"
expect "no xdg-open" 2 "xdg-open is missing; set \\\$BROWSER"
run sesame open vault-test vault-nosuch --print
expect "open an unknown session" 2 "no tracked session"
run sesame verify vault-test "$VA"
expect "Vault has no verify" 2 "no verify"
run sesame authorize vault-test "$VA" --permission token:read
expect "Vault sessions are not authorized" 2 "not authorized"
run sesame token vault-test "$VA"
expect "Vault has no tokens" 2 "no tokens"
run sesame revoke vault-test "$VA"
expect "Vault revoke forgets locally" 0 "no way to revoke.*stays valid"
check "Vault URL removed" no_secret vault-test session_uri "$VA"
check "Vault token removed" no_secret vault-test session_token "$VA"
run sesame refresh vault-test --json
expect "Vault refresh shows tracked" 0
check "Vault refresh lists the other session" json 'len(d["sessions"]) == 1 and d["sessions"][0]["has_url"]'

# ---- every account at once; one failing ----------------------------------------------

run sesame sessions --json
expect "all accounts" 0
check "every provider in one list" json 'set(s["provider"] for s in d["sessions"]) == {"clerk","basistheory","plantly","cbrain","apideck"}'
feed "sk_test_wrong" sesame account add clerk --label "Clerk bad" --base-url "$FAKE_URL/clerk/v1" --no-check
run sesame sessions --json
expect "one account refused: exit 3" 3 "^sesame: Clerk bad: "
check "the others still listed" json 'len(d["sessions"]) > 5 and d["errors"][0]["account"] == "clerk-bad" and d["errors"][0]["code"] == 3'
check "one error line" test "$(grep -c '^sesame: ' "$T/err")" -eq 1
run sesame sessions
expect "table despite a failure" 3 "Clerk test"
run sesame account remove clerk-bad
expect "remove the bad account" 0 "removed"
check "removed account's key gone" no_secret clerk-bad api_key

# ---- network failures --------------------------------------------------------------

feed "sk_test_fake" sesame account add clerk --label "Clerk down" --base-url "http://127.0.0.1:9/clerk/v1" --no-check
run sesame sessions --account clerk-down
expect "connection refused" 4 "^sesame: Clerk down: "
run sesame sessions --json
expect "one account down: exit 4" 4
check "down account in errors" json '[e["code"] for e in d["errors"]] == [4] and len(d["sessions"]) > 0'
run sesame account remove clerk-down
fake POST /_fake/fault '{"provider":"clerk","fault":"status","status":503}' >/dev/null
run sesame sessions --account clerk-test
expect "5xx after retries" 4 "503"
fake POST /_fake/faults/clear >/dev/null
fake POST /_fake/fault '{"provider":"plantly","fault":"status","status":500}' >/dev/null
run sesame create plantly-test
expect "Plantly 500 on log in" 4 "500"
fake POST /_fake/faults/clear >/dev/null
fake POST /_fake/fault '{"provider":"apideck","fault":"malformed"}' >/dev/null
run sesame create vault-test
[ "$rc" -eq 3 ] && rc=4 # a body cut short may be the network's fault or the provider's
expect "Vault malformed answer: exit 3 or 4" 4 "not JSON"
fake POST /_fake/faults/clear >/dev/null

# ---- keyring failures ----------------------------------------------------------------

run env DBUS_SESSION_BUS_ADDRESS="unix:path=$T/no-bus" "$BIN" sessions --account clerk-test
expect "no Secret Service" 5 "^sesame: Clerk test: "
feed "sk_test_fake" env DBUS_SESSION_BUS_ADDRESS="unix:path=$T/no-bus" "$BIN" account add clerk --label "No keyring" --base-url "$FAKE_URL/clerk/v1"
expect "account add without a keyring" 5 "keyring"
run sesame account list --json
check "no account without its secrets" json '"no-keyring" not in [a["id"] for a in d["accounts"]]'
feed "sk_test_fake" sesame account add clerk --label "Clerk nokey" --base-url "$FAKE_URL/clerk/v1"
secret-tool clear application sesame account clerk-nokey kind api_key session ""
run sesame sessions --account clerk-nokey
expect "key removed outside sesame" 5 "keyring"
run sesame account remove clerk-nokey
expect "remove an account without a key" 0

# ---- config failures -----------------------------------------------------------------

cp -r "$SESAME_CONFIG_DIR" "$T/config-bad"
printf '[broken\nlabel\n' >>"$T/config-bad/accounts.conf"
run env SESAME_CONFIG_DIR="$T/config-bad" "$BIN" account list
expect "malformed accounts.conf" 6 "accounts.conf:[0-9]+"
run env SESAME_CONFIG_DIR="$T/config-bad" "$BIN" sessions
expect "sessions with a malformed config" 6
cp -r "$SESAME_STATE_DIR" "$T/state-bad"
printf '[oops\n' >>"$T/state-bad/sessions.state"
run env SESAME_STATE_DIR="$T/state-bad" "$BIN" sessions --account plantly-test
expect "malformed state file" 6 "sessions.state"
run env SESAME_STATE_DIR="$T/state-bad" "$BIN" sessions --json
expect "malformed state, other accounts listed" 6
check "remote lists still there" json 'any(s["provider"] == "clerk" for s in d["sessions"])'

# ---- no secret in any file -----------------------------------------------------------

secrets="sk_test_fake key_public_fake key_private_fake plantly-pass cbrain-pass apideck-fake-key"
for kind_sid in "plantly-test access_token $PL2" "plantly-test refresh_token $PL2" \
                "cbrain-test api_token $CB2" "bt-test session_key $BT2" "bt-test nonce $BT2" \
                "bt-test session_key $BT3"; do
    # shellcheck disable=SC2086
    v=$(lookup $kind_sid)
    [ -n "$v" ] && secrets="$secrets $v"
done
v=$(lookup vault-test session_token "$VA2"); [ -n "$v" ] && secrets="$secrets $v"
v=$(lookup vault-test session_uri "$VA2"); [ -n "$v" ] && secrets="$secrets $v"
check "collected the live tokens" test "$(echo "$secrets" | wc -w)" -ge 14
leaks=""
for s in $secrets; do
    if grep -rqF -- "$s" "$SESAME_CONFIG_DIR" "$SESAME_STATE_DIR" "$T/config-bad" "$T/state-bad"; then
        leaks="$leaks ${s%"${s#????}"}..."
    fi
done
check "no secret in the config or state files${leaks:+:$leaks}" test -z "$leaks"
check "config and state files are 0600" sh -c "! find '$SESAME_CONFIG_DIR' '$SESAME_STATE_DIR' -type f ! -perm 600 | grep -q ."

# ---- account remove ----------------------------------------------------------------

run sesame account remove plantly-test
expect "remove an account" 0 "removed account plantly-test"
check "its password is gone" no_secret plantly-test password
check "its session tokens are gone" no_secret plantly-test access_token "$PL2"
check "its sessions are untracked" sh -c "! grep -q '$PL2' '$SESAME_STATE_DIR/sessions.state'"
run sesame account list --json
check "account gone from the list" json '"plantly-test" not in [a["id"] for a in d["accounts"]]'
run sesame account remove plantly-test
expect "remove it again" 2 "no account"
run sesame account remove
expect "remove without an account" 2 "usage:"
run sesame account frob
expect "unknown account command" 2 "unknown account command"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
