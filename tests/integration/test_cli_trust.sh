#!/bin/sh
# The headless commands tried as a new user and as an attacker would: an
# ACCOUNT that names two accounts, adds racing each other or killed half
# way, special files in place of the config, values and keys checked before
# they are stored, plain http to a host that only looks like loopback, a
# provider that echoes the key it was sent, hints quoted for the shell, a
# reader that closes the pipe (or a full disk), hints that paste back and --
# before ACCOUNT, labels and values as a person means them, keys of the
# wrong kind. Real binary, the fake providers and small
# loopback servers of its own, a private keyring (tests/with-keyring.sh).
#
#   SESAME_BIN=./sesame sh tests/integration/test_cli_trust.sh
#
# Ends with "N passed, N failed"; exit status 0 only when nothing failed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    exec sh "$here/with-keyring.sh" sh "$here/integration/test_cli_trust.sh" "$@"
fi

. "$here/integration/cli_helpers.sh"

store() { # store ACCOUNT KIND VALUE: a keyring item made as sesame makes them
    printf '%s' "$3" | secret-tool store --label "test: $1 $2" application sesame account "$1" \
        kind "$2" session ""
}
# the accounts that have keyring items, one a line, sorted
item_accounts() {
    secret-tool search --all application sesame 2>&1 |
        sed -n 's/^attribute\.account = //p' | sort -u
}
conf_ids() { sed -n 's/^\[account \(.*\)\]$/\1/p' "$SESAME_CONFIG_DIR/accounts.conf" 2>/dev/null | sort -u; }
fresh() { # fresh: no accounts, no keyring items, no state
    for a in $(item_accounts); do secret-tool clear application sesame account "$a"; done
    rm -rf "$SESAME_CONFIG_DIR" "$SESAME_STATE_DIR"
    mkdir -p "$SESAME_CONFIG_DIR" "$SESAME_STATE_DIR"
}
# serve NAME PYTHON-HANDLER-BODY: a loopback HTTP server in the background
# whose do_any(self) is the given code; its URL in $URL, its log (one line
# per request: method path and every header) in $T/NAME.log
serve() {
    rm -f "$T/$1.port" "$T/$1.log"
    "$PY" - "$T/$1.port" "$T/$1.log" "$2" >"$T/$1.out" 2>&1 <<'EOF' &
import http.server, json, sys, urllib.parse
port_file, log_file, body = sys.argv[1:4]
class H(http.server.BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    def log_message(self, *a):
        pass
    def answer(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        with open(log_file, "a") as f:
            f.write("%s %s %s %s\n" % (self.command, self.path,
                                       json.dumps(dict(self.headers)), self.body))
        exec(body)
    do_GET = do_POST = do_PUT = do_DELETE = do_any
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(port_file + ".tmp", "w").write(str(s.server_address[1]))
__import__("os").rename(port_file + ".tmp", port_file)
s.serve_forever()
EOF
    serve_pids="${serve_pids:-} $!"
    i=0
    while [ ! -s "$T/$1.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL="http://127.0.0.1:$(cat "$T/$1.port")"
}
trap 'for p in ${serve_pids:-}; do kill "$p" 2>/dev/null; done; cleanup' EXIT

fake POST /_fake/reset >/dev/null || { echo "the fake at $FAKE_URL does not answer"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$SESAME_CONFIG_DIR" "$SESAME_STATE_DIR"

# ---- 1. an ACCOUNT that names two accounts is refused -------------------------

cat >"$SESAME_CONFIG_DIR/accounts.conf" <<EOF
[account plantly]
provider=plantly
label=Plantly
base_url=$FAKE_URL/plantly
field.email_address=demo@plantly.test

[account plantly-2]
provider=plantly
label=plantly
base_url=$FAKE_URL/plantly
field.email_address=demo@plantly.test

[account bt]
provider=basistheory
label=Basis Theory
base_url=$FAKE_URL/basistheory
EOF
store plantly password plantly-pass
store plantly-2 password plantly-pass
store bt public_key key_public_fake
run sesame account remove plantly
expect "remove: an id and another's label" 2 "'plantly' names 2 accounts: id:plantly \(label Plantly\) or plantly-2 \(label plantly\)"
check "nothing removed" test "$(conf_ids | tr '\n' ' ')" = "bt plantly plantly-2 "
check "no secret removed" has_secret plantly password
run sesame account remove PLANTLY
expect "two labels that differ in case only" 2 "names 2 accounts"
for cmd in "sessions --account plantly" "refresh plantly" "create plantly" "revoke plantly x" \
           "account edit plantly --label Other"; do
    # shellcheck disable=SC2086
    run sesame $cmd
    expect "$cmd: refused" 2 "names 2 accounts"
done
run sesame create "basis THEORY" --json
expect "a label in any case" 0
run sesame account edit id:plantly --set email_address=main@plantly.test
expect "id: names one by its id" 0 "saved account plantly \(Plantly\)"
run sesame account edit plantly-2 --label "Plantly two"
expect "an id that is no label names its account" 0 "saved account plantly-2 \('Plantly two'\)"
run sesame account remove plantly
expect "no longer ambiguous" 0 "removed account plantly \(Plantly\)"
check "the other one stays" test "$(conf_ids | tr '\n' ' ')" = "bt plantly-2 "
check "its secret stays" has_secret plantly-2 password
feed "pw" sesame account add plantly --label "PLANTLY TWO" --set email_address=a@b.test
expect "add: a label that differs in case only" 2 "an account labelled 'Plantly two' exists already \(id plantly-2\)"
feed "pw" sesame account add plantly --label Bt --set email_address=a@b.test
expect "add: a label that is another's id" 2 "Bt is the id of another account"
run sesame account edit bt --label PLANTLY-2
expect "edit: a label that is another's id" 2 "PLANTLY-2 is the id of another account"
printf '\n[account other]\nprovider=plantly\nlabel=fresh\n' >>"$SESAME_CONFIG_DIR/accounts.conf"
feed "pw" sesame account add plantly --label "Fresh!" --set email_address=a@b.test --base-url "$FAKE_URL/plantly"
expect "a new id is never another's label" 0 "^fresh-2$"

# ---- 2. no account is lost to a concurrent add ---------------------------------

fresh
"$PY" - "$BIN" >"$T/race.out" 2>&1 <<'EOF'
import os, subprocess, sys
binary = sys.argv[1]
def add(label, pw):
    return subprocess.Popen([binary, "account", "add", "plantly", "--label", label,
                             "--set", "email_address=a@b.test"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
bad = []
won = {}
for r in range(12):
    # the same id from two labels, then the same label twice, at the same moment
    for labels in (("Dup %d" % r, "dup %d" % r), ("Same %d" % r, "Same %d" % r)):
        procs = [(add(l, "pw-%d-%d-%s" % (r, k, l[0])), "pw-%d-%d-%s" % (r, k, l[0]))
                 for k, l in enumerate(labels)]
        for p, pw in procs:
            p.stdin.write((pw + "\n").encode())
            p.stdin.flush()
        results = []
        for p, pw in procs:
            out, err = p.communicate(timeout=60)
            results.append((p.returncode, out.decode().strip(), err.decode(), pw))
        ok = [x for x in results if x[0] == 0]
        if len(ok) != 1:
            bad.append("%r: %d adds succeeded: %r" % (labels, len(ok), results))
        for x in results:
            if x[0] not in (0, 2) or (x[0] == 2 and "exists already" not in x[2]):
                bad.append("%r: %r" % (labels, x))
        for rc, acct, _, pw in ok:
            won[acct] = pw
for acct, pw in sorted(won.items()):
    got = subprocess.run(["secret-tool", "lookup", "application", "sesame", "account", acct,
                          "kind", "password", "session", ""], capture_output=True).stdout.decode()
    if got != pw:
        bad.append("%s holds %r, not the %r its add stored" % (acct, got, pw))
listed = subprocess.run([binary, "account", "list", "--json"], capture_output=True).stdout
ids = sorted(a["id"] for a in __import__("json").loads(listed)["accounts"])
if ids != sorted(won):
    bad.append("accounts %r, adds that succeeded %r" % (ids, sorted(won)))
print("\n".join(bad) if bad else "ok %d" % len(won))
EOF
check "concurrent adds: one add per label wins, none is lost ($(head -c 300 "$T/race.out"))" grep -q "^ok 24$" "$T/race.out"

# removes at the same time: each says the account is gone (it removed it, or
# another did), or that there is no such account; never a raw keyring error
fresh
for i in 1 2 3 4 5 6; do
    printf 'k1\nk2\n' | sesame account add basistheory --label "bt$i" --base-url "$FAKE_URL/basistheory" \
        --no-check >/dev/null 2>&1
done
rm_pids=""
for i in 1 2 3 4 5 6; do
    for k in 1 2 3; do
        sesame account remove "bt$i" >"$T/rm.$i.$k" 2>&1 &
        rm_pids="$rm_pids $!"
    done
done
for p in $rm_pids; do wait "$p"; done
cat "$T"/rm.* >"$T/rm.all"
check "parallel removes: one removed each ($(grep -c '^removed account' "$T/rm.all"))" \
    test "$(grep -c '^removed account' "$T/rm.all")" -eq 6
check "parallel removes: the others say it was done ($(grep -v -e '^removed account' \
    -e 'was already removed' -e '^sesame: no account' "$T/rm.all" | head -c 300))" \
    sh -c "! grep -v -e '^removed account' -e 'was already removed' -e '^sesame: no account' '$T/rm.all'"
check "parallel removes: no account, no keyring item left" test -z "$(conf_ids)$(item_accounts)"

# ---- 3. nothing is left behind by a kill ----------------------------------------

fresh
"$PY" - "$BIN" "$FAKE_URL" >"$T/kill.out" 2>&1 <<'EOF'
import os, random, signal, subprocess, sys, time
binary, url = sys.argv[1:3]
random.seed(os.getpid())
def took(args, secrets):
    t0 = time.monotonic()
    subprocess.run([binary, "account", "add"] + args, input=secrets.encode(),
                   capture_output=True)
    return time.monotonic() - t0
# how long an add takes here (sanitizers, a busy machine): kill within that
span = max(took(["plantly", "--label", "Timing", "--set", "email_address=a@b.test"],
                "pw\n"),
           took(["clerk", "--label", "Timing 2", "--base-url", url + "/clerk/v1"],
                "sk_test_fake\n"))
kills = 0
for i in range(150):
    if i % 3 == 0:  # with the credentials check: a read of the fake on the way
        args = ["clerk", "--base-url", url + "/clerk/v1"]
        secrets = "sk_test_fake\n"
    elif i % 3 == 1:
        args = ["basistheory", "--base-url", url + "/basistheory"]
        secrets = "key_public_fake\nkey_private_fake\n"
    else:
        args = ["plantly", "--base-url", url + "/plantly", "--set", "email_address=a@b.test"]
        secrets = "plantly-pass\n"
    p = subprocess.Popen([binary, "account", "add", args[0], "--label", "Kill %d" % i] + args[1:],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    p.stdin.write(secrets.encode())
    p.stdin.flush()
    time.sleep(random.uniform(0, span))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        kills += 1
    p.wait()
print("killed %d (an add takes %.0f ms)" % (kills, span * 1000))
EOF
check "many adds were killed half way ($(cat "$T/kill.out"))" \
    test "$(sed -n 's/^killed \([0-9]*\).*/\1/p' "$T/kill.out")" -ge 50
item_accounts >"$T/items"
conf_ids >"$T/ids"
check "no keyring item of an account that is not configured: $(comm -23 "$T/items" "$T/ids" | head -3 | tr '\n' ' ')" \
    test -z "$(comm -23 "$T/items" "$T/ids")"
# an account whose add was cut before its secrets: the next use says what to do
cut=$(comm -13 "$T/items" "$T/ids" | head -n 1)
if [ -n "$cut" ]; then
    if grep -A2 "^\[account $cut\]" "$SESAME_CONFIG_DIR/accounts.conf" | grep -q provider=clerk; then
        run sesame sessions --account "id:$cut"
    else
        run sesame create "id:$cut"
    fi
    expect "an add cut short is reported" 5 "no [a-z_]+ in the keyring for account .*: enter it with: sesame account edit id:$cut --secret"
fi
# items of no account (an older sesame, a hand edit): listed, then removed
store ghost api_key sk_ghost_1
store ghost-2 password pw
run sesame account prune --dry-run
expect "prune --dry-run lists" 0 "^would remove ghost api_key$"
check "prune --dry-run lists every one" grep -q "^would remove ghost-2 password$" "$T/out"
check "prune --dry-run removes nothing" has_secret ghost api_key
run sesame account prune
expect "prune removes" 0 "^removed ghost api_key$"
check "ghost items gone" test -z "$(item_accounts | grep ghost)"
check "configured accounts keep theirs" test "$(item_accounts)" = "$(item_accounts | grep -v ghost)"
item_accounts >"$T/items"
check "prune leaves exactly the items of configured accounts" test -z "$(comm -23 "$T/items" "$T/ids")"
run sesame account prune
expect "prune with nothing to do" 0 "no keyring items without an account"
store ghost-3 api_key x
first=$(head -n 1 "$T/ids")
run sesame account remove "id:$first"
expect "remove prunes too" 0 "removed a keyring item of no account or tracked session: ghost-3 api_key"

# ---- 4. a FIFO, directory or device in place of a file -------------------------------

fresh
mkdir -p "$T/special"
mkfifo "$T/special/fifo"
ln -s /dev/null "$T/special/dev"
ln -s "$T/special/fifo" "$T/special/fifo-link"
mkdir "$T/special/dir"
for what in fifo dev fifo-link dir; do
    f="$SESAME_CONFIG_DIR/accounts.conf"
    rm -rf "$f"
    case $what in
        fifo) mkfifo "$f" ;;
        dir) mkdir "$f" ;;
        *) ln -s "$T/special/$what" "$f" ;;
    esac
    run timeout 10 "$BIN" account list
    expect "accounts.conf is a $what: refused at once" 6 "accounts.conf: not a regular file"
done
rm -rf "$SESAME_CONFIG_DIR/accounts.conf"
printf '[account pl]\nprovider=plantly\nlabel=pl\nfield.email_address=a@b.test\n' >"$SESAME_CONFIG_DIR/accounts.conf"
mkfifo "$SESAME_STATE_DIR/sessions.state"
run timeout 10 "$BIN" sessions --account pl
expect "sessions.state is a FIFO: refused at once" 6 "sessions.state: not a regular file"
rm -f "$SESAME_STATE_DIR/sessions.state"
# a CA file that is not a regular file: refused when given, and before any
# transfer (never opened in a way that waits for a writer)
for what in fifo dir; do
    for no_check in "" --no-check; do
        feed "apideck-fake-key" timeout 10 "$BIN" --timeout 5 account add apideck --label Vault \
            --base-url "$FAKE_URL/apideck" --set app_id=fake-app --set consumer_id=c1 \
            --ca-file "$T/special/$what" $no_check
        expect "account add --ca-file (a $what) $no_check: refused at once" 2 \
            "--ca-file $T/special/$what: not a regular file \(a"
    done
done
feed "apideck-fake-key" "$BIN" account add apideck --label Vault --base-url "$FAKE_URL/apideck" \
    --set app_id=fake-app --set consumer_id=c1 --no-check
run timeout 10 "$BIN" account edit vault --ca-file "$T/special/fifo"
expect "account edit --ca-file (a FIFO): refused at once" 2 "not a regular file \(a FIFO\)"
sed -i "s|^\[account vault\]$|[account vault]\nca_file=$T/special/fifo|" "$SESAME_CONFIG_DIR/accounts.conf"
run timeout 10 "$BIN" --timeout 5 create vault
expect "create with a FIFO as the account's CA file: refused at once" 4 \
    "the account's CA file cannot be read \($T/special/fifo: not a regular file \(a FIFO\)\)"

# ---- 5. values and keys checked when stored ----------------------------------------

fresh
V="--base-url $FAKE_URL/apideck --set app_id=fake-app --set consumer_id=c1"
for bad in "session_length=banana|is not a duration" "session_length=2w|longer than the maximum" \
           "redirect_uri=ftp://x.example/|is not an http:// or https:// URL" \
           "consumer_email=nope|is not an e-mail address"; do
    # shellcheck disable=SC2086
    feed "apideck-fake-key" sesame account add apideck --label Vault $V --set "${bad%%|*}"
    expect "add --set ${bad%%|*}: refused" 2 "${bad#*|}"
done
check "nothing saved by the refused adds" test -z "$(conf_ids)$(item_accounts)"
feed "pw" sesame account add plantly --label P --set email_address=demo-at-plantly
expect "Plantly e-mail that is not one" 2 "email_address: \"demo-at-plantly\" is not an e-mail address"
fake POST /_fake/requests/clear >/dev/null
feed "sk_test_wrong" sesame account add clerk --label "Clerk wrong" --base-url "$FAKE_URL/clerk/v1"
expect "a wrong Clerk key: exit 3" 3 "Clerk wrong: the Secret key \(sk_...\) \(api_key\) was refused: HTTP 401 from Clerk: .*nothing was saved"
"$PY" - "$FAKE_URL" >"$T/reqs" <<'EOF'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/_fake/requests?provider=clerk"))
print(" ".join("%s %s?%s" % (r["method"], r["subpath"], r["query"]) for r in d["requests"]))
EOF
check "the check was one GET /users?limit=1 ($(cat "$T/reqs"))" grep -qx "GET /users?limit=1" "$T/reqs"
check "wrong key: no account, no keyring item" test -z "$(conf_ids)$(item_accounts)"
feed "sk_test_fake" sesame account add clerk --label "Clerk down" --base-url "http://127.0.0.1:9/v1"
expect "unreachable: exit 4 with the way out" 4 "could not check the Secret key.*--no-check"
check "unreachable: nothing saved" test -z "$(conf_ids)$(item_accounts)"
feed "sk_test_fake" sesame account add clerk --label "Clerk down" --base-url "http://127.0.0.1:9/v1" --no-check
expect "--no-check saves untried" 0 "^clerk-down$"
# a user name or password in the base URL: refused at add and edit, never
# echoed, never stored; one put there by hand is refused before anything is sent
UI_URL="http://admin:hunter2@${FAKE_URL#http://}/clerk/v1"
feed "sk_test_fake" sesame account add clerk --label "Clerk ui" --base-url "$UI_URL"
expect "add: a base URL with user:password@ refused" 2 "user name or password"
check "add: the password not echoed" sh -c "! grep -q hunter2 '$T/out' '$T/err'"
check "add: nothing saved" sh -c "! grep -qs hunter2 '$SESAME_CONFIG_DIR/accounts.conf'"
run sesame account edit clerk-down --base-url "$UI_URL"
expect "edit: a base URL with user:password@ refused" 2 "user name or password"
check "edit: nothing saved" sh -c "! grep -qs hunter2 '$SESAME_CONFIG_DIR/accounts.conf'"
cp "$SESAME_CONFIG_DIR/accounts.conf" "$T/conf.bak"
sed -i "s|^base_url=http://127.0.0.1:9/v1|base_url=$UI_URL|" "$SESAME_CONFIG_DIR/accounts.conf"
fake POST /_fake/requests/clear >/dev/null
run sesame sessions --account clerk-down
expect "use: refused" 2 "user name or password"
fake GET '/_fake/requests?provider=clerk' >"$T/reqs"
check "use: nothing sent" sh -c "! grep -q users '$T/reqs'"
cp "$T/conf.bak" "$SESAME_CONFIG_DIR/accounts.conf"
feed "key_public_fake\nkey_private_wrong" sesame account add basistheory --label BT --base-url "$FAKE_URL/basistheory"
expect "Basis Theory: each key is tried" 3 "Private application key \(private_key\) was refused: HTTP 401"
# each key must be of the kind it is given as (GET /applications/key says "type")
feed "key_private_fake\nkey_public_fake" sesame account add basistheory --label BT --base-url "$FAKE_URL/basistheory"
expect "Basis Theory: keys swapped" 3 "Public application key \(public_key\) was refused: Basis Theory says it is the key of a private application"
feed "key_public_fake\nkey_public_fake" sesame account add basistheory --label BT --base-url "$FAKE_URL/basistheory"
expect "Basis Theory: the public key twice" 3 "Private application key \(private_key\) was refused: Basis Theory says it is the key of a public application"
feed "key_private_fake\n" sesame account add basistheory --label BT --base-url "$FAKE_URL/basistheory"
expect "Basis Theory: the private key as the public one" 3 "not of a public one"
check "wrong kinds: nothing saved" test -z "$({ conf_ids; item_accounts; } | grep -x bt)"
feed "key_public_fake\nkey_private_fake" sesame account add basistheory --label BT --base-url "$FAKE_URL/basistheory"
expect "Basis Theory: both keys good" 0 "^bt$"
# shellcheck disable=SC2086
feed "apideck-wrong" sesame account add apideck --label Vault $V
expect "Apideck: a wrong key" 3 "API key \(api_key\) was refused: HTTP 401"
# shellcheck disable=SC2086
feed "apideck-fake-key" sesame account add apideck --label Vault $V --set session_length=1h
expect "Apideck: good" 0 "^vault$"
run sesame account edit vault --set session_length=banana
expect "edit --set: the same validators" 2 "session_length: \"banana\" is not a duration"
run sesame account edit vault --set redirect_uri=https://app.example/back --set consumer_name= --base-url ""
expect "edit: values changed" 0 "saved account vault"
check "edit: the new value is stored" grep -q "field.redirect_uri=https://app.example/back" "$SESAME_CONFIG_DIR/accounts.conf"
check "edit: --base-url '' is the provider's own" sh -c "! sed -n '/\[account vault\]/,/^\[/p' '$SESAME_CONFIG_DIR/accounts.conf' | grep -q base_url"
run sesame account edit vault --set app_id=
expect "edit: a required field cannot be cleared" 2 "app_id"
feed "apideck-new-key" sesame account edit vault --secret api_key
expect "edit --secret: read from stdin" 0 "saved account vault"
check "edit --secret: stored" test "$(lookup vault api_key)" = apideck-new-key
run sesame account edit vault --secret password
expect "edit --secret of a kind it has not" 2 "has no secret 'password'"
run sesame account edit vault --set api_key=x
expect "edit: secrets never from argv" 2 "never taken from the command line"

# ---- 6. plain http only to this machine ---------------------------------------------

fresh
# anything that does reach this "proxy" would have left the machine: it logs it
serve catcher 'self.answer(502, {"error": "caught"})'
CATCH=$URL
for host in "127.0.0.1.nip.io" "127.attacker.example" "localhost.attacker.example"; do
    cat >"$SESAME_CONFIG_DIR/accounts.conf" <<EOF
[account edited]
provider=clerk
label=Edited
base_url=http://$host:8080/v1
allow_http=false
EOF
    store edited api_key sk_test_fake
    run env http_proxy="$CATCH" HTTP_PROXY="$CATCH" "$BIN" sessions --account edited
    expect "hand-edited http://$host: refused" 2 "plain http:// to $host is refused"
    check "nothing sent toward $host" test ! -s "$T/catcher.log"
done
feed "sk_test_fake" sesame account add clerk --label X --base-url "http://127.0.0.1.nip.io:1/v1"
expect "add --base-url http://127.0.0.1.nip.io" 2 "plain http:// to 127.0.0.1.nip.io is refused"
# a proxy from the environment never carries a loopback request (the key in
# plain text) off the machine: a listener on another address of this host
# (127.0.0.2 when it has none) stands for the proxy, and hears nothing
"$PY" - "$T/proxy.addr" "$T/proxy.log" >/dev/null 2>&1 <<'EOF' &
import http.server, os, socket, sys
addr_file, log = sys.argv[1:3]
def other_address():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))  # no packet is sent: only a route is chosen
        a = s.getsockname()[0]
        return a if not a.startswith("127.") else "127.0.0.2"
    except OSError:
        return "127.0.0.2"
    finally:
        s.close()
class H(http.server.BaseHTTPRequestHandler):
    def do_any(self):
        with open(log, "a") as f:
            f.write("%s %s\n" % (self.requestline, self.headers.get("Authorization")))
        self.send_response(502)
        self.end_headers()
    do_GET = do_POST = do_PUT = do_DELETE = do_CONNECT = do_any
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer((other_address(), 0), H)
open(addr_file + ".tmp", "w").write("%s:%d" % srv.server_address)
os.rename(addr_file + ".tmp", addr_file)
srv.serve_forever()
EOF
serve_pids="${serve_pids:-} $!"
i=0
while [ ! -s "$T/proxy.addr" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PROXY="http://$(cat "$T/proxy.addr")"
n=0
for how in "http_proxy 127.0.0.1" "all_proxy localhost" "ALL_PROXY 127.0.0.1"; do
    var=${how% *} host=${how#* } n=$((n + 1))
    feed "sk_test_fake" env -u no_proxy -u NO_PROXY "$var=$PROXY" "$BIN" account add clerk \
        --label "Proxied $n" --base-url "http://$host:${FAKE_URL##*:}/clerk/v1"
    expect "$var=$PROXY, base URL on $host: the key check goes straight to it" 0
done
check "the proxy on $PROXY heard nothing: $(head -c 200 "$T/proxy.log" 2>/dev/null)" \
    test ! -s "$T/proxy.log"

# ---- 7. a provider that echoes the key: masked ------------------------------------------

leaks() { # leaks SECRET FILE...: the forms of SECRET found in the files (none: empty)
    "$PY" - "$@" <<'EOF'
import json, sys, urllib.parse
secret, files = sys.argv[1], sys.argv[2:]
forms = {secret, urllib.parse.quote(secret, safe=""), json.dumps(secret)[1:-1],
         json.dumps(secret)[1:-1].replace("/", "\\/")}
text = "".join(open(f, errors="replace").read() for f in files)
print(" ".join(sorted(repr(f) for f in forms if f in text)))
EOF
}

fresh
# Clerk-shaped errors that quote the Authorization header back, as it came,
# URL-encoded and JSON-escaped, and a verify body, as it came
serve echo '
import urllib.parse
auth = self.headers.get("Authorization", "")
key = auth[len("Bearer "):]
msg = "The key %s is invalid; as sent: %s; in a query: key=%s" % (
    auth, json.dumps(key)[1:-1].replace("/", "\\/"), urllib.parse.quote(key, safe=""))
if self.path.endswith("/verify"):
    msg = "cannot verify: " + self.body
self.answer(401, {"errors": [{"code": "clerk_key_invalid", "message": "invalid",
                              "long_message": msg}]})'
KEY='sk_test_echo/Key+"that"=leaks_1234'
printf '%s\n' "$KEY" | "$BIN" account add clerk --label Echo --base-url "$URL/v1" >"$T/out" 2>"$T/err"
rc=$?
expect "the check's refusal" 3 "was refused: HTTP 401 from Clerk: clerk_key_invalid: The key Bearer \[secret api_key\] is invalid"
check "the key is not in the refusal: $(leaks "$KEY" "$T/err")" test -z "$(leaks "$KEY" "$T/err")"
printf '%s\n' "$KEY" | "$BIN" account add clerk --label Echo --base-url "$URL/v1" --no-check >/dev/null 2>&1
for cmd in "sessions --account echo" "sessions --json" "refresh echo sess_1"; do
    # shellcheck disable=SC2086
    run sesame $cmd
    check "$cmd: the key is masked" grep -q "\[secret api_key\]" "$T/out" "$T/err"
    check "$cmd: no form of the key shows: $(leaks "$KEY" "$T/out" "$T/err")" \
        test -z "$(leaks "$KEY" "$T/out" "$T/err")"
done
feed "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl" sesame verify echo sess_1
expect "verify: the token is masked" 3 "\[secret token\]"
check "verify: the token does not show" test -z "$(leaks eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl "$T/err")"

# what a provider may make of the key it was sent: split by a CR (which the
# message shows as a space), a zero-width space or a soft hyphen, in another
# case, percent-encoded in any form, as HTML entities; and the key (or the
# token being verified) put in the answer's session id
printf '%s\n' sk_test_fake | "$BIN" account add clerk --label Disguise --base-url "$FAKE_URL/clerk/v1" >/dev/null
sid=$("$BIN" sessions --account disguise --status active --json | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["sessions"][0]["id"])')
fake POST /_fake/fault '{"provider": "clerk", "route": "POST /sessions/*/revoke", "fault": "answer", "count": 1, "status": 401, "body": {"errors": [{"message": "m", "code": "c", "long_message": "key sk_test\r_fake sk_te\u200bst_fake sk_test\u00ad_fake SK_TEST_FAKE sk%5Ftest%5ffake %73k_test_fake sk&#95;test&lowbar;fake."}]}}' >/dev/null
run sesame revoke disguise "$sid"
expect "revoke: every disguise of the key is masked" 3 \
    "c: key \[secret api_key\] \[secret api_key\] \[secret api_key\] \[secret api_key\] \[secret api_key\] \[secret api_key\] \[secret api_key\]\.$"
fake POST /_fake/fault '{"provider": "clerk", "route": "POST /sessions/*/revoke", "fault": "answer", "count": 1, "status": 200, "body": {"object": "session", "id": "sk_test_fake", "status": "revoked", "user_id": "u", "client_id": "c", "last_active_at": 1, "expire_at": 1, "abandon_at": 1, "updated_at": 1, "created_at": 1}}' >/dev/null
run sesame revoke disguise "$sid"
expect "revoke answered with the key as its session: masked" 3 "with session \[secret api_key\]: unexpected answer"
JWT=eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl
fake POST /_fake/fault '{"provider": "clerk", "route": "POST /sessions/*/verify", "fault": "answer", "count": 1, "status": 200, "body": {"object": "session", "id": "'"$JWT"'", "status": "active", "user_id": "u", "client_id": "c", "last_active_at": 1, "expire_at": 1, "abandon_at": 1, "updated_at": 1, "created_at": 1}}' >/dev/null
feed "$JWT" sesame verify disguise "$sid"
expect "verify answered with the token as its session: masked" 3 "with session \[secret token\]: unexpected answer"
check "verify: the token is nowhere in the output" sh -c "! grep -qi 'eyJhbGciOiJIUzI1NiJ9' '$T/out' '$T/err'"
# a part of a secret: the end of a key, a piece between two previews, the
# key in base64 (the tester's round 2), and a JWT's signature alone; not in
# the output and not in the journal
K=apk_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ
printf '%s\n' "$K" | "$BIN" account add apideck --label Frag --base-url "$FAKE_URL/apideck" \
    --set app_id=fake-app --set consumer_id=c1 --no-check >/dev/null
K64=$(printf '%s' "$K" | base64 -w0)
for m in "key $(echo "$K" | cut -c21-)" "key $(echo "$K" | cut -c1-25)...$(echo "$K" | cut -c41-)" "key $K64"; do
    fake POST /_fake/fault '{"provider": "apideck", "route": "POST /vault/sessions", "fault": "answer", "status": 401, "count": 1, "body": {"status_code": 401, "error": "Unauthorized", "type_name": "UnauthorizedError", "message": "'"$m"'"}}' >/dev/null
    run sesame create frag
    check "create, message '${m%"${m#????????????}"}...': masked" grep -q "key \[secret api_key\]" "$T/err"
    check "create, message '${m%"${m#????????????}"}...': no part of the key shows" \
        sh -c "! grep -qE 'mnopqrstu|vwxyzABC|${K64%"${K64#????????????}"}' '$T/out' '$T/err'"
done
run sesame log
check "the journal holds no part of the key" sh -c "! grep -qE 'mnopqrstu|vwxyzABC|${K64%"${K64#????????????}"}' '$T/out'"
fake POST /_fake/fault '{"provider": "clerk", "route": "POST /sessions/*/verify", "fault": "answer", "count": 1, "status": 400, "body": {"errors": [{"message": "m", "code": "c", "long_message": "sig c2lnbmF0dXJl"}]}}' >/dev/null
feed "$JWT" sesame verify disguise "$sid"
expect "verify: a JWT's signature alone is masked" 3 "sig \[secret token\]"
# a token answer that is no JWT (the key, as the tester's round 2 had it),
# or a JWT-shaped one that holds the key: refused, never printed
fake POST /_fake/fault '{"provider": "clerk", "route": "POST /sessions/*/tokens", "fault": "answer", "count": 1, "status": 200, "body": {"object": "token", "jwt": "sk_test_fake"}}' >/dev/null
run sesame token disguise "$sid"
expect "token: a jwt that is the key is an unexpected answer" 3 "unexpected answer: the token answer's jwt is not a JWT"
check "token: the key is not printed" sh -c "! grep -qi 'sk_test_fake' '$T/out' '$T/err'"
fake POST /_fake/fault '{"provider": "clerk", "route": "POST /sessions/*/tokens", "fault": "answer", "count": 1, "status": 200, "body": {"object": "token", "jwt": "eyJhbGciOiJIUzI1NiJ9.sk_test_fake.c2lnbmF0dXJl"}}' >/dev/null
run sesame token disguise "$sid"
expect "token: a JWT that holds the key is an unexpected answer" 3 "the token holds a secret of the account"
check "token: that JWT is not printed" sh -c "! grep -qi 'sk_test_fake' '$T/out' '$T/err'"
run sesame token disguise "$sid"
expect "token: a real token is printed" 0 "^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$"

# ---- 8. hints quote account names for the shell -----------------------------------------

fresh
printf '%s\n' 'plantly-pass' | "$BIN" account add plantly --label "Bob's garden" --base-url "$FAKE_URL/plantly" \
    --set email_address=demo@plantly.test >/dev/null
run sesame refresh "Bob's garden" plantly-nosuch
expect "a hint names the account quoted" 2 "see: sesame sessions --account 'Bob'\\\\''s garden'\)"
printf '%s\n' 'apideck-fake-key' | "$BIN" account add apideck --label "Vault two" --base-url "$FAKE_URL/apideck" \
    --set app_id=fake-app --set consumer_id=c2 >/dev/null
run sesame create "vault TWO"
expect "open hint quoted, as the label is" 0 "open it with: sesame open 'Vault two' vault-"
secret-tool clear application sesame account bob-s-garden kind password session ""
run sesame create "Bob's garden"
expect "missing secret: the command that mends it" 5 "for account 'Bob'\\\\''s garden': enter it with: sesame account edit id:bob-s-garden --secret password"

# ---- 10. a reader that closes the pipe ---------------------------------------------------

vsid=$(sesame create vault-two 2>/dev/null)
feed "sk_test_fake" sesame account add clerk --label C10 --base-url "$FAKE_URL/clerk/v1"
csid=$("$BIN" sessions --account c10 --status active --json | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["sessions"][0]["id"])')
for cmd in "sessions" "sessions --json" "account list" "account list --json" "account prune --dry-run" \
           "--help" "--version" "help sessions" "sessions --help" "open vault-two $vsid --print" \
           "token c10 $csid"; do
    # shellcheck disable=SC2086
    "$PY" - "$BIN" $cmd >"$T/out" 2>"$T/err" <<'EOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # the reader is gone before sesame writes a byte (| head -0)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
print(p.returncode)
sys.stderr.write(p.stderr.decode())
EOF
    check "$cmd | (closed): exit 0 ($(cat "$T/out"))" test "$(cat "$T/out")" = 0
    check "$cmd | (closed): nothing said" test ! -s "$T/err"
done
# any other failure to write is an error: said, exit 1
for cmd in "--help" "--version" "sessions" "open vault-two $vsid --print" "token c10 $csid"; do
    # shellcheck disable=SC2086
    "$BIN" $cmd >/dev/full 2>"$T/err" </dev/null
    rc=$?
    : >"$T/out"
    expect "$cmd >/dev/full" 1 "^sesame: cannot write (the [A-Za-z]+ )?to standard output"
done

# ---- 11. hints paste back; -- before ACCOUNT ------------------------------------------------

fresh
V="--base-url $FAKE_URL/apideck --set app_id=fake-app --set consumer_id=c1"
# shellcheck disable=SC2086
feed "apideck-fake-key" sesame account add apideck --label "-rf" $V
expect "a label that starts with -" 0 "^rf$"
run sesame create -- -rf
expect "create -- -rf: the hint names it by its id" 0 "open it with: sesame open rf vault-"
sid=$(head -n 1 "$T/out")
run sesame open -rf "$sid"
expect "open -rf: the option is named, not the command" 2 "unknown option -r$"
run sesame refresh --bogus rf
expect "an unknown long option is named" 2 "unknown option --bogus$"
run sesame open --print -- -rf "$sid"
expect "open -- -rf: taken as ACCOUNT" 0 "^http"
run sesame refresh -- -rf
expect "refresh -- -rf" 0 "$sid"
run sesame token -- -rf "$sid"
expect "token -- -rf: resolved" 2 "Apideck Vault"
feed "eyJ.x.y" sesame verify -- -rf "$sid"
expect "verify -- -rf: resolved" 2 "Apideck Vault"
run sesame authorize --permission token:read -- -rf "$sid"
expect "authorize -- -rf: resolved" 2 "Apideck Vault sessions are not authorized"
run sesame account edit --set consumer_name=Acme -- -rf
expect "account edit -- -rf" 0 "saved account rf"
run sesame revoke -- -rf "$sid"
expect "revoke -- -rf" 0 "forgot session $sid"
run sesame account remove -- -rf
expect "account remove -- -rf" 0 "removed account rf"
# hand-edited labels: a tab, a bidi override, an id that is another's label
cat >"$SESAME_CONFIG_DIR/accounts.conf" <<EOF
[account tab]
provider=apideck
label=tab	here
field.app_id=fake-app
field.consumer_id=c1

[account bidi]
provider=apideck
label=$(printf '\342\200\256')gnp
field.app_id=fake-app
field.consumer_id=c1

[account nl]
provider=apideck
label=Dutch
field.app_id=fake-app
field.consumer_id=c1

[account nl-2]
provider=apideck
label=nl
field.app_id=fake-app
field.consumer_id=c1
EOF
run sesame revoke "$(printf 'tab\there')" nosuch
expect "a tab in the label: the hint names the id" 2 "see: sesame sessions --account tab\)"
run sesame revoke "$(printf '\342\200\256')gnp" nosuch
expect "a bidi override in the label: the hint names the id" 2 "see: sesame sessions --account bidi\)"
run sesame revoke nl-2 nosuch
expect "a label that is another's id: the hint names the id" 2 "see: sesame sessions --account nl-2\)"
run sesame create Dutch
expect "missing secret: id:ID, which is never another's" 5 "enter it with: sesame account edit id:nl --secret api_key"

# ---- 12. labels and values as a person means them ---------------------------------------

fresh
P="--base-url $FAKE_URL/plantly --set email_address=demo@plantly.test"
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label x $P
expect "label x" 0 "^x$"
for bad in "id:x" "ID:X" " Id:plantly"; do
    # shellcheck disable=SC2086
    feed "pw" sesame account add plantly --label "$bad" $P
    expect "label '$bad': refused" 2 "a label must not start with"
done
run sesame account edit x --label "iD:y"
expect "edit --label 'iD:y': refused" 2 "a label must not start with \"iD:\""
run sesame account edit ID:x --set email_address=main@plantly.test
expect "ID:x names x by its id" 0 "saved account x \(x\)"
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "   " $P
expect "a label of spaces: refused" 2 "nothing but spaces"
# a pasted megabyte is refused where it is stored, and never echoed whole
big=$(head -c 100000 /dev/zero | tr '\0' x)
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "$big" $P
expect "a label of 100000 characters: refused" 2 "at most 100 characters"
check "... and not echoed" test "$(wc -c <"$T/err")" -lt 2000
run sesame account edit x --set "email_address=$big"
expect "a field of 100000 bytes: refused" 2 "longer than 1024 bytes"
check "... cut in the message" test "$(wc -c <"$T/err")" -lt 2000
for args in "sessions --account $big" "sessions --status $big" "account edit x --set x$big=1"; do
    # shellcheck disable=SC2086
    run sesame $args
    expect "${args%%xxx*}...: refused" 2
    check "${args%%x*}...: cut in the message" test "$(wc -c <"$T/err")" -lt 2000
done
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "$(printf 'tab\there')" $P
expect "a label with a tab: refused" 2 "shows as typed"
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "  Caf$(printf '\303\251') lab  " $P
expect "a label is trimmed" 0 "^cafe-lab$"
check "stored trimmed and NFC" grep -qx "label=Caf$(printf '\303\251') lab" "$SESAME_CONFIG_DIR/accounts.conf"
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "CAFE$(printf '\314\201') LAB" $P
expect "the same label decomposed (NFD): refused" 2 "exists already \(id cafe-lab\)"
run sesame account edit "cafe$(printf '\314\201') lab" --set email_address=b@plantly.test
expect "an NFD name finds the NFC label" 0 "saved account cafe-lab"
V="--base-url $FAKE_URL/apideck --set app_id=fake-app --set consumer_id=c1"
# shellcheck disable=SC2086
feed "apideck-fake-key" sesame account add apideck --label Vault $V --set "consumer_name=$(printf 'Acme\nCorp')"
expect "consumer_name with a line end: refused" 2 "consumer_name: .* holds control characters"
# shellcheck disable=SC2086
feed "apideck-fake-key" sesame account add apideck --label Vault $V --set "session_length= 1h"
expect "session_length=' 1h': taken as 1h" 0 "^vault$"
check "stored trimmed" grep -qx "field.session_length=1h" "$SESAME_CONFIG_DIR/accounts.conf"

# field values and labels that show as something they are not (the tester's
# round 2): a bidi override or a zero-width space in a value, labels that
# read as another's (Unicode spaces, fullwidth letters), "id:" in fullwidth
feed "cbrain-pass" sesame account add cbrain --label cb2 --base-url "$FAKE_URL/cbrain" \
    --set "login=$(printf 'de\342\200\256mo')"
expect "a login with a bidi override: refused" 2 "login: .* holds characters that do not show"
# shellcheck disable=SC2086
feed "apideck-fake-key" sesame account add apideck --label Vault2 --base-url "$FAKE_URL/apideck" \
    --set "app_id=$(printf 'fake\342\200\213-app')" --set consumer_id=c1 --no-check
expect "an app_id with a zero-width space: refused, --no-check or not" 2 "app_id: .* holds characters that do not show"
run sesame account edit vault --set "consumer_id=$(printf 'c\342\200\2561')"
expect "edit: a consumer_id with a bidi override: refused" 2 "consumer_id: .* holds characters that do not show"
check "nothing of it stored" sh -c "! grep -q \"$(printf '\342\200\256')\" '$SESAME_CONFIG_DIR/accounts.conf'"
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "a b" $P
expect "label 'a b'" 0 "^a-b$"
for l in "$(printf 'a\302\240b')" "$(printf 'a\342\200\203b')" "$(printf 'a\343\200\200b')" \
    "$(printf '\357\275\201 \357\275\202')"; do
    # shellcheck disable=SC2086
    feed "pw" sesame account add plantly --label "$l" $P
    expect "a label that reads as 'a b': refused" 2 "exists already \(id a-b\)"
done
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "$(printf 'zw\342\200\213sp')" $P
expect "a label with a zero-width space: refused" 2 "shows as typed"
# shellcheck disable=SC2086
feed "pw" sesame account add plantly --label "$(printf '\357\275\211\357\275\204:y')" $P
expect "a label 'id:' in fullwidth: refused" 2 "must not start with"
run sesame account edit "$(printf 'a\302\240b')" --set email_address=c@plantly.test
expect "a name with a no-break space finds 'a b'" 0 "saved account a-b"

# a Plantly refresh whose expires_in is a fraction is no lifetime; null is
# "not known": the old token's expiry is not shown as the new one's
# shellcheck disable=SC2086
feed "plantly-pass" sesame account add plantly --label Life $P
fake POST /_fake/config '{"plantly_expires_in": 600}' >/dev/null
run sesame create life
lp=$(cat "$T/out")
fake POST /_fake/config '{"plantly_expires_in": 3600}' >/dev/null
for v in null 3.5; do
    fake POST /_fake/fault '{"provider": "plantly", "route": "PUT /auth/sessions", "fault": "answer", "count": 1, "status": 200, "body": {"type": "session", "token_type": "bearer", "access_token": "eyJhbGciOiJFUzUxMiJ9.eyJ0eXAiOiJhY2Nlc3MifQ.c2ln", "refresh_token": "eyJhbGciOiJFUzUxMiJ9.eyJ0eXAiOiJyZWZyZXNoIn0.c2ln", "expires_in": '"$v"'}}' >/dev/null
    run sesame refresh life "$lp"
    if [ "$v" = null ]; then
        expect "refresh, expires_in null: taken" 0
        run sesame sessions --account life --json
        check "expires_in null: no expiry made up" sh -c "grep -q '\"expires_at\": *null' '$T/out' || ! grep -q expires_at '$T/out'"
    else
        expect "refresh, expires_in 3.5: an unexpected answer" 3 "expires_in is not a lifetime"
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
