#!/usr/bin/python3
"""The fault matrix through the dashboard: every fault the fake can inject,
against every provider, with the real sesame in a pseudo-terminal (120x40,
tests/e2e/harness.py). Prints one verdict per cell, a table headed
"dashboard" and a closing line "N passed, N failed". tests/faults/matrix.py
runs it after the headless half and sums both.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/faults/dashboard.py ./sesame [--only PROVIDER]

All ten accounts of tests/faults/rig.py are configured (one per provider and
its "<label> TLS" twin behind https with no CA named); Clerk's lists a user
the fake knows (it has sessions to show), each CBRAIN account tracks a
session logged in beforehand. One dashboard runs per provider; before each
cell the fake's faults are cleared, then the fault is put on the request
the dashboard makes, and that request is made:

    Clerk          r on its account: the list (GET /sessions)
    CBRAIN         r on its account: is the tracked session valid (GET /session)
    Plantly        n on its account: a log-in (POST /auth/sessions)
    Basis Theory   n, then Enter in the form (defaults): POST /sessions
    Apideck Vault  n, then Enter in the form (defaults): POST /vault/sessions
    tls            the same on the "<label> TLS" account (no fault injected)

A cell passes when:
  - keys keep answering: while the request is in flight (the fault, or
    700 ms of latency put before it, keeps it there; a TLS refusal is at
    once, so there the keys come after it), j or k moves the accounts
    cursor within 500 ms, and back, and the account shows it is busy;
  - the outcome is the one the fault calls for (rig.FAULTS, with Clerk's
    and CBRAIN's requests counted as GETs, safe to repeat): success (the
    account "ok", or "logged in"/"created session" on the message line)
    where sesame rides the fault out; otherwise the account's row says
    "error: ..." or the message line "<account>: ...", naming the problem
    (HTTP 502, not JSON, larger than 16 MB, TLS, ...); a login or create
    that met a reset was sent once only (the fake's log: the server may
    have acted on it, so it is not repeated behind the user's back). A
    hang is not waited out: the account shows it is busy (a spinner) and
    keys answer while it is; then the fault is cleared and the dashboard
    settles (the hang ends after 3 s; its outcome is not judged);
  - every other account's row (sessions count, state) is as it was;
  - no escape sequence or invalid UTF-8 from the server reaches the
    terminal (the raw pty bytes of the cell, checked as
    tests/e2e/test_dashboard_browse.py checks them) and sesame is alive;
    for "escape" the session is opened in the detail view (raw JSON too),
    which must show the server's strings, cleaned, for Clerk (the other
    answers carry no string the dashboard shows: noted, not judged);
  - accounts.conf and sesame.conf are byte-identical, sessions.state
    parses and keeps every tracked session, gaining only the one a
    successful create adds; no secret is in the config or state files.
After each provider's row, q must leave the terminal as it found it.
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
from rig import FAULTS, PROVIDERS, Rig, control, dir_digest, secrets_in  # noqa: E402
import harness  # noqa: E402
from test_dashboard_browse import check_clean_output  # noqa: E402

COLS, ROWS = 120, 40
# provider -> (how the dashboard is made to ask: r, n or form; the route it asks on)
ACTIONS = {
    "clerk": ("r", "GET /sessions"),
    "basistheory": ("form", "POST /sessions"),
    "plantly": ("n", "POST /auth/sessions"),
    "cbrain": ("r", "GET /session"),
    "apideck": ("form", "POST /vault/sessions"),
}
IDEMPOTENT = {"clerk", "cbrain"}  # their request here is a GET
# the dashboard has no --timeout: a hang that ends by itself, a latency that
# keeps the request in flight while keys are pressed
OVERRIDES = {"latency": {"ms": 1500}, "hang": {"max_s": 3}}
# what the error must say (any one, case-insensitive)
NAMES = {
    "reset": ("reset", "empty reply", "connection"),
    "500": ("500",), "502": ("502",), "503": ("503",),
    "malformed": ("not json", "malformed"),
    "truncated": ("transfer closed", "truncated", "not json"),
    "50MB": ("larger than", "too large"),
    "html": ("502", "not json", "html"),
    "tls": ("tls", "ssl", "certificate"),
}
KEY_MS = 500
IN_FLIGHT_MS = 700
SETTLE_S = 20
SPINNER = re.compile("[\u2800-\u28ff]")
STANZA = re.compile(r"^\[session (\S+) (\S+)\]$")


class Problem(Exception):
    pass


def slow_factor(binary):
    with open(binary, "rb") as f:
        data = f.read()
    return 4 if b"__asan_init" in data or b"__tsan_init" in data else 1


def expect_success(prov, fault):
    spec = FAULTS[fault]
    want = spec[1] if prov in IDEMPOTENT else spec[2]
    return 0 in (want if isinstance(want, tuple) else (want,))


# ---- the files ----

def state_sessions(rig):
    """{(account, session id)} of sessions.state; Problem if it does not parse."""
    path = os.path.join(rig.env["SESAME_STATE_DIR"], "sessions.state")
    if not os.path.exists(path):
        return set()
    out, cur = set(), None
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                m = STANZA.match(line)
                if not m:
                    raise Problem("sessions.state: bad line %r" % line[:60])
                cur = (m.group(1), m.group(2))
                out.add(cur)
            elif cur is None or "=" not in line:
                raise Problem("sessions.state: bad line %r" % line[:60])
    return out


def config_text(rig, name):
    path = os.path.join(rig.env["SESAME_CONFIG_DIR"], name)
    return open(path).read() if os.path.exists(path) else ""


# ---- set-up ----

def clerk_user(rig):
    """The id of a user the fake's Clerk knows (it has sessions)."""
    import urllib.request
    req = urllib.request.Request(rig.url("clerk") + "/users?limit=1",
                                 headers={"Authorization": "Bearer sk_test_fake"})
    with urllib.request.urlopen(req, timeout=10) as r:
        doc = json.loads(r.read())
    users = doc if isinstance(doc, list) else doc.get("data", [])
    return users[0]["id"]


