#!/usr/bin/python3
"""The dashboard, end to end: the sessions of all five providers (Clerk
listed by the fake, the other four created through the headless CLI), moving,
filtering, sorting (remembered across a restart), the detail view, marks,
resizing down to 60x15 and below, a hanging provider while keys still answer,
escape sequences in server data, a remapped key, themes, automatic and manual
refresh, countdowns that tick without a busy loop.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_dashboard_browse.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Term, check, wait_until, write  # noqa: E402

TRACKED = ("basistheory", "plantly", "cbrain", "apideck")
YELLOW = ("yellow", "brown")  # pyte calls SGR 33 brown
TITLES = {"clerk": "Clerk", "basistheory": "Basis Theory", "plantly": "Plantly",
          "cbrain": "CBRAIN", "apideck": "Apideck Vault"}


def setup(tmp, users=6, per_user=2, tracked=TRACKED, plantly_expires=None, before_create=None,
          clerk=True, labels=None, clerk_limit="100/10s"):
    """The fake, one account per provider, a session for each tracked one."""
    labels = labels or {}
    fake = harness.Fake(tmp, ["--clerk-users", str(users),
                              "--clerk-sessions-per-user", str(per_user),
                              "--clerk-rate-limit", clerk_limit])
    env = harness.keyring_env(tmp)
    if clerk:
        harness.add_fake_account(env, fake, "clerk")
    for p in tracked:
        harness.add_fake_account(env, fake, p, labels.get(p))
    if plantly_expires:
        fake.control("POST", "/_fake/config", {"plantly_expires_in": plantly_expires})
    if before_create:
        before_create(fake)
    for p in tracked:
        harness.cli_ok(env, "create", labels.get(p, p))
    return fake, env


# ---- reading the table ----

def sessions_rule(t):
    """Row of the sessions pane's title rule (waiting for a frame drawn only
    in part to be whole)."""
    wait_until(lambda: t.find_row("── Sessions") >= 0, 3)
    return t.row_of("── Sessions")


def header_row(t):
    return sessions_rule(t) + 1


def table_rows(t):
    """[(y, line)] of the sessions table's rows on screen."""
    top = header_row(t) + 1
    out = []
    for y in range(top, t.screen.lines - 2):
        line = t.line(y)
        if line.strip():
            out.append((y, line))
    return out


RIGHT_ALIGNED = ("Expires", "Idle limit")


def header_cell(t, title):
    """(x, width on screen) of a column's title on the header row: the title
    whole, or cut with an ellipsis where the column is narrower than it."""
    hdr = t.line(header_row(t))
    x = hdr.find(title)
    if x >= 0:
        return x, len(title)
    for k in range(len(title) - 1, 2, -1):
        x = hdr.find(title[:k] + "…")
        if x >= 0:
            return x, k + 1
    check(False, "no column %r: %r" % (title, hdr))


def column_x(t, title):
    """Where a column's title starts on the header row."""
    return header_cell(t, title)[0]


def cell(t, y, title, width=None):
    """The text of column `title` on row y, up to the next column."""
    hdr = t.line(header_row(t))
    x, tw = header_cell(t, title)
    cells = t.cells(y)
    if width is None:
        m = re.compile(r"\S").search(hdr, x + tw + 1)
        end = m.start() if m else len(hdr)
        width = end - x
    if title in RIGHT_ALIGNED:  # its text may begin left of its title: back to a double blank
        right = x + tw
        x = right
        while x > 0 and "".join(cells[x - 2:x]) != "  ":
            x -= 1
        width = right - x
    # by cell: wide characters take two; a double blank ends a value (the
    # text of a right-aligned column after it may reach under this title)
    return "".join(cells[x:x + width]).strip().split("  ")[0]


def cursor_row(t, bg="cyan"):
    """y of the sessions table's row drawn as the cursor (selected = bg cyan)."""
    for y, _ in table_rows(t):
        with t.lock:
            if t.screen.buffer[y][2].bg == bg:
                return y
    return -1


def wait_cursor(t, pred, timeout=3.0):
    return wait_until(lambda: pred(cursor_row(t)), timeout)


def start(tmp, env, cols=120, rows=40, args=(), focus_sessions=True, want=None, bg="cyan"):
    t = Term(args=args, env=env, tmp=tmp, cols=cols, rows=rows)
    want = want or ["Clerk", "CBRAIN", "Plantly", "Basis Theory", "Apideck Vault"]
    for w in want:
        check(t.wait_for(w, 15), "no %r:\n%s" % (w, t.text()))
    if focus_sessions:
        check(wait_until(lambda: t.find_row("── Sessions") >= 0 and table_rows(t), 15),
              "no sessions table:\n" + t.text())
        t.key("tab")
        check(wait_until(lambda: cursor_row(t, bg) >= 0), "no cursor in the sessions table:\n" + t.text())
    return t


def wait_rows(t, n, timeout=15):
    check(t.wait_for("── Sessions %d " % n, timeout), "not %d sessions:\n%s" % (n, t.text()))
    t.wait_quiet(0.08, 1.0)  # the rest of the frame (it may come in more than one read)


# ---- the tests ----

