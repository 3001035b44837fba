#!/bin/sh
# make demo: the real dashboard against local fake providers (tests/fake),
# inside a session bus and an unlocked gnome-keyring of its own, with a
# temporary HOME and XDG directories. Demo accounts for all five providers:
# "Clerk production" with 300 sessions of 60 named users, "Clerk staging"
# with a wrong API key (an account in an error state), Basis Theory
# sessions (one authorized, one pending), a Plantly and a CBRAIN login and an
# Apideck Vault session whose URL is in the keyring, ready to open (o / O).
#
# Leaving the dashboard (q, Ctrl-C, closing the terminal, SIGTERM) stops
# everything this started (the fake, gnome-keyring-daemon, dbus-daemon) and
# removes its temporary directory. Nothing is written outside it: the user's
# own keyring, D-Bus session and config are never touched. Ctrl-C is a
# normal way out: the exit status is 0 (make demo says no "Error 130").
#
# Usage: tools/demo.sh [DASHBOARD OPTIONS]      e.g. tools/demo.sh --theme light
#        tools/demo.sh --exec COMMAND [ARGS...]   COMMAND instead of the dashboard, in the
#                                                  same world (tools/screenshots.sh uses it)
# Environment: SESAME_DEMO_BIN (default ./sesame), TMPDIR. COMMAND also gets
# SESAME_DEMO_BIN, SESAME_DEMO_TMP and SESAME_DEMO_URL (the fake's base URL).
# shellcheck disable=SC2317 # cleanup and the helpers run from traps and eval
set -eu
mode=dashboard
if [ "${1:-}" = --exec ]; then
    mode="exec"
    shift
    [ "$#" -gt 0 ] || { echo "usage: tools/demo.sh --exec COMMAND [ARGS...]" >&2; exit 2; }
fi
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SESAME_DEMO_BIN:-$top/sesame}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac

for c in dbus-daemon dbus-send gnome-keyring-daemon /usr/bin/python3 "$bin"; do
    if ! command -v "$c" >/dev/null 2>&1; then
        echo "demo: $c is missing (run 'make deps' and 'make')" >&2
        exit 1
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sesame-demo.XXXXXX")
bus_pid="" keyring_pid="" fake_pid="" app_pid=""

