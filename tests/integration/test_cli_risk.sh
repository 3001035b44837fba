#!/bin/sh
# Issue 14 in the headless commands, against the fake providers inside a
# private keyring: the journal every change writes (and `sesame log`), the
# flags `sesame sessions --json` gives, read_only and production accounts.
#
#   SESAME_BIN=./sesame sh tests/integration/test_cli_risk.sh
#
# Prints one line per failure and ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    exec sh "$here/with-keyring.sh" sh "$here/integration/test_cli_risk.sh" "$@"
fi

. "$here/integration/cli_helpers.sh"
J="$SESAME_STATE_DIR/journal.jsonl"

# jline PYTHON-EXPRESSION: true when some journal line e makes it truthy
jline() {
    "$PY" - "$1" "$J" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
sys.exit(0 if any(eval(sys.argv[1]) for e in lines) else 1)
EOF
}

# ---- the journal -------------------------------------------------------------

feed "sk_test_fake" sesame account add clerk --label "Clerk test" --base-url "$FAKE_URL/clerk/v1"
expect "add a Clerk account" 0
check "account-add journalled" jline 'e["action"] == "account-add" and e["account"] == "clerk-test" and e["origin"] == "command" and e["result"] == "ok"'
run sesame sessions --account clerk-test --status active --json
SID=$(jget 'd["sessions"][0]["id"]')
SID2=$(jget 'd["sessions"][1]["id"]')
run sesame revoke clerk-test "$SID"
expect "revoke" 0 "revoked"
check "revoke journalled with its status and request id" jline 'e["action"] == "revoke" and e["session"] == "'"$SID"'" and e["result"] == "ok" and e["status"] == "revoked" and len(e["request_id"]) == 20'
run sesame revoke clerk-test "$SID"
expect "revoke again" 3 "session_not_active"
check "a refusal journalled with Clerk's trace id" jline 'e["action"] == "revoke" and e["result"] == "failed" and "session_not_active" in e["error"] and len(e["request_id"]) == 32'
run sesame token clerk-test "$SID2" supabase
expect "a token" 0
TOKEN=$(cat "$T/out")
check "the token journalled" jline 'e["action"] == "token" and e["detail"] == "supabase" and e["result"] == "ok"'
check "the token never written" sh -c "! grep -qF '$TOKEN' '$J'"
feed "plantly-pass" sesame account add plantly --label "Plantly test" --base-url "$FAKE_URL/plantly" --set email_address=demo@plantly.test
run sesame create plantly-test
PL=$(cat "$T/out")
run sesame refresh plantly-test "$PL"
run sesame revoke plantly-test "$PL"
check "login, refresh and log out journalled" jline 'e["action"] == "logout" and e["session"] == "'"$PL"'" and e["user"] == "demo@plantly.test"'
check "login journalled" jline 'e["action"] == "login" and e["session"] == "'"$PL"'"'
check "refresh journalled" jline 'e["action"] == "refresh" and e["session"] == "'"$PL"'" and e["result"] == "ok"'
printf '%s\n%s\n' key_public_fake key_private_fake | sesame account add basistheory --label "BT test" --base-url "$FAKE_URL/basistheory" >/dev/null 2>&1
run sesame create bt-test
BT=$(cat "$T/out")
run sesame revoke bt-test "$BT"
check "a forget journalled" jline 'e["action"] == "forget" and e["session"] == "'"$BT"'" and e["result"] == "ok"'
run sesame create bt-test --permission token:read
BT2=$(cat "$T/out")
check "a create and its authorize journalled" jline 'e["action"] == "authorize" and e["session"] == "'"$BT2"'" and e["result"] == "ok" and e["origin"] == "command"'
check "the create before it" jline 'e["action"] == "create" and e["session"] == "'"$BT2"'" and e["provider"] == "basistheory"'
run sesame account edit plantly-test --set expiring=5m --label "Plantly two"
check "an edit journalled with what changed" jline 'e["action"] == "account-edit" and e["detail"] == "label, expiring"'
check "no secret in the journal" sh -c "! grep -qE 'sk_test_fake|plantly-pass|key_private_fake|key_public_fake' '$J'"
check "the journal is 0600" test "$(stat -c %a "$J")" = 600

run sesame log
expect "sesame log" 0 "command +Clerk test +revoke $SID"
check "oldest first" sh -c "head -n 1 '$T/out' | grep -q account-add"
run sesame log --account "plantly two" --json
expect "log --account --json" 0
check "only that account" json 'd["entries"] and all(e["account"] == "plantly-test" for e in d["entries"]) and d["skipped"] == []'
check "every field, null when unknown" json 'all(set(e) == {"time","origin","account","account_label","provider","session","user","action","result","status","error","request_id","detail"} for e in d["entries"])'
run sesame log --since 1h --json
check "--since keeps the last hour" json 'len(d["entries"]) >= 10'
run sesame log --since banana
expect "--since needs a duration" 2 "not a duration"
run sesame log --account nobody
expect "unknown account" 2 "nobody"
run sesame account remove bt-test
run sesame log --account bt-test
expect "an account removed is still in the journal" 0 "account-remove"
# a crash mid-write left a torn line: skipped with a note, the rest read
printf '{"time":"2026-12-07T10:00:00.000Z","acti' >>"$J"
run sesame log --json
expect "a torn line" 0
check "the torn line noted" json 'len(d["skipped"]) == 1 and "cut short" in d["skipped"][0]'
run sesame revoke clerk-test "$SID2"
run sesame log --account clerk-test
check "the next line starts on its own line" grep -q "revoke $SID2" "$T/out"
# a journal that cannot be written: the change is made, and said
mv "$J" "$J.keep"
mkdir "$J"
run sesame create plantly-test
expect "a change without its journal" 0 "warning: cannot write the journal"
rmdir "$J"
mv "$J.keep" "$J"