def set_up(rig):
    rig.start_fake()
    rig.add_accounts({"clerk": ["--set", "user_id=" + clerk_user(rig)]})
    # a tracked session at each CBRAIN account: the TLS twin logs in over
    # http for the moment
    conf = os.path.join(rig.env["SESAME_CONFIG_DIR"], "accounts.conf")
    text = open(conf).read()
    tls_line = "base_url=%s\n" % rig.url("cbrain", tls=True)
    plain_line = "base_url=%s\n" % rig.url("cbrain")
    if tls_line not in text:
        raise SystemExit("no %r in accounts.conf" % tls_line)
    with open(conf, "w") as f:
        f.write(text.replace(tls_line, plain_line))
    for label in ("CBRAIN", "CBRAIN TLS"):
        rc, _, err, _ = rig.sesame(["create", label])
        if rc != 0:
            raise SystemExit("cannot log in to %s: %s" % (label, err.decode(errors="replace")))
    with open(conf, "w") as f:
        f.write(text)
    with open(os.path.join(rig.env["SESAME_CONFIG_DIR"], "sesame.conf"), "w") as f:
        f.write("set refresh-interval = 0\n")  # no request but the cell's


def term_env(rig):
    env = dict(rig.env)
    for k in ("LINES", "COLUMNS", "NO_COLOR", "TERMINFO", "TERMINFO_DIRS"):
        env.pop(k, None)
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC"})
    return env


# ---- reading the dashboard ----

