#!/usr/bin/python3
"""The dashboard, end to end: nothing is unreadable. The message log (L) keeps
every message and outcome, scrolls, copies one entry or all of it (OSC 52),
and the message line says where to read what it had to cut; an account in
error shows its whole error and what to do; each pane says where it stands
("row N of M", more above or below); the status bar's hints follow what is in
front.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_dashboard_read.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import base64
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Term, check, wait_until, write  # noqa: E402

WAIT = 5 * harness.SLOW
CLERK_401_END = "Make sure that your Clerk Secret Key is correct."


def setup(tmp, users=6, per_user=2, broken=True, extra_accounts=0, label="prod",
          fake_args=()):
    """The fake, a working Clerk account ("prod"), a Clerk account with a
    wrong key ("staging"), and extra_accounts more working ones."""
    fake = harness.Fake(tmp, ["--clerk-users", str(users),
                              "--clerk-sessions-per-user", str(per_user),
                              "--clerk-rate-limit", "1000/10s", *fake_args])
    env = harness.keyring_env(tmp)
    harness.add_fake_account(env, fake, "clerk", label)
    if broken:
        harness.cli_ok(env, "account", "add", "clerk", "--label", "staging", "--base-url",
                       fake.url("clerk"), "--no-check", stdin="sk_test_wrong\n")
    for i in range(extra_accounts):
        harness.add_fake_account(env, fake, "clerk", "more-%02d" % i)
    return fake, env


def start(tmp, env, cols=80, rows=24, want="── Sessions"):
    t = Term(env=env, tmp=tmp, cols=cols, rows=rows)
    check(t.wait_for(want, WAIT), t.text())
    return t


def osc52_payloads(t):
    """Every text copied through OSC 52 so far, decoded."""
    out = []
    for m in re.finditer(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", t.output()):
        out.append(base64.b64decode(m.group(1)).decode("utf-8", "replace"))
    return out


message_line = harness.message_line


def status_bar(t):
    return t.line(t.screen.lines - 2)


def select_account(t, label):
    """The accounts pane has the keyboard and its cursor is on label."""
    t.key("home")
    for _ in range(30):
        time.sleep(0.1)
        rows = [y for y in range(t.screen.lines) if (" %s " % label) in t.line(y)]
        if rows and any(t.attrs(y)[2].bg not in ("default",) for y in rows):
            return
        t.key("down")
    raise AssertionError("cannot select %s:\n%s" % (label, t.text()))


def joined(t):
    """The screen's text with lines joined, for text wrapped over lines."""
    return " ".join(" ".join(line.split()) for line in t.lines())


# ---- the message log ----

