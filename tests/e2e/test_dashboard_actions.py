#!/usr/bin/python3
"""The dashboard's actions, end to end: revoke after y/N (and not after N,
Enter or Esc), bulk revoke over marks with each result shown (a failure
among them too), a refused logout offered as a forget, quitting with
requests in flight, creating a session at each of Plantly, CBRAIN, Basis
Theory (with permissions) and Apideck Vault, opening (through $BROWSER) and
showing a Vault URL, copying through OSC 52, a Clerk JWT masked then
revealed, adding (two providers), editing and deleting accounts through the
forms with the keyring and accounts.conf checked from outside, read-only
mode refusing every change with nothing sent, and a missing keyring said
plainly.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_dashboard_actions.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import base64
import json
import os
import re
import stat
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Term, check, wait_until, write  # noqa: E402

WAIT = 20  # seconds: a shared 2-core machine is slow at times
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


# ---- set-up ----

def setup(tmp, providers=("clerk",), users=2, per_user=2):
    fake = harness.Fake(tmp, ["--clerk-users", str(users),
                              "--clerk-sessions-per-user", str(per_user)])
    env = harness.keyring_env(tmp)
    for p in providers:
        harness.add_fake_account(env, fake, p)
    return fake, env


def sessions(env, provider=None, status=None):
    """The sessions `sesame sessions --json` lists (what the providers say now)."""
    r = harness.cli(env, "sessions", "--json")
    doc = json.loads(r.stdout)
    out = doc["sessions"]
    if provider:
        out = [s for s in out if s["provider"] == provider]
    if status:
        out = [s for s in out if s["status"] == status]
    return out


def start(tmp, env, args=(), cols=130, rows=40, want=("── Sessions",), extra_env=None):
    e = dict(env)
    e.update(extra_env or {})
    t = Term(args=args, env=e, tmp=tmp, cols=cols, rows=rows)
    for w in want:
        check(t.wait_for(w, WAIT), "no %r:\n%s" % (w, t.text()))
    return t


def settle(t):
    """Every account loaded (no spinner text left)."""
    check(wait_until(lambda: "loading" not in t.text(), WAIT), "still loading:\n" + t.text())


def message(t):
    return t.line(t.screen.lines - 1)


def wait_message(t, text, timeout=WAIT):
    check(t.wait_line(t.screen.lines - 1, lambda line: text in line, timeout),
          "message line has no %r: %r\n%s" % (text, message(t), t.text()))


def to_sessions(t):
    """The keyboard to the sessions table (from the accounts pane)."""
    t.key("tab")
    time.sleep(0.2)


def select(t, needle):
    """The sessions table narrowed by the filter to rows matching needle
    (the cursor on the first); the keyboard in the table."""
    t.send("/")
    t.send("\x15")  # ^U: whatever was typed before
    t.send(needle)
    t.key("enter")
    check(t.wait_for("match \"%s\"" % needle, WAIT), "filter %r:\n%s" % (needle, t.text()))


def row_line(t, sid):
    """The sessions table's row of session sid ("" if it is not shown)."""
    for line in t.lines():
        if sid[:20] in line and "──" not in line and "match" not in line:
            return line
    return ""


def box_text(t):
    """What the box on screen holds, its lines joined without the frame
    (a long token or URL is wrapped over several lines)."""
    out = []
    for line in t.lines():
        a, b = line.find("│"), line.rfind("│")
        if 0 <= a < b:
            out.append(line[a + 1:b].strip())
    return "".join(out)


def requests(fake, provider, method=None, part=None):
    return [r for r in fake.requests(provider)
            if (not method or r["method"] == method) and (not part or part in r["path"])]


def secret_lookup(env, account, kind, session=""):
    r = subprocess.run(["secret-tool", "lookup", "application", "sesame", "account", account,
                        "kind", kind, "session", session], env=env, capture_output=True,
                       text=True, timeout=30)
    return r.stdout if r.returncode == 0 else None


def accounts_conf(tmp):
    path = os.path.join(tmp, "config", "accounts.conf")
    return open(path).read() if os.path.exists(path) else ""


