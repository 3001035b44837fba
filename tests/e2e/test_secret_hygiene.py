#!/usr/bin/python3
"""Secret hygiene, end to end: a full scripted session with every secret of
every provider, then a search for those secrets wherever they must not be.

The secrets: the fake's credentials of all five providers (typed into
`sesame account add` on stdin), the tokens the providers hand back (Plantly
access and refresh tokens, the CBRAIN API token, the Basis Theory session key
and nonce, the Apideck Vault session token and its URL: read back from the
keyring with `secret-tool lookup` after the session made them), a Clerk JWT
(shown by the token view after its reveal key, printed by `sesame token`),
and a Clerk key typed into the add-account form. Each is looked for as is
and as base64 (at every alignment).

What is checked, and what that proves:
  * files: every file under the test's directory (HOME, XDG and sesame
    config and state dirs, TMPDIR) and what sesame wrote to stderr and
    stdout hold no secret. The only exceptions are the outputs whose job is
    to print one: `sesame token` (the JWT) and `sesame open --print` (the
    Vault URL). Limits: only files under that directory (sesame is pointed
    at it by HOME/XDG/TMPDIR/SESAME_*_DIR); the keyring's own files are
    gnome-keyring's (encrypted) and not looked at.
  * argv and environment: /proc/PID/cmdline and /proc/PID/environ of sesame
    (sampled several times while the dashboard runs, and while headless
    commands wait: one on its secret on stdin, one on a hanging provider) and
    of every process it started. The browser ($BROWSER, for `o`) receives the
    Vault session URL as its argument: that one is expected (it is how the
    URL reaches the browser) and allowed there only; its environment must
    still be clean. Limits: samples, not a trace; a secret put into the
    environment and removed between samples would be missed.
  * screen: every pyte screen sampled along the way and the whole raw byte
    stream sesame wrote to the pty hold no secret, except the Clerk JWT
    after `v` in the token view and the typed key after ^R in the form:
    those are asserted masked before the reveal and visible after it, and
    found in the byte stream only after the reveal. `y` (OSC 52 copy, base64
    of the secret on purpose) is not pressed here.
  * not dumpable: run as root, sesame's /proc files stay readable to root
    whatever it does, so the check runs sesame (the dashboard and a headless
    command waiting on stdin) as the unprivileged user nobody:
    /proc/PID/environ (every /proc/PID entry but the directory itself) is
    then owned by root (the kernel does that for a non-dumpable process
    only: task_dump_owner), and another process of the same user is refused
    /proc/PID/environ (ptrace access check), while the same read of a
    control process of nobody (sleep) works. Limits: it proves the
    prctl(PR_SET_DUMPABLE, 0) is in force from the start of main; root
    (CAP_SYS_PTRACE) can always read a process, so this protects against
    other processes of the same user, not against root.
  * no core: /proc/PID/limits says "Max core file size 0 0" for every sesame
    sampled.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_secret_hygiene.py ./sesame
(tests/e2e/run.sh runs it). Prints "N passed, N failed" last.
"""

import base64
import json
import os
import pwd
import re
import signal
import stat
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Term, check, wait_until  # noqa: E402

JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
ORDER = ("plantly", "cbrain", "basistheory", "apideck", "clerk")


def wait_s():
    return 20 * harness.SLOW


# ---- secrets and where to look for them ----

def forms(secret):
    """The byte strings that give the secret away: itself, its base64
    (standard and URL-safe, padded or not) and, for base64 inside a longer
    encoded text, the part of its encoding that does not depend on the bytes
    around it, at each of the three alignments."""
    s = secret.encode()
    out = {s}
    for k in range(3):
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            e = enc(b"\0" * k + s)
            if k == 0:
                out.add(e)
                out.add(e.rstrip(b"="))
            core = e[4:-4] if k else e[:-4]
            if len(core) >= 8:
                out.add(core)
    return out


class Secrets:
    def __init__(self):
        self.named = {}  # value -> what it is

    def add(self, value, what):
        if value and len(value) >= 6:
            self.named.setdefault(value, what)

    def found_in(self, data, allow=()):
        """[(what, form)] of every secret (not in allow) found in data (bytes)."""
        hits = []
        for value, what in self.named.items():
            if value in allow:
                continue
            for f in forms(value):
                if f in data:
                    hits.append((what, f[:40]))
                    break
        return hits


