#!/bin/sh
# Run a command inside a private session bus with a throwaway, unlocked
# gnome-keyring and a temporary HOME, so tests never touch the user's own
# keyring, config or state. Usage: tests/with-keyring.sh CMD [ARGS...]
set -eu
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/sesame-test.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT INT TERM
    mkdir -p "$tmp/home" "$tmp/run" "$tmp/config" "$tmp/state" "$tmp/data"
    chmod 700 "$tmp/run"
    SESAME_IN_PRIVATE_KEYRING=1 HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" \
        XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data" \
        SESAME_TEST_TMP="$tmp" NO_PROXY="127.0.0.1,localhost,::1" no_proxy="127.0.0.1,localhost,::1" \
        dbus-run-session -- "$0" "$@" 2>"$tmp/bus.err" || :
    grep -v -e 'Failed to set fd limit' -e 'SystemPrompter' -e 'cannot open display' "$tmp/bus.err" >&2 || true
    # dbus-run-session does not pass the status on: the inner run leaves it in a file
    rc=$(cat "$tmp/rc" 2>/dev/null || echo 1)
    exit "$rc"
fi
# Inside the private bus: unlock a new login keyring with a throwaway
# password. --foreground keeps the daemon our child, so it can be stopped
# when the command ends: a daemonised one outlives the bus and piles up.
printf 'sesame-test' | gnome-keyring-daemon --unlock --components=secrets --foreground \
    >"$SESAME_TEST_TMP/keyring.out" 2>&1 &
keyring_pid=$!
trap 'kill "$keyring_pid" 2>/dev/null; wait "$keyring_pid" 2>/dev/null' EXIT INT TERM HUP
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
        echo "with-keyring: gnome-keyring-daemon did not come up:" >&2
        cat "$SESAME_TEST_TMP/keyring.out" >&2
        echo 1 > "$SESAME_TEST_TMP/rc"
        exit 1
    fi
    sleep 0.05
done
export GNOME_KEYRING_CONTROL="$XDG_RUNTIME_DIR/keyring"
set +e
"$@"
rc=$?
echo "$rc" > "$SESAME_TEST_TMP/rc"
exit "$rc"
