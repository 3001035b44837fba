#!/usr/bin/python3
"""Issue 14's guards hold against what another sesame changes while the
dashboard is open: an `account edit --set read_only=yes` or
`production=yes` in another shell guards the dashboard's next x (the
open dashboard reads accounts.conf again when it changed); a login made
by `sesame create` shows up without R (sessions.state read again); a
read-only account cannot be deleted and a production one asks for its
label; screen-share mode masks what the message log held from before it
was turned on, and what y copies.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_risk_outside.py ./sesame
Prints "N passed, N failed" last.
"""

import contextlib
import datetime
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import check, wait_until  # noqa: E402
from test_dashboard_actions import (WAIT, select, sessions, settle, start,  # noqa: E402
                                    to_sessions, wait_message)
from test_risk import active_clerk, clerk_account, journal  # noqa: E402


@contextlib.contextmanager
def at_a_session(tmp, label):
    """A Clerk account `label` against a fake of 2 sessions, the dashboard
    open with the cursor on one of them: (fake, env, t, sid)."""
    fake, env = clerk_account(tmp, label)
    t = None
    try:
        sid = active_clerk(env)[0]["id"]
        t = start(tmp, env)
        settle(t)
        to_sessions(t)
        select(t, sid)
        yield fake, env, t, sid
        t.quit()
    finally:
        if t:
            t.close()
        fake.stop()


def t_read_only_set_elsewhere(tmp, env):
    with at_a_session(tmp, "Clerk prod") as (fake, env, t, sid):
        harness.cli_ok(env, "account", "edit", "Clerk prod", "--set", "read_only=yes")
        t.send("x")
        wait_message(t, "Clerk prod is read-only (read_only = yes)")
        check(t.wait_for("RO Clerk prod", WAIT), "the badge:\n" + t.text())
        # the `:` command line is guarded the same way
        t.send(":revoke\r")
        wait_message(t, "Clerk prod is read-only (read_only = yes)")
        time.sleep(0.5)
        check(fake.count("clerk", "POST", "/revoke") == 0, "revoked at a read-only account")


def t_production_set_elsewhere(tmp, env):
    with at_a_session(tmp, "Clerk two") as (fake, env, t, sid):
        harness.cli_ok(env, "account", "edit", "Clerk two", "--set", "production=yes")
        t.send("x")
        check(t.wait_for("Production: type Clerk two to go ahead", WAIT), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "is not Clerk two")
        check(fake.count("clerk", "POST", "/revoke") == 0, "revoked without the label")


def t_changed_while_asked(tmp, env):
    """The y/N was asked before read_only was set elsewhere: y does nothing."""
    with at_a_session(tmp, "Clerk three") as (fake, env, t, sid):
        t.send("x")
        check(t.wait_for("Revoke session", WAIT), t.text())
        harness.cli_ok(env, "account", "edit", "Clerk three", "--set", "read_only=yes")
        t.send("y")
        t.key("enter")
        wait_message(t, "Clerk three is read-only (read_only = yes)")
        time.sleep(0.5)
        check(fake.count("clerk", "POST", "/revoke") == 0, "revoked at a read-only account")