def keyring_items(env):
    """{(account, kind, session): secret} of every sesame item: the attributes
    listed by `secret-tool search` (on its stderr, one block per item), each
    value read back with `secret-tool lookup`; plus every "secret = " line of
    the search itself, in case an item's attributes were not understood."""
    r = subprocess.run(["secret-tool", "search", "--all", "--unlock", "application", "sesame"],
                       env=env, capture_output=True, text=True, timeout=60)
    blocks, cur = [], {}
    for line in r.stderr.splitlines():
        if not line.startswith("attribute."):
            continue
        k, _, v = line[len("attribute."):].partition(" = ")
        if k in cur:
            blocks.append(cur)
            cur = {}
        cur[k] = v
    if cur:
        blocks.append(cur)
    items = {}
    for a in blocks:
        if a.get("application") != "sesame" or "account" not in a or "kind" not in a:
            continue
        r2 = subprocess.run(["secret-tool", "lookup", "application", "sesame", "account",
                             a["account"], "kind", a["kind"], "session", a.get("session", "")],
                            env=env, capture_output=True, text=True, timeout=30)
        if r2.returncode == 0 and r2.stdout:
            items[(a["account"], a["kind"], a.get("session", ""))] = r2.stdout
    for i, line in enumerate(l for l in r.stdout.splitlines() if l.startswith("secret = ")):
        items.setdefault(("?", "?", "item %d" % i), line[len("secret = "):])
    return items


def read_proc(pid, name):
    try:
        with open("/proc/%d/%s" % (pid, name), "rb") as f:
            return f.read()
    except OSError:
        return None


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(root):
    """Processes whose parent chain reaches root (children it started)."""
    parent = {}
    for pid in all_pids():
        st = read_proc(pid, "stat")
        if st:
            parent[pid] = int(st.rsplit(b")", 1)[1].split()[1])
    out = []
    for pid in parent:
        p, seen = parent.get(pid), 0
        while p and p != 1 and seen < 50:
            if p == root:
                out.append(pid)
                break
            p, seen = parent.get(p), seen + 1
    return out


class Samples:
    """cmdline, environ and core limit of processes, as seen from outside."""

    def __init__(self):
        self.got = []      # (who, pid, cmdline, environ)
        self.limits = []   # (who, pid, limits text)

    def take(self, pid, who):
        cmd, envb, lim = (read_proc(pid, "cmdline"), read_proc(pid, "environ"),
                          read_proc(pid, "limits"))
        if cmd is None or envb is None:
            return False
        self.got.append((who, pid, cmd, envb))
        if lim is not None:
            self.limits.append((who, pid, lim.decode()))
        return True

    def take_tree(self, pid, who):
        ok = self.take(pid, who)
        for child in descendants(pid):
            self.take(child, "child %d of %s" % (child, who))
        return ok


def core_limit_zero(limits):
    m = re.search(r"^Max core file size\s+(\S+)\s+(\S+)", limits, re.M)
    return bool(m) and m.group(1) == "0" and m.group(2) == "0"


def scan_files(root, skip):
    """{path: bytes} of every regular file under root, but the skipped ones."""
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if os.path.join(d, x) not in skip]
        for f in files:
            p = os.path.join(d, f)
            if p in skip or any(p.startswith(s + "/") for s in skip):
                continue
            if any(f.startswith(s) for s in ("fake.log", "fake.port")):
                continue
            try:
                if stat.S_ISREG(os.lstat(p).st_mode):
                    with open(p, "rb") as fh:
                        out[p] = fh.read()
            except OSError:
                pass
    return out


# ---- the dashboard ----

def message(t):
    return t.line(t.screen.lines - 1)


def wait_message(t, text):
    check(t.wait_line(t.screen.lines - 1, lambda line: text in line, wait_s()),
          "message line has no %r: %r\n%s" % (text, message(t), t.text()))


def select(t, needle):
    t.send("/")
    t.send("\x15")
    t.send(needle)
    t.key("enter")
    check(t.wait_for("match \"%s\"" % needle, wait_s()), "filter %r:\n%s" % (needle, t.text()))


