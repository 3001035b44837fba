#!/usr/bin/python3
"""The dashboard, end to end: acting on many. Mark every row shown (*),
invert (~), clear (U), a range in visual mode (V, as in vim and lazygit);
the question before acting lists what it will act on (counts per kind and
per account, the requests it sends, the first rows and "and N more"); a
bulk action shows its progress and c cancels what is not sent yet (each
account's requests are paced by its budget), then the report says of each
what became of it.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_dashboard_many.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, wait_until  # noqa: E402

WAIT = 20 * harness.SLOW


def setup(tmp, users=8, per_user=1, tracked=()):
    fake = harness.Fake(tmp, ["--clerk-users", str(users), "--clerk-sessions-per-user",
                              str(per_user), "--clerk-rate-limit", "off"])
    env = harness.keyring_env(tmp)
    harness.add_account(env, "clerk", "prod", ["sk_test_fake"], fake.url("clerk"))
    for p in tracked:
        harness.add_fake_account(env, fake, p)
        harness.cli_ok(env, "create", p)
    return fake, env


def listed(env, status=None):
    return [s for s in harness.listed_sessions(env) if not status or s["status"] == status]


def start(tmp, env, n, cols=130, rows=40):
    return harness.start_listed(env, tmp, n, cols, rows)


message = harness.message_line
title = harness.sessions_title


def marked_rows(t):
    """Rows of the table with a mark in the first column (● or + in a range)."""
    y0 = t.row_of("── Sessions") + 2
    return [y for y in range(y0, t.screen.lines - 2) if t.line(y)[:1] in ("●", "+")]


def t_mark_all_invert_clear_range(tmp, env):
    fake, env = setup(tmp, users=8)
    t = start(tmp, env, 8)
    try:
        t.send("*")
        harness.wait_message(t, lambda l: "8 of 8 rows marked" in l, "mark all")
        check(", 8 marked" in title(t) and len(marked_rows(t)) == 8, t.text())
        t.send("~")  # invert: none
        harness.wait_message(t, lambda l: "0 of 8 rows marked" in l, "invert")
        check(not marked_rows(t), t.text())
        t.send(" ")  # one, by hand (the cursor moves down), then invert: the other seven
        t.send("~")
        harness.wait_message(t, lambda l: "7 of 8 rows marked" in l, "invert")
        t.send("U")
        harness.wait_message(t, lambda l: "marks cleared" in l, "clear")
        check("marked" not in title(t), title(t))
        # all the rows the filter shows, and only those
        t.send("/active\r")
        check(t.wait_for('matching "active"', WAIT), t.text())
        shown = int(re.search(r"Sessions (\d+) of 8", title(t)).group(1))
        t.send("*")
        harness.wait_message(t, lambda l: "%d of %d rows marked" % (shown, shown) in l, "mark shown")
        t.key("esc")  # the filter; the marks stay, on those rows only
        check(t.wait_line(t.row_of("── Sessions"), lambda l: ", %d marked" % shown in l, WAIT),
              title(t))
        # marks the filter hides are never acted on unsaid, nor is the cursor's
        # row when every mark is hidden
        t.send("/expired\r")
        check(t.wait_for('matching "expired"', WAIT), t.text())
        t.send("x")
        harness.wait_message(t, lambda l: "hidden by the filter" in l, "hidden marks said")
        check("[y/N]" not in t.text(), "a question about the row under the cursor:\n" + t.text())
        t.key("esc")
        check(t.wait_gone('matching "expired"', WAIT), t.text())
        t.send("U")
        # visual mode: a range from the cursor, stretched by moving, marked by V
        t.send("g")
        t.send("V")
        check(t.wait_line(t.row_of("── Sessions"), lambda l: "VISUAL" in l, WAIT), title(t))
        t.send("j")
        t.send("j")
        check(wait_until(lambda: len(marked_rows(t)) == 3, WAIT), "range of 3:\n" + t.text())
        t.send("V")
        harness.wait_message(t, lambda l: "3 of 8 rows marked" in l, "range marked")
        check("VISUAL" not in title(t), title(t))
        # Esc leaves visual mode without marking
        t.send("G")
        t.send("V")
        t.send("k")
        t.key("esc")
        harness.wait_message(t, lambda l: "nothing marked" in l, "visual left")
        check(", 3 marked" in title(t), title(t))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_question_lists_what_and_how_many(tmp, env):
    fake, env = setup(tmp, users=10, tracked=("plantly", "basistheory"))
    live = [s for s in listed(env) if s["status"] in ("active", "pending")]
    clerk_live = [s for s in live if s["provider"] == "clerk"]
    check(len(clerk_live) >= 6, "too few: %r" % clerk_live)
    t = start(tmp, env, 12, cols=140, rows=44)
    try:
        t.send("*")
        harness.wait_message(t, lambda l: "of 12 rows marked" in l, "mark all")
        t.send("x")
        check(t.wait_for("[y/N]", WAIT), t.text())
        text = t.text()
        check(re.search(r"revoke\s+%d\s+prod %d" % (len(clerk_live), len(clerk_live)), text), text)
        check(re.search(r"log out\s+1\s+plantly 1", text), text)
        check(re.search(r"forget\s+1\s+basistheory 1", text), text)
        check(re.search(r"requests\s+%d\s+to the providers" % (len(clerk_live) + 1), text), text)
        check("up to 2 more" in text, "Plantly's renewal not counted:\n" + text)
        check(re.search(r"and %d more" % (len(live) - 6), text), text)
        rows = [s["id"] for s in live]
        check(sum(1 for sid in rows if sid in text) == 6, "the first six rows:\n" + text)
        joined = " ".join(" ".join(text.replace("│", " ").split("\n")).split())
        check("already ended are left alone" in joined or len(live) == 12, text)
        t.key("esc")
        check(t.wait_gone("[y/N]", WAIT), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_bulk_cancel_stops_the_rest(tmp, env):
    fake, env = setup(tmp, users=4, per_user=5)
    active = listed(env, "active")
    n = len(listed(env))
    check(len(active) >= 8, "too few active: %d" % len(active))
    # one request a second: the budget holds the rest back, so c really stops them
    harness.cli_ok(env, "account", "edit", "prod", "--set", "rate_limit=1/1s")
    t = start(tmp, env, n)
    try:
        t.send("/active\r")
        check(t.wait_for('matching "active"', WAIT), t.text())
        t.send("*")
        t.send("x")
        check(t.wait_for("[y/N]", WAIT), t.text())
        t.send("y")
        t.key("enter")
        check(t.wait_for("Ending %d sessions" % len(active), WAIT), t.text())
        check("c cancels the rest" in t.text(), t.text())
        check(t.wait_for("2 of %d answered" % len(active), WAIT), t.text())  # a second or two
        t.send("c")
        check(t.wait_for("Ended ", WAIT), "not over after c:\n" + t.text())
        text = t.text()
        done = len(re.findall(r"✓ revoked session", text))
        cancelled = len(re.findall(r"– sess_\w+ \(prod\): not sent: cancelled", text))
        unsure = len(re.findall(r"cancelled after its request had gone out", text))
        check(cancelled >= len(active) - 4, "too few cancelled (%d):\n%s" % (cancelled, text))
        check(done + cancelled + unsure == len(active), text)
        check(re.search(r"%d not sent \(cancelled\)" % cancelled, text), text)
        harness.wait_message(t, lambda l: "not sent (cancelled)" in l, "the summary")
        time.sleep(1.5)  # nothing more goes out after the cancel
        revokes = [r for r in fake.requests("clerk") if r["method"] == "POST" and
                   r["path"].endswith("/revoke")]
        check(len(revokes) == done + unsure and len(revokes) < len(active),
              "%d revokes reached Clerk, %d reported done" % (len(revokes), done))
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


if __name__ == "__main__":
    sys.exit(harness.main([t_mark_all_invert_clear_range, t_question_lists_what_and_how_many,
                           t_bulk_cancel_stops_the_rest]))
