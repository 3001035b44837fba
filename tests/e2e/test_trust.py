#!/usr/bin/python3
"""What the dashboard says is true and the headless commands can be done
from it: every Clerk status as seen before and after expiry and idle limit,
the same as `sesame sessions` says; a revoke whose answer does not say the
session ended is a red failure, one by one and in bulk; a CBRAIN session
ended elsewhere is "already ended", not logged out; r renews a Plantly
session's tokens, and a refused renewal does not leave it active; messages
about a job leave when it is done; A authorizes, V verifies; every headless
command and option has its key or form; a refresh does not move the rows;
the mono and high-contrast themes draw no "_" in column 0.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_trust.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import datetime
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402
from harness import Term, check, wait_until  # noqa: E402
from test_cli_outcomes import crafted, end_elsewhere, made  # noqa: E402
from test_dashboard_actions import (WAIT, message, requests, row_line, secret_lookup,  # noqa: E402
                                    select, sessions, settle, setup, start, to_sessions,
                                    wait_message)
from test_dashboard_browse import cell, header_row, table_rows  # noqa: E402


def red(t, y):
    """Is row y's first character drawn red (an error)?"""
    return t.attrs(y)[0].fg == "red"


def message_row(t):
    return t.screen.lines - 1


def on_session(t, sid):
    """Every account loaded, the cursor on session sid in the sessions table."""
    settle(t)
    to_sessions(t)
    select(t, sid)


def confirm(t, question):
    """The y/N question, answered yes."""
    check(t.wait_for(question, WAIT), t.text())
    t.send("y")
    t.key("enter")


# ---- 1. the status a person sees, as the headless commands see it ----

def t_status_parity(tmp, env):
    fake, env, want = crafted(tmp)
    cli = {s["id"]: s["status"] for s in sessions(env)}
    check(cli == want, "sesame sessions: %r" % cli)
    t = Term(env=env, tmp=tmp, cols=180, rows=40)
    try:
        check(t.wait_for("── Sessions %d " % len(want), WAIT), t.text())
        t.wait_quiet(0.2, 2)
        shown = {}
        for y, line in table_rows(t):
            sid = re.search(r"sess_\w+", line)
            if sid:
                shown[sid.group(0)] = cell(t, y, "Status")
        check(shown == want, "the dashboard:\n%s" % "\n".join(
            "%s: %s, want %s" % (k, shown.get(k), v) for k, v in want.items()
            if shown.get(k) != v))
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 2. revoke says what came back ----

def t_revoke_not_ended_is_red(tmp, env):
    fake, env = setup(tmp, ("clerk",), users=3, per_user=3)
    active = [s["id"] for s in sessions(env, "clerk", "active")]
    check(len(active) >= 3, "too few active sessions: %r" % active)
    still = {"object": "session", "id": active[0], "user_id": "u", "client_id": "c",
             "status": "active", "expire_at": int(time.time() * 1000) + 3600000,
             "abandon_at": int(time.time() * 1000) + 3600000, "last_active_at": 1,
             "updated_at": 1, "created_at": 1}
    t = start(tmp, env)
    try:
        on_session(t, active[0])
        fake.fault("clerk", "answer", route="POST /sessions/*/revoke", count=1, body=still)
        t.send("x")
        confirm(t, "Revoke session")
        wait_message(t, "with status active: it was not ended")
        check(red(t, message_row(t)), "not red: %r" % message(t))
        check("active" in row_line(t, active[0]), "row: %r" % row_line(t, active[0]))
        # in bulk: each outcome as it is
        t.key("esc")
        for sid in active[1:3]:
            select(t, sid)
            t.key("space")
        t.key("esc")  # the filter; the marks stay
        fake.fault("clerk", "answer", route="POST /sessions/*/revoke", count=1,
                   body=dict(still, id="sess_someone_else", status="revoked"))
        t.send("x")
        confirm(t, "Revoke 2 sessions")
        check(t.wait_for("Ended 1 of 2 sessions, 1 failed", WAIT), t.text())
        text = t.text()
        check(re.search(r"✓ revoked session sess_\w+ \(clerk\): Clerk says revoked", text), text)
        check(re.search(r"✗ Clerk answered the revoke of session sess_\w+ with session", text),
              text)
        wait_message(t, "ended 1 of 2 sessions, 1 failed")
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 3. already ended elsewhere ----