def t_login_made_elsewhere(tmp, env):
    """`sesame create` while the dashboard is open: the login shows without
    R, and (auto_refresh) renews itself before it expires."""
    fake = harness.Fake(tmp)
    env = harness.keyring_env(tmp)
    harness.add_account(env, "plantly", "Plantly", ["plantly-pass"], fake.url("plantly"),
                        email_address="demo@plantly.test", expiring="20s", auto_refresh="yes")
    try:
        t = start(tmp, env, want=("Plantly",))
        settle(t)
        fake.control("POST", "/_fake/config", {"plantly_expires_in": 25})
        sid = harness.cli_ok(env, "create", "plantly").strip()
        check(t.wait_for(sid[:16], WAIT), "the login made elsewhere is not shown:\n" + t.text())
        wait_message(t, "renewed session %s (Plantly) before it expired" % sid, timeout=30)
        check(fake.count("plantly", "PUT") == 1, "one renewal")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_delete_guarded(tmp, env):
    """D: a read-only account is not deleted (its tracked login would be
    forgotten); a production one asks for its label, set elsewhere too."""
    fake = harness.Fake(tmp)
    env = harness.keyring_env(tmp)
    harness.add_account(env, "plantly", "Plantly", ["plantly-pass"], fake.url("plantly"),
                        email_address="demo@plantly.test", read_only="yes")
    harness.cli_ok(env, "account", "edit", "Plantly", "--set", "read_only=no")
    sid = harness.cli_ok(env, "create", "plantly").strip()
    harness.cli_ok(env, "account", "edit", "Plantly", "--set", "read_only=yes")
    try:
        t = start(tmp, env, want=("Plantly",))
        settle(t)
        t.send("D")
        wait_message(t, "Plantly is read-only (read_only = yes): removing it would forget")
        check("Delete account" not in t.text(), t.text())
        harness.cli_ok(env, "account", "edit", "Plantly", "--set", "read_only=no",
                       "--set", "production=yes")
        t.send("D")
        check(t.wait_for("Production: type Plantly to go ahead", WAIT), t.text())
        t.send("y")
        t.key("enter")
        time.sleep(0.5)
        check(sid in harness.cli_ok(env, "sessions", "--json"), "deleted without the label")
        t.send("D")
        check(t.wait_for("Production: type Plantly", WAIT), t.text())
        t.send("Plantly")
        t.key("enter")
        wait_message(t, "1 tracked session forgotten here")
        e = [e for e in journal(tmp) if e["action"] == "account-remove"][-1]
        check(e.get("detail") == "1 tracked session forgotten" and e["origin"] == "dashboard", e)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_on_expiring_for_every_session(tmp, env):
    """More sessions cross at once than commands run at once (8): each gets
    its run, in its turn, none dropped."""
    out = os.path.join(tmp, "ran.log")
    harness.write(tmp, "sesame.conf", "set on-expiring = sh -c 'echo \"$SESAME_SESSION\" >> "
                  "\"$0\"; sleep 1' %s\n" % out)
    fake = harness.Fake(tmp, ["--clerk-users", "8", "--clerk-sessions-per-user", "3"])
    env = harness.keyring_env(tmp)
    harness.add_account(env, "clerk", "Clerk", ["sk_test_fake"], fake.url("clerk"),
                        expiring="6d")
    t = None
    try:
        def at(s, key):
            return datetime.datetime.fromisoformat(s[key].replace("Z", "+00:00")).timestamp()
        now, window = time.time(), 6 * 86400
        # inside the window now, and crossed it after they began (told)
        live = sorted(s["id"] for s in active_clerk(env) if s.get("expires_at")
                      and at(s, "expires_at") - now <= window
                      and at(s, "expires_at") - window > at(s, "created_at"))
        check(len(live) > 8, "too few sessions to tell: %d" % len(live))
        t = start(tmp, env)
        settle(t)

        def ran():
            return sorted(open(out).read().split()) if os.path.exists(out) else []
        check(wait_until(lambda: ran() == live, 30),
              "on-expiring ran for %d of %d sessions:\n%s" % (len(ran()), len(live), t.text()))
        t.quit()
    finally:
        if t:
            t.close()
        fake.stop()


def t_screen_share_after_the_fact(tmp, env):
    """M after messages named a session: the log (L) masks them too, and
    nothing is copied while the mode is on."""
    with at_a_session(tmp, "Clerk") as (fake, env, t, sid):
        t.send("x")
        check(t.wait_for("Revoke session", WAIT), t.text())
        t.send("y")
        t.key("enter")
        wait_message(t, "revoked session " + sid)
        t.send("M")
        wait_message(t, "screen-share mode: names")
        t.send("L")
        check(t.wait_for("Message log", WAIT), t.text())
        check(sid[:12] not in t.text(), "logged before M, shown whole:\n" + t.text())
        check(t.wait_for("sess_***", WAIT), t.text())
        t.send("y")
        wait_message(t, "screen-share mode: nothing is copied")
        t.key("esc")
        t.send("y")
        wait_message(t, "screen-share mode: nothing is copied")
        check(b"\x1b]52;" not in t.output(), "copied in screen-share mode")


if __name__ == "__main__":
    sys.exit(harness.main([
        t_read_only_set_elsewhere, t_production_set_elsewhere, t_changed_while_asked,
        t_login_made_elsewhere, t_delete_guarded, t_on_expiring_for_every_session,
        t_screen_share_after_the_fact,
    ]))