# ---- flags --------------------------------------------------------------------

UIDX=$(sesame sessions --account clerk-test --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["sessions"][0]["user_id"])')
fake POST /_fake/clerk/sign_in '{"user_ids":["'"$UIDX"'"],"country":"NZ","device_type":"Nintendo","actor":{"sub":"user_x"}}' >/dev/null
run sesame sessions --account clerk-test --json
check "flags in --json" json 'any(s["flags"] == ["impersonated", "new-place", "new-device"] for s in d["sessions"]) and all(isinstance(s["flags"], list) for s in d["sessions"])'
check "places remembered" test -s "$SESAME_STATE_DIR/seen/clerk-test.json"
run sesame sessions --account clerk-test
check "the table's FLAGS column" sh -c "head -n 1 '$T/out' | grep -q FLAGS && grep -q 'impersonated new-place new-device' '$T/out'"
run sesame sessions --account clerk-test --filter flag:impersonated --json
check "flag: filters" json 'd["sessions"] and all("impersonated" in s["flags"] for s in d["sessions"])'
run sesame sessions --account clerk-test --filter '!flag:new-place' --json
check "!flag: filters out" json 'all("new-place" not in s["flags"] for s in d["sessions"])'
check "no secret in the memory" sh -c "! grep -q sk_test_fake '$SESAME_STATE_DIR/seen/clerk-test.json'"
run sesame account edit clerk-test --set many_live=lots
expect "many_live is checked" 2 "many_live"
run sesame account edit clerk-test --set stale_after=1s
run sesame sessions --account clerk-test --json
check "stale_after applies" json 'any("stale" in s["flags"] for s in d["sessions"]) and all("stale" not in s["flags"] for s in d["sessions"] if s["status"] != "active")'
run sesame account remove clerk-test
check "the memory goes with its account" test ! -e "$SESAME_STATE_DIR/seen/clerk-test.json"

# ---- read-only and production accounts ------------------------------------------

feed "sk_test_fake" sesame account add clerk --label "Clerk ro" --base-url "$FAKE_URL/clerk/v1" --set read_only=yes
run sesame sessions --account clerk-ro --status active --json
RO=$(jget 'd["sessions"][0]["id"]')
run sesame revoke clerk-ro "$RO"
expect "read-only: revoke refused" 2 "Clerk ro is read-only \(read_only = yes\).*--set read_only=no"
run sesame sessions --account clerk-ro --json
check "still active" json '[s["status"] for s in d["sessions"] if s["id"] == "'"$RO"'"] == ["active"]'
run sesame account edit plantly-test --set read_only=yes
run sesame create plantly-test
expect "read-only: create refused" 2 "read-only"
run sesame refresh plantly-test
expect "read-only: renewing refused" 2 "read-only"
run sesame account edit plantly-test --set read_only=no
run sesame account edit clerk-ro --set read_only=no --set production=yes --label "Clerk prod"
run sesame revoke clerk-ro "$RO"
expect "production: the label is asked" 2 "production account.*--confirm 'Clerk prod'"
run sesame revoke clerk-ro "$RO" --confirm "clerk prod"
expect "production: only the label as it is" 2 "is not Clerk prod"
run sesame revoke clerk-ro "$RO" --confirm "Clerk prod"
expect "production: revoked with the label" 0 "revoked"
run sesame account edit clerk-ro --set production=maybe
expect "production is yes or no" 2 "production"

# removing an account forgets its tracked sessions: read_only refuses it,
# production asks for the label, the journal says how many went
run sesame create plantly-test
PL2=$(cat "$T/out")
run sesame account edit plantly-test --set read_only=yes
run sesame account remove plantly-test
expect "read-only: remove refused, with the way out" 2 "Plantly two is read-only \(read_only = yes\).*--set read_only=no"
check "read-only: its login still tracked" sh -c "\"$BIN\" sessions --account plantly-test --json | grep -qF '$PL2'"
check "read-only: its token still in the keyring" sh -c "[ -n \"\$(secret-tool lookup application sesame account plantly-test kind access_token session '$PL2')\" ]"
run sesame account edit plantly-test --set read_only=no --set production=yes
run sesame account remove plantly-test
expect "production: remove asks for the label" 2 "production account.*--confirm 'Plantly two'"
run sesame account remove plantly-test --confirm "plantly test"
expect "production: remove only with the label as it is" 2 "is not Plantly two"
check "production: still there" sh -c "\"$BIN\" account list | grep -q plantly-test"
run sesame sessions --account plantly-test --json
N=$(jget 'len(d["sessions"])')
run sesame account remove plantly-test --confirm "Plantly two"
expect "production: removed with the label, the forgotten logins said" 0 "\($N tracked sessions forgotten here: not ended"
# (grep: a hand-damaged line above is no JSON)
check "the journal says how many tracked sessions were forgotten" grep -q '"account":"plantly-test".*"action":"account-remove","result":"ok","detail":"'"$N"' tracked sessions forgotten"' "$J"

# an old journal file that cannot be read is skipped with a note; the rest is read
[ -e "$J.1" ] && mv "$J.1" "$T/journal.1.kept"
truncate -s 17M "$J.1"
run sesame log
expect "an oversized rotated journal is skipped" 0 "journal.jsonl.1: too large .*skipped"
check "... and the current one is read" grep -q "account-remove" "$T/out"
run sesame log --json
check "... in --json too, in skipped" json 'any("journal.jsonl.1: too large" in n for n in d["skipped"]) and d["entries"]'
rm -f "$J.1"
[ -e "$T/journal.1.kept" ] && mv "$T/journal.1.kept" "$J.1"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
