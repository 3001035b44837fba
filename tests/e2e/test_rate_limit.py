#!/usr/bin/python3
"""A rate-limited Clerk instance, end to end: the fake keeps Clerk's limit
per instance (100 requests per 10 s, as in development: a 429 with
Retry-After beyond it), has many users of whom few were active lately, and
lets the test sign users in while sesame runs. The tests count what sesame
sends (the fake's stats) for the first listing, a refresh and a forced full
listing, and check it is paced, not refused; what a person sees of it (the
status bar, the progress of a headless listing on a terminal); and a 429
that still comes (someone else spent the limit) being waited out.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_rate_limit.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Term, check, wait_until  # noqa: E402

USERS, ACTIVE, PER_USER = 300, 20, 3
DEV_LIMIT = "100/10s"      # Clerk's development instances


def clerk_stats(fake):
    return fake.control("GET", "/_fake/stats")["providers"]["clerk"]


def counts(fake):
    """(requests, 429s) Clerk has seen."""
    st = clerk_stats(fake)
    return st["requests"], st["by_status"].get("429", 0)


def big_instance(tmp, limit=DEV_LIMIT, active=ACTIVE, users=USERS, per_user=PER_USER):
    return harness.Fake(tmp, ["--clerk-users", str(users), "--clerk-sessions-per-user",
                              str(per_user), "--clerk-active-users", str(active),
                              "--clerk-rate-limit", limit])


def add_clerk(env, fake, label="prod", **fields):
    harness.add_account(env, "clerk", label, ["sk_test_fake"], fake.url("clerk"), **fields)


def listed_users(fake, since_seq=0):
    """The user ids whose sessions were asked for, after request since_seq."""
    ids = []
    for r in fake.requests("clerk"):
        if r["seq"] > since_seq and r["subpath"] == "/sessions" and r["method"] == "GET":
            ids += urllib.parse.parse_qs(r["query"]).get("user_id", [])
    return ids


def last_seq(fake):
    reqs = fake.requests("clerk", last=1)
    return reqs[-1]["seq"] if reqs else 0


def settled(t, label="prod"):
    """The account loaded, nothing in flight."""
    return wait_until(lambda: "loading" not in t.text() and t.find_row(label) >= 0
                      and " ok" in t.line(t.find_row(label)), 20 * harness.SLOW)


def t_first_listing_asks_for_the_active_users(tmp, env):
    """300 users, 20 active in the last 7 days: the first listing costs one
    users page and one sessions list per active user, all within the limit."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp)
    add_clerk(env, fake)
    fake.control("POST", "/_fake/stats/clear", {})
    t = Term(env=env, tmp=tmp, cols=120, rows=30)
    try:
        check(settled(t), "not loaded:\n" + t.text())
        req, refused = counts(fake)
        users = listed_users(fake)
        print("  first listing: %d requests, %d answered 429" % (req, refused))
        check(refused == 0, "%d requests answered 429" % refused)
        check(len(users) == ACTIVE and len(set(users)) == ACTIVE,
              "sessions asked for %d users (%d distinct), not the %d active" % (
                  len(users), len(set(users)), ACTIVE))
        check(req <= 25 + ACTIVE, "%d requests for %d active users" % (req, ACTIVE))
        # and they are the users active lately, the window shown
        check("7d" in t.line(t.row_of("prod")), t.line(t.row_of("prod")))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_refresh_asks_for_what_changed(tmp, env):
    """After the first listing, r asks for the users who signed in since
    (and a share of the users with live sessions), not for everyone again:
    the new sessions are on screen, a handful of requests later."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp)
    add_clerk(env, fake)
    t = Term(env=env, tmp=tmp, cols=140, rows=40)
    try:
        check(settled(t), "not loaded:\n" + t.text())
        before = clerk_stats(fake)
        signed = fake.control("POST", "/_fake/clerk/sign_in", {"users": 3})
        seq = last_seq(fake)
        t.key("r")  # the accounts pane has the cursor: refresh prod
        new = signed["session_ids"]
        check(wait_until(lambda: set(signed["user_ids"]) <= set(listed_users(fake, seq)),
                         20 * harness.SLOW), "the users who signed in were not read")
        check(settled(t), "not loaded:\n" + t.text())
        t.key("tab")
        # every new session shows (its id, cut or not, in the table)
        for sid in new:
            t.send("/" + sid[-8:] + "\r")
            check(t.wait_for("Sessions 1 ", 5 * harness.SLOW),
                  "new session %s not on screen:\n%s" % (sid, t.text()))
            t.key("esc")
        after = clerk_stats(fake)
        req = after["requests"] - before["requests"]
        refused = after["by_status"].get("429", 0) - before["by_status"].get("429", 0)
        users = listed_users(fake, seq)
        print("  refresh: %d requests (%d users re-read), %d answered 429"
              % (req, len(users), refused))
        check(refused == 0, "%d answered 429" % refused)
        for u in signed["user_ids"]:
            check(u in users, "the user who signed in (%s) was not read" % u)
        check(len(users) <= 3 + ACTIVE // 5, "the refresh read %d users: %s" % (len(users), users))
        check(req <= 2 + len(users), "%d requests" % req)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_revoked_elsewhere_seen_within_recheck(tmp, env):
    """A session revoked elsewhere (the customer's own back end) shows as
    revoked once its user is re-read: every `recheck` at the latest."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp, users=40, active=10, per_user=2)
    add_clerk(env, fake, recheck="3s")
    t = Term(env=env, tmp=tmp, cols=140, rows=40)
    try:
        check(settled(t), "not loaded:\n" + t.text())
        users = listed_users(fake)
        gone = fake.control("POST", "/_fake/clerk/revoke", {"user_id": users[0]})["revoked"]
        check(gone, "nothing to revoke for %s" % users[0])
        time.sleep(3.2)
        t.key("r")
        check(wait_until(lambda: users[0] in listed_users(fake, 0)[len(users):], 10),
              "the user was not re-read")
        check(settled(t), "not loaded:\n" + t.text())
        t.key("tab")
        t.send("/" + gone[0][-8:] + "\r")
        check(t.wait_for("Sessions 1 ", 5) and wait_until(lambda: "revoked" in t.text(), 5),
              "the session revoked elsewhere is not shown revoked:\n" + t.text())
        # a user re-read without a users page keeps its name (not its raw id)
        row = t.line(t.row_of("revoked"))
        check(" <" in row and users[0][:8] not in row,
              "the re-read user lost its name: %r" % row)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_forced_full_listing(tmp, env):
    """^R lists the account again in full: every active user, paced, 0 429."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp)
    add_clerk(env, fake)
    t = Term(env=env, tmp=tmp, cols=120, rows=30)
    try:
        check(settled(t), "not loaded:\n" + t.text())
        seq = last_seq(fake)
        before = clerk_stats(fake)
        t.send("\x12")  # ^R
        check(t.wait_for("again in full", 5), t.text())
        check(wait_until(lambda: len(listed_users(fake, seq)) >= ACTIVE, 20 * harness.SLOW)
              and settled(t), "not listed again:\n" + t.text())
        after = clerk_stats(fake)
        refused = after["by_status"].get("429", 0) - before["by_status"].get("429", 0)
        req = after["requests"] - before["requests"]
        print("  full listing: %d requests, %d answered 429" % (req, refused))
        check(refused == 0, "%d answered 429" % refused)
        check(sorted(set(listed_users(fake, seq))) == sorted(listed_users(fake, seq)),
              "a user was asked for twice")
        check(req <= 25 + ACTIVE, "%d requests" % req)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_paced_listing_shows_progress(tmp, env):
    """A listing longer than its budget: the status bar names the account
    waiting for budget, keys answer, and it finishes with every session."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp, active=40, per_user=1)
    add_clerk(env, fake, rate_limit="10/1s")
    t = Term(env=env, tmp=tmp, cols=140, rows=30)
    try:
        check(t.wait_for("prod waiting for budget", 10 * harness.SLOW),
              "the status bar does not say it waits:\n" + t.text())
        check("users" in t.line(t.row_of("prod")), t.line(t.row_of("prod")))
        # the sessions that came are counted in the accounts pane as they come
        check(wait_until(lambda: re.search(r"prod +[1-9][0-9]* ", t.line(t.row_of("prod")))
                         and "users" in t.line(t.row_of("prod")), 10 * harness.SLOW),
              "no count while it lists: " + t.line(t.row_of("prod")))
        t0 = time.time()
        t.key("?")
        check(t.wait_for("Keys (", 2), "help did not open while pacing")
        check(time.time() - t0 < 0.5 * harness.SLOW, "a key waited %.2f s" % (time.time() - t0))
        t.key("esc")
        check(settled(t), "not loaded:\n" + t.text())
        check(t.wait_for("── Sessions 40 ", 5), t.text())
        check(counts(fake)[1] == 0, "answered 429: %r" % (counts(fake),))
        t.quit()
    finally:
        t.close()
        fake.stop()


def read_tty(master, seen, done, wait=0.1):
    """What the terminal master receives, into seen, until it closes or a
    wait of `wait` s brings nothing and done() is true."""
    while True:
        r, _, _ = select.select([master], [], [], wait)
        if r:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            seen.extend(data)
        elif done():
            return


def run_with_tty_stderr(env, args, timeout=60):
    """sesame ARGS with stderr on a pseudo-terminal (stdout a pipe): returns
    (exit status, stdout, everything written to the terminal)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([harness.BINARY, *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = bytearray()
    th = threading.Thread(target=read_tty, args=(master, seen, lambda: proc.poll() is not None),
                          daemon=True)
    th.start()
    out = proc.communicate(timeout=timeout)[0]
    th.join(5)
    os.close(master)
    harness.note_sanitizer_reports("sesame " + " ".join(args), seen.decode("utf-8", "replace"))
    return proc.returncode, out.decode(), seen.decode("utf-8", "replace")


def t_headless_progress_on_a_terminal(tmp, env):
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp, active=40, per_user=1)
    add_clerk(env, fake, rate_limit="10/1s")
    rc, out, err = run_with_tty_stderr(env, ["sessions", "--json"])
    check(rc == 0, "exit %d\n%s" % (rc, err))
    check("prod: " in err and " of 40 users, waiting for budget" in err,
          "no progress on the terminal: %r" % err[-400:])
    check(err.rstrip().endswith("\x1b[K"), "the progress line is not cleared: %r" % err[-80:])
    check(out.count('"id": "sess_') == 40 or out.count('"id":"sess_') == 40,
          "not 40 sessions:\n" + out[:400])
    # not a terminal: nothing but errors on stderr
    r = harness.cli(env, "sessions")
    check(r.returncode == 0 and r.stderr == "", "stderr %r" % r.stderr)
    fake.stop()


def t_refused_is_waited_out(tmp, env):
    """Someone else spends the instance's limit: sesame's own budget is more
    than is left. The 429s that come shrink the budget and are waited out
    (Retry-After); the listing ends with every session, exit 0."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp, limit="20/2s", active=40, per_user=1)
    add_clerk(env, fake, rate_limit="40/4s")  # the same rate, but a burst of 40 > 20
    time.sleep(2.1)  # the add's check of the key out of the fake's window
    fake.control("POST", "/_fake/stats/clear", {})
    t0 = time.time()
    r = harness.cli(env, "--timeout", "10", "sessions", "--json", timeout=120)
    took = time.time() - t0
    req, refused = counts(fake)
    print("  %d requests, %d answered 429, %.1f s" % (req, refused, took))
    check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr))
    check(r.stdout.count('"sess_') >= 40, r.stdout[:300])
    check(refused >= 1, "no 429: the test did not test")
    # what was on its way when the limit ran out is refused, at most the
    # burst beyond what was left (40 - 20); then the smaller budget keeps
    # within the limit: every refused request went through the second time
    check(refused <= 20, "%d answered 429" % refused)
    check(req == 41 + refused, "%d requests for 41 and %d refused: refused again" % (req, refused))
    check(took < 15, "%.1f s: the budget shrank more than once" % took)
    fake.stop()


