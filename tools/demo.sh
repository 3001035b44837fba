#!/bin/sh
# make demo: the dashboard against local fake providers, inside a throwaway
# session bus and keyring with a temporary HOME. Leaving the dashboard stops
# everything this started and removes every file it made; the user's own
# keyring and config are never touched.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SESAME_IN_PRIVATE_KEYRING:-}" ]; then
    exec "$top/tests/with-keyring.sh" "$0" "$@"
fi
bin="$top/sesame"
tmp="$SESAME_TEST_TMP"

/usr/bin/python3 "$top/tests/fake/fake.py" --port 0 --port-file "$tmp/port" \
    --clerk-users 60 --clerk-sessions-per-user 5 --seed 42 >"$tmp/fake.log" 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "demo: the fake providers did not start:" >&2; cat "$tmp/fake.log" >&2; exit 1; fi
    sleep 0.1
done
url="http://127.0.0.1:$(cat "$tmp/port")"

add() { # add PROVIDER LABEL SECRETS [ARGS...]: secrets arrive on stdin, never in argv
    p=$1 l=$2 s=$3
    shift 3
    printf '%b' "$s" | "$bin" account add "$p" --label "$l" "$@" >/dev/null
}
echo "demo: fake providers on $url; adding demo accounts..."
add clerk "Clerk production" 'sk_test_fake\n' --base-url "$url/clerk/v1"
add clerk "Clerk staging" 'sk_test_revoked_key\n' --base-url "$url/clerk/v1"
add basistheory "Basis Theory" 'key_public_fake\nkey_private_fake\n' --base-url "$url/basistheory"
add plantly "Plantly" 'plantly-pass\n' --base-url "$url/plantly" --set email_address=demo@plantly.test
add cbrain "CBRAIN lab" 'cbrain-pass\n' --base-url "$url/cbrain" --set login=demo
add apideck "Apideck Vault" 'apideck-fake-key\n' --base-url "$url/apideck" \
    --set app_id=fake-app --set consumer_id=acme-corp --set consumer_name="Acme Corp"

# Sessions for the providers that have no list: log in, create, authorize.
"$bin" create "Plantly" >/dev/null
"$bin" create "CBRAIN lab" >/dev/null
"$bin" create "Basis Theory" --permission token:read --permission token:create >/dev/null
"$bin" create "Basis Theory" >/dev/null
"$bin" create "Apideck Vault" --options '{"consumer_metadata":{"account_name":"Acme Corp","user_name":"Ada Lovelace","email":"ada@acme.test"},"settings":{"unified_apis":["crm","accounting"],"session_length":"30m"},"theme":{"vault_name":"Acme integrations","primary_color":"#286efa"}}' >/dev/null

echo "demo: starting the dashboard (q quits)"
"$bin" "$@"