# Stop what we started, newest first, and remove the temporary directory.
# Runs once, on every way out; never fails (the terminal may be gone).
cleanup() {
    set +e
    trap '' HUP INT TERM
    if [ -n "$app_pid" ]; then # the dashboard first: it gives the terminal back
        kill -TERM "$app_pid" 2>/dev/null
        wait "$app_pid" 2>/dev/null
    fi
    for p in $fake_pid $keyring_pid $bus_pid; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in $fake_pid $keyring_pid $bus_pid; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ "$i" -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 0' INT # Ctrl-C: how one leaves a demo, not an error
trap 'exit 143' TERM

fail() {
    echo "demo: $1" >&2
    for f in "$tmp"/*.log; do
        [ -s "$f" ] && sed 's/^/  /' "$f" >&2
    done
    exit 1
}

# wait_for SECONDS COMMAND...: until the command succeeds
wait_for() {
    n=$(($1 * 10))
    shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.1
    done
}

# The browser that o opens a Vault session in is the user's own: unless
# BROWSER is set, sesame is given a small launcher that puts the user's
# environment back (HOME, XDG dirs, session bus) and runs xdg-open, so the
# page opens in the browser already running rather than in a new one with a
# throwaway profile. Without a desktop (or xdg-open) there is nothing to
# launch: sesame itself then says what it would open and how to set BROWSER.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
if [ -z "${BROWSER:-}" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] &&
    command -v xdg-open >/dev/null 2>&1; then
    {
        echo '#!/bin/sh'
        echo '# made by tools/demo.sh: open a URL with the environment of the user who ran the demo'
        for v in HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR \
            DBUS_SESSION_BUS_ADDRESS NO_PROXY no_proxy; do
            if eval "[ -n \"\${$v+set}\" ]"; then
                eval "echo \"export $v=\$(quote \"\$$v\")\""
            else
                echo "unset $v"
            fi
        done
        echo 'unset SESAME_DEMO_TMP SESAME_DEMO_BIN SESAME_DEMO_URL SESAME_THEME_DIR'
        # shellcheck disable=SC2016 # $1 is the launcher's own argument
        echo 'exec xdg-open "$1"'
    } >"$tmp/open-url"
    chmod 755 "$tmp/open-url"
    export BROWSER="$tmp/open-url %s"
fi

# A world of its own: nothing below reads or writes the user's files.
mkdir -p "$tmp/home" "$tmp/run" "$tmp/config" "$tmp/state" "$tmp/data" "$tmp/cache"
chmod 700 "$tmp/run"
export SESAME_DEMO_TMP="$tmp" HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" \
    XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data" \
    XDG_CACHE_HOME="$tmp/cache" SESAME_THEME_DIR="$top/themes" \
    NO_PROXY="127.0.0.1,localhost,::1" no_proxy="127.0.0.1,localhost,::1"
unset SESAME_CONFIG_DIR SESAME_STATE_DIR GNOME_KEYRING_CONTROL DBUS_SESSION_BUS_ADDRESS

# A session bus, then a new login keyring unlocked with a throwaway password.
dbus-daemon --session --nofork --nopidfile --address="unix:path=$tmp/run/bus" \
    --print-address=3 3>"$tmp/bus.address" 2>"$tmp/bus.log" </dev/null &
bus_pid=$!
wait_for 10 test -s "$tmp/bus.address" || fail "the session bus did not start"
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$tmp/bus.address")
export DBUS_SESSION_BUS_ADDRESS

has_keyring() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true'
}
printf 'sesame-demo' | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$tmp/keyring.log" 2>&1 &
keyring_pid=$!
wait_for 10 has_keyring || fail "gnome-keyring-daemon did not start"

# The fake providers: 60 Clerk users with 5 sessions each, always the same.
/usr/bin/python3 "$top/tests/fake/fake.py" --port 0 --port-file "$tmp/port" \
    --clerk-users 60 --clerk-sessions-per-user 5 --seed 42 >"$tmp/fake.log" 2>&1 </dev/null &
fake_pid=$!
wait_for 10 test -s "$tmp/port" || fail "the fake providers did not start"
url="http://127.0.0.1:$(head -n 1 "$tmp/port")"

add() { # add PROVIDER LABEL SECRETS [ARGS...]: secrets arrive on stdin, never in argv
    p=$1 l=$2 s=$3
    shift 3
    printf '%b' "$s" | "$bin" account add "$p" --label "$l" "$@" >/dev/null 2>>"$tmp/cli.log" ||
        fail "could not add the account '$l'"
}
run() {
    "$bin" "$@" >/dev/null 2>>"$tmp/cli.log" || fail "sesame $* failed"
}
echo "demo: fake providers on $url, a throwaway keyring and HOME in $tmp"
echo "demo: adding demo accounts for Clerk, Basis Theory, Plantly, CBRAIN, Apideck Vault..."
# the table shows account by account in this order: the few sessions made
# here first, then Clerk's hundreds
add basistheory "Basis Theory" 'key_public_fake\nkey_private_fake\n' --base-url "$url/basistheory"
add plantly "Plantly" 'plantly-pass\n' --base-url "$url/plantly" \
    --set email_address=demo@plantly.test
add cbrain "CBRAIN lab" 'cbrain-pass\n' --base-url "$url/cbrain" --set login=demo
add apideck "Apideck Vault" 'apideck-fake-key\n' --base-url "$url/apideck" \
    --set app_id=fake-app --set consumer_id=acme-corp --set consumer_name="Acme Corp"
add clerk "Clerk production" 'sk_test_fake\n' --base-url "$url/clerk/v1"
add clerk "Clerk staging" 'sk_test_revoked_key\n' --base-url "$url/clerk/v1" --no-check

# Sessions of the providers that have no list: log in, create, authorize.
run create "Plantly"
run create "CBRAIN lab"
run create "Basis Theory" --permission token:read --permission token:create
run create "Basis Theory"
run create "Apideck Vault" --options '{"consumer_metadata":{"account_name":"Acme Corp","user_name":"Ada Lovelace","email":"ada@acme.test"},"settings":{"unified_apis":["crm","accounting"],"session_length":"30m"},"theme":{"vault_name":"Acme integrations","primary_color":"#286efa"}}'

export SESAME_DEMO_BIN="$bin" SESAME_DEMO_URL="$url"
if [ "$mode" = dashboard ]; then
    echo "demo: starting the dashboard. Tab switches panes, ? shows every key, q quits"
    echo "      (and stops the fake and the keyring). The Apideck Vault session opens with o."
    set -- "$bin" "$@"
fi
# In the background (with the terminal as its stdin) so that a signal sent to
# this script alone is handled at once: cleanup stops sesame first.
set +e
exec 3<&0
"$@" <&3 3<&- &
app_pid=$!
wait "$app_pid"
rc=$?
app_pid=""
exit "$rc"