def osc52(t, payload):
    """The OSC 52 sequence carrying payload, in what sesame wrote to the pty."""
    want = b"\x1b]52;c;" + base64.b64encode(payload.encode()) + b"\x07"
    return wait_until(lambda: want in t.output(), WAIT)


# ---- revoke ----

def t_revoke_confirm(tmp, env):
    fake, env = setup(tmp)
    sid = sessions(env, "clerk", "active")[0]["id"]
    t = start(tmp, env)
    try:
        settle(t)
        to_sessions(t)
        select(t, sid)
        # N: nothing happens
        t.send("x")
        check(t.wait_for("Revoke session %s" % sid, WAIT), "no question:\n" + t.text())
        check("[y/N]" in t.text(), t.text())
        t.send("n")
        t.key("enter")
        wait_message(t, "cancelled: nothing was changed")
        check("Revoke session" not in t.text(), "the question stayed:\n" + t.text())
        # Enter alone is No too, and so is Esc
        t.send("x")
        check(t.wait_for("Revoke session", WAIT), t.text())
        t.key("enter")
        wait_message(t, "cancelled")
        t.send("x")
        check(t.wait_for("Revoke session", WAIT), t.text())
        t.key("esc")
        wait_message(t, "cancelled")
        check(not requests(fake, "clerk", "POST", "/revoke"), "a revoke was sent")
        # y then Enter: revoked, slowly enough to see it in flight
        fake.fault("clerk", "latency", route="POST /sessions/*/revoke", count=1, ms=2500)
        t.send("x")
        check(t.wait_for("Revoke session", WAIT), t.text())
        t.send("y")
        check(t.wait_for("Enter goes ahead", WAIT), t.text())
        t.key("enter")
        check(wait_until(lambda: "revoking" in t.line(t.screen.lines - 2), WAIT),
              "the status bar does not say what is in flight: %r" % t.line(t.screen.lines - 2))
        wait_message(t, "revoked session %s" % sid)
        check(wait_until(lambda: "revoked" in row_line(t, sid), WAIT),
              "row not revoked: %r" % row_line(t, sid))
        check(len(requests(fake, "clerk", "POST", "/revoke")) == 1, "not one revoke")
        check(all(s["status"] == "revoked" for s in sessions(env, "clerk") if s["id"] == sid),
              "the fake does not say revoked")
        # a revoked session is not revoked again
        t.send("x")
        wait_message(t, "already")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_bulk_revoke(tmp, env):
    fake, env = setup(tmp, ("clerk", "plantly", "basistheory"), users=3, per_user=2)
    harness.cli_ok(env, "create", "plantly")
    harness.cli_ok(env, "create", "basistheory")
    active = [s["id"] for s in sessions(env, "clerk", "active")]
    check(len(active) >= 2, "too few active Clerk sessions: %r" % active)
    t = start(tmp, env, want=("── Sessions", "Plantly", "Basis Theory"))
    try:
        settle(t)
        to_sessions(t)
        every = sessions(env)
        live = [x for x in every if x["status"] in ("active", "pending")]
        n, skipped = len(live), len(every) - len(live)
        check(skipped > 0, "no ended session to skip: %r" % every)
        for _ in every:  # mark every row: space marks and moves down
            t.key("space")
        check(wait_until(lambda: "%d marked" % len(every) in message(t), WAIT),
              "not %d marked: %r\n%s" % (len(every), message(t), t.text()))
        t.send("x")
        check(t.wait_for("Revoke %d sessions at 3 accounts?" % n, WAIT), t.text())
        text = t.text()
        check("only forgotten here" in text, "the forget is not said:\n" + text)
        check("%d marked that already ended are left alone" % skipped in text.replace("│", " ")
              .replace("\n", " ").replace("  ", " ") or "left alone" in text, text)
        t.send("y")
        t.key("enter")
        check(t.wait_for("Ended %d of %d sessions" % (n, n), WAIT), t.text())
        text = t.text()
        for sid in active:
            check(re.search(r"revoked session %s" % re.escape(sid), text), "%s:\n%s" % (sid, text))
        check("logged out session plantly-" in text, text)
        check(re.search(r"forgot session \S+ \(basistheory\) here", text), text)
        wait_message(t, "ended all %d sessions" % n)
        t.key("esc")
        check(t.wait_gone("Ended %d" % n, WAIT), t.text())
        # the providers' next word agrees: nothing active is left
        left = sessions(env, status="active")
        check(not left, "still active: %r" % left)
        check(len(requests(fake, "clerk", "POST", "/revoke")) == len(active), "revokes")
        check(len(requests(fake, "plantly", "DELETE", "/auth/sessions")) == 1, "no logout")
        check(not requests(fake, "basistheory", "DELETE"), "Basis Theory was asked")
        # and so does the table after a reload
        t.key("esc")  # the filter
        t.send("R")
        wait_message(t, "reloaded 3 accounts")
        settle(t)
        for sid in active:
            check("revoked" in row_line(t, sid), t.text())
        check("plantly-" not in t.text(), "the logged-out session is still shown:\n" + t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_bulk_partial_failure(tmp, env):
    fake, env = setup(tmp, ("clerk",), users=4, per_user=2)
    active = [x["id"] for x in sessions(env, "clerk", "active")]
    check(len(active) >= 2, "too few active sessions: %r" % active)
    t = start(tmp, env)
    try:
        settle(t)
        to_sessions(t)
        select(t, "active")
        for _ in active:
            t.key("space")
        check(wait_until(lambda: "%d marked" % len(active) in message(t), WAIT), t.text())
        fake.fault("clerk", "status", route="POST /sessions/*/revoke", count=1, status=400)
        t.send("x")
        check(t.wait_for("Revoke %d sessions at 1 account?" % len(active), WAIT), t.text())
        t.send("y")
        t.key("enter")
        n = len(active)
        check(t.wait_for("Ended %d of %d sessions, 1 failed" % (n - 1, n), WAIT), t.text())
        wait_message(t, "ended %d of %d sessions, 1 failed" % (n - 1, n))
        text = t.text()
        check(len(re.findall(r"✓ revoked session sess_", text)) == n - 1, text)
        failed = re.search(r"✗ (sess_\S+) \(clerk\): HTTP 400", text)
        check(failed, "no failed line:\n" + text)
        t.key("esc")
        t.key("esc")  # the filter
        check(wait_until(lambda: "active" in row_line(t, failed.group(1)), WAIT),
              "the failed one is not active:\n" + t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_logout_refused(tmp, env):
    """Plantly will not log a session out (403; a 401 is a dead access token,
    which a log out renews first): forget it here?"""
    fake, env = setup(tmp, ("plantly",))
    harness.cli_ok(env, "create", "plantly")
    sid = sessions(env, "plantly")[0]["id"]
    t = start(tmp, env, want=("Plantly",))
    try:
        settle(t)
        to_sessions(t)
        select(t, sid)
        fake.fault("plantly", "status", route="DELETE /auth/sessions", count=1, status=403)
        t.send("x")
        check(t.wait_for("Log out session %s at plantly (Plantly)?" % sid, WAIT), t.text())
        t.send("y")
        t.key("enter")
        check(t.wait_for("Plantly did not log out session %s" % sid, WAIT), t.text())
        check("Forget it here anyway" in t.text(), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "forgot session %s (plantly) here" % sid)
        check(not sessions(env, "plantly"), "still tracked")
        check(not secret_lookup(env, "plantly", "access_token", sid), "its token is left")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_quit_in_flight(tmp, env):
    """q while revokes hang: sesame leaves at once, tidy (no leak under ASan)."""
    fake, env = setup(tmp, ("clerk",), users=3, per_user=2)
    active = [x["id"] for x in sessions(env, "clerk", "active")]
    t = start(tmp, env)
    try:
        settle(t)
        to_sessions(t)
        select(t, "active")
        for _ in active:
            t.key("space")
        fake.fault("clerk", "hang", route="POST /sessions/*/revoke", max_s=60)
        t.send("x")
        check(t.wait_for("Revoke %d sessions" % len(active), WAIT), t.text())
        t.send("y")
        t.key("enter")
        check(t.wait_for("Ending %d sessions" % len(active), WAIT), t.text())
        check(wait_until(lambda: "revoking %d" % len(active) in t.line(t.screen.lines - 2),
                         WAIT), "status bar: %r" % t.line(t.screen.lines - 2))
        t.key("esc")  # the results box goes; the requests stay in flight
        check(t.wait_gone("Ending", WAIT), t.text())
        start_q = time.time()
        t.quit()
        check(time.time() - start_q < 10, "slow to quit")
    finally:
        t.close()
        fake.stop()


# ---- create, open, show ----

def t_create_each(tmp, env):
    fake, env = setup(tmp, ("plantly", "cbrain", "basistheory", "apideck"))
    urls = os.path.join(tmp, "urls")
    browser = os.path.join(tmp, "browser.sh")
    with open(browser, "w") as f:
        f.write("#!/bin/sh\nprintf '%%s\\n' \"$1\" >> %s\n" % urls)
    os.chmod(browser, stat.S_IRWXU)
    t = start(tmp, env, want=("Apideck Vault",), extra_env={"BROWSER": browser})
    try:
        settle(t)
        accounts_top = t.row_of("Provider") + 1
        order = [t.line(y).split()[0] for y in range(accounts_top, accounts_top + 4)]
        check(order == ["Plantly", "CBRAIN", "Basis", "Apideck"], "accounts: %r" % order)
        # Plantly: a log-in, at once
        t.send("n")
        wait_message(t, "logged in to plantly: session plantly-")
        check(wait_until(lambda: "Plantly" in t.text().split("── Sessions")[1], WAIT), t.text())
        # CBRAIN
        t.key("down")
        t.send("n")
        wait_message(t, "logged in to cbrain: session cbrain-")
        # Basis Theory: the form, a permission, then create + authorize
        t.key("down")
        t.send("n")
        check(t.wait_for("New Basis Theory session", WAIT), t.text())
        t.send("token:read, token:create")
        t.key("tab")
        t.send("[1")  # not JSON: stays open with the message
        t.key("enter")
        check(t.wait_for("not valid JSON", WAIT), t.text())
        t.send("\x15")  # ^U
        t.key("enter")
        wait_message(t, "and granted it token:read, token:create")
        auth = requests(fake, "basistheory", "POST", "/sessions/authorize")
        check(len(auth) == 1, "authorize requests: %d" % len(auth))
        body = json.loads(auth[0]["body"])
        check(body.get("permissions") == ["token:read", "token:create"], "body: %r" % body)
        # Apideck Vault: the form, a bad length first
        t.key("down")
        t.send("n")
        check(t.wait_for("New Apideck Vault session", WAIT), t.text())
        t.send("Ada")
        t.key("tab")
        t.key("tab")
        t.key("tab")
        t.send("9w")
        t.key("enter")
        check(t.wait_for("longer than the maximum of 1 week", WAIT), t.text())
        t.send("\x15")
        t.send("2h")
        t.key("tab")
        t.send("crm, nope")
        t.key("enter")
        check(t.wait_for("is not a Unified API", WAIT), "provider check:\n" + t.text())
        t.send("\x17")  # ^W: "nope"
        t.key("backspace")
        t.key("backspace")
        t.key("enter")
        wait_message(t, "created session vault-")
        vault = sessions(env, "apideck")
        check(len(vault) == 1, "vault sessions: %r" % vault)
        vid = vault[0]["id"]
        body = json.loads(requests(fake, "apideck", "POST", "/vault/sessions")[-1]["body"])
        check(body["consumer_metadata"]["user_name"] == "Ada", body)
        check(body["settings"] == {"session_length": "2h", "unified_apis": ["crm"]}, body)
        uri = harness.cli_ok(env, "open", "--print", "apideck", vid).strip()
        check(uri.startswith(fake.base + "/apideck/vault-ui/session/"), uri)
        # o: to $BROWSER; O: on the message line
        to_sessions(t)
        select(t, vid)
        t.send("o")
        wait_message(t, "opened session %s in the browser" % vid)
        check(wait_until(lambda: os.path.exists(urls) and open(urls).read().strip() == uri, WAIT),
              "the browser got %r" % (open(urls).read() if os.path.exists(urls) else None))
        t.send("O")  # too long for the message line: a box, wrapped
        check(wait_until(lambda: uri in box_text(t), WAIT), "O:\n" + t.text())
        t.send("y")
        wait_message(t, "copied the URL of session %s (OSC 52)" % vid)
        t.key("esc")
        check(t.wait_gone("Opens the session", WAIT), t.text())
        # o on a session with no URL
        select(t, "cbrain-")
        t.send("o")
        wait_message(t, "CBRAIN sessions have no URL to open")
        check(len(sessions(env, "plantly")) == 1 and len(sessions(env, "cbrain")) == 1,
              "tracked sessions not recorded")
        bt = sessions(env, "basistheory")
        check(len(bt) == 1, "basis theory: %r" % bt)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_create_refused(tmp, env):
    fake, env = setup(tmp, ("clerk",))
    t = start(tmp, env)
    try:
        settle(t)
        t.send("n")
        wait_message(t, "Clerk sessions are made by signing in to your app")
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- copy, token ----

def t_copy(tmp, env):
    fake, env = setup(tmp, ("clerk", "apideck"))
    harness.cli_ok(env, "create", "apideck")
    sid = sessions(env, "clerk", "active")[0]["id"]
    vid = sessions(env, "apideck")[0]["id"]
    uri = harness.cli_ok(env, "open", "--print", "apideck", vid).strip()
    t = start(tmp, env, want=("── Sessions", "Apideck"))
    try:
        settle(t)
        t.send("y")
        wait_message(t, "put the cursor on a session")
        to_sessions(t)
        select(t, sid)
        t.send("y")
        wait_message(t, "copied the id %s (OSC 52)" % sid)
        check(osc52(t, sid), "no OSC 52 with the id in the output")
        select(t, vid)
        t.send("y")
        wait_message(t, "copied the URL of session %s (OSC 52)" % vid)
        check(osc52(t, uri), "no OSC 52 with the URL in the output")
        check(uri not in t.text(), "the URL is on the screen")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_token(tmp, env):
    fake, env = setup(tmp, ("clerk",))
    sid = sessions(env, "clerk", "active")[0]["id"]
    t = start(tmp, env, cols=100)
    try:
        settle(t)
        to_sessions(t)
        select(t, sid)
        t.send("t")
        check(t.wait_for("Token for session", WAIT), t.text())
        t.send("hasura")
        t.key("tab")
        t.send("12")
        t.key("enter")
        check(t.wait_for("whole seconds from 30", WAIT), t.text())
        t.send("0")
        t.key("enter")
        check(t.wait_for("─ Token ─", WAIT), t.text())
        check("Template hasura, expires in" in t.text(), t.text())
        text = t.text()
        check(re.search(r"eyJ[A-Za-z0-9_-]{3}•••", text), "not masked:\n" + text)
        check(not JWT.search(text), "the token is on the screen:\n" + text)
        check(re.search(r"expires in (1[0-9]{2}|[0-9]{1,2})s|expires in 1m|expires in 2m", text)
              or "expires in" in text, text)
        req = requests(fake, "clerk", "POST", "/tokens/hasura")
        check(len(req) == 1 and json.loads(req[0]["body"]) == {"expires_in_seconds": 120},
              "token requests: %r" % req)
        t.send("v")
        check(wait_until(lambda: JWT.search(box_text(t)), WAIT),
              "v did not reveal a JWT:\n" + t.text())
        token = JWT.search(box_text(t)).group(0)
        t.send("y")
        wait_message(t, "copied the token (OSC 52)")
        check(osc52(t, token), "no OSC 52 with the token")
        t.send("v")
        check(wait_until(lambda: not JWT.search(box_text(t)), WAIT),
              "v did not mask it again")
        t.key("esc")
        check(t.wait_gone("─ Token ─", WAIT), t.text())
        # t again: the template is remembered
        t.send("t")
        check(t.wait_for("hasura", WAIT), t.text())
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- accounts ----

def t_account_forms(tmp, env):
    fake, env = setup(tmp, ("plantly",))
    t = start(tmp, env, want=("Plantly",))
    try:
        settle(t)
        t.send("a")
        check(t.wait_for("Add an account", WAIT), t.text())
        check("‹ Clerk ›" in t.text(), "Clerk is not the first choice:\n" + t.text())
        t.key("enter")  # nothing filled in: told what is needed
        check(t.wait_for("needed", WAIT), t.text())
        t.send("staging é")  # the focus went to the first field in need: Label
        t.key("tab")
        t.send(fake.url("clerk"))
        t.key("tab")
        t.send("sk_test_fake")
        check(t.wait_for("••••••••••••", WAIT) and "sk_test_fake" not in t.text(),
              "the key is not masked:\n" + t.text())
        t.send("\x12")  # ^R shows it
        check(t.wait_for("sk_test_fake", WAIT), t.text())
        t.send("\x12")
        check(t.wait_gone("sk_test_fake", WAIT), t.text())
        t.key("enter")
        wait_message(t, "added account staging é (Clerk, id staging-e)")
        check(secret_lookup(env, "staging-e", "api_key") == "sk_test_fake", "not in the keyring")
        conf = accounts_conf(tmp)
        check("[account staging-e]" in conf and "sk_test_fake" not in conf, conf)
        check(wait_until(lambda: re.search(r"Clerk\s+staging é\s+4\s+7d\s+ok", t.text()), WAIT),
              "the new account does not load:\n" + t.text())
        # edit: select it, change the label, keep the secret
        row = t.row_of("staging é")
        t.key("down")
        check(wait_until(lambda: "staging é" in t.line(row)), t.text())
        t.send("e")
        check(t.wait_for("Edit staging é", WAIT), t.text())
        check("(kept; type to replace)" in t.text(), t.text())
        t.send("\x15")
        t.send("staging two")
        t.key("enter")
        wait_message(t, "saved account staging two")
        check("label=staging two" in accounts_conf(tmp), accounts_conf(tmp))
        check(secret_lookup(env, "staging-e", "api_key") == "sk_test_fake", "secret lost")
        # edit again: a new key replaces the old one
        t.send("e")
        check(t.wait_for("Edit staging two", WAIT), t.text())
        t.key("tab")
        t.key("tab")
        t.send("sk_test_other")
        t.key("enter")
        wait_message(t, "saved account staging two")
        check(secret_lookup(env, "staging-e", "api_key") == "sk_test_other", "not replaced")
        # delete, after the question
        t.send("D")
        check(t.wait_for("Delete account staging two (Clerk, id staging-e)?", WAIT), t.text())
        t.key("enter")
        wait_message(t, "cancelled")
        check("[account staging-e]" in accounts_conf(tmp), "deleted without a yes")
        t.send("D")
        check(t.wait_for("Delete account staging two", WAIT), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "deleted account staging two (id staging-e) and its keyring items")
        check(secret_lookup(env, "staging-e", "api_key") in (None, ""), "key left in the keyring")
        check("staging-e" not in accounts_conf(tmp), accounts_conf(tmp))
        check(wait_until(lambda: not re.search(r"Clerk\s+staging two", t.text()), WAIT),
              t.text())
        check("plantly" in accounts_conf(tmp), "the other account went too")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_add_plantly(tmp, env):
    """Another provider chosen in the form: its own fields; then n logs in with them."""
    fake, env = setup(tmp, ())
    t = start(tmp, env, want=("No accounts yet",))
    try:
        t.send("a")
        check(t.wait_for("‹ Clerk ›", WAIT), t.text())
        t.key("right")
        check(t.wait_for("‹ Basis Theory ›", WAIT) and "Public application key" in t.text(),
              t.text())
        t.send("p")  # by its first letter
        check(t.wait_for("‹ Plantly ›", WAIT), t.text())
        check("E-mail address" in t.text() and "Secret key" not in t.text(), t.text())
        t.key("tab")
        t.send("garden")
        t.key("tab")
        t.send(fake.url("plantly"))
        t.key("tab")
        t.send("demo@plantly.test")
        t.key("tab")
        t.send("plantly-pass")
        t.key("enter")
        wait_message(t, "added account garden (Plantly, id garden)")
        check(secret_lookup(env, "garden", "password") == "plantly-pass", "password not stored")
        conf = accounts_conf(tmp)
        check("email_address=demo@plantly.test" in conf and "plantly-pass" not in conf, conf)
        check(t.wait_for("garden", WAIT), t.text())
        t.send("n")
        wait_message(t, "logged in to garden: session plantly-")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_delete_tracked_account(tmp, env):
    fake, env = setup(tmp, ("plantly",))
    harness.cli_ok(env, "create", "plantly")
    sid = sessions(env, "plantly")[0]["id"]
    check(secret_lookup(env, "plantly", "access_token", sid), "no token to start with")
    t = start(tmp, env, want=("Plantly",))
    try:
        settle(t)
        t.send("D")
        check(t.wait_for("keys of its 1 tracked session", WAIT), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "deleted account plantly")
        check(not secret_lookup(env, "plantly", "access_token", sid), "session token left")
        check(not secret_lookup(env, "plantly", "password"), "password left")
        state = os.path.join(tmp, "state", "sessions.state")
        check(not os.path.exists(state) or sid not in open(state).read(), "state left")
        check(t.wait_for("No accounts yet", WAIT), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- read-only, no keyring ----

def t_read_only(tmp, env):
    fake, env = setup(tmp, ("clerk", "plantly"))
    harness.cli_ok(env, "create", "plantly")
    fake.control("POST", "/_fake/requests/clear", {})
    t = start(tmp, env, args=("--read-only",), want=("── Sessions", "read-only"))
    try:
        settle(t)
        for key, what in (("n", "creating sessions"), ("D", "deleting accounts"),
                          ("a", "adding accounts"), ("e", "editing accounts")):
            t.send(key)
            wait_message(t, "read-only: %s is off" % what)
            check("Add an account" not in t.text() and "Delete account" not in t.text(), t.text())
        to_sessions(t)
        t.send(" ")
        t.send("x")
        wait_message(t, "read-only: revoking is off")
        time.sleep(1)
        for p in ("clerk", "plantly"):
            sent = [r for r in fake.requests(p) if r["method"] != "GET"]
            check(not sent, "%s got %r" % (p, sent))
        check(len(sessions(env, "plantly")) == 1, "the session went")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_read_only_config(tmp, env):
    write(tmp, "sesame.conf", "set read-only = yes\n")
    t = start(tmp, env, want=("read-only",))
    try:
        t.send("a")
        wait_message(t, "read-only: adding accounts is off")
        t.quit()
    finally:
        t.close()


def t_no_keyring(tmp, env):
    """base_env: no Secret Service on the bus."""
    write(tmp, "accounts.conf", "[account plantly]\nprovider=plantly\nlabel=plantly\n"
          "base_url=http://127.0.0.1:9/plantly\nfield.email_address=demo@plantly.test\n")
    t = start(tmp, env, want=("plantly",))
    try:
        t.send("n")
        wait_message(t, "Secret Service")
        t.send("a")
        check(t.wait_for("Add an account", WAIT), t.text())
        t.key("tab")
        t.send("prod")
        t.key("tab")
        t.key("tab")
        t.send("sk_test_fake")
        t.key("tab", 7)  # Try the keys: no (api.clerk.com is not reachable from here)
        t.key("right")
        check(t.wait_for("no, save untried", WAIT), t.text())
        t.key("enter")
        wait_message(t, "prod not added: its secrets could not be stored in the keyring: no "
                     "Secret Service")
        check("prod" not in accounts_conf(tmp), accounts_conf(tmp))
        t.quit()
    finally:
        t.close()


if __name__ == "__main__":
    sys.exit(harness.main([
        t_revoke_confirm,
        t_bulk_revoke,
        t_bulk_partial_failure,
        t_logout_refused,
        t_quit_in_flight,
        t_create_each,
        t_create_refused,
        t_copy,
        t_token,
        t_account_forms,
        t_add_plantly,
        t_delete_tracked_account,
        t_read_only,
        t_read_only_config,
        t_no_keyring,
    ]))