def t_cbrain_already_ended(tmp, env):
    fake, env, sid = made(tmp, "cbrain")
    end_elsewhere(fake, "cbrain", secret_lookup(env, "cbrain", "api_token", sid))
    t = start(tmp, env, want=("CBRAIN",))
    try:
        on_session(t, sid)
        t.send("x")
        confirm(t, "Log out session")
        wait_message(t, "session %s (cbrain) had already ended at CBRAIN: forgotten here" % sid)
        check("logged out" not in message(t), message(t))
        t.key("esc")  # the filter: every row again
        check(wait_until(lambda: not any(sid in line for _, line in table_rows(t)), WAIT),
              "still shown:\n" + t.text())
        check(not sessions(env), "still tracked")
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 9. r renews Plantly tokens; a refused renewal ----

def t_plantly_r_renews(tmp, env):
    fake, env, sid = made(tmp, "plantly")
    before = secret_lookup(env, "plantly", "access_token", sid)
    t = start(tmp, env, want=("Plantly",))
    try:
        on_session(t, sid)
        t.send("r")
        check(wait_until(lambda: requests(fake, "plantly", "PUT"), WAIT), "no refresh sent")
        wait_message(t, "refreshed plantly: 1 session")
        after = secret_lookup(env, "plantly", "access_token", sid)
        check(after and after != before, "the access token was not renewed")
        # refused: the session is not shown active any more, and says why
        end_elsewhere(fake, "plantly", after)
        t.send("r")
        wait_message(t, "refresh token no longer valid")
        check(red(t, message_row(t)), "not red: %r" % message(t))
        check(wait_until(lambda: "unknown" in row_line(t, sid), WAIT),
              "row: %r" % row_line(t, sid))
        check([s["status"] for s in sessions(env)] == ["unknown"], "the state file disagrees")
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 5. messages end with their job ----

def t_messages_end(tmp, env):
    fake, env = setup(tmp, ("clerk",), users=2, per_user=2)
    sid = sessions(env, "clerk", "active")[0]["id"]
    t = start(tmp, env)
    try:
        settle(t)
        fake.fault("clerk", "latency", route="GET /sessions", count=1, ms=800)
        t.send("r")  # the accounts pane has the keys
        wait_message(t, "refreshing clerk")
        wait_message(t, "refreshed clerk: 4 sessions")
        time.sleep(0.5)
        check("refreshing" not in message(t), "still: %r" % message(t))
        to_sessions(t)
        select(t, sid)
        t.send("t")
        check(t.wait_for("Token for session", WAIT), t.text())
        t.key("enter")
        check(t.wait_for("─ Token ─", WAIT), t.text())
        check(wait_until(lambda: "minting" not in message(t), WAIT),
              "the token came, the line stays: %r" % message(t))
        t.key("esc")
        check(t.wait_gone("─ Token ─", WAIT), t.text())
        check("minting" not in message(t), message(t))
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 9. A authorizes, V verifies ----