class Dash:
    def __init__(self, rig, slow):
        self.rig = rig
        self.slow = slow
        self.t = harness.Term(env=term_env(rig), tmp=rig.tmp, cols=COLS, rows=ROWS)
        if not self.t.wait_for("── Sessions", 20 * slow):
            raise Problem("the dashboard did not come up:\n" + self.t.text())
        if not harness.wait_until(lambda: len(self.rows()) == 2 * len(PROVIDERS)
                                  and not self.busy(), 20 * slow):
            raise Problem("the accounts did not load:\n" + self.t.text())

    def rows(self):
        """[(y, account, sessions, state)] of the accounts pane."""
        lines = self.t.lines()
        head = next((y for y, l in enumerate(lines) if l.startswith("Provider ")
                     and "Account" in l and "State" in l), None)
        if head is None:
            return []
        h = lines[head]
        acc_x, ses_x, st_x = h.index("Account"), h.index("Sessions"), h.index("State")
        out = []
        for y in range(head + 1, len(lines)):
            l = lines[y]
            if l.startswith("──") or not l.strip():
                break
            out.append((y, l[acc_x:ses_x].strip(), l[ses_x:st_x].strip(), l[st_x:].strip()))
        return out

    def row(self, label):
        for r in self.rows():
            if r[1] == label:
                return r
        raise Problem("no row for %s:\n%s" % (label, self.t.text()))

    def selected(self):
        for y, _, _, _ in self.rows():
            c = self.t.attrs(y)[0]
            if c.bg != "default" or c.reverse:
                return y
        return -1

    def status(self):
        return self.t.line(ROWS - 2)

    def message(self):
        return self.t.line(ROWS - 1).strip()

    def busy(self):
        return bool(SPINNER.search(self.status())) or any(
            SPINNER.search(st) or "loading" in st for _, _, _, st in self.rows())

    def settle(self, timeout):
        """Until nothing is in flight for 0.3 s."""
        end = time.time() + timeout * self.slow
        quiet_since = None
        while time.time() < end:
            if self.busy():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.time()
            elif time.time() - quiet_since >= 0.3:
                return True
            time.sleep(0.03)
        return False

    def go_to(self, label):
        want = self.row(label)[0]
        end = time.time() + 5 * self.slow
        while time.time() < end:
            y = self.selected()
            if y == want:
                return
            self.t.key("j" if y < want else "k")
            harness.wait_until(lambda: self.selected() != y, 1.0 * self.slow)
        raise Problem("cannot put the cursor on %s" % label)

    def keys_answer(self):
        """j (or k on the last row) then back: ms of the slower, or a Problem."""
        rows = [r[0] for r in self.rows()]
        worst = 0.0
        y = self.selected()
        first, second = ("j", "k") if y != rows[-1] else ("k", "j")
        for key, want in ((first, None), (second, y)):
            before = self.selected()
            t0 = time.time()
            self.t.key(key)
            ok = harness.wait_until(lambda: self.selected() not in (before, -1)
                                    if want is None else self.selected() == want,
                                    5.0, step=0.005)
            took = (time.time() - t0) * 1000
            if not ok:
                raise Problem("%s did not move the cursor" % key)
            worst = max(worst, took)
        if worst > KEY_MS * self.slow:
            raise Problem("keys answered after %d ms" % worst)
        return worst

    def show_raw_json(self, label, message):
        """The detail view (raw JSON too) of the session the message names,
        or of the account's first: True if the server's strings show there,
        cleaned (the escape fault's "6n" is left of its sequences)."""
        m = re.search(r"session ([a-z]+-[0-9a-f]+)", message or "")
        needle = m.group(1) if m else label
        self.t.key("tab")
        self.t.send("/\x15" + needle)
        self.t.key("enter")
        if not self.t.wait_for('match "%s"' % needle, 5 * self.slow):
            raise Problem("cannot filter the sessions by %r:\n%s" % (needle, self.t.text()))
        self.t.key("enter")
        if not self.t.wait_for("Raw JSON", 5 * self.slow):
            raise Problem("no detail view:\n" + self.t.text())
        self.t.key("G")
        shown = harness.wait_until(lambda: "6n" in self.t.text(), 1.0 * self.slow)
        self.t.key("esc")
        if not self.t.wait_gone("Raw JSON", 5 * self.slow):
            raise Problem("the detail view stayed:\n" + self.t.text())
        self.t.key("esc")  # the filter
        if not self.t.wait_gone('match "%s"' % needle, 5 * self.slow):
            raise Problem("the filter stayed:\n" + self.t.text())
        self.t.key("backtab")
        time.sleep(0.1)
        return shown

    def mark_message(self):
        """An unbound key, so the message line says something known."""
        self.t.key("Z")
        if not harness.wait_until(lambda: self.message().startswith("Z does nothing"),
                                  3 * self.slow):
            raise Problem("no message for Z: %r" % self.message())


# ---- one cell ----

