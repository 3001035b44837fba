#!/usr/bin/python3
"""The dashboard, end to end: finding fast and handing on. The filter's
language (field:value, !word, "phrases"; plain words as before), every match
in a cell lit, a mistake said under the prompt; saved views (number keys, the
picker, sesame.conf's own); the : command line (any action by name,
completion, history kept across runs); :export of the table shown to CSV or
JSON, atomically, never over a file without !.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_dashboard_find.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import csv
import io
import json
import os
import re
import stat
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, write  # noqa: E402

WAIT = 20 * harness.SLOW


def setup(tmp, users=8, per_user=2):
    fake = harness.Fake(tmp, ["--clerk-users", str(users), "--clerk-sessions-per-user",
                              str(per_user), "--clerk-rate-limit", "1000/10s"])
    env = harness.keyring_env(tmp)
    harness.add_fake_account(env, fake, "clerk", "prod")
    harness.add_fake_account(env, fake, "cbrain", "lab")
    harness.cli_ok(env, "create", "lab")
    return fake, env


listed = harness.listed_sessions


def start(tmp, env, n, cols=150, rows=40):
    return harness.start_listed(env, tmp, n, cols, rows)


message = harness.message_line
title = harness.sessions_title


def rows(t):
    y0 = t.row_of("── Sessions") + 2
    return [t.line(y) for y in range(y0, t.screen.lines - 2) if t.line(y).strip()]


def shown_count(t):
    m = re.search(r"Sessions(?: \(view [^)]*\))? (\d+)", title(t))
    return int(m.group(1)) if m else -1


def filter_to(t, text):
    t.send("/")
    t.send("\x15")
    t.send(text)
    t.key("enter")


def t_filter_language(tmp, env):
    fake, env = setup(tmp)
    every = listed(env)
    n = len(every)
    t = start(tmp, env, n)
    try:
        # field:value: only the column named
        user = every[0]["user"].split()[0]  # a first name
        want = [s for s in every if user.lower() in s["user"].lower()]
        filter_to(t, "user:%s" % user)
        check(t.wait_for('matching "user:%s"' % user, WAIT), t.text())
        check(shown_count(t) == len(want), "%d shown, want %d:\n%s" % (shown_count(t), len(want),
                                                                       t.text()))
        # a paste (one write of some 700 characters, filtered once): the whole of it
        t.send("/\x15" + " ".join(["user:%s" % user] * 60) + "\r")
        check(t.wait_for('matching "user:%s user:' % user, WAIT), t.text())
        check(shown_count(t) == len(want), "after a paste:\n" + t.text())
        # !word: not it; a status by name
        filter_to(t, "status:active !revoked")
        check(t.wait_for('matching "status:active !revoked"', WAIT), t.text())
        check(shown_count(t) == len([s for s in every if s["status"] == "active"]), t.text())
        check(all("active" in r for r in rows(t)), "\n".join(rows(t)))
        # a quoted phrase: the words together
        full = every[0]["user"].split(" <")[0]
        filter_to(t, '"%s"' % full)
        check(t.wait_for('matching ""%s""' % full, WAIT), t.text())
        check(shown_count(t) == len([s for s in every if full in s["user"]]), t.text())
        check(all(full in r or "…" in r for r in rows(t)), "\n".join(rows(t)))
        # plain words as before: every word, any column
        filter_to(t, "lab active")
        check(t.wait_for('matching "lab active"', WAIT), t.text())
        check(shown_count(t) == 1 and "CBRAIN" in rows(t)[0], t.text())
        # every match in a cell lit: "o" twice in "demo (user 42)"? use the e-mail's letter
        filter_to(t, "e")
        check(t.wait_for('matching "e"', WAIT), t.text())
        t.send("g")
        time.sleep(0.3)
        y = t.row_of("── Sessions") + 3  # the second row: not under the cursor bar
        line, attrs = t.line(y), t.attrs(y)
        lit = [x for x, c in enumerate(attrs) if c.fg in ("yellow", "brown") and c.bold]
        letters = [line[x].lower() for x in lit]
        check(len(lit) >= 3 and set(letters) == {"e"}, "lit: %r in %r" % (letters, line))
        # a mistake while typing: said under the prompt, the last filter kept
        t.send("/")
        t.send("\x15")
        t.send("usr:ada")
        check(t.wait_line(t.screen.lines - 1, lambda l: "did you mean user?" in l, WAIT),
              message(t))
        x = message(t).find("unknown field")
        check(x > 0 and t.attrs(t.screen.lines - 1)[x].fg == "red", "not in the error colour")
        # Enter does not take it: the prompt stays with its error until it parses
        t.key("enter")
        time.sleep(0.3)
        check("did you mean user?" in message(t) and "usr:ada" in t.text(),
              "a filter that does not parse was taken:\n" + t.text())
        t.send("\x15")  # still typing into the prompt: fixed, it is taken
        t.send("user:ada\r")
        check(t.wait_for('matching "user:ada"', WAIT), t.text())
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_saved_views(tmp, env):
    fake, env = setup(tmp)
    harness.add_fake_account(env, fake, "plantly")  # a login whose token lives an hour
    harness.cli_ok(env, "create", "plantly")
    every = listed(env)
    n = len(every)
    active = [s for s in every if s["status"] == "active"]
    t = start(tmp, env, n)
    try:
        t.send("1")
        check(t.wait_line(t.row_of("── Sessions"), lambda l: "(view Active)" in l, WAIT), title(t))
        harness.wait_message(t, lambda l: "view 1, Active: %d of %d" % (len(active), n) in l, "view 1")
        check(shown_count(t) == len(active) and all("active" in r for r in rows(t)), t.text())
        check("Expires▲" in t.text(), "sorted by expires:\n" + t.text())
        t.send("3")
        harness.wait_message(t, lambda l: "view 3, All: %d sessions" % n in l, "view 3")
        check(shown_count(t) == n, title(t))
        # the picker lists them; Enter takes the one under its cursor
        t.send("0")
        check(t.wait_for("Saved views", WAIT), t.text())
        text = t.text()
        for name in ("1  Active", "2  Expiring in 1 h", "3  All"):
            check(name in text, "no %r:\n%s" % (name, text))
        t.send("j")
        t.key("enter")
        check(t.wait_gone("Saved views", WAIT), t.text())
        harness.wait_message(t, lambda l: "view 2, Expiring in 1 h: 1 of %d" % n in l,
                     "view 2 from the picker")
        check(len(rows(t)) == 1 and "Plantly" in rows(t)[0], "the hour's one:\n" + t.text())
        headless = listed(env, "--filter", "status:active expires:<1h")  # the same language
        check([x["provider"] for x in headless] == ["plantly"], headless)
        t.send("9")
        harness.wait_message(t, lambda l: "no view 9: there are 3" in l, "no view 9")
        # sorted once by expires, the order is kept for a switch back; new
        # sessions make it sorted again: a second Plantly login (an hour
        # left) comes first with the first one
        t.send("1")
        t.send("3")
        harness.cli_ok(env, "create", "plantly")
        t.send("R")
        check(t.wait_for("── Sessions (view All) %d " % (n + 1), WAIT), title(t))
        t.send("1")
        check(t.wait_line(t.row_of("── Sessions"), lambda l: "(view Active) %d " % (len(active) + 1)
                          in l, WAIT), title(t))
        check(all("Plantly" in r for r in rows(t)[:2]) and "Plantly" not in rows(t)[2],
              "the new session not sorted in:\n" + t.text())
        n += 1
        t.quit()
        t.close()
        # views of one's own replace the shipped ones
        write(tmp, "sesame.conf", 'view "Lab only" = account:lab | sort created desc\n'
                                  'view Ada = user:ada | columns user,session,status\n')
        t = start(tmp, env, n)
        t.send("1")
        check(t.wait_line(t.row_of("── Sessions"), lambda l: "(view Lab only)" in l, WAIT),
              title(t))
        check(shown_count(t) == 1, title(t))
        t.send(":view ada\r")
        check(t.wait_line(t.row_of("── Sessions"), lambda l: "(view Ada)" in l, WAIT), title(t))
        hdr = t.line(t.row_of("── Sessions") + 1).split()
        check(hdr == ["User", "Session", "Status"], hdr)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_command_line(tmp, env):
    fake, env = setup(tmp)
    n = len(listed(env))
    t = start(tmp, env, n)
    try:
        t.send(":")
        check(t.wait_line(t.screen.lines - 1, lambda l: l.startswith(":"), WAIT), message(t))
        check("Tab" in t.line(t.screen.lines - 2), "the hints: %r" % t.line(t.screen.lines - 2))
        t.send("so")
        t.key("tab")  # sort and sort-reverse: their common start, and the candidates
        check(t.wait_line(t.screen.lines - 1, lambda l: l.startswith(":sort") and
                          "sort-reverse" in l, WAIT), message(t))
        t.send(" cr")
        t.key("tab")
        check(t.wait_line(t.screen.lines - 1, lambda l: l.startswith(":sort created "), WAIT),
              message(t))
        t.send("d")
        t.key("tab")
        check(t.wait_line(t.screen.lines - 1, lambda l: l.startswith(":sort created desc"),
                          WAIT), message(t))
        t.key("enter")
        harness.wait_message(t, lambda l: "sorted by created, descending" in l, ":sort")
        t.send(":revok\r")
        harness.wait_message(t, lambda l: "did you mean revoke?" in l, "unknown command")
        t.send(":account lab\r")
        check(t.wait_line(t.row_of("── Sessions"), lambda l: "Sessions of lab 1 of" in l, WAIT),
              title(t))
        t.send(":account\r")
        check(t.wait_line(t.row_of("── Sessions"), lambda l: "of lab" not in l, WAIT), title(t))
        t.send(":theme light\r")
        harness.wait_message(t, lambda l: "theme light (remembered)" in l, ":theme")
        t.send(":help\r")  # an action by its name
        check(t.wait_for("Keys (", WAIT), t.text())
        t.key("esc")
        # history: Up brings the last ones back, and they are kept across runs
        t.send(":")
        t.key("up")
        check(t.wait_line(t.screen.lines - 1, lambda l: l.startswith(":help"), WAIT), message(t))
        t.key("up")
        t.key("up")
        check(t.wait_line(t.screen.lines - 1, lambda l: l.startswith(":account"), WAIT),
              message(t))
        t.key("esc")
        with open(os.path.join(tmp, "state", "history")) as f:
            hist = f.read().splitlines()
        check(hist[-3:] == ["account", "theme light", "help"], hist)
        with open(os.path.join(tmp, "config", "sesame.conf")) as f:
            conf = f.read()
        check("set theme = light" in conf and "set sort = created desc" in conf, conf)
        t.quit()
        t.close()
        t = start(tmp, env, n)
        t.send(":")
        t.key("up")
        check(t.wait_line(t.screen.lines - 1, lambda l: l.startswith(":help"), WAIT),
              "not kept across runs: %r" % message(t))
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_export(tmp, env):
    fake, env = setup(tmp)
    every = listed(env)
    n = len(every)
    out = os.path.join(tmp, "out")
    os.makedirs(out)
    t = start(tmp, env, n)
    try:
        t.send("/status:active\r")
        check(t.wait_for('matching "status:active"', WAIT), t.text())
        shown = shown_count(t)
        t.send(":columns account,session,status,user\r")
        check(t.wait_for("columns: account,session,status,user", WAIT), t.text())
        path = os.path.join(out, "active.csv")
        t.send(":export %s\r" % path)
        harness.wait_message(t, lambda l: "exported %d sessions" % shown in l and path in l, "export")
        check(oct(os.stat(path).st_mode & 0o777) == "0o600", oct(os.stat(path).st_mode))
        with open(path, newline="") as f:
            data = list(csv.reader(f))
        check(data[0] == ["account", "session", "status", "user"], data[0])
        check(len(data) == shown + 1 and all(r[2] == "active" for r in data[1:]), data)
        # the same file the headless command writes for the same view
        head = harness.cli_ok(env, "sessions", "--filter", "status:active", "--columns",
                              "account,session,status,user", "--format", "csv")
        check(sorted(data[1:]) == sorted(list(csv.reader(io.StringIO(head)))[1:]),
              "the dashboard's export and sessions --format csv differ")
        # never over a file without !
        with open(path, "w") as f:
            f.write("mine\n")
        t.send(":export %s\r" % path)
        harness.wait_message(t, lambda l: "exists: export! " in l, "refused")
        with open(path) as f:
            check(f.read() == "mine\n", "overwritten without !")
        t.send(":export! %s\r" % path)
        harness.wait_message(t, lambda l: "exported %d sessions" % shown in l, "export!")
        with open(path) as f:
            check(f.read().startswith("account,session"), "not replaced")
        # never over a directory, a link or a FIFO, ! or not
        odd = os.path.join(tmp, "odd")  # apart: the files in out are read below
        os.mkdir(odd)
        fifo = os.path.join(odd, "fifo.csv")
        os.mkfifo(fifo)
        link = os.path.join(odd, "link.csv")
        os.symlink(path, link)
        folder = os.path.join(odd, "dir.csv")
        os.mkdir(folder)
        for target, what in ((folder, "a directory"), (fifo, "not a regular file"),
                             (link, "a symbolic link")):
            t.send(":export! %s\r" % target)
            harness.wait_message(t, lambda l: what in l, "export! over %s" % what)
        check(os.path.islink(link) and stat.S_ISFIFO(os.lstat(fifo).st_mode), "replaced")
        # JSON, by its extension or by name; never a secret
        jpath = os.path.join(out, "view")
        t.send(":export json %s\r" % jpath)
        harness.wait_message(t, lambda l: "exported %d sessions (every field)" % shown in l, "json")
        with open(jpath) as f:
            doc = json.load(f)
        check(len(doc["sessions"]) == shown and
              all(s["status"] == "active" for s in doc["sessions"]), doc)
        for name in os.listdir(out):
            with open(os.path.join(out, name)) as f:
                body = f.read()
            check("sk_test_fake" not in body and "cbrain-pass" not in body, name)
            check(".tmp." not in name, "a temporary file left: %s" % name)
        t.send(":export %s\r" % os.path.join(out, "noext"))
        harness.wait_message(t, lambda l: "which format?" in l, "no format")
        t.send(":export %s\r" % os.path.join(tmp, "no", "such", "dir", "x.csv"))
        harness.wait_message(t, lambda l: "not exported" in l and "No such file" in l, "no dir")
        t.quit()
    finally:
        t.close()
        fake.stop()


def ids(t):
    """The sessions shown, by id, in the order shown."""
    return [m.group(0) for r in rows(t) for m in [re.search(r"sess_\w+|cbrain-\w+", r)] if m]


def t_order_kept_through_filters(tmp, env):
    """Every row shown is the table's order itself, and the default order is
    kept aside only once a column is sorted by: filtering, clearing, sorting
    and sorting back (also after a refresh) give the same rows in the same
    order as before."""
    fake, env = setup(tmp)
    n = len(listed(env))
    t = start(tmp, env, n)

    def shown(want, what):
        ok = harness.wait_until(lambda: ids(t) == want, WAIT)
        check(ok, "%s:\n%r\nwant\n%r\n%s" % (what, ids(t), want, t.text()))

    try:
        first = ids(t)
        check(len(first) == n, "%d of %d shown:\n%s" % (len(first), n, t.text()))
        filter_to(t, "lab")
        check(t.wait_for('matching "lab"', WAIT), t.text())
        check(len(ids(t)) == 1, t.text())
        filter_to(t, "")
        shown(first, "all again after the filter")
        t.send(":sort session desc\r")
        harness.wait_message(t, lambda l: "sorted by session, descending" in l, "sort")
        by_id = ids(t)
        check(sorted(by_id) == sorted(first) and by_id != first, "not sorted anew: %r" % by_id)
        filter_to(t, "e")
        check(t.wait_for('matching "e"', WAIT), t.text())
        check(ids(t) == [x for x in by_id if x in ids(t)], "a filter kept the order")
        filter_to(t, "")
        shown(by_id, "all again, sorted")
        t.send(":sort none\r")
        shown(first, "the default order back")
        t.send(":sort session desc\r")
        shown(by_id, "sorted again")
        t.send("R")
        harness.wait_message(t, lambda l: "reloaded" in l, "R")
        shown(by_id, "sorted after a refresh")
        t.send(":sort none\r")
        shown(first, "the default order after a refresh")
        t.quit()
    finally:
        t.close()
        fake.stop()


if __name__ == "__main__":
    sys.exit(harness.main([t_filter_language, t_saved_views, t_command_line, t_export,
                               t_order_kept_through_filters]))