def t_authorize_and_verify(tmp, env):
    fake, env = setup(tmp, ("clerk", "basistheory"), users=2, per_user=2)
    bt = harness.cli_ok(env, "create", "basistheory").strip()
    clerk_sid = sessions(env, "clerk", "active")[0]["id"]
    until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=2)) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")
    t = start(tmp, env, want=("── Sessions", "Basis Theory"))
    try:
        on_session(t, bt)
        check("pending" in row_line(t, bt), row_line(t, bt))
        t.send("A")
        check(t.wait_for("Authorize session %s" % bt, WAIT), t.text())
        for label in ("Permissions", "Rules (JSON)", "Expires at"):
            check(label in t.text(), "no %r:\n%s" % (label, t.text()))
        t.send("token:read")
        t.key("tab")
        t.key("tab")
        t.send(until)
        t.key("enter")
        wait_message(t, "authorized session %s (basistheory): token:read, until %s" % (bt, until))
        check(wait_until(lambda: "active" in row_line(t, bt), WAIT), row_line(t, bt))
        sent = requests(fake, "basistheory", "POST", "/sessions/authorize")
        check(len(sent) == 1 and until in sent[0]["body"], "authorize sent: %r" % sent)
        # V: the token in a masked field; Clerk answers 410 nowadays, which is said
        t.key("esc")
        select(t, clerk_sid)
        t.send(":verify\r")  # deprecated by Clerk: no key of its own, its name on the command line
        check(t.wait_for("Verify a token of session %s" % clerk_sid, WAIT), t.text())
        t.send("eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJ4In0.c2ln")
        check("eyJhbGci" not in t.text(), "the token is shown:\n" + t.text())
        t.key("enter")
        wait_message(t, "deprecated by Clerk")
        check(red(t, message_row(t)), message(t))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_undocumented_answer_is_red(tmp, env):
    """An authorize or a log out answered with a 2xx that is not the
    documented answer is a red failure; the session stays as it was."""
    fake, env = setup(tmp, ("basistheory", "plantly"))
    bt = harness.cli_ok(env, "create", "basistheory").strip()
    pl = harness.cli_ok(env, "create", "plantly").strip()
    t = start(tmp, env, want=("── Sessions", "Basis Theory", "plantly"))
    try:
        on_session(t, bt)
        fake.fault("basistheory", "html", route="POST /sessions/authorize", count=1, status=200)
        t.send("A")
        check(t.wait_for("Authorize session %s" % bt, WAIT), t.text())
        t.send("token:read")
        t.key("enter")
        wait_message(t, "unexpected answer to the authorize")
        check(red(t, message_row(t)), message(t))
        check("pending" in row_line(t, bt), row_line(t, bt))
        t.key("esc")
        select(t, pl)
        fake.fault("plantly", "answer", route="DELETE /auth/sessions", count=1, status=202,
                   body={"status": "active"})
        t.send("x")
        confirm(t, "Log out session")
        wait_message(t, "unexpected answer to the log out")
        check(red(t, message_row(t)), message(t))
        check("active" in row_line(t, pl), row_line(t, pl))
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()
    check([s["status"] for s in sessions(env) if s["id"] in (bt, pl)] == ["pending", "active"]
          or sorted(s["status"] for s in sessions(env)) == ["active", "pending"],
          "state: %r" % sessions(env))
    check(secret_lookup(env, "plantly", "access_token", pl), "the tokens went")


# ---- 9. every headless capability has its key or form ----

# (command, option) of `sesame --help` -> (the dashboard action, a label in
# its form) or (None, why it is no action on a session or account).
CAPABILITIES = {
    ("account add", ""): ("account-add", "Provider"),
    ("account add", "--label"): ("account-add", "Label"),
    ("account add", "--base-url"): ("account-add", "Base URL"),
    ("account add", "--ca-file"): ("account-add", "CA file"),
    ("account add", "--allow-http"): ("account-add", "Plain HTTP"),
    ("account add", "--set"): ("account-add", "E-mail address"),  # the provider's fields
    ("account add", "--no-check"): ("account-add", "Try the keys"),
    ("account edit", ""): ("account-edit", "Label"),
    ("account edit", "--label"): ("account-edit", "Label"),
    ("account edit", "--base-url"): ("account-edit", "Base URL"),
    ("account edit", "--ca-file"): ("account-edit", "CA file"),
    ("account edit", "--allow-http"): ("account-edit", "Plain HTTP"),
    ("account edit", "--no-allow-http"): ("account-edit", "Plain HTTP"),
    ("account edit", "--set"): ("account-edit", "Session window"),
    ("account edit", "--secret"): ("account-edit", "Secret key"),
    ("account prune", ""): ("account-delete", None),  # a delete prunes what no account owns
    ("account prune", "--dry-run"): (None, "a dry run: it changes nothing"),
    ("account list", ""): ("next-pane", "── Accounts"),  # the accounts pane
    ("account list", "--json"): (None, "an output format"),
    ("account remove", ""): ("account-delete", None),
    ("account remove", "--confirm"): ("account-delete", None),  # a production account's label
    ("sessions", ""): ("next-pane", "── Sessions"),
    ("sessions", "--account"): ("details", None),  # Enter on an account narrows to it
    ("sessions", "--status"): ("filter", None),
    ("sessions", "--json"): (None, "an output format"),
    ("sessions", "--columns"): ("columns", None),   # the chooser (C), :columns, set columns
    ("sessions", "--filter"): ("filter", None),     # the same language at /
    ("sessions", "--format"): ("command", None),    # :export csv|tsv|json FILE
    ("sessions", "--time"): ("times", None),        # T, :time
    ("sessions", "--window"): ("account-edit", "Session window"),  # the account's field
    ("help", ""): ("help", None),                   # ? shows every key and action
    ("refresh", ""): ("refresh", None),
    ("refresh", "--json"): (None, "an output format"),
    ("create", ""): ("create", None),
    ("create", "--options"): ("create", "Session length"),  # Vault's form
    ("create", "--permission"): ("create", "Permissions"),
    ("create", "--rules"): ("create", "Rules (JSON)"),
    ("create", "--expires-at"): ("create", "Expires at"),
    ("create", "--json"): (None, "an output format"),
    ("authorize", ""): ("authorize", "Permissions"),
    ("authorize", "--permission"): ("authorize", "Permissions"),
    ("authorize", "--rules"): ("authorize", "Rules (JSON)"),
    ("authorize", "--expires-at"): ("authorize", "Expires at"),
    ("authorize", "--json"): (None, "an output format"),
    ("revoke", ""): ("revoke", None),
    ("revoke", "--forget"): ("revoke", None),  # offered when the provider refuses a log out
    ("revoke", "--confirm"): ("revoke", None),  # a production account's label, typed out
    ("log", ""): ("journal", None),
    ("log", "--account"): ("journal", None),    # the overlay's filter: the account's label
    ("log", "--since"): ("journal", None),      # ... or the day
    ("log", "--json"): (None, "an output format"),
    ("token", ""): ("token", "Template"),
    ("token", "--expires-in"): ("token", "Expires in (s)"),
    ("verify", ""): ("verify", "Session token"),
    ("open", ""): ("open-url", None),
    ("open", "--print"): ("show-url", None),
}