def run_cell(rig, d, prov, fault):
    label = PROVIDERS[prov][0]
    how, route = ACTIONS[prov]
    target = label + " TLS" if fault == "tls" else label
    control(rig.base, "POST", "/_fake/faults/clear", {})
    d.go_to(target)
    d.mark_message()
    others = {r[1]: (r[2], r[3]) for r in d.rows() if r[1] != target}
    conf_before = dir_digest(rig.env["SESAME_CONFIG_DIR"])
    sessions_before = state_sessions(rig)
    raw_from = len(d.t.raw)
    seq_from = last_seq(rig, prov)
    if fault != "tls":
        body = dict(FAULTS[fault][0])
        body.update(OVERRIDES.get(fault, {}))
        body.update({"provider": prov, "route": route})
        control(rig.base, "POST", "/_fake/fault", body)
        if fault not in ("latency", "hang"):
            # the first answer comes late: keys are pressed while it is in
            # flight, and the outcome's message is not wiped by them
            control(rig.base, "POST", "/_fake/fault", {"provider": prov, "route": route,
                                                       "fault": "latency", "ms": IN_FLIGHT_MS,
                                                       "count": 1})
    problems = []
    t0 = time.time()
    if how == "form":
        d.t.send("n")
        # the form's title and its hint line may come in two writes
        if not d.t.wait_for("New ", 5 * d.slow) or not d.t.wait_for("Enter saves", 2 * d.slow):
            raise Problem("no form:\n" + d.t.text())
        d.t.key("enter")
        if not d.t.wait_gone("Enter saves", 5 * d.slow):
            raise Problem("the form stayed open:\n" + d.t.text())
    else:
        d.t.send(how)
    # the request is made: the message line moves on from "Z does nothing"
    if not harness.wait_until(lambda: not d.message().startswith("Z does nothing"),
                              5 * d.slow):
        raise Problem("nothing happened on %s" % how)
    if fault == "tls":
        # refused at once: nothing to be in flight; the outcome first (a key
        # wipes the message line), then the keys
        settled = d.settle(SETTLE_S)
        outcome = d.row(target), d.message(), d.status()
        key_ms = d.keys_answer()
    else:
        if not harness.wait_until(d.busy, 3 * d.slow):
            problems.append("not shown busy while the request is in flight")
        key_ms = d.keys_answer()
        if not d.busy():
            problems.append("the request was not in flight while the keys were pressed")
        if fault == "hang":
            control(rig.base, "POST", "/_fake/faults/clear", {})
        settled = d.settle(SETTLE_S)
        outcome = d.row(target), d.message(), d.status()
    if not settled:
        problems.append("still busy after %d s" % SETTLE_S)
    took = time.time() - t0
    if d.t.proc.poll() is not None:
        raise Problem("sesame ended (%s): %s" % (d.t.proc.returncode, d.t.stderr()[-300:]))

    # the outcome
    (_, _, count, state), msg, status = outcome
    detail = msg if how != "r" else state
    if fault != "hang":
        if expect_success(prov, fault):
            if how == "r":
                if state != "ok":
                    problems.append("the account says %r, wanted ok" % state[:70])
            elif not (msg.startswith("logged in to " + label) or msg.startswith("created session")):
                problems.append("message %r, wanted a new session" % msg[:70])
        else:
            words = NAMES[fault]
            if how == "r":
                said = (state + " " + status).lower()
                if not state.startswith("error:"):
                    problems.append("the account says %r, wanted an error" % state[:70])
                elif not any(w in said for w in words):
                    problems.append("the error does not say %s: %r" % ("/".join(words), state))
            else:
                if not msg.startswith(target + ":"):
                    problems.append("message %r, wanted \"%s: ...\"" % (msg[:70], target))
                elif not any(w in msg.lower() for w in words):
                    problems.append("the error does not say %s: %r" % ("/".join(words), msg))
    if fault == "escape":
        shown = d.show_raw_json(target, msg if how != "r" else None)
        if not shown and prov == "clerk":  # the others' answers have no string shown
            problems.append("the server's strings are not shown (cleaned) in the detail view")
        detail = ("strings shown cleaned; " if shown else "no string of it shown; ") + detail
    # the others
    now = {r[1]: (r[2], r[3]) for r in d.rows() if r[1] != target}
    for name, was in others.items():
        if now.get(name) != was:
            problems.append("%s changed: %r -> %r" % (name, was, now.get(name)))
    # the terminal
    out = d.t.output()[raw_from:]
    try:
        check_clean_output(out)
    except AssertionError as e:
        problems.append(str(e)[:120])
    try:
        out.lstrip(bytes(range(0x80, 0xc0))).decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("invalid UTF-8 on the terminal at byte %d" % e.start)
    # the files
    if dir_digest(rig.env["SESAME_CONFIG_DIR"]) != conf_before:
        problems.append("config changed")
    try:
        sessions_after = state_sessions(rig)
        lost = sessions_before - sessions_after
        new = sessions_after - sessions_before
        if lost:
            problems.append("sessions.state lost %s" % ", ".join(s for _, s in sorted(lost)))
        # a hang is not judged by its outcome: a create may have gone through
        allowed = how != "r" and (fault == "hang" or expect_success(prov, fault))
        if new and (not allowed or len(new) > 1):
            problems.append("sessions.state gained %s" % ", ".join(s for _, s in sorted(new)))
        account_id = target.lower().replace(" ", "-")  # as `account add` names it
        if allowed and len(new) == 1 and next(iter(new))[0] != account_id:
            problems.append("the new session is at %s" % next(iter(new))[0])
    except Problem as e:
        problems.append(str(e))
    problems += secrets_in((rig.env["SESAME_CONFIG_DIR"], rig.env["SESAME_STATE_DIR"]))
    # a login or create that failed on the way is not sent again (the
    # server may have acted on it): one request, as the headless command
    sent = [r for r in requests_since(rig, prov, seq_from)
            if r["method"] == route.split()[0] and r["path"].endswith(route.split()[1])]
    if how != "r" and fault == "reset" and len(sent) != 1:
        problems.append("the %s was sent %d times" % (route, len(sent)))
    if fault == "hang":
        detail = "busy, keys answer; %d request%s" % (len(sent), "" if len(sent) == 1 else "s")
    return problems, detail, took, key_ms