def box_text(t):
    out = []
    for line in t.lines():
        a, b = line.find("│"), line.rfind("│")
        if 0 <= a < b:
            out.append(line[a + 1:b].strip())
    return "".join(out)


def sessions_json(env):
    r = harness.cli(env, "sessions", "--json", timeout=60 * harness.SLOW)
    check(r.returncode == 0, "sessions --json: %d %s" % (r.returncode, r.stderr))
    return r, json.loads(r.stdout)["sessions"]


def t_full_session(tmp, env):
    fake = harness.Fake(tmp, ["--clerk-users", "2", "--clerk-sessions-per-user", "2"])
    env = harness.keyring_env(tmp)
    env["TMPDIR"] = os.path.join(tmp, "tmpdir")
    os.makedirs(env["TMPDIR"])
    secrets = Secrets()
    samples = Samples()
    # (the keyring is shared by the run's tests: what earlier ones left is
    # looked for too, but only what this session made counts as made)
    earlier = set(keyring_items(env).values())
    outputs = []       # (what, bytes) sesame wrote to stdout/stderr, must be clean
    explicit = []      # (what, bytes, allowed secret) outputs whose job is to print one
    for p in ORDER:
        for s in harness.CREDENTIALS[p][0]:
            secrets.add(s, "%s credential" % p)

    # the matcher itself: a secret base64-encoded inside a longer text is found
    for k in range(3):
        probe = b"x=" + base64.b64encode(b"q" * k + b"plantly-pass" + b"tail") + b";"
        check(secrets.found_in(probe), "the matcher misses base64 at alignment %d" % k)

    # accounts: the secrets on stdin; one command sampled while it waits for them
    for p in ORDER:
        creds, fields = harness.CREDENTIALS[p]
        args = [harness.BINARY, "account", "add", p, "--label", p, "--base-url", fake.url(p)]
        for k, v in fields.items():
            args += ["--set", "%s=%s" % (k, v)]
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        proc.stdin.write((creds[0] + "\n").encode())
        proc.stdin.flush()
        time.sleep(0.3 * harness.SLOW)  # the first secret read, the next awaited (BT) or stored
        check(samples.take_tree(proc.pid, "account add %s" % p) or proc.poll() is not None,
              "could not sample account add")
        rest = "".join(c + "\n" for c in creds[1:])
        out, err = proc.communicate(rest.encode(), timeout=60 * harness.SLOW)
        check(proc.returncode == 0, "account add %s: %s" % (p, err))
        outputs.append(("account add %s" % p, out + err))
        harness.note_sanitizer_reports("sesame account add", err.decode("utf-8", "replace"))

    # headless: sessions made by commands
    for p in ("plantly", "apideck"):
        r = harness.cli(env, "create", p, timeout=60 * harness.SLOW)
        check(r.returncode == 0, "create %s: %s" % (p, r.stderr))
        outputs.append(("create %s" % p, (r.stdout + r.stderr).encode()))

    clerk_ids = [x["id"] for x in sessions_json(env)[1]
                 if x["provider"] == "clerk" and x["status"] == "active"]
    check(len(clerk_ids) >= 2, "too few active Clerk sessions: %r" % clerk_ids)

    # the dashboard, with a browser that records its argument and environment
    bdir = os.path.join(tmp, "browser")
    os.makedirs(bdir)
    browser = os.path.join(tmp, "browser.sh")
    with open(browser, "w") as f:
        f.write("#!/bin/sh\nprintf '%%s\\n' \"$1\" >> %s/urls\nsleep %d\n"
                % (bdir, 3 * harness.SLOW))
    os.chmod(browser, stat.S_IRWXU)
    e = dict(env)
    e["BROWSER"] = browser
    screens = []   # pyte screens sampled before any reveal
    t = Term(env=e, tmp=tmp, cols=130, rows=40)
    marks = {}
    try:
        def snap(why):
            screens.append((why, t.text()))
            samples.take_tree(t.proc.pid, "dashboard (%s)" % why)

        for w in ("Plantly", "CBRAIN", "Basis Theory", "Apideck Vault", "Clerk"):
            check(t.wait_for(w, wait_s()), "no %r:\n%s" % (w, t.text()))
        check(wait_until(lambda: "loading" not in t.text(), wait_s()), t.text())
        snap("loaded")
        top = t.row_of("Provider") + 1
        # create: Plantly and CBRAIN log in, Basis Theory through its form, Vault too
        t.send("n")
        wait_message(t, "logged in to plantly: session plantly-")
        t.key("down")
        t.send("n")
        wait_message(t, "logged in to cbrain: session cbrain-")
        t.key("down")
        t.send("n")
        check(t.wait_for("New Basis Theory session", wait_s()), t.text())
        t.send("token:read")
        t.key("enter")
        wait_message(t, "and granted it token:read")
        snap("created")
        t.key("down")
        t.send("n")
        check(t.wait_for("New Apideck Vault session", wait_s()), t.text())
        t.send("Ada")
        t.key("enter")
        wait_message(t, "created session vault-")
        snap("vault created")
        check(t.line(top).split()[0] == "Plantly", "accounts: %r" % t.line(top))

        # every secret the providers handed back, read from the keyring
        made = []
        for (acct, kind, sid), value in keyring_items(env).items():
            secrets.add(value, "%s %s %s" % (acct, kind, sid or "(account)"))
            if value not in earlier:
                made.append("%s %s %s" % (acct, kind, sid or "(account)"))
        for kind in ("access_token", "refresh_token", "api_token", "session_key", "nonce"):
            check(any(kind in w for w in made), "no %s in the keyring: %r" % (kind, made))

        # the table, the detail of each tracked session, the filter
        t.key("tab")
        time.sleep(0.2)
        for needle in ("plantly-", "cbrain-", "bt-", "vault-"):
            select(t, needle)
            t.key("enter")
            check(t.wait_for("Raw JSON", wait_s()), "no detail for %s:\n%s" % (needle, t.text()))
            snap("detail %s" % needle)
            for _ in range(3):
                t.key("pgdn")
                time.sleep(0.1)
                snap("detail %s, further" % needle)
            t.key("esc")
            check(t.wait_gone("Raw JSON", wait_s()), t.text())
        # o: the Vault URL to the browser, whose process is sampled while it runs
        vid = next(s["id"] for s in sessions_json(env)[1] if s["provider"] == "apideck")
        select(t, vid)
        t.send("o")
        wait_message(t, "opened session %s in the browser" % vid)
        urls = os.path.join(bdir, "urls")
        check(wait_until(lambda: os.path.exists(urls) and os.path.getsize(urls), wait_s()),
              "the browser did not run")
        url = open(urls).read().strip()
        secrets.add(url, "Vault session URL")
        browsers = [pid for pid in all_pids()
                    if browser.encode() in (read_proc(pid, "cmdline") or b"")]
        check(browsers, "the browser process was not found")
        for pid in browsers:
            cmd, envb = read_proc(pid, "cmdline"), read_proc(pid, "environ")
            check(cmd is not None and url.encode() in cmd, "the browser's argv: %r" % cmd)
            check(envb is not None and not secrets.found_in(envb),
                  "the browser's environment: %r" % secrets.found_in(envb or b""))
            in_url = [v for v in secrets.named if v in url]  # the URL and the token it holds
            check(not secrets.found_in(cmd, allow=in_url), "the browser's argv: %r" % cmd)
        snap("opened")
        # revoke: a Plantly log-out (its access token) and a Clerk revoke
        for needle in ("plantly-", clerk_ids[0]):
            select(t, needle)
            t.send("x")
            check(t.wait_for("[y/N]", wait_s()), t.text())
            t.send("y")
            t.key("enter")
            check(wait_until(lambda: "logged out" in message(t) or "revoked" in message(t),
                             wait_s()), "revoke %s: %r" % (needle, message(t)))
            snap("revoked %s" % needle)
        samples.take_tree(t.proc.pid, "dashboard")

        # the reveals, last: before them the byte stream must hold no secret
        marks["before reveals"] = len(t.output())
        select(t, clerk_ids[1])
        t.send("t")
        check(t.wait_for("Token for session", wait_s()), t.text())
        t.send("hasura")
        t.key("enter")
        check(t.wait_for("─ Token ─", wait_s()), t.text())
        check(not JWT.search(t.text()), "the JWT is on the screen before v:\n" + t.text())
        check("•" in box_text(t), "not masked:\n" + t.text())
        snap("token masked")
        marks["jwt reveal"] = len(t.output())
        t.send("v")
        check(wait_until(lambda: JWT.search(box_text(t)), wait_s()), "v did not reveal:\n" + t.text())
        jwt = JWT.search(box_text(t)).group(0)
        secrets.add(jwt, "Clerk JWT (token view)")
        t.send("v")
        check(wait_until(lambda: not JWT.search(box_text(t)), wait_s()), "v did not mask it again")
        t.key("esc")
        check(t.wait_gone("─ Token ─", wait_s()), t.text())
        # the add-account form: a typed key masked, shown by ^R only
        form_key = "sk_test_hygiene_%d" % os.getpid()
        secrets.add(form_key, "key typed into the form")
        t.key("tab")  # the accounts pane
        t.send("a")
        check(t.wait_for("Add an account", wait_s()), t.text())
        t.key("enter")
        check(t.wait_for("needed", wait_s()), t.text())
        t.send("second")
        t.key("tab")
        t.send(fake.url("clerk"))
        t.key("tab")
        t.send(form_key)
        check(t.wait_for("•" * 12, wait_s()), "not masked:\n" + t.text())
        check(form_key not in t.text(), "the typed key is on the screen:\n" + t.text())
        marks["form reveal"] = len(t.output())
        t.send("\x12")
        check(t.wait_for(form_key, wait_s()), "^R did not show it:\n" + t.text())
        t.send("\x12")
        check(t.wait_gone(form_key, wait_s()), "^R did not hide it again")
        t.key("tab", 7)  # Try the keys: no (the provider refuses it at each listing instead)
        t.key("right")
        t.key("enter")
        wait_message(t, "added account second")
        # a wrong key: the provider's refusal must not echo it
        check(wait_until(lambda: "loading" not in t.text(), wait_s()), t.text())
        time.sleep(0.5)
        check(form_key not in t.text(), "the key is echoed:\n" + t.text())
        samples.take_tree(t.proc.pid, "dashboard (end)")
        t.quit()
        raw = t.output()
        err = t.stderr().encode()
    finally:
        t.close()

    # headless, after: listing, a JWT, a log-out, the Vault URL printed on purpose
    r = harness.cli(env, "account", "remove", "second")  # its wrong key fails every listing
    check(r.returncode == 0, "account remove: %s" % r.stderr)
    outputs.append(("account remove", (r.stdout + r.stderr).encode()))
    r, listed = sessions_json(env)
    outputs.append(("sessions --json", (r.stdout + r.stderr).encode()))
    clerk_active = [s["id"] for s in listed if s["provider"] == "clerk" and s["status"] == "active"]
    check(clerk_active, "no active Clerk session left: %r" % listed)
    r = harness.cli(env, "token", "clerk", clerk_active[0], "hasura", timeout=60 * harness.SLOW)
    check(r.returncode == 0 and JWT.search(r.stdout), "token: %s %s" % (r.stdout, r.stderr))
    jwt2 = JWT.search(r.stdout).group(0)
    secrets.add(jwt2, "Clerk JWT (sesame token)")
    explicit.append(("token stdout", r.stdout.encode(), jwt2))
    outputs.append(("token stderr", r.stderr.encode()))
    cb = [s["id"] for s in listed if s["provider"] == "cbrain"]
    r = harness.cli(env, "revoke", "cbrain", cb[0], timeout=60 * harness.SLOW)
    check(r.returncode == 0, "revoke cbrain: %s" % r.stderr)
    outputs.append(("revoke cbrain", (r.stdout + r.stderr).encode()))
    r = harness.cli(env, "open", "--print", "apideck", vid, timeout=60 * harness.SLOW)
    check(r.stdout.strip() == url, "open --print: %r" % r.stdout)
    explicit.append(("open --print stdout", r.stdout.encode(), url))
    # (the Vault session token is part of its URL: allowed there too)
    outputs.append(("open --print stderr", r.stderr.encode()))
    # a headless command waiting on a provider that does not answer
    fake.fault("clerk", "hang", route="GET /sessions")
    proc = subprocess.Popen([harness.BINARY, "--timeout", str(30 * harness.SLOW), "sessions",
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        check(wait_until(lambda: fake.control("GET", "/_fake/stats").get("in_flight", 0) > 0,
                         wait_s()), "the hanging request never arrived")
        for _ in range(3):
            check(samples.take_tree(proc.pid, "sessions --json (waiting)"),
                  "the waiting command could not be sampled")
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, errb = proc.communicate(timeout=30 * harness.SLOW)
        outputs.append(("sessions --json (hanging, stopped)", out + errb))
    fake.clear_faults()
    fake.stop()

    # every secret now known: the keyring once more (sessions made since)
    for (acct, kind, sid), value in keyring_items(env).items():
        secrets.add(value, "%s %s %s" % (acct, kind, sid or "(account)"))
    check(len(secrets.named) >= 15, "too few secrets to look for: %r"
          % sorted(secrets.named.values()))

    # 1. files
    files = scan_files(tmp, skip={bdir, browser})
    names = [os.path.relpath(p, tmp) for p in files]
    check(any(n.endswith("accounts.conf") for n in names), "no accounts.conf: %r" % names)
    check(any(n.endswith("sessions.state") for n in names), "no sessions.state: %r" % names)
    for p, data in files.items():
        hits = secrets.found_in(data)
        check(not hits, "%s holds %r" % (p, hits))
    check(not secrets.found_in(err), "sesame's stderr holds %r" % secrets.found_in(err))
    for what, data in outputs:
        check(not secrets.found_in(data), "%s holds %r" % (what, secrets.found_in(data)))
    for what, data, allowed in explicit:
        ok = [v for v in secrets.named if v in allowed]
        check(not secrets.found_in(data, allow=ok),
              "%s holds more than its one secret: %r" % (what, secrets.found_in(data, ok)))

    # 2. argv and environment
    sesames = [s for s in samples.got if s[0].startswith(("dashboard", "account add",
                                                           "sessions --json"))]
    check(len([s for s in sesames if s[0].startswith("dashboard")]) >= 5, "too few samples")
    check(any(s[0].startswith("sessions --json") for s in sesames), "no sample while waiting")
    in_url = [v for v in secrets.named if v in url]
    for who, pid, cmd, envb in samples.got:
        # the browser gets the Vault URL (and so its token) as its argument: expected
        ok = in_url if browser.encode() in cmd else ()
        check(not secrets.found_in(cmd, allow=ok),
              "argv of %s (%d): %r" % (who, pid, secrets.found_in(cmd, allow=ok)))
        check(not secrets.found_in(envb),
              "environment of %s (%d): %r" % (who, pid, secrets.found_in(envb)))

    # 3. no core files
    check(samples.limits, "no limits sampled")
    for who, pid, lim in samples.limits:
        if "child" in who:
            continue
        check(core_limit_zero(lim), "%s (%d) may dump core:\n%s" % (who, pid, lim))

    # 4. the screen and the byte stream
    for why, text in screens:
        hits = secrets.found_in(text.encode())
        check(not hits, "on screen (%s): %r\n%s" % (why, hits, text))
    before = raw[:marks["before reveals"]]
    check(not secrets.found_in(before), "in the byte stream before any reveal: %r"
          % secrets.found_in(before))
    allowed = (jwt, form_key)
    check(not secrets.found_in(raw, allow=allowed), "in the byte stream: %r"
          % secrets.found_in(raw, allow=allowed))
    check(jwt.encode() not in raw[:marks["jwt reveal"]], "the JWT went out before v")
    check(form_key.encode() not in raw[:marks["form reveal"]], "the typed key went out before ^R")
    check(form_key.encode() in raw[marks["form reveal"]:], "the typed key was never shown")
    print("  looked for %d secrets in %d files (%s), %d process samples, %d screens, %d bytes "
          "of terminal output" % (len(secrets.named), len(files), ", ".join(sorted(names)),
                                  len(samples.got), len(screens), len(raw)))


# ---- not dumpable: seen from another process of the same (unprivileged) user ----

NOBODY = "nobody"


def as_nobody(cmd):
    u = pwd.getpwnam(NOBODY)
    return ["setpriv", "--reuid=%d" % u.pw_uid, "--regid=%d" % u.pw_gid, "--clear-groups",
            "--"] + list(cmd)


def nobody_env(tmp):
    """base_env under a directory nobody owns (no keyring: nothing stored)."""
    u = pwd.getpwnam(NOBODY)
    root = os.path.join(tmp, "nobody")
    os.makedirs(root)
    os.chmod(tmp, 0o755)
    env = harness.base_env(root)
    for d, _, fs in os.walk(root):
        os.chown(d, u.pw_uid, u.pw_gid)
    return env


def nobody_reads(path):
    """Can a process of nobody read path? (True, False for EACCES/EPERM)"""
    r = subprocess.run(as_nobody(["cat", path]), capture_output=True, timeout=30)
    return r.returncode == 0


def check_not_dumpable(pid, who):
    u = pwd.getpwnam(NOBODY)
    status = read_proc(pid, "status").decode()
    uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
    check(uid == u.pw_uid, "%s runs as %d, not nobody" % (who, uid))
    st = os.stat("/proc/%d/environ" % pid)
    check(st.st_uid == 0, "/proc/%d/environ of %s is owned by %d: dumpable" % (pid, who, st.st_uid))
    check(not nobody_reads("/proc/%d/environ" % pid),
          "another process of nobody read the environment of %s" % who)
    check(core_limit_zero(read_proc(pid, "limits").decode()), "%s may dump core" % who)


def t_not_dumpable(tmp, env):
    if os.geteuid() != 0:
        print("  (not root: cannot switch to nobody; skipped)")
        return
    env = nobody_env(tmp)
    # the control: a dumpable process of nobody is open to nobody
    ctl = subprocess.Popen(as_nobody(["sleep", "30"]))
    try:
        # "Name:\tsleep" once setpriv has exec'd it ("State: S (sleeping)" says nothing:
        # setpriv itself may be sleeping, still root, not yet dumpable again)
        check(wait_until(lambda: re.search(rb"^Name:\s+sleep$", read_proc(ctl.pid, "status") or b"",
                                           re.M) is not None, 5),
              "the control did not start")
        check(os.stat("/proc/%d/environ" % ctl.pid).st_uid == pwd.getpwnam(NOBODY).pw_uid,
              "the control's /proc/PID/environ is not nobody's")
        check(nobody_reads("/proc/%d/environ" % ctl.pid),
              "nobody cannot read its own process's environment: the check would prove nothing")
    finally:
        ctl.kill()
        ctl.wait()
    # the dashboard
    real = harness.BINARY
    harness.BINARY = "/usr/bin/setpriv"
    try:
        u = pwd.getpwnam(NOBODY)
        t = Term(args=["--reuid=%d" % u.pw_uid, "--regid=%d" % u.pw_gid, "--clear-groups", "--",
                       real], env=env, tmp=tmp, cols=100, rows=30)
    finally:
        harness.BINARY = real
    try:
        check(t.wait_for("No accounts yet", wait_s()), "the dashboard did not start:\n"
              + t.text() + t.stderr())
        check_not_dumpable(t.proc.pid, "the dashboard")
        t.quit()
    finally:
        t.close()
    # a headless command, waiting for its secret on stdin
    proc = subprocess.Popen(as_nobody([real, "account", "add", "clerk", "--label", "x",
                                       "--base-url", "http://127.0.0.1:9/clerk/v1"]),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        check(wait_until(lambda: (read_proc(proc.pid, "cmdline") or b"").startswith(
            real.encode()), wait_s()), "the command did not start")
        time.sleep(0.3 * harness.SLOW)
        check(proc.poll() is None, "account add did not wait for its secret")
        check_not_dumpable(proc.pid, "account add")
    finally:
        proc.kill()
        _, err = proc.communicate(timeout=30)
        harness.note_sanitizer_reports("sesame account add (nobody)",
                                       err.decode("utf-8", "replace"))


if __name__ == "__main__":
    sys.exit(harness.main([t_full_session, t_not_dumpable]))