def help_capabilities(env):
    """{(command, option)} of every usage line of `sesame --help` (and of
    the lines that carry one on, "   [--rules ...]")."""
    out = harness.cli_ok(env, "--help")
    caps, command = set(), None
    for line in out.splitlines():
        m = re.match(r"\s+sesame (account \w+|\w+)\b(.*)", line)
        if m:
            command, rest = m.group(1), m.group(2)
            caps.add((command, ""))
        elif command and re.match(r"\s+\[", line):
            rest = line
        else:
            command = None
            continue
        for opt in re.findall(r"--[a-z-]+", rest):
            caps.add((command, opt))
    return caps


def help_overlay_actions(t):
    """The action names the help overlay lists (every page of it)."""
    t.send("?")
    check(t.wait_for("Keys (", WAIT), t.text())
    seen = set()
    for _ in range(10):
        seen |= set(re.findall(r"\b[a-z]+(?:-[a-z]+)*\b", t.text()))
        t.key("pgdn")
        time.sleep(0.2)
    t.key("esc")
    check(t.wait_gone("Keys (", WAIT), t.text())
    return seen


def form_text(t, keys, title):
    """The screen of the form keys open (then closed with Esc)."""
    t.send(keys)
    check(t.wait_for(title, WAIT), "no %r:\n%s" % (title, t.text()))
    text = t.text()
    t.key("esc")
    check(t.wait_gone(title, WAIT), t.text())
    return text


def t_every_capability_has_a_key(tmp, env):
    caps = help_capabilities(env)
    missing = sorted(c for c in caps if c not in CAPABILITIES)
    check(not missing, "headless capabilities with no dashboard counterpart: %r" % missing)
    fake, env = setup(tmp, (), users=2, per_user=2)
    for p in ("clerk", "basistheory", "apideck", "plantly"):
        harness.add_fake_account(env, fake, p)
    # the accounts pane's order: clerk, basistheory, apideck, plantly
    bt = harness.cli_ok(env, "create", "basistheory").strip()
    vault = harness.cli_ok(env, "create", "apideck").strip()
    clerk_sid = sessions(env, "clerk", "active")[0]["id"]
    t = start(tmp, env, want=("── Sessions", "Basis Theory", "Apideck Vault"))
    try:
        settle(t)
        actions = help_overlay_actions(t)
        screens = [t.text(), form_text(t, "a", "Add an account")]
        to_sessions(t)
        select(t, bt)
        screens += [form_text(t, "n", "New Basis Theory session"),
                    form_text(t, "A", "Authorize session")]
        select(t, vault)
        screens.append(form_text(t, "n", "New Apideck Vault session"))
        select(t, clerk_sid)
        screens += [form_text(t, "t", "Token for session"),
                    form_text(t, ":verify\r", "Verify a token")]
        t.key("esc")
        t.key("tab")  # the accounts pane: each account's form has its provider's fields
        screens.append(form_text(t, "e", "Edit clerk"))
        for _ in range(4):
            t.key("down")
        screens.append(form_text(t, "e", "Edit plantly"))
        every = "\n".join(screens)
        for cap in sorted(caps):
            action, where = CAPABILITIES[cap]
            if action is None:
                continue
            check(action in actions, "%s %s: no %r in the help overlay" % (cap + (action,)))
            if where:
                check(where in every, "%s %s: no %r in the dashboard" % (cap + (where,)))
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 10. a refresh does not move the rows ----