def t_hand_edited_limit_is_refused(tmp, env):
    """A rate_limit or recheck the form would refuse, written into the file
    by hand, fails the account's jobs with a config error that names it: it
    is never replaced by a default in silence."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp, active=3, per_user=1)
    add_clerk(env, fake, rate_limit="10/1s")
    path = os.path.join(tmp, "config", "accounts.conf")
    text = open(path).read()
    check(re.search(r"rate_limit *= *10/1s", text), text)
    for bad, field in (("banana", "rate_limit"), ("off\nfield.recheck=-5m", "recheck")):
        with open(path, "w") as f:
            f.write(re.sub(r"(rate_limit *= *)\S+", lambda m: m.group(1) + bad, text))
        before = counts(fake)[0]
        r = harness.cli(env, "sessions")
        check(r.returncode == 6, "exit %d: %s" % (r.returncode, r.stderr))
        check(field in r.stderr and "account edit" in r.stderr, r.stderr)
        check(counts(fake)[0] == before, "it asked Clerk anyway")
    # a field written without "field.", a field Clerk has not, a value with
    # spaces about it (as --set takes it: trimmed)
    for extra, said in (("rate_limit=banana", "field.rate_limit="), ("field.bogus=1", "bogus")):
        with open(path, "w") as f:
            f.write(text.replace("[account prod]\n", "[account prod]\n%s\n" % extra))
        r = harness.cli(env, "sessions")
        check(r.returncode == 6 and said in r.stderr, "%s: exit %d: %s" % (extra, r.returncode, r.stderr))
    with open(path, "w") as f:
        f.write(re.sub(r"(rate_limit *= *)\S+", lambda m: m.group(1) + "10/1s   ", text))
    r = harness.cli(env, "sessions")
    check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr))
    fake.stop()


def t_headless_progress_of_several_accounts(tmp, env):
    """Two accounts list at once: one line tells how far each is, cut to
    the terminal's width; Ctrl-C takes the line away before sesame ends."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp, limit="off", active=40, per_user=1)
    add_clerk(env, fake, rate_limit="10/1s")
    add_clerk(env, fake, label="lab", rate_limit="10/1s")
    rc, out, err = run_with_tty_stderr(env, ["sessions", "--json"])
    check(rc == 0, "exit %d\n%s" % (rc, err))
    lines = [x for x in err.split("\r\x1b[K") if x]
    both = [x for x in lines if "prod: " in x and "lab: " in x and " · " in x]
    check(both, "no line names both listings: %r" % lines[-6:])
    check(all(len(x) < 80 for x in lines), "a line longer than the terminal: %r" % lines)
    check(out.count('"sess_') >= 80, out[:300])
    # interrupted: the last thing on the terminal clears the line
    master, slave = pty.openpty()
    harness.set_size(slave, 60, 24)
    proc = subprocess.Popen([harness.BINARY, "sessions"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    seen = bytearray()
    deadline = time.time() + 20
    read_tty(master, seen, lambda: b"users" in seen or time.time() > deadline)
    check(b"users" in seen, "no progress: %r" % bytes(seen))
    proc.send_signal(signal.SIGINT)
    proc.wait(10)
    read_tty(master, seen, lambda: True, wait=0.5)
    os.close(master)
    check(proc.returncode == -signal.SIGINT, "exit %r" % proc.returncode)
    check(bytes(seen).endswith(b"\r\x1b[K"), "the line stays: %r" % bytes(seen[-80:]))
    fake.stop()


def users_page(fake, limit=500):
    """Clerk's first users page as sesame's walk asks for it (newest activity first)."""
    req = urllib.request.Request(fake.url("clerk") + "/users?limit=%d&offset=0&order_by="
                                 "-last_active_at" % limit,
                                 headers={"Authorization": "Bearer sk_test_fake"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read().decode())


def t_repeated_users_are_said(tmp, env):
    """A users page that repeats users (an order that moved under the
    paging, or a server that lies) may hide as many: the listing says so
    on stderr, unless the walk's last look found them again."""
    env = harness.keyring_env(tmp)
    fake = big_instance(tmp, limit="off", users=700, active=650, per_user=1)
    add_clerk(env, fake, rate_limit="off")
    page = users_page(fake)
    check(len(page) == 500, "page of %d" % len(page))
    fake.fault("clerk", "answer", route="GET /users", count=1, body=page[:400] + page[:100])
    r = harness.cli(env, "sessions", "--json", timeout=120)
    check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr))
    check("repeated 100 users" in r.stderr and "up to 100 may be missing" in r.stderr,
          "not said: %r" % r.stderr)
    # a page repeated for ever: paging stops at the first page with nothing new
    fake.fault("clerk", "answer", route="GET /users", body=page)
    before = fake.count("clerk", "GET", "/users")
    r = harness.cli(env, "sessions", "--json", timeout=120)
    pages = fake.count("clerk", "GET", "/users") - before
    check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr))
    check(pages <= 3, "%d pages of the same users" % pages)
    check("all listed already" in r.stderr, r.stderr)
    # an ordinary listing says nothing
    fake.clear_faults()
    r = harness.cli(env, "sessions", "--json", timeout=120)
    check(r.returncode == 0 and r.stderr == "", r.stderr)
    fake.stop()


TESTS = [
    t_first_listing_asks_for_the_active_users, t_refresh_asks_for_what_changed,
    t_revoked_elsewhere_seen_within_recheck, t_forced_full_listing, t_paced_listing_shows_progress, t_headless_progress_on_a_terminal,
    t_refused_is_waited_out, t_hand_edited_limit_is_refused,
    t_headless_progress_of_several_accounts, t_repeated_users_are_said,
]

if __name__ == "__main__":
    sys.exit(harness.main(TESTS))