def t_log_keeps_what_the_line_cut(tmp, env):
    fake, env = setup(tmp)
    t = start(tmp, env)
    try:
        check(t.wait_for("error: HTTP 401", WAIT), t.text())
        select_account(t, "staging")
        t.send("r")  # its outcome, the whole 401, on the message line: too long for 80
        check(t.wait_line(t.screen.lines - 1, lambda l: "(L: log)" in l, WAIT),
              "no '(L: log)' on a cut message:\n%s" % t.text())
        line = message_line(t).rstrip()
        check(line.endswith("(L: log)") and "…" in line, "the cut is not marked: %r" % line)
        check(CLERK_401_END not in line, line)
        t.send("L")
        check(t.wait_for("Message log", WAIT), t.text())
        check(CLERK_401_END in joined(t), "the log does not show the whole error:\n%s" % t.text())
        check("refreshing staging" in joined(t), "the request going out is not in the log:\n%s"
              % t.text())
        bar = status_bar(t)
        check("copy entry" in bar and "copy all" in bar, "the log's hints: %r" % bar)
        # the cursor is on the newest entry: y copies it, Y copies all
        t.send("y")
        check(wait_until(lambda: any(CLERK_401_END in p for p in osc52_payloads(t)), WAIT),
              "y did not copy the entry: %r" % osc52_payloads(t))
        copied = [p for p in osc52_payloads(t) if CLERK_401_END in p][-1]
        check(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  staging  error: .*HTTP 401", copied),
              "the copied entry: %r" % copied)
        t.send("Y")
        check(wait_until(lambda: any(p.count("\n") >= 3 for p in osc52_payloads(t)), WAIT),
              "Y did not copy the whole log: %r" % osc52_payloads(t))
        everything = [p for p in osc52_payloads(t) if p.count("\n") >= 3][-1]
        check("prod  listed: 12 sessions" in everything and "refreshing staging" in everything
              and CLERK_401_END in everything, everything)
        t.key("esc")
        check(t.wait_gone("Message log", WAIT), t.text())
        check("Accounts" in t.text(), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_log_scrolls_and_rebinds(tmp, env):
    fake, env = setup(tmp)
    write(tmp, "sesame.conf", "bind L none\nbind ^G log\n")
    t = start(tmp, env, cols=80, rows=20)
    try:
        check(t.wait_for("error: HTTP 401", WAIT), t.text())
        t.send("L")  # unbound now
        check(t.wait_for("L does nothing", WAIT), t.text())
        for k in "%&()=;,|%&()=;,|":  # messages enough to fill more than a screen
            t.send(k)  # "% does nothing; ? lists the keys"
            time.sleep(0.05)
        time.sleep(0.3)
        t.send("\x07")
        check(t.wait_for("Message log", WAIT), t.text())
        rule = t.line(1)
        m = re.search(r"entry (\d+) of (\d+) ▲", rule)
        check(m and m.group(1) == m.group(2), "the log opens on its newest entry: %r" % rule)
        t.send("g")
        check(t.wait_line(1, lambda l: re.search(r"entry 1 of \d+ ▼", l), WAIT),
              "g goes to the oldest: %r" % t.line(1))
        check("HTTP 401" in joined(t), t.text())
        t.key("esc")
        check(t.wait_gone("Message log", WAIT), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- an account in error ----

def t_account_in_error_reads_whole(tmp, env):
    fake, env = setup(tmp)
    t = start(tmp, env, cols=80, rows=30)
    try:
        check(t.wait_for("error: HTTP 401", WAIT), t.text())
        select_account(t, "staging")
        t.key("enter")  # not "No sessions in this account": the error, whole
        check(t.wait_for("Account staging", WAIT), t.text())
        text = joined(t)
        check(CLERK_401_END in text, "the whole error:\n%s" % t.text())
        check("What it means Clerk refused the account's api_key." in text, t.text())
        check("What to do Enter the right api_key" in text, t.text())
        check("e edits the account here" in text and "r tries again" in text, t.text())
        check("From a shell sesame account edit staging --secret api_key" in text, t.text())
        check("No sessions" not in text, t.text())
        check(t.wait_line(t.screen.lines - 2, lambda l: "edit the account" in l, WAIT),
              "its hints: %r" % status_bar(t))
        t.send("y")  # the error to the clipboard
        check(wait_until(lambda: any(CLERK_401_END in p for p in osc52_payloads(t)), WAIT),
              "y did not copy the error")
        t.send("e")  # the form to fix it takes its place
        check(t.wait_for("Edit staging", WAIT), t.text())
        t.key("esc")
        check(t.wait_gone("Edit staging", WAIT), t.text())
        # fixed from a shell; r in the view tries again, and the view says it works
        harness.cli_ok(env, "account", "edit", "staging", "--secret", "api_key",
                       stdin="sk_test_fake\n")
        t.key("enter")
        check(t.wait_for("Account staging", WAIT), t.text())
        t.send("r")
        check(t.wait_for("It works again", WAIT), t.text())
        t.key("esc")
        check(t.wait_gone("Account staging", WAIT), t.text())
        t.key("enter")  # no longer in error: Enter narrows to its sessions, as ever
        check(t.wait_for("Sessions of staging", WAIT), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- cells read whole, columns chosen, times either way ----

def header(t):
    y = t.row_of("── Sessions") + 1
    return y, t.line(y)


def session_cells(t):
    """The text under the Session title of every row of the table."""
    y, hdr = header(t)
    x = hdr.find("Session")
    out = []
    for yy in range(y + 1, t.screen.lines - 2):
        cell = t.line(yy)[x:x + 40].split(" ")[0]
        if cell.startswith("sess_"):
            out.append(cell)
    return out


def t_cells_readable_and_read_whole(tmp, env):
    label = "Clerk production EU"
    fake, env = setup(tmp, users=4, per_user=2, broken=False, label=label)
    ids = [s["id"] for s in json.loads(harness.cli_ok(env, "sessions", "--json"))["sessions"]]
    t = start(tmp, env, cols=120, rows=30, want="── Sessions 8 ")
    try:
        # at 120 columns the ids are whole and the account label readable
        # (the layout settles once the names of the users are in: a frame may
        # come before)
        check(wait_until(lambda: len(session_cells(t)) == 8
                         and all(c in ids for c in session_cells(t)), WAIT),
              "ids cut at 120:\n" + t.text())
        y, hdr = header(t)
        x = hdr.find("Account")
        shown = t.line(y + 1)[x:x + 20]
        check(shown.startswith(label[:12]), "the account label cut below 12: %r" % shown)
        # at 80 columns the session id is still whole
        t.resize(80, 30)
        check(wait_until(lambda: len(session_cells(t)) == 8 and
                         all(c in ids for c in session_cells(t)), WAIT), "at 80:\n" + t.text())
        # the column cursor: on Session first; l moves it right, h left
        t.key("tab")
        t.send("h")
        check(t.wait_line(t.screen.lines - 1, lambda l: "column " in l, WAIT), t.text())
        col = re.search(r"column (\S+)", message_line(t)).group(1)
        y, hdr = header(t)
        title = {"account": "Account", "user": "User", "provider": "Provider"}.get(col)
        check(title, "h went to %r" % col)
        # its header is lit (the cell role: black on yellow in the default theme)
        hx = hdr.find(title)
        check(t.attrs(y)[hx].bg in ("yellow", "brown"), "cursor column not lit: %r" %
              t.attrs(y)[hx].bg)
        t.send("l")  # back on the session id
        check(t.wait_line(t.screen.lines - 1, lambda l: "column session" in l, WAIT), t.text())
        # the user column, cut at 80: z shows it whole, y copies it
        for _ in range(6):
            if "column user" in message_line(t):
                break
            t.send("h")
            time.sleep(0.15)
        check("column user" in message_line(t), message_line(t))
        users = [s["user"] for s in json.loads(harness.cli_ok(env, "sessions", "--json"))
                 ["sessions"]]
        t.send("z")
        check(t.wait_for("User of session", WAIT), t.text())
        whole = [u for u in users if u in joined(t)]
        check(whole, "z did not show the user whole:\n" + t.text())
        t.key("esc")
        check(t.wait_gone("User of session", WAIT), t.text())
        t.send("y")
        check(wait_until(lambda: any(p in users for p in osc52_payloads(t)), WAIT),
              "y did not copy the user: %r" % osc52_payloads(t))
        # Y: the whole row, tab-separated, every column shown
        t.send("Y")
        check(wait_until(lambda: any(p.count("\t") >= 4 for p in osc52_payloads(t)), WAIT),
              "Y did not copy the row: %r" % osc52_payloads(t))
        row = [p for p in osc52_payloads(t) if p.count("\t") >= 4][-1].split("\t")
        check(label in row and any(i in row for i in ids), "the row copied: %r" % row)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_times_both_ways_and_both_countdowns(tmp, env):
    # an instance with an inactivity timeout of two days: the idle limit comes
    # before the expiry for some sessions
    fake, env = setup(tmp, users=4, per_user=2, broken=False,
                      fake_args=("--clerk-inactivity-timeout", str(2 * 86400)))
    t = start(tmp, env, cols=160, rows=30, want="── Sessions 8 ")
    try:
        y, hdr = header(t)
        check("Idle limit" in hdr and "Expires" in hdr, "both countdowns: %r" % hdr)
        rows = [t.line(yy) for yy in range(y + 1, y + 9)]
        both = [r for r in rows if len(re.findall(r"in \d+[dhm] \d\d[hms]", r)) >= 2]
        check(both, "no row counts down both:\n" + t.text())
        check(re.search(r"\d+[mhd] ago|just now", rows[0]), "relative times: %r" % rows[0])
        t.key("tab")
        t.send("T")  # absolute, remembered
        check(t.wait_line(t.screen.lines - 1, lambda l: "times are absolute" in l, WAIT),
              t.text())
        rows = [t.line(yy) for yy in range(y + 1, y + 9)]
        check(all(not re.search(r" ago\b|\bin \d", r) for r in rows), "\n".join(rows))
        check(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[0]), rows[0])
        with open(os.path.join(tmp, "config", "sesame.conf")) as f:
            check("set time = absolute" in f.read(), "not remembered")
        t.quit()
        t.close()
        t = start(tmp, env, cols=160, rows=30, want="── Sessions 8 ")
        y, hdr = header(t)
        check(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", t.line(y + 1)), t.line(y + 1))
        t.key("tab")
        t.send("T")
        check(t.wait_line(t.screen.lines - 1, lambda l: "times are relative" in l, WAIT),
              t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_columns_chosen_and_kept(tmp, env):
    fake, env = setup(tmp, users=4, per_user=2, broken=False)
    t = start(tmp, env, cols=220, rows=40, want="── Sessions 8 ")
    try:
        t.key("tab")
        t.send("C")
        check(t.wait_for("Columns: ", WAIT), t.text())
        check(t.wait_line(t.screen.lines - 2, lambda l: "show/hide" in l, WAIT), status_bar(t))
        # the shown ones first (the default set), then the others in the
        # registry's order: provider-id, account-id, user-id, client, country, flags
        rows = re.findall(r"\[[x ]\] (\S+)", t.text())
        check(rows[0] == "provider" and rows.index("country") > rows.index("place"), rows)
        t.send(" ")  # the cursor starts on provider: hidden
        check(t.wait_for("[ ] provider", WAIT), t.text())
        for _ in range(rows.index("country")):
            t.send("j")
        t.send(" ")  # country: shown
        check(t.wait_for("[x] country", WAIT), t.text())
        t.send("K")  # up one, before client
        check(wait_until(lambda: (lambda r: r.index("country") < r.index("client"))(
            re.findall(r"\[[x ]\] (\S+)", t.text())), WAIT), t.text())
        t.send("g")
        t.send("j")  # account: wider, twice
        t.send(">")
        t.send(">")
        check(wait_until(lambda: re.search(r"\[x\] account\s+\d+ ", t.text()), WAIT), t.text())
        t.key("enter")
        check(t.wait_gone("Columns: ", WAIT), t.text())
        check(t.wait_line(t.screen.lines - 1, lambda l: "columns: " in l, WAIT), t.text())
        with open(os.path.join(tmp, "config", "sesame.conf")) as f:
            conf = f.read()
        m = re.search(r"set columns = (\S+)", conf)
        check(m, conf)
        names = [n.split(":")[0] for n in m.group(1).split(",")]
        check("provider" not in names and "country" in names and
              re.search(r"account:\d+", m.group(1)), m.group(1))
        y, hdr = header(t)
        check("Provider" not in hdr and "Country" in hdr, hdr)
        # the same names as --columns
        out = harness.cli_ok(env, "sessions", "--columns", ",".join(names), "--format", "csv")
        check(out.splitlines()[0] == ",".join(names), out.splitlines()[0])
        # kept across a restart; :columns changes them too
        t.quit()
        t.close()
        t = start(tmp, env, cols=220, rows=40, want="── Sessions 8 ")
        y, hdr = header(t)
        check("Provider" not in hdr and "Country" in hdr, "not kept: %r" % hdr)
        t.send(":columns session,status,usr\r")
        check(t.wait_line(t.screen.lines - 1, lambda l: "did you mean user?" in l, WAIT), t.text())
        t.send(":columns session, status\r")
        check(t.wait_line(header(t)[0], lambda l: l.split() == ["Session", "Status"], WAIT),
              header(t)[1])
        t.quit()
    finally:
        t.close()
        fake.stop()


# ---- where am I ----

def t_panes_say_where_they_stand(tmp, env):
    fake, env = setup(tmp, users=4, per_user=5, broken=False, extra_accounts=9)
    t = start(tmp, env, cols=100, rows=24, want="── Sessions 200 ")  # all listed
    try:
        # ten accounts in a pane of fewer rows: it says so rather than hide them
        check(t.wait_line(1, lambda l: re.search(r"Accounts .* row 1 of 10 ▼", l), WAIT),
              "the accounts pane: %r" % t.line(1))
        t.send("G")
        check(t.wait_line(1, lambda l: re.search(r"row 10 of 10 ▲ ", l), WAIT), t.line(1))
        t.key("tab")
        y = t.row_of("── Sessions")
        check(t.wait_line(y, lambda l: re.search(r"row 1 of \d+ ▼", l), WAIT),
              "the sessions pane: %r" % t.line(y))
        n = re.search(r"row 1 of (\d+)", t.line(y)).group(1)
        t.send("j")
        t.send("j")
        check(t.wait_line(y, lambda l: ("row 3 of %s ▼" % n) in l, WAIT), t.line(y))
        t.send("G")
        check(t.wait_line(y, lambda l: ("row %s of %s ▲ " % (n, n)) in l, WAIT), t.line(y))
        t.send("k")
        check(t.wait_line(y, lambda l: re.search(r"row \d+ of %s ▲ " % n, l), WAIT), t.line(y))
        # the help overlay scrolls with the same hint
        t.send("?")
        check(t.wait_for("Keys (", WAIT), t.text())
        check(re.search(r"lines 1-\d+ of \d+ ▼", t.line(1)), "help: %r" % t.line(1))
        t.key("end")
        check(t.wait_line(1, lambda l: re.search(r"lines \d+-(\d+) of \1 ▲ ", l), WAIT),
              "help at its end: %r" % t.line(1))
        bar = status_bar(t)
        check("close" in bar and "quit" not in bar, "help's hints: %r" % bar)
        t.key("esc")
        check(t.wait_gone("Keys (", WAIT), t.text())
        check("quit" in status_bar(t), status_bar(t))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_hints_follow_what_is_in_front(tmp, env):
    fake, env = setup(tmp, broken=False)
    t = start(tmp, env, cols=100, rows=30)
    try:
        check(t.wait_for("sess_", WAIT), t.text())
        t.key("tab")
        t.key("enter")  # the detail view
        check(t.wait_for("Raw JSON", WAIT), t.text())
        check(t.wait_line(t.screen.lines - 2, lambda l: "close" in l and "scroll" in l, WAIT),
              "detail's hints: %r" % status_bar(t))
        t.key("esc")
        t.send(" ")
        t.send("x")  # the y/N question
        check(t.wait_for("[y/N]", WAIT), t.text())
        check(t.wait_line(t.screen.lines - 2, lambda l: "go ahead" in l and "Esc no" in l, WAIT),
              "confirm's hints: %r" % status_bar(t))
        t.key("esc")
        check(t.wait_gone("[y/N]", WAIT), t.text())
        t.send("a")  # a form
        check(t.wait_for("Add an account", WAIT), t.text())
        check(t.wait_line(t.screen.lines - 2, lambda l: "next field" in l, WAIT),
              "form's hints: %r" % status_bar(t))
        t.key("esc")
        check(t.wait_gone("Add an account", WAIT), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


if __name__ == "__main__":
    sys.exit(harness.main([
        t_log_keeps_what_the_line_cut, t_log_scrolls_and_rebinds, t_account_in_error_reads_whole,
        t_cells_readable_and_read_whole, t_times_both_ways_and_both_countdowns,
        t_columns_chosen_and_kept, t_panes_say_where_they_stand,
        t_hints_follow_what_is_in_front,
    ]))
