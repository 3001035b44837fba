#!/usr/bin/python3
"""Issue 14 in the real dashboard against the fakes: every change is a line
of the journal file (revoke from the dashboard and from a command, an
account added, edited and deleted, a token, a create and authorize, read
back in the J overlay and filtered there); sessions that look wrong carry
flags (impersonated, new place, new device, many live, stale) in their
column, their filter and the detail view's reasons; a session crossing its
account's `expiring` is told once on the message line, with the bell, the
terminal's notification or notify-send, and the on-expiring command (its
environment checked: the session's fields, never a secret; run without a
shell, not holding the dashboard up, reaped); a Plantly login with
auto_refresh renews itself before it expires (and a refused renewal is
loud and journalled); a CBRAIN login ended elsewhere is found by the
automatic check; a production account stands out and asks for its label
before a revoke; a read-only account refuses; screen-share mode masks
names, e-mail addresses, ids, IPs and places.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_risk.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import json
import os
import re
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import Term, check, wait_until, write  # noqa: E402
from test_dashboard_actions import (WAIT, message, secret_lookup, select, sessions,  # noqa: E402
                                    settle, setup, start, to_sessions, wait_message)

SECRETS = ["sk_test_fake", "plantly-pass", "cbrain-pass"]


def journal(tmp):
    """The journal's entries, oldest first."""
    path = os.path.join(tmp, "state", "journal.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def journal_text(tmp):
    path = os.path.join(tmp, "state", "journal.jsonl")
    return open(path).read() if os.path.exists(path) else ""


def wait_journal(tmp, pred, what):
    check(wait_until(lambda: any(pred(e) for e in journal(tmp)), WAIT),
          "no journal line %s in:\n%s" % (what, journal_text(tmp)))
    return [e for e in journal(tmp) if pred(e)][-1]


def active_clerk(env):
    return [s for s in sessions(env, "clerk", "active")]


def clerk_account(tmp, label, **fields):
    """A fake of 2 Clerk users with a session each, and a Clerk account with
    the settings of fields (many_live, production, read_only ...)."""
    fake = harness.Fake(tmp, ["--clerk-users", "2", "--clerk-sessions-per-user", "1"])
    env = harness.keyring_env(tmp)
    harness.add_account(env, "clerk", label, ["sk_test_fake"], fake.url("clerk"), **fields)
    return fake, env


# ---- 1. the journal ----

def t_journal_dashboard_and_command(tmp, env):
    fake, env = setup(tmp, users=3, per_user=2)
    try:
        live = active_clerk(env)
        first, second = live[0], live[1]
        t = start(tmp, env)
        settle(t)
        to_sessions(t)
        select(t, first["id"])
        t.send("x")
        check(t.wait_for("Revoke session", WAIT), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "revoked session")
        e = wait_journal(tmp, lambda e: e.get("session") == first["id"], "for the revoke")
        check(e["origin"] == "dashboard" and e["action"] == "revoke" and e["result"] == "ok"
              and e["status"] == "revoked" and e["account"] == "clerk"
              and e["provider"] == "clerk", "the revoke's line: %r" % e)
        check(e.get("user") and first["user"] in e["user"], "whose: %r" % e)
        check(re.fullmatch(r"[0-9a-f]{16}-FAK", e.get("request_id", "")),
              "Clerk's CF-Ray as the request id: %r" % e)
        check(e["time"].endswith("Z") and e["time"].startswith("20"), "time: %r" % e)
        # a command meanwhile: in the same file, said to come from a command
        harness.cli_ok(env, "revoke", "clerk", second["id"])
        c = wait_journal(tmp, lambda e: e.get("session") == second["id"], "of the command")
        check(c["origin"] == "command" and c["result"] == "ok", "command: %r" % c)
        # the overlay shows both, and the new one comes in while it is open
        t.send("J")
        check(t.wait_for("Journal:", WAIT), t.text())
        check(t.wait_for(second["id"][:20], WAIT), t.text())
        check(first["id"][:20] in t.text(), t.text())
        check(re.search(r"dashboard\s+clerk\s+revoke", t.text()), t.text())
        # filtered as you type
        t.send("/")
        t.send("command")
        check(t.wait_for("matching \"command\"", WAIT), t.text())
        check(t.wait_gone(first["id"][:20], WAIT), t.text())
        t.key("enter")
        t.key("esc")   # the filter
        check(t.wait_for(first["id"][:20], WAIT), t.text())
        t.send("L")    # the message log in its place, and back
        check(t.wait_for("Message log", WAIT) and t.wait_for("J: the journal", WAIT), t.text())
        t.send("J")
        check(t.wait_for("Journal:", WAIT), t.text())
        t.key("esc")   # the overlay
        check(t.wait_gone("Journal:", WAIT), t.text())
        text = journal_text(tmp)
        for s in SECRETS:
            check(s not in text, "a secret in the journal")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_journal_refused_and_logout(tmp, env):
    """A failure is a line too (with Clerk's trace id); a Plantly log out
    from the dashboard, and its login from a command."""
    fake, env = setup(tmp, providers=("clerk", "plantly"), users=2, per_user=1)
    try:
        pl = harness.cli_ok(env, "create", "plantly").strip()
        live = active_clerk(env)
        t = start(tmp, env)
        settle(t)
        fake.control("POST", "/_fake/clerk/revoke", {"session_ids": [live[0]["id"]]})
        to_sessions(t)
        select(t, live[0]["id"])   # still active as listed: revoked elsewhere meanwhile
        t.send("x")
        check(t.wait_for("Revoke session", WAIT), t.text())
        t.send("y")
        t.key("enter")
        e = wait_journal(tmp, lambda e: e.get("session") == live[0]["id"], "for the failure")
        check(e["result"] == "failed" and "HTTP 400" in e.get("error", ""), "failure: %r" % e)
        check(re.fullmatch(r"[A-Za-z0-9]{32}", e.get("request_id", "")),
              "clerk_trace_id: %r" % e)
        select(t, pl)
        t.send("x")
        check(t.wait_for("Log out session", WAIT), t.text())
        t.send("y")
        t.key("enter")
        o = wait_journal(tmp, lambda e: e.get("session") == pl and e["action"] == "logout",
                         "for the log out")
        check(o["result"] == "ok" and o["origin"] == "dashboard", "log out: %r" % o)
        login = [e for e in journal(tmp) if e["action"] == "login"]
        check(login and login[0]["session"] == pl and login[0]["origin"] == "command",
              "the login: %r" % login)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_journal_dashboard_accounts(tmp, env):
    """An account added, edited and deleted in the dashboard, a token minted
    and a Basis Theory session created and authorized there: each a line
    said to come from the dashboard, none with a secret, shown by J."""
    fake, env = setup(tmp, providers=("basistheory",))
    t = start(tmp, env, want=("Basis Theory",))
    try:
        settle(t)
        t.send("a")
        check(t.wait_for("Add an account", WAIT), t.text())
        t.key("enter")   # told what is needed; the focus on Label
        check(t.wait_for("needed", WAIT), t.text())
        t.send("Clerk two")
        t.key("tab")
        t.send(fake.url("clerk"))
        t.key("tab")
        t.send("sk_test_fake")
        t.key("enter")
        wait_message(t, "added account Clerk two (Clerk, id clerk-two)")
        a = wait_journal(tmp, lambda e: e["action"] == "account-add", "for the account added")
        check(a["origin"] == "dashboard" and a["account"] == "clerk-two" and a["result"] == "ok"
              and a["provider"] == "clerk", "account-add: %r" % a)
        check(wait_until(lambda: re.search(r"Clerk\s+Clerk two\s+\d+", t.text()), WAIT), t.text())
        row = t.row_of("Clerk two")
        t.key("down")
        check(wait_until(lambda: "Clerk two" in t.line(row)), t.text())
        t.send("e")
        check(t.wait_for("Edit Clerk two", WAIT), t.text())
        t.send("\x15")
        t.send("Clerk three")
        t.key("enter")
        wait_message(t, "saved account Clerk three")
        ed = wait_journal(tmp, lambda e: e["action"] == "account-edit", "for the edit")
        check(ed["origin"] == "dashboard" and ed.get("detail") == "label"
              and ed["account_label"] == "Clerk three", "account-edit: %r" % ed)
        # Basis Theory: created and authorized, two lines
        t.key("up")
        t.send("n")
        check(t.wait_for("New Basis Theory session", WAIT), t.text())
        t.send("token:read")
        t.key("enter")
        wait_message(t, "and granted it token:read")
        au = wait_journal(tmp, lambda e: e["action"] == "authorize", "for the authorize")
        cr = [e for e in journal(tmp) if e["action"] == "create"]
        check(cr and cr[-1]["session"] == au["session"] and cr[-1]["origin"] == "dashboard"
              and au["origin"] == "dashboard" and au["result"] == "ok"
              and au["provider"] == "basistheory", "create %r, authorize %r" % (cr, au))
        # a token minted for a Clerk session
        sid = active_clerk(env)[0]["id"]
        to_sessions(t)
        select(t, sid)
        t.send("t")
        check(t.wait_for("Token for session", WAIT), t.text())
        t.send("hasura")
        t.key("enter")
        check(t.wait_for("─ Token ─", WAIT), t.text())
        t.key("esc")
        tk = wait_journal(tmp, lambda e: e["action"] == "token", "for the token")
        check(tk["origin"] == "dashboard" and tk["session"] == sid and tk["detail"] == "hasura"
              and tk["result"] == "ok" and tk["account"] == "clerk-two", "token: %r" % tk)
        # the account deleted
        t.key("esc")     # the filter
        t.key("tab")     # the accounts pane, on Basis Theory since n
        t.key("down")
        check(t.wait_for("row 2 of 2", WAIT), t.text())
        t.send("D")
        check(t.wait_for("Delete account Clerk three", WAIT), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "deleted account Clerk three")
        rm = wait_journal(tmp, lambda e: e["action"] == "account-remove", "for the delete")
        check(rm["origin"] == "dashboard" and rm["account"] == "clerk-two", "remove: %r" % rm)
        text = journal_text(tmp)
        for s in SECRETS + ["key_private_fake", "key_public_fake", "eyJ"]:
            check(s not in text, "a secret in the journal: %s" % s)
        t.send("J")      # every one of them in the overlay
        check(t.wait_for("Journal:", WAIT), t.text())
        for action in ("account-add", "account-edit", "authorize", "token", "account-remove"):
            check(re.search(r"dashboard\s+\S.*\s%s\b" % action, t.text()),
                  "%s not in the overlay:\n%s" % (action, t.text()))
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 2. flags ----

def t_flags(tmp, env):
    fake, env = setup(tmp, users=3, per_user=2)
    try:
        uid = active_clerk(env)[0]["user_id"]
        signed = fake.control("POST", "/_fake/clerk/sign_in", {
            "user_ids": [uid], "country": "NZ", "city": "Wellington",
            "device_type": "Nintendo", "actor": {"sub": "user_2impostor"}})
        sid = signed["session_ids"][0]
        t = start(tmp, env, cols=230, rows=40)
        settle(t)
        check(t.wait_for("Flags", WAIT), t.text())
        line = next((l for l in t.lines() if sid[:20] in l), "")
        check("imperson" in line, "the flags cell: %r\n%s" % (line, t.text()))
        to_sessions(t)
        select(t, "impersonated")
        check(sid[:20] in t.text(), t.text())
        t.key("enter")
        check(t.wait_for("impersonated: the provider says someone else acts", WAIT), t.text())
        check(t.wait_for("user_2impostor", WAIT), t.text())   # once the raw JSON is fetched
        check("new place: the first of this user's sessions from NZ" in t.text(), t.text())
        check("new device: the first of this user's sessions on Nintendo" in t.text(), t.text())
        t.key("esc")
        t.quit()
        # the headless listing says the same, and remembers the places as the dashboard did
        doc = json.loads(harness.cli_ok(env, "sessions", "--json"))
        got = [s["flags"] for s in doc["sessions"] if s["id"] == sid]
        check(got == [["impersonated", "new-place", "new-device"]], "--json: %r" % got)
        check(os.path.exists(os.path.join(tmp, "state", "seen", "clerk.json")), "no memory")
    finally:
        t.close()
        fake.stop()


def t_flags_of_a_big_listing(tmp, env):
    """An account of more sessions than are taken in at once is flagged a
    slice at a time after it shows; the filter typed meanwhile ends on the
    rows the flags say (the headless count), without rows being rebuilt
    for nothing when no filter reads them."""
    fake = harness.Fake(tmp, ["--clerk-users", "80", "--clerk-sessions-per-user", "80"])
    env = harness.keyring_env(tmp)
    harness.add_account(env, "clerk", "clerk", ["sk_test_fake"], fake.url("clerk"),
                        many_live="3", rate_limit="off")
    try:
        want = len(json.loads(harness.cli_ok(env, "sessions", "--filter", "flag:many-live",
                                             "--json"))["sessions"])
        check(0 < want < 6400, "many-live in the fake: %d" % want)
        t = start(tmp, env, want=(), cols=200)
        t.send("/")
        t.send("flag:many-live")   # typed while the listing comes in
        t.key("enter")
        check(t.wait_for("Sessions %d of 6400 matching" % want, 30),
              "the filter after the flag pass:\n" + t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_many_live_and_stale(tmp, env):
    fake, env = clerk_account(tmp, "clerk", many_live="1", stale_after="1m")
    try:
        uid = active_clerk(env)[0]["user_id"]
        fresh = fake.control("POST", "/_fake/clerk/sign_in", {"user_ids": [uid]})
        fresh = fresh["session_ids"][0]
        t = start(tmp, env, cols=200)
        settle(t)
        check(t.wait_for("Sessions 3", WAIT), t.text())
        to_sessions(t)
        select(t, "flag:many-live")   # the two live sessions of one user, only
        check(t.wait_for("Sessions 2 of 3 matching", WAIT), t.text())
        check(fresh[:20] in t.text(), t.text())
        # stale: the seeded sessions were last used hours ago, the sign-in just now
        select(t, "flag:stale")
        check(t.wait_for("Sessions 2 of 3 matching", WAIT), t.text())
        check(fresh[:20] not in t.text(), "a session used just now is stale:\n" + t.text())
        select(t, "flag:many-live flag:stale")   # the older session of the user of two
        check(t.wait_for("Sessions 1 of 3 matching", WAIT), t.text())
        t.key("enter")
        check(t.wait_for("many live: the user has 2 live sessions at this account, more than 1 "
                         "(many_live)", WAIT), t.text())
        check(re.search(r"stale: live, but idle for [^,]+, longer than 1m[ 0s]* \(stale_after\)",
                        t.text()), t.text())
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 3. before anything expires ----

def plantly_expiring(tmp, env, lifetime, fields, conf=""):
    """A fake whose Plantly tokens live `lifetime` seconds, a Plantly account
    with fields, and one login."""
    fake = harness.Fake(tmp)
    fake.control("POST", "/_fake/config", {"plantly_expires_in": lifetime})
    env = harness.keyring_env(tmp)
    harness.add_account(env, "plantly", "Plantly", ["plantly-pass"], fake.url("plantly"),
                        email_address="demo@plantly.test", **fields)
    if conf:
        write(tmp, "sesame.conf", conf)
    sid = harness.cli_ok(env, "create", "plantly").strip()
    return fake, env, sid


def t_expiring_told_once(tmp, env):
    out = os.path.join(tmp, "env.out")
    conf = ("set expiring-bell = yes\nset expiring-notify = yes\n"
            "set on-expiring = sh -c 'env > \"$0\"' %s\n" % out)
    fake, env, sid = plantly_expiring(tmp, env, 25, {"expiring": "20s"}, conf)
    try:
        e = dict(env)
        e.pop("DISPLAY", None)
        e.pop("WAYLAND_DISPLAY", None)
        t = start(tmp, e)
        settle(t)
        check(t.wait_for("(Plantly) expires in", WAIT), "not told:\n" + t.text())
        check(sid in message(t) and "demo@plantly.test" in message(t), message(t))
        check(wait_until(lambda: os.path.exists(out) and os.path.getsize(out), WAIT),
              "the on-expiring command did not run")
        got = dict(line.split("=", 1) for line in open(out).read().splitlines() if "=" in line)
        for k, v in {"SESAME_EVENT": "expiring", "SESAME_SESSION": sid,
                     "SESAME_ACCOUNT": "plantly", "SESAME_PROVIDER": "plantly",
                     "SESAME_USER": "demo@plantly.test", "SESAME_STATUS": "active"}.items():
            check(got.get(k) == v, "%s=%r in %r" % (k, got.get(k), got))
        check(0 < int(got["SESAME_EXPIRES_IN"]) <= 20, got)
        check(got.get("SESAME_EXPIRES_AT", "").endswith("Z"), got)
        env_text = open(out).read()
        for s in SECRETS + [secret_lookup(env, "plantly", "access_token", sid),
                            secret_lookup(env, "plantly", "refresh_token", sid)]:
            check(s and s not in env_text, "a secret in the command's environment")
        raw = t.output()
        check(b"\x07" in raw.replace(b"\x1b]9;", b""), "no bell")
        check(b"\x1b]9;sesame: a session expires soon: session " + sid.encode() in raw,
              "no OSC 9 notification")
        # once: the next looks say nothing more
        n = raw.count(b"\x1b]9;")
        t.key("down")
        time.sleep(2)
        check(t.output().count(b"\x1b]9;") == n, "told twice")
        to_sessions(t)
        t.key("enter")   # the detail view: its status in the expiring colour
        check(t.wait_for("Raw JSON", WAIT), t.text())
        y = t.row_of("Status ")
        style = t.style_of(y, "active")
        check(style and style[0] in ("yellow", "brown"),
              "not drawn as expiring: %r %r\n%s" % (style, t.line(y), t.text()))
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


def children(pid):
    """The processes whose parent is pid: [(pid, state)]."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = open("/proc/%s/stat" % d).read()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2:].split()
            if int(fields[1]) == pid:
                out.append((int(d), fields[0]))
    return out


def t_expiring_notify_send(tmp, env):
    """With a desktop and notify-send on PATH, the notification is
    notify-send's (no OSC); `on_expiring` (as the issue spells it) runs its
    words without a shell, does not hold the dashboard up while it runs,
    and is reaped when it ends."""
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    sent = os.path.join(tmp, "notify.json")
    dump = os.path.join(tmp, "dump.py")
    with open(dump, "w") as f:
        f.write("import json, os, sys, time\n"
                "json.dump({'argv': sys.argv, 'env': dict(os.environ)}, open(sys.argv[1], 'w'))\n"
                "time.sleep(float(os.environ.get('DUMP_SLEEP', '0')))\n")
    with open(os.path.join(bindir, "notify-send"), "w") as f:
        f.write("#!/usr/bin/python3\nimport runpy, sys\nsys.argv[1:1] = [%r]\n"
                "runpy.run_path(%r)\n" % (sent, dump))
    os.chmod(os.path.join(bindir, "notify-send"), 0o755)
    ran = os.path.join(tmp, "ran.json")
    conf = ("set expiring-notify = yes\n"
            "set on_expiring = /usr/bin/python3 %s %s '$HOME' 'two words'\n" % (dump, ran))
    fake, env, sid = plantly_expiring(tmp, env, 25, {"expiring": "20s"}, conf)
    try:
        e = dict(env)
        e.update({"PATH": bindir + ":" + env["PATH"], "DISPLAY": ":99", "DUMP_SLEEP": "4"})
        t = start(tmp, e)
        settle(t)
        check(t.wait_for("(Plantly) expires in", WAIT), "not told:\n" + t.text())
        check(wait_until(lambda: os.path.exists(ran) and os.path.getsize(ran), WAIT),
              "the on_expiring command did not run")
        # while the command sleeps, the dashboard answers keys
        t.send("?")
        check(t.wait_for("Keys", 2), "the dashboard waits for the command:\n" + t.text())
        t.key("esc")
        got = json.load(open(ran))
        check(got["argv"] == [dump, ran, "$HOME", "two words"],
              "split as a shell would not: %r" % got["argv"])
        check(got["env"].get("SESAME_SESSION") == sid
              and got["env"].get("SESAME_USER") == "demo@plantly.test", got["env"])
        check(wait_until(lambda: os.path.exists(sent) and os.path.getsize(sent), WAIT),
              "notify-send did not run")
        n = json.load(open(sent))
        check(n["argv"][2:4] == ["--app-name=sesame", "sesame: a session expires soon"]
              and sid in n["argv"][4] and "(Plantly) expires in" in n["argv"][4],
              "notify-send's arguments: %r" % n["argv"])
        check(b"\x1b]9;" not in t.output() and b"\x1b]777;" not in t.output(),
              "an OSC notification beside notify-send")
        secrets = SECRETS + [secret_lookup(env, "plantly", "access_token", sid),
                             secret_lookup(env, "plantly", "refresh_token", sid)]
        for doc in (got, n):
            text = json.dumps(doc)
            for sec in secrets:
                check(sec and sec not in text, "a secret given to a child")
        # both ended (the command after its sleep): none left a zombie
        check(wait_until(lambda: not children(t.proc.pid), 10),
              "children left: %r" % children(t.proc.pid))
        t.quit()
    finally:
        t.close()
        fake.stop()


def ui_wakes(t):
    """How often the dashboard's own thread (the process's first) has slept
    and woken so far."""
    with open("/proc/%d/task/%d/status" % (t.proc.pid, t.proc.pid)) as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    return 0


def t_expiring_idle(tmp, env):
    """A session that crosses its `expiring` in an hour and a half adds no
    timer of its own: with every countdown counting minutes, the idle
    dashboard does not wake at all for a few seconds."""
    fake, env, sid = plantly_expiring(tmp, env, 7200, {"expiring": "30m"},
                                      "set expiring-bell = yes\nset refresh-interval = 0\n")
    try:
        t = start(tmp, env)
        settle(t)
        check(t.wait_for("in 1h 59m", WAIT), t.text())
        time.sleep(1.0)
        before = ui_wakes(t)
        time.sleep(3.0)
        woke = ui_wakes(t) - before
        check(woke <= 1, "the idle dashboard woke %d times in 3 s" % woke)
        check("expires in" not in message(t), "told an hour and a half early: " + message(t))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_auto_refresh(tmp, env):
    fake, env, sid = plantly_expiring(tmp, env, 25, {"expiring": "20s", "auto_refresh": "yes"})
    try:
        old = secret_lookup(env, "plantly", "access_token", sid)
        t = start(tmp, env)
        settle(t)
        wait_message(t, "renewed session %s (Plantly) before it expired" % sid)
        check(fake.count("plantly", "PUT") == 1, "one renewal")
        check(secret_lookup(env, "plantly", "access_token", sid) != old, "new tokens")
        e = wait_journal(tmp, lambda e: e["action"] == "refresh", "for the renewal")
        check(e["result"] == "ok" and e["origin"] == "dashboard" and e["session"] == sid, e)
        # the next renewal is refused: loud, and journalled
        fake.fault("plantly", "status", route="PUT /auth/sessions", status=401)
        wait_message(t, "could not renew session %s" % sid, timeout=40)
        check(t.attrs(t.screen.lines - 1)[0].fg == "red", "not loud:\n" + t.text())
        f = wait_journal(tmp, lambda e: e["action"] == "refresh" and e["result"] == "failed",
                         "for the refused renewal")
        check("401" in f.get("error", ""), f)
        t.send("L")   # the failure is logged once (it was twice), the expiry after it
        check(t.wait_for("Message log", WAIT) and t.wait_for("expires", WAIT), t.text())
        check(t.text().count("could not renew") == 1, "the failure logged twice:\n" + t.text())
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_cbrain_checked(tmp, env):
    fake = harness.Fake(tmp)
    env = harness.keyring_env(tmp)
    harness.add_account(env, "cbrain", "CBRAIN", ["cbrain-pass"], fake.url("cbrain"),
                        login="demo", auto_refresh="yes")
    write(tmp, "sesame.conf", "set refresh-interval = 5\n")
    sid = harness.cli_ok(env, "create", "cbrain").strip()
    try:
        t = start(tmp, env)
        settle(t)
        token = secret_lookup(env, "cbrain", "api_token", sid)
        req = urllib.request.Request(fake.url("cbrain") + "/session", method="DELETE", headers={
            "Accept": "application/json", "Authorization": "Bearer " + token})
        urllib.request.urlopen(req, timeout=10).read()
        wait_message(t, "login %s has ended at CBRAIN" % sid, timeout=30)
        e = wait_journal(tmp, lambda e: e["action"] == "check", "for the check")
        check(e["session"] == sid and e["status"] in ("expired", "ended"), e)
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 4. dangerous accounts ----

def t_production(tmp, env):
    fake, env = clerk_account(tmp, "Clerk prod", production="yes")
    try:
        sid = active_clerk(env)[0]["id"]
        t = start(tmp, env)
        settle(t)
        check(t.wait_for("PROD Clerk prod", WAIT), t.text())
        styles = [t.style_of(y, "PROD Clerk") for y, l in enumerate(t.lines())
                  if "PROD Clerk" in l]
        check(len(styles) == 3 and ("white", "red", True, False) in styles,
              "the production colour and badge, in both panes: %r\n%s" % (styles, t.text()))
        to_sessions(t)
        select(t, sid)
        t.send("x")
        check(t.wait_for("Production: type Clerk prod to go ahead", WAIT), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "is not Clerk prod")
        check(fake.count("clerk", "POST", "/revoke") == 0, "revoked without the label")
        t.send("x")
        check(t.wait_for("Production: type Clerk prod", WAIT), t.text())
        t.send("Clerk prod")
        t.key("enter")
        wait_message(t, "revoked session")
        check(fake.count("clerk", "POST", "/revoke") == 1, "not revoked")
        t.quit()
        # mono: the badge and an attribute, no colour
        t = start(tmp, env, args=["--theme", "mono"])
        settle(t)
        check(wait_until(lambda: t.text().count("PROD Clerk") == 3, WAIT), t.text())
        styles = [t.style_of(y, "PROD Clerk") for y, l in enumerate(t.lines())
                  if "PROD Clerk" in l]
        check(("default", "default", True, True) in styles, "mono production: %r" % styles)
        t.quit()
        # a command needs the label too
        r = harness.cli(env, "revoke", "Clerk prod", sid)
        check(r.returncode == 2 and "--confirm" in r.stderr, r.stderr)
    finally:
        t.close()
        fake.stop()


def t_read_only_account(tmp, env):
    fake, env = clerk_account(tmp, "Clerk ro", read_only="yes")
    harness.add_fake_account(env, fake, "plantly")
    try:
        sid = active_clerk(env)[0]["id"]
        t = start(tmp, env)
        settle(t)
        check(t.wait_for("RO Clerk ro", WAIT), t.text())
        to_sessions(t)
        select(t, sid)
        t.send("x")
        wait_message(t, "Clerk ro is read-only (read_only = yes)")
        check(fake.count("clerk", "POST", "/revoke") == 0, "revoked at a read-only account")
        t.key("esc")
        t.key("tab")     # the accounts pane: Plantly is not read-only
        t.key("down")
        t.send("n")
        wait_message(t, "logged in")
        t.quit()
        r = harness.cli(env, "revoke", "Clerk ro", sid)
        check(r.returncode == 2 and "read-only" in r.stderr, r.stderr)
    finally:
        t.close()
        fake.stop()


def t_screen_share(tmp, env):
    fake, env = setup(tmp, users=3, per_user=2)
    try:
        every = sessions(env)
        t = start(tmp, env, args=["--redact"], cols=200)
        settle(t)
        check("screen-share" in t.line(0), t.line(0))
        text = t.text()
        for s in every:
            for v in (s["id"], s["user"], s["user_id"], s["ip"], s["place"]):
                if v:
                    check(v[:12] not in text, "%r shown in screen-share mode:\n%s" % (v, text))
        check(re.search(r"sess_\*{10}", text) and re.search(r"\*\*\*\.[*.]+", text), text)
        to_sessions(t)
        t.key("enter")
        check(t.wait_for("hidden in screen-share mode", WAIT), t.text())
        check(every[0]["id"][:12] not in t.text(), t.text())
        t.key("esc")
        t.send("M")   # a meeting is over
        wait_message(t, "screen-share mode off")
        check(t.wait_for(every[0]["id"][:20], WAIT), t.text())
        check("screen-share" not in t.line(0), t.line(0))
        t.quit()
    finally:
        t.close()
        fake.stop()


if __name__ == "__main__":
    sys.exit(harness.main([
        t_journal_dashboard_and_command, t_journal_refused_and_logout,
        t_journal_dashboard_accounts, t_flags, t_flags_of_a_big_listing, t_many_live_and_stale,
        t_expiring_told_once, t_expiring_notify_send,
        t_expiring_idle, t_auto_refresh, t_cbrain_checked, t_production,
        t_read_only_account, t_screen_share,
    ]))