def requests_since(rig, prov, seq):
    log = json.loads(control(rig.base, "GET", "/_fake/requests?provider=%s" % prov))
    return [r for r in log["requests"] if r["seq"] > seq]


def last_seq(rig, prov):
    log = json.loads(control(rig.base, "GET", "/_fake/requests?provider=%s&last=1" % prov))
    return max([r["seq"] for r in log["requests"]] or [0])


# ---- running ----

def run(binary, only=None):
    """Print every cell and the table; returns (passed, failed)."""
    harness.BINARY = os.path.abspath(binary)
    slow = slow_factor(harness.BINARY)
    rig = Rig(binary)
    passed = failed = 0
    table = []
    start = time.time()
    try:
        set_up(rig)
        accounts_before = config_text(rig, "accounts.conf")
        for prov in PROVIDERS:
            if only and prov != only:
                continue
            row = []
            d = None
            for fault in FAULTS:
                t0 = time.time()
                try:
                    if d is None:
                        d = Dash(rig, slow)
                    problems, detail, took, key_ms = run_cell(rig, d, prov, fault)
                except (Problem, AssertionError) as e:
                    problems, detail, took, key_ms = [str(e)[:300]], "", time.time() - t0, 0
                    if d is not None:
                        d.t.close()
                        d = None  # a fresh dashboard for the next cell
                ok = not problems
                row.append(ok)
                passed += ok
                failed += not ok
                print("%-4s %-12s %-10s %5.1fs keys %3d ms  %s" % (
                    "ok" if ok else "FAIL", prov, fault, took, key_ms,
                    "; ".join(problems) or detail[:80]))
                sys.stdout.flush()
            if d is not None:
                try:
                    d.t.quit()
                except AssertionError as e:
                    print("FAIL %-12s quitting: %s" % (prov, str(e)[:200]))
                    row[-1] = False
                    passed -= 1
                    failed += 1
                finally:
                    d.t.close()
            reports = getattr(harness, "_sanitizer_reports", None)
            if reports:  # noted by Term.close(): a sanitizer build said something
                print("FAIL %-12s sanitizer report: %s" % (prov, reports[0][1][:300]))
                row[-1] = False
                passed -= 1
                failed += 1
                del reports[:]
            table.append((prov, row))
        if config_text(rig, "accounts.conf") != accounts_before:
            print("FAIL accounts.conf changed over the run")
            failed += 1
    finally:
        rig.stop()
    print()
    print("dashboard".ljust(12) + "".join(f[:9].rjust(10) for f in FAULTS))
    for prov, row in table:
        print(prov.ljust(12) + "".join(("pass" if ok else "FAIL").rjust(10) for ok in row))
    print("(%.0f s)" % (time.time() - start))
    return passed, failed


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    only = None
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1]
        if only not in PROVIDERS:
            print("unknown provider %s (known: %s)" % (only, ", ".join(PROVIDERS)))
            return 2
    passed, failed = run(sys.argv[1], only)
    print()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