def shown_ids(t):
    return [m.group(0) for _, line in table_rows(t) for m in [re.search(r"sess_\w+", line)] if m]


def t_order_stable(tmp, env):
    fake, env = setup(tmp, ("clerk",), users=12, per_user=3)
    cli_order = [s["id"] for s in sessions(env)]
    t = Term(env=env, tmp=tmp, cols=160, rows=50)
    try:
        check(t.wait_for("── Sessions 36 ", WAIT), t.text())
        t.wait_quiet(0.2, 2)
        first = shown_ids(t)  # cut to the column's width
        check(first == [c[:len(s)] for c, s in zip(cli_order, first)],
              "not the order of sesame sessions:\n%r\n%r" % (first, cli_order[:len(first)]))
        for _ in range(3):
            # one user's sessions come last this time
            fake.fault("clerk", "latency", route="GET /sessions", count=1, ms=600)
            n = len(requests(fake, "clerk"))
            t.send("R")
            check(wait_until(lambda: len(requests(fake, "clerk")) > n, WAIT), "no refresh")
            check(wait_until(lambda: "loading" not in t.text(), WAIT), t.text())
            t.wait_quiet(0.3, 3)
            check(shown_ids(t) == first, "the rows moved:\n%r\n%r" % (first, shown_ids(t)))
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- 11. no "_" in column 0 ----

def t_no_underscore_column0(tmp, env):
    fake, env = setup(tmp, ("clerk", "cbrain"), users=3, per_user=2)
    harness.cli_ok(env, "create", "cbrain")
    try:
        for theme in ("mono", "high-contrast"):
            t = Term(args=("--theme", theme), env=env, tmp=tmp, cols=120, rows=30)
            try:
                check(t.wait_for("── Sessions 7 ", WAIT), t.text())
                for focus in ("accounts", "sessions", "a mark"):
                    if focus == "sessions":
                        t.key("tab")
                    if focus == "a mark":
                        t.key("down")
                        t.key("space")  # marks that row, the cursor moves on
                    t.wait_quiet(0.3, 3)
                    top = header_row(t)
                    for y in range(top, t.screen.lines - 2):
                        c = t.attrs(y)[0]
                        marked = c.data not in (" ", "_")
                        check(c.data != "_" and (marked or not c.underscore),
                              "%s, %s: row %d starts with an underlined blank:\n%s"
                              % (theme, focus, y, t.text()))
                t.quit()
            finally:
                t.close()
    finally:
        fake.stop()


# ---- 7, 8. n checks the state file first; an odd Vault URL is kept, never opened ----

def t_create_checks_state_and_odd_url(tmp, env):
    fake, env = setup(tmp, ("plantly", "apideck"))
    fake.fault("apideck", "answer", route="POST /vault/sessions", count=1,
               body={"status_code": 200, "status": "OK",
                     "data": {"session_uri": "javascript:alert(1)", "session_token": "tok-1"}})
    vault = harness.cli_ok(env, "create", "apideck").strip()
    t = start(tmp, dict(env, BROWSER="/bin/true %s"), want=("Plantly", "Apideck Vault"))
    try:
        on_session(t, vault)
        t.send("o")
        wait_message(t, "the URL of session %s is not an http(s) URL: not opened" % vault)
        t.key("esc")
        # the state directory becomes unwritable: n sends nothing
        state = os.path.join(tmp, "state")
        os.rename(state, state + ".away")
        open(state, "w").close()
        fake.control("POST", "/_fake/requests/clear", {})
        t.key("tab")  # the accounts pane, on the Plantly account
        t.send("n")
        wait_message(t, "plantly: nothing was sent to Plantly")
        check(not requests(fake, "plantly"), "a login went out")
        os.remove(state)
        os.rename(state + ".away", state)
        t.quit()
    finally:
        t.close()
        fake.stop()


TESTS = [t_status_parity, t_revoke_not_ended_is_red, t_cbrain_already_ended, t_plantly_r_renews,
         t_messages_end, t_authorize_and_verify, t_undocumented_answer_is_red,
         t_every_capability_has_a_key, t_order_stable,
         t_no_underscore_column0, t_create_checks_state_and_odd_url]

if __name__ == "__main__":
    sys.exit(harness.main(TESTS))