def t_browse_all_providers(tmp, env):
    fake, env = setup(tmp, labels={"cbrain": "lab 研究所 ü"})
    t = start(tmp, env, cols=180, rows=40)
    try:
        wait_rows(t, 16)
        rows = table_rows(t)
        check(len(rows) == 16, "%d rows:\n%s" % (len(rows), t.text()))
        for title in TITLES.values():
            check(any(cell(t, y, "Provider") == title for y, _ in rows),
                  "no %s row:\n%s" % (title, t.text()))
        for col in ("Provider", "Account", "User", "Session", "Status", "Created", "Last active",
                    "Expires", "Device", "Browser", "IP", "Place"):
            column_x(t, col)
        # what the providers give: a Clerk user with an e-mail, a device, an IP
        clerk = [y for y, _ in rows if cell(t, y, "Provider") == "Clerk"]
        check(any("@example.com" in cell(t, y, "User") or "…" in cell(t, y, "User")
                  for y in clerk), t.text())
        check(all(cell(t, y, "Device") for y in clerk), "no device:\n" + t.text())
        check(all(re.match(r"\d+\.\d+", cell(t, y, "IP")) for y in clerk), t.text())
        # wide characters in a label: every column still in its place
        cbrain = next(y for y, _ in rows if cell(t, y, "Provider") == "CBRAIN")
        check(cell(t, cbrain, "Account") == "lab 研究所 ü", t.line(cbrain))
        check(cell(t, cbrain, "Status") == "active", t.line(cbrain))
        check(cell(t, cbrain, "User") == "demo (user 42)", t.line(cbrain))
        plantly = next(y for y, _ in rows if cell(t, y, "Provider") == "Plantly")
        check(cell(t, plantly, "User") == "demo@plantly.test", t.line(plantly))
        check(re.match(r"in \d+m \d\ds$", cell(t, plantly, "Expires")), t.line(plantly))
        # status colours by role (default theme): active green, pending cyan, expired grey
        t.key("G")
        check(wait_cursor(t, lambda y: y == rows[-1][0]), "G")
        sx = column_x(t, "Status")
        colours = {}
        for y, _ in rows:
            st = cell(t, y, "Status")
            if y != cursor_row(t):
                colours.setdefault(st, set()).add(t.attrs(y)[sx].fg)
        check(colours.get("active") == {"green"}, "active: %r" % colours)
        check(colours.get("pending") == {"cyan"}, "pending: %r" % colours)
        for st in ("expired", "ended", "abandoned", "replaced"):
            if st in colours:
                check("green" not in colours[st] and "red" not in colours[st],
                      "%s: %r" % (st, colours))
        for st in ("revoked", "removed"):
            if st in colours:
                check(colours[st] == {"red"}, "%s: %r" % (st, colours))
        check(len(colours) >= 3, "statuses: %r" % colours)
        # the title counts, the accounts pane agrees
        check("6 accounts" not in t.line(0) and "5 accounts, 16 sessions" in t.line(0), t.line(0))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_movement(tmp, env):
    fake, env = setup(tmp, users=30, per_user=2, tracked=("cbrain",))
    t = start(tmp, env, cols=100, rows=30, want=["Clerk", "CBRAIN"])
    try:
        wait_rows(t, 61)
        rows = table_rows(t)
        first, last = rows[0][0], rows[-1][0]
        visible = len(rows)
        check(cursor_row(t) == first, "cursor not on the first row")
        sid0 = cell(t, first, "Session")
        t.key("j")
        check(wait_cursor(t, lambda y: y == first + 1), "j did not move")
        t.key("down")
        check(wait_cursor(t, lambda y: y == first + 2), "<Down> did not move")
        t.key("k")
        check(wait_cursor(t, lambda y: y == first + 1), "k did not move")
        t.key("up")
        check(wait_cursor(t, lambda y: y == first), "<Up> did not move")
        t.key("pgdn")
        check(wait_cursor(t, lambda y: y == last), "<PgDn> not at the bottom: %d" % cursor_row(t))
        check(cell(t, first, "Session") == sid0, "scrolled too early")
        t.key("pgdn")
        check(t.wait_gone(sid0), "<PgDn> did not scroll")
        t.key("G")
        check(wait_until(lambda: "CBRAIN" in t.line(last) or cursor_row(t) == last), t.text())
        check(wait_cursor(t, lambda y: y == last), "G: cursor not on the last row")
        t.key("pgup")
        check(wait_cursor(t, lambda y: y == first), "<PgUp> not at the top of the page")
        t.key("g")
        check(t.wait_for(sid0), "g did not go back to the first row")
        check(wait_cursor(t, lambda y: y == first), "g: cursor")
        t.key("home")
        t.key("end")
        check(wait_cursor(t, lambda y: y == last), "<End>")
        check(visible == len(table_rows(t)), "rows changed")
        # Tab: back to the accounts pane (its title lit, the table's not), keys go there
        rule = sessions_rule(t)
        with t.lock:
            lit = t.screen.buffer[rule][4].fg
        t.key("tab")
        check(wait_until(lambda: t.attrs(rule)[4].fg != lit), "the pane title did not change")
        check(wait_cursor(t, lambda y: y == -1), "the table still looks focused")
        check(wait_until(lambda: cursor_row(t, bg="white") == last), "idle cursor lost")
        t.key("j")  # moves the accounts cursor: the table's stays
        time.sleep(0.3)
        check(cursor_row(t, bg="white") == last, "j moved the table from the accounts pane")
        t.key("backtab")
        check(wait_cursor(t, lambda y: y == last), "<BackTab> did not come back")
        # the mouse: a click selects, the wheel scrolls, a double click opens the detail
        t.click(first + 3, 20)
        check(wait_cursor(t, lambda y: y == first + 3), "a click did not select")
        t.wheel(first + 3, 20, down=False)
        check(wait_cursor(t, lambda y: y == first), "the wheel did not scroll")
        t.click(first + 1, 20)
        time.sleep(0.08)  # as fast as a hand, not within one read
        t.click(first + 1, 20)
        check(t.wait_for("Raw JSON"), "a double click did not open the detail:\n" + t.text())
        t.key("esc")
        check(t.wait_gone("Raw JSON"), "detail stayed")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_filter(tmp, env):
    fake, env = setup(tmp)
    t = start(tmp, env, cols=140, rows=40)
    try:
        wait_rows(t, 16)
        sid = cell(t, table_rows(t)[5][0], "Session")
        t.key("/")
        check(wait_until(lambda: t.line(39).startswith("/")), "no prompt: %r" % t.line(39))
        check("Enter keeps" in t.line(39), t.line(39))
        # incremental: each key narrows the table at once
        t.key("p")
        check(t.wait_for('matching "p"'), t.text())
        t.key("L")  # case-insensitive
        check(t.wait_for('matching "pL"'), t.text())
        t.key("a")
        t.key("n")
        check(t.wait_for('Sessions 1 of 16 matching "pLan"'), t.text())
        check(wait_until(lambda: all("plantly" in line.lower() for _, line in table_rows(t))),
              t.text())
        # the match is shown in its colour (on a row that is not the cursor's)
        t.send("\x15clerk")
        check(t.wait_for('Sessions 12 of 16 matching "clerk"'), t.text())
        y = next(y for y, _ in table_rows(t) if y != cursor_row(t))
        x = column_x(t, "Provider")

        def shown():
            c = t.attrs(y)[x]
            return c.fg in YELLOW and c.underscore and t.line(y)[x:x + 5] == "Clerk"
        check(wait_until(shown), "match not shown: %r %r" % (t.line(y), t.attrs(y)[x]))
        c = t.attrs(y)[x + 5]
        check(not c.underscore, "more than the match shown")
        t.send("\x15pLan")
        check(t.wait_for('Sessions 1 of 16 matching "pLan"'), t.text())
        check("Plantly" in table_rows(t)[0][1], t.text())
        t.key("backspace", 4)
        check(t.wait_for("Sessions 16 "), "backspace did not widen:\n" + t.text())
        # a session id, then two words that must both match
        t.send(sid[:12].upper())
        check(t.wait_for("Sessions 1 of 16"), "%s:\n%s" % (sid, t.text()))
        check(sid in t.text(), t.text())
        t.send("\x15")  # ^U: all of it
        t.send("clerk active")
        check(wait_until(lambda: table_rows(t) and all(
            cell(t, y, "Provider") == "Clerk" and cell(t, y, "Status") == "active"
            for y, _ in table_rows(t))), t.text())
        n_clerk_active = len(table_rows(t))
        check(t.wait_for("Sessions %d of 16" % n_clerk_active), t.text())
        # no match
        t.send("\x15zzz-no-such-thing")
        check(t.wait_for('No session matches "zzz-no-such-thing"'), t.text())
        check(t.wait_for("Sessions 0 of 16"), t.text())
        # Esc: the filter goes, every row is back, the prompt is gone
        t.key("esc")
        check(t.wait_for("Sessions 16 "), t.text())
        check(wait_until(lambda: not t.line(39).startswith("/")), t.line(39))
        # Enter keeps it; the keys move the table again; Esc in the table clears it
        t.send("/cbrain")
        check(t.wait_for("Sessions 1 of 16"), t.text())
        t.key("enter")
        check(t.wait_for("1 of 16 sessions match"), "no word on Enter: %r" % t.line(39))
        t.key("j")
        time.sleep(0.2)
        check('matching "cbrain"' in t.text(), "j went into the filter")
        t.key("/")
        check(wait_until(lambda: t.line(39).startswith("/cbrain")), "the prompt lost the text")
        t.key("enter")
        t.key("esc")
        check(t.wait_for("filter cleared"), t.text())
        check(t.wait_for("Sessions 16 "), t.text())
        # '/' from the accounts pane filters the sessions too
        t.key("tab")
        t.send("/apideck")
        check(t.wait_for("Sessions 1 of 16"), t.text())
        t.key("enter")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_narrow_to_account(tmp, env):
    """Enter on an account shows its sessions only; Esc shows every account's."""
    fake, env = setup(tmp, users=3, per_user=2)
    t = start(tmp, env, cols=120, rows=30, focus_sessions=False)
    try:
        wait_rows(t, 10)
        acc = t.row_of("CBRAIN")
        t.click(acc, 3)  # select the CBRAIN account (a click focuses its pane)
        check(wait_until(lambda: t.attrs(acc)[1].bg == "cyan"), "the click did not select:\n%r" % [
            (y, t.attrs(y)[1].bg) for y in range(8)])
        t.key("enter")
        check(t.wait_for("── Sessions of cbrain 1 of 10"), t.text())
        check(t.wait_for("the sessions of cbrain"), t.text())
        rows = table_rows(t)
        check(len(rows) == 1 and cell(t, rows[0][0], "Provider") == "CBRAIN", t.text())
        check(wait_cursor(t, lambda y: y == rows[0][0]), "the table did not get the keys")
        # a filter works within it
        t.send("/clerk")
        check(t.wait_for("No session matches"), t.text())
        t.key("esc")
        check(t.wait_for("── Sessions of cbrain 1 of 10"), t.text())
        t.key("esc")
        check(t.wait_for("showing every account's sessions"), t.text())
        check(t.wait_for("── Sessions 10 "), t.text())
        # the Clerk account: its sessions
        t.key("tab")
        t.key("g")
        t.key("enter")
        check(t.wait_for("── Sessions of clerk 6 of 10"), t.text())
        check(all(cell(t, y, "Provider") == "Clerk" for y, _ in table_rows(t)), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def providers_in_order(t):
    return [cell(t, y, "Provider") for y, _ in table_rows(t)]


def t_sort_remembered(tmp, env):
    fake, env = setup(tmp)
    t = start(tmp, env, cols=140, rows=40)
    try:
        wait_rows(t, 16)
        t.key("s")
        check(t.wait_for("sorted by provider, ascending"), t.text())
        check(t.wait_for("Provider▲"), t.line(header_row(t)))
        got = providers_in_order(t)
        check(got == sorted(got, key=str.lower), "not ascending: %r" % got)
        check(got[0] == "Apideck Vault" and got[-1] == "Plantly", got)
        t.key("S")
        check(t.wait_for("Provider▼"), t.line(header_row(t)))
        got = providers_in_order(t)
        check(got[0] == "Plantly" and got[-1] == "Apideck Vault", got)
        # s goes on to the next column (Account), ascending again
        t.key("s")
        check(t.wait_for("sorted by account, ascending"), t.text())
        check(t.wait_for("Account▲"), t.line(header_row(t)))
        # a click on a header sorts by it; a second click reverses
        y = header_row(t)
        t.click(y, column_x(t, "Status") + 1)
        check(t.wait_for("Status▲"), t.line(y))
        statuses = [cell(t, r, "Status") for r, _ in table_rows(t)]
        check(statuses[0] == "active", statuses)
        t.click(y, column_x(t, "Status") + 1)
        check(t.wait_for("Status▼"), t.line(y))
        t.click(y, column_x(t, "Created") + 1)
        check(t.wait_for("Created▲"), t.line(y))
        t.key("S")
        check(t.wait_for("Created▼"), t.line(y))
        created_desc = [cell(t, r, "Session") for r, _ in table_rows(t)]
        with open(os.path.join(tmp, "config", "sesame.conf")) as f:
            conf = f.read()
        check("set sort = created desc" in conf, conf)
        t.quit()
        # remembered between runs
        t = start(tmp, env, cols=140, rows=40)
        wait_rows(t, 16)
        check(t.wait_for("Created▼"), t.line(header_row(t)))
        check([cell(t, r, "Session") for r, _ in table_rows(t)] == created_desc,
              "another order after the restart")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_detail_view(tmp, env):
    fake, env = setup(tmp, users=4, per_user=2, tracked=("cbrain",))
    t = start(tmp, env, cols=120, rows=24, want=["Clerk", "CBRAIN"])
    try:
        wait_rows(t, 9)
        y = next(y for y, _ in table_rows(t) if cell(t, y, "Provider") == "Clerk" and
                 cell(t, y, "Status") == "active")
        while cursor_row(t) != y:
            t.key("j")
            time.sleep(0.1)
        sid = cell(t, y, "Session").rstrip("…")
        t.key("enter")
        check(t.wait_for("Raw JSON"), "no detail:\n" + t.text())
        text = t.text()
        for want in ("Session sess_", "Provider      Clerk", "Account", "Status", "User id",
                     "Client id", "Created", "Last active", "Expires", "Device", "Browser", "IP",
                     "Place", "Tracked", "no: listed by the provider", " ago)", "(in "):
            check(want in text, "no %r:\n%s" % (want, text))
        check(sid in text, "not the session under the cursor (%s):\n%s" % (sid, text))
        check(re.search(r"Created\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(", text), text)
        check(t.wait_for("lines 1-"), "no scroll position:\n" + text)
        # scroll the raw JSON
        first = t.line(2)
        t.key("j")
        check(wait_until(lambda: t.line(2) != first), "j did not scroll")
        check(t.wait_for("lines 2-"), t.text())
        t.key("G")
        check(wait_until(lambda: t.line(20).strip() == "}"), "G: not at the end:\n" + t.text())
        check('"object":' in t.text() or '"id":' in t.text() or "}" in t.text(), t.text())
        t.key("pgup")
        t.key("g")
        check(t.wait_for("lines 1-"), t.text())
        check(t.line(2) == first, "g did not go back")
        t.key("pgdn")
        check(wait_until(lambda: t.line(2) != first), "<PgDn> did not scroll")
        full = ""
        for _ in range(20):
            full += t.text()
            t.key("pgdn")
            time.sleep(0.1)
        check('"object": "session"' in full, "no pretty JSON:\n" + full)
        check('"status":' in full, full)
        # q closes it (not the program); Esc too
        t.key("q")
        check(t.wait_gone("Raw JSON"), "q did not close it")
        check(t.proc.poll() is None, "q quit from the detail view")
        y = next(y for y, _ in table_rows(t) if cell(t, y, "Provider") == "CBRAIN")
        while cursor_row(t) != y:
            t.key("k" if cursor_row(t) > y else "j")
            time.sleep(0.1)
        t.key("enter")
        check(t.wait_for("yes: created here"), "tracked session:\n" + t.text())
        check(t.wait_for("demo (user 42)"), t.text())
        t.key("esc")
        check(t.wait_gone("Raw JSON"), "Esc did not close it")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_marks(tmp, env):
    fake, env = setup(tmp, users=4, per_user=2, tracked=("cbrain",))
    t = start(tmp, env, cols=100, rows=30, want=["Clerk", "CBRAIN"])
    try:
        wait_rows(t, 9)
        rows = [y for y, _ in table_rows(t)]
        t.key("space")
        check(wait_cursor(t, lambda y: y == rows[1]), "space did not move down")
        check(t.wait_for(", 1 marked"), t.text())
        check(t.line(rows[0])[0] == "●", "no mark: %r" % t.line(rows[0]))
        with t.lock:
            marked_fg = t.screen.buffer[rows[0]][10].fg
        check(marked_fg in YELLOW, "marked row colour %r" % marked_fg)
        check(t.wait_for("1 marked: x acts on them"), "no hint:\n" + t.line(29))
        t.key("space")
        t.key("j")
        t.key("space")
        check(t.wait_for(", 3 marked"), t.text())
        check([t.line(y)[0] for y in rows[:5]] == ["●", "●", " ", "●", " "],
              [t.line(y)[0] for y in rows[:5]])
        # space again unmarks
        t.key("k")
        t.key("space")
        check(t.wait_for(", 2 marked"), t.text())
        check(t.line(rows[3])[0] == " ", t.line(rows[3]))
        # marks stay on their sessions when the order changes
        marked = {cell(t, y, "Session") for y in rows if t.line(y)[0] == "●"}
        t.key("S")
        check(t.wait_for("descending"), t.text())
        time.sleep(0.3)
        now = {cell(t, y, "Session") for y, line in table_rows(t) if line[0] == "●"}
        check(now == marked, "marks moved: %r vs %r" % (now, marked))
        # ... and when the sessions are listed again
        n = list_requests(fake)
        t.key("R")
        check(wait_until(lambda: list_requests(fake) > n), "R did not list again")
        time.sleep(0.5)
        now = {cell(t, y, "Session") for y, line in table_rows(t) if line[0] == "●"}
        check(now == marked, "marks lost on refresh: %r vs %r" % (now, marked))
        # Esc clears them all
        t.key("esc")
        check(t.wait_for("marks cleared"), t.text())
        check(t.wait_gone(" marked"), t.text())
        check(all(line[0] == " " for _, line in table_rows(t)), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_resize(tmp, env):
    fake, env = setup(tmp, users=6, per_user=2)
    t = start(tmp, env, cols=120, rows=40)
    try:
        wait_rows(t, 16)
        t.key("j", 3)
        check(wait_cursor(t, lambda y: y == table_rows(t)[3][0]), "cursor")
        sid = cell(t, cursor_row(t), "Session").rstrip("…")[:10]
        t.resize(60, 15)
        check(wait_until(lambda: "Session" in t.text() and t.find_row("── Sessions") >= 0),
              "no table at 60x15:\n" + t.text())
        check("terminal too small" not in t.text(), t.text())
        # a frame is written in pieces: the status bar may come a moment later
        check(wait_until(lambda: "q quit" in t.line(13)), "status bar: %r" % t.line(13))
        for col in ("Session", "Status"):  # the id stays readable, the status too
            check(col in t.line(header_row(t)), "no %s at 60 columns: %r" % (col, t.line(header_row(t))))
        check(wait_cursor(t, lambda y: y >= 0), "no cursor at 60x15:\n" + t.text())
        # the session id stays whole: columns go before it is cut
        check(all("…" not in cell(t, y, "Session") for y, _ in table_rows(t)),
              "a session id cut at 60 columns:\n" + t.text())
        t.resize(59, 15)
        check(t.wait_for("terminal too small"), t.text())
        t.resize(60, 14)
        check(t.wait_for("now 60x14"), t.text())
        # nothing acts unseen: x, y, Enter on the too-small screen revoke nothing
        t.send("x")
        t.send("y")
        t.key("enter")
        time.sleep(0.3)
        check(not [r for r in fake.requests("clerk") if r["method"] == "POST"],
              "a key acted on the too-small screen: %r" % fake.requests("clerk")[-2:])
        t.resize(60, 15)
        check(t.wait_for("Session"), t.text())
        check("Revoke" not in t.text(), "a confirm opened unseen:\n" + t.text())
        t.resize(160, 45)
        check(wait_until(lambda: "Device" in t.text() and "Session" in t.text()), t.text())
        check(t.wait_for(sid), "the cursor's session went off screen:\n" + t.text())
        check(wait_until(lambda: "q quit" in t.line(43)), "status bar: %r" % t.line(43))
        # several resizes in a row, then a sane screen
        for c, r in ((70, 20), (100, 16), (61, 30), (200, 50), (90, 25)):
            t.resize(c, r)
            time.sleep(0.05)
        check(wait_until(lambda: "q quit" in t.line(23) and "Expires" in t.text()),
              t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def key_latency(t, key, what, timeout=5.0):
    start_t = time.time()
    t.key(key)
    check(t.wait_for(what, timeout), "%r: no %r:\n%s" % (key, what, t.text()))
    return time.time() - start_t


def t_hanging_provider(tmp, env):
    """Clerk never answers: the account says it is loading, the other
    providers' sessions show, and keys answer at once."""
    fake, env = setup(tmp, clerk=False)
    hang = harness.Fake(tmp)  # a host of its own, as a real provider is
    hang.fault("clerk", "hang", route="GET /sessions")
    harness.add_account(env, "clerk", "clerk", ["sk_test_fake"], hang.url("clerk"))
    t = start(tmp, env, cols=120, rows=30, want=["CBRAIN", "Plantly"])
    try:
        clerk = t.row_of("Clerk")
        check(wait_until(lambda: "loading" in t.line(clerk)), "Clerk not loading:\n" + t.text())
        check(t.wait_for("1 loading", 10), "status bar:\n%s" % t.text())
        wait_rows(t, 4)
        worst = 0
        for _ in range(3):
            worst = max(worst, key_latency(t, "?", "Keys ("))
            t.key("esc")
            check(t.wait_gone("Keys ("), t.text())
        y0 = cursor_row(t)
        t0 = time.time()
        t.key("j")
        check(wait_cursor(t, lambda y: y == y0 + 1), "j did not move")
        worst = max(worst, time.time() - t0)
        check(worst < 0.5 * harness.SLOW, "keys waited %.2f s" % worst)
        # the spinner turns while it waits (a redraw at least every few 100 ms)
        a = t.line(clerk)
        check(wait_until(lambda: t.line(clerk) != a, 2), "the spinner does not turn")
        check("loading" in t.line(clerk), t.line(clerk))
        # q still quits at once, the hanging request cancelled
        t0 = time.time()
        t.quit()
        check(time.time() - t0 < 3 * harness.SLOW, "quitting took %.1f s" % (time.time() - t0))
    finally:
        t.close()
        fake.stop()


def t_hang_and_100k(tmp, env):
    """One Clerk hangs, another pages through 100 000 sessions: keys answer
    at once all along, both accounts say they are busy."""
    env = harness.keyring_env(tmp)
    hang = harness.Fake(tmp)
    big = harness.Fake(tmp, ["--clerk-users", "1000", "--clerk-sessions-per-user", "100",
                             "--clerk-rate-limit", "off"])
    hang.fault("clerk", "hang", route="GET /sessions")
    harness.add_account(env, "clerk", "stuck", ["sk_test_fake"], hang.url("clerk"))
    # sesame's own speed, not the pace of a limited instance
    harness.add_account(env, "clerk", "huge", ["sk_test_fake"], big.url("clerk"),
                        rate_limit="off")
    t = Term(env=env, tmp=tmp, cols=120, rows=30)
    try:
        check(t.wait_for("2 loading", 10), t.text())
        worst, n = 0, 0
        end = time.time() + 60
        loaded = False
        while time.time() < end:
            lat = key_latency(t, "?", "Keys (")
            t.key("esc")
            check(t.wait_gone("Keys ("), t.text())
            worst, n = max(worst, lat), n + 1
            if "100000" in t.text():
                loaded = True
                if n > 5:
                    break
        check(loaded, "100 000 sessions never came:\n" + t.text())
        check("loading" in t.line(t.row_of("stuck")), "stuck is not loading:\n" + t.text())
        print("  %d keys while loading, the slowest answered in %.0f ms" % (n, worst * 1000))
        check(worst < 0.5 * harness.SLOW, "a key waited %.2f s" % worst)
        t.key("tab")
        check(t.wait_for("── Sessions 100000"), t.text())
        t0 = time.time()
        t.send("/hopper")
        check(t.wait_for('matching "hopper"', 5), t.text())
        check(time.time() - t0 < 0.5 * harness.SLOW,
              "filtering 100 000 took %.2f s" % (time.time() - t0))
        t.key("enter")
        t.quit()
    finally:
        t.close()
        hang.stop()
        big.stop()


BAD = [
    (b"\x1b]", "an OSC (e.g. OSC 52, the clipboard)"),
    (b"\x1bP", "a DCS"),
    (b"\x1b[31;1m", "the data's own SGR"),
    (b"\xc2\x9b", "an 8-bit CSI"),
    (b"\xe2\x80\xae", "a bidi override"),
    (b"\xff", "invalid UTF-8"),
    (b"\x00", "a NUL"),
]


def check_clean_output(out):
    for seq, what in BAD:
        check(seq not in out, "%s reached the terminal: ...%r..." % (
            what, out[max(0, out.find(seq) - 40):out.find(seq) + 40]))
    # curses clears with ESC[H ESC[2J; a bare ESC[2J would be the data's
    check(b"\x1b[2J" not in out.replace(b"\x1b[H\x1b[2J", b""), "a bare clear reached the terminal")


def t_escape_sequences(tmp, env):
    def faults(fake):
        fake.fault("*", "escape")
    fake, env = setup(tmp, users=3, per_user=2, before_create=faults)
    t = start(tmp, env, cols=160, rows=40)
    try:
        wait_rows(t, 10)
        # the names are there, cleaned, and every column stays in its place
        check(t.wait_for("6n"), "the escaped strings are not shown:\n" + t.text())
        for y, _ in table_rows(t):
            check(cell(t, y, "Status") in ("active", "expired", "pending", "ended", "revoked",
                                           "removed", "abandoned", "replaced"),
                  "columns moved on row %d:\n%s" % (y, t.text()))
            check(re.match(r"(\d+[mhdy] ago|just now)$", cell(t, y, "Created")),
                  "columns moved on row %d:\n%s" % (y, t.text()))
        # every row open in the detail view (raw JSON too)
        for _ in range(10):
            t.key("enter")
            check(t.wait_for("Raw JSON"), t.text())
            t.key("G")
            time.sleep(0.1)
            t.key("esc")
            t.key("j")
        t.send("/tail")
        check(t.wait_for('matching "tail"'), t.text())
        t.key("esc")
        t.quit()
        check_clean_output(t.output())
    finally:
        t.close()
        fake.stop()


def t_remapped_key(tmp, env):
    write(tmp, "sesame.conf", "bind F filter\nbind / none\nbind J move-down\nbind j none\n")
    fake, env = setup(tmp, users=3, per_user=1, tracked=("cbrain",))
    t = start(tmp, env, cols=100, rows=24, want=["Clerk", "CBRAIN"])
    try:
        wait_rows(t, 4)
        y0 = cursor_row(t)
        t.key("J")
        check(wait_cursor(t, lambda y: y == y0 + 1), "J did not move down")
        t.key("j")
        check(t.wait_for("j does nothing"), t.text())
        t.key("/")
        check(t.wait_for("/ does nothing"), t.text())
        check("F filter" in t.line(22), "status bar: %r" % t.line(22))
        t.key("F")
        check(wait_until(lambda: t.line(23).startswith("F")), "no prompt: %r" % t.line(23))
        t.send("cbrain")
        check(t.wait_for("Sessions 1 of 4"), t.text())
        t.key("enter")
        t.key("?")
        check(t.wait_for("Filter rows as you type"), t.text())
        help_line = t.line(t.row_of("Filter rows as you type"))
        check(help_line.split()[0] == "F", help_line)
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


def status_style(t, bg):
    y = next(y for y, _ in table_rows(t) if cell(t, y, "Status") == "active" and
             y != cursor_row(t, bg))
    x = column_x(t, "Status")
    c = t.attrs(y)[x]
    return (c.fg, c.bg, c.bold)


def t_themes(tmp, env):
    fake, env = setup(tmp, users=3, per_user=2, tracked=("cbrain",))
    try:
        styles = {}
        for args in ((), ("--theme", "light")):
            t = start(tmp, env, cols=100, rows=24, args=args, want=["Clerk", "CBRAIN"],
                      bg="blue" if args else "cyan")
            try:
                wait_rows(t, 7)
                title = t.attrs(0)[1]
                styles[args] = ((title.fg, title.bg), status_style(t, "blue" if args else "cyan"))
                t.quit()
            finally:
                t.close()
        check(styles[()][0] != styles[("--theme", "light")][0], "same title: %r" % styles)
        check(styles[()][1] != styles[("--theme", "light")][1], "same status: %r" % styles)
        check(styles[()][1][0] == "green", styles)
        # NO_COLOR: no colour at all, the selection in reverse video
        t = start(tmp, dict(env, NO_COLOR="1"), cols=100, rows=24, want=["Clerk", "CBRAIN"],
                  focus_sessions=False)
        try:
            wait_rows(t, 7)
            t.key("tab")
            time.sleep(0.5)
            t.quit()
            out = t.output()
            colour = re.search(rb"\x1b\[[0-9;]*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m",
                               out)
            check(not colour, "a colour with NO_COLOR: %r" % (colour and colour.group(0)))
            check(b"\x1b[7m" in out or b";7m" in out, "no reverse video in mono")
        finally:
            t.close()
    finally:
        fake.stop()


def list_requests(fake):
    return fake.count("clerk", "GET", "/sessions")


def t_auto_refresh(tmp, env):
    write(tmp, "sesame.conf", "set refresh-interval = 5\n")
    fake, env = setup(tmp, users=3, per_user=1, tracked=())
    t = start(tmp, env, cols=100, rows=24, want=["Clerk"])
    try:
        wait_rows(t, 3)
        first = list_requests(fake)
        check(first >= 1, "no list request")
        check(wait_until(lambda: list_requests(fake) > first, 15),
              "no second list within 15 s (%d requests)" % list_requests(fake))
        second = list_requests(fake)
        check(wait_until(lambda: list_requests(fake) > second, 15), "no third list")
        check(t.wait_for("Sessions 3 "), t.text())
        t.quit()
    finally:
        t.close()
        fake.stop()


def vm_rss_kb(t):
    with open("/proc/%d/status" % t.proc.pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def t_refreshes_keep_memory_flat(tmp, env):
    """10k sessions listed again and again (^R): every list replaces the last
    one, so memory stays where it was after the first few (the pooled and
    slab strings of a replaced list go back; a list kept would be ~2 MB, its
    strings alone 0.8 MB). Under a sanitizer only the leak check at exit
    counts (its quarantine holds freed memory)."""
    fake, env = setup(tmp, users=20, per_user=500, tracked=(), clerk=False, clerk_limit="off")
    harness.add_account(env, "clerk", "clerk", ["sk_test_fake"], fake.url("clerk"),
                        rate_limit="off")
    t = start(tmp, env, cols=120, rows=30, want=["Clerk"])
    try:
        check(t.wait_for("Sessions 10000", 30 * harness.SLOW), t.text())

        def refresh():  # ^R (a full listing), then wait till it is in and shown
            n = list_requests(fake)
            t.send("\x12")  # ^R
            check(wait_until(lambda: list_requests(fake) >= n + 20, 30 * harness.SLOW),
                  "^R did not list the 20 users again (%d requests)" % (list_requests(fake) - n))
            check(wait_until(lambda: fake.control("GET", "/_fake/stats")["in_flight"] == 0
                             and "loading" not in t.text(), 30 * harness.SLOW),
                  "still loading:\n" + t.text())
            t.wait_quiet(0.2, 10 * harness.SLOW)  # the answer taken in and drawn

        for _ in range(2):
            refresh()
        warm = vm_rss_kb(t)
        for _ in range(8):
            refresh()
        now = vm_rss_kb(t)
        check(t.wait_for("Sessions 10000"), t.text())
        print("  RSS %d kB after 2 refreshes, %d kB after 10" % (warm, now))
        if harness.SLOW == 1:
            check(now - warm < 3072, "RSS grew by %d kB over 8 refreshes of 10k sessions "
                  "(%d -> %d kB)" % (now - warm, warm, now))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_refresh_keys(tmp, env):
    fake, env = setup(tmp, users=3, per_user=1, tracked=("cbrain", "plantly"))
    t = start(tmp, env, cols=120, rows=24, want=["Clerk", "CBRAIN", "Plantly"])
    try:
        wait_rows(t, 5)
        time.sleep(0.5)
        n = list_requests(fake)
        # r on a Clerk session: its account is listed again
        y = next(y for y, _ in table_rows(t) if cell(t, y, "Provider") == "Clerk")
        while cursor_row(t) != y:
            t.key("j")
            time.sleep(0.1)
        t.key("r")
        check(t.wait_for("refreshed clerk"), t.text())
        check(wait_until(lambda: list_requests(fake) > n), "r did not list Clerk again")
        # r on the CBRAIN session: CBRAIN is asked whether it is still valid
        info = fake.count("cbrain", "GET", "/session")
        y = next(y for y, _ in table_rows(t) if cell(t, y, "Provider") == "CBRAIN")
        while cursor_row(t) != y:
            t.key("k" if cursor_row(t) > y else "j")
            time.sleep(0.1)
        t.key("r")
        check(t.wait_for("refreshed cbrain"), t.text())
        check(wait_until(lambda: fake.count("cbrain", "GET", "/session") > info),
              "r did not check the CBRAIN session")
        check(wait_until(lambda: "ok" in t.line(t.row_of("CBRAIN"))), t.text())
        # the CBRAIN session logged out behind our back: r shows it expired
        fake.control("POST", "/_fake/reset", {})
        t.key("r")
        check(wait_until(lambda: cell(t, cursor_row(t), "Status") == "expired", 10),
              "not expired after the server forgot it:\n" + t.text())
        # ... and it stays so across R (it went to the state file)
        n = list_requests(fake)
        t.key("R")
        check(t.wait_for("reloaded 3 accounts"), t.text())
        check(wait_until(lambda: list_requests(fake) > n), "R did not list Clerk")
        time.sleep(0.5)
        y = next(y for y, _ in table_rows(t) if cell(t, y, "Provider") == "CBRAIN")
        check(cell(t, y, "Status") == "expired", t.line(y))
        # r in the accounts pane refreshes the account under its cursor
        t.key("tab")
        n = list_requests(fake)
        t.key("g")
        t.key("r")
        check(wait_until(lambda: list_requests(fake) > n), "r in the accounts pane")
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_countdown(tmp, env):
    """A Plantly session expiring in 2.5 minutes: yellow (expiring soon), its
    countdown ticks each second; nothing else is redrawn; no CPU to speak of."""
    fake, env = setup(tmp, users=2, per_user=1, tracked=("plantly", "cbrain"),
                      plantly_expires=150)
    t = start(tmp, env, cols=120, rows=24, want=["Clerk", "Plantly", "CBRAIN"])
    try:
        wait_rows(t, 4)
        t.key("G")  # the cursor off the Plantly row, so its colours show
        y = next(y for y, _ in table_rows(t) if cell(t, y, "Provider") == "Plantly")
        if cursor_row(t) == y:
            t.key("g")
        check(wait_until(lambda: cursor_row(t) != y), "cursor")
        v0 = cell(t, y, "Expires")
        check(re.match(r"in 2m [0-5]\ds$", v0), "countdown %r" % v0)
        x = t.line(y).rfind(v0)
        c = t.attrs(y)[x]
        check(c.fg in YELLOW and c.bold, "expiring soon: %r %r" % (c.fg, c.bold))
        check(t.attrs(y)[column_x(t, "Status")].fg in YELLOW, "status not expiring colour")
        seen = {v0}
        end = time.time() + 3.5
        while time.time() < end:
            seen.add(cell(t, y, "Expires"))
            time.sleep(0.05)
        check(len(seen) >= 3, "the countdown did not tick: %r" % seen)
        # idle: a small redraw each second, no busy loop
        harness.idle_cpu(t, seconds=3.0, max_ticks=3)
        before = len(t.raw)
        time.sleep(3.0)
        grew = len(t.raw) - before
        check(0 < grew < 3 * 400, "%d bytes drawn in 3 s of countdown" % grew)
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_countdown_expires_in_place(tmp, env):
    """Ticks redraw only the counting rows, in place: a session that runs out
    under the cursor turns expired by itself, keeps the cursor bar, and the
    rows around it stay as they were."""
    fake, env = setup(tmp, users=2, per_user=1, tracked=("plantly", "cbrain"),
                      plantly_expires=4)
    t = start(tmp, env, cols=120, rows=24, want=["Clerk", "Plantly", "CBRAIN"])
    try:
        wait_rows(t, 4)
        y = next(y for y, _ in table_rows(t) if cell(t, y, "Provider") == "Plantly")
        for _ in range(8):  # the cursor onto the Plantly row (config order: after Clerk's)
            at = cursor_row(t)
            if at == y:
                break
            t.key("j" if at < y else "k")
            wait_until(lambda: cursor_row(t) not in (at, -1))
        check(cursor_row(t) == y, "cursor not on the Plantly row")
        check(cell(t, y, "Status") == "active", t.line(y))
        others = {yy: t.line(yy) for yy, _ in table_rows(t) if yy != y}
        check(wait_until(lambda: cell(t, y, "Status") == "expired", 8),
              "did not expire by itself:\n" + t.text())
        check(cursor_row(t) == y, "the cursor bar went from the expired row")
        for yy, line in others.items():
            check(t.line(yy) == line, "row %d changed on a tick: %r -> %r" % (yy, line, t.line(yy)))
        t.quit()
    finally:
        t.close()
        fake.stop()


def t_nothing_changes_nothing_drawn(tmp, env):
    """Only long countdowns (days) and none: not a byte drawn while idle."""
    fake, env = setup(tmp, users=3, per_user=1, tracked=("cbrain",))
    t = start(tmp, env, cols=120, rows=24, want=["Clerk", "CBRAIN"])
    try:
        wait_rows(t, 4)
        check(t.wait_quiet(0.5), "never quiet")
        # a Clerk session with hours left redraws once a minute at most
        before = len(t.raw)
        harness.idle_cpu(t, seconds=2.5, max_ticks=2)
        grew = len(t.raw) - before
        check(grew < 200, "%d bytes drawn while idle" % grew)
        t.quit()
    finally:
        t.close()
        fake.stop()


TESTS = [
    t_browse_all_providers, t_movement, t_filter, t_narrow_to_account, t_sort_remembered, t_detail_view, t_marks,
    t_resize, t_hanging_provider, t_hang_and_100k, t_escape_sequences, t_remapped_key, t_themes,
    t_auto_refresh, t_refreshes_keep_memory_flat, t_refresh_keys, t_countdown,
    t_countdown_expires_in_place, t_nothing_changes_nothing_drawn,
]

if __name__ == "__main__":
    sys.exit(harness.main(TESTS))
