#!/usr/bin/python3
"""make demo's script end to end: tools/demo.sh in a pseudo-terminal.

Usage: tests/e2e/test_demo.py ./sesame

Each test runs tools/demo.sh (with SESAME_DEMO_BIN=the binary under test) in
a fresh pty read through pyte, and checks what a newcomer sees: all five
providers' accounts with their sessions (a few hundred Clerk ones), "Clerk
staging" in its error state, and an Apideck Vault session whose URL opens
(the fake's Vault page answers). Then it leaves the demo each way a user can
(q, Ctrl-C, closing the terminal, SIGTERM to the script) and checks that
everything the demo started is gone (the fake, dbus-daemon,
gnome-keyring-daemon, sesame: every process that carries the demo's
SESAME_DEMO_TMP), that its temporary directory is removed, that it wrote
nothing else under TMPDIR, and that the keyring of the session running the
tests (when there is one) got no item. Prints "N passed, N failed" last.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Term, check, wait_until  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEMO = os.path.join(TOP, "tools", "demo.sh")
ACCOUNTS = [  # provider title, account label, sessions shown in the accounts pane
    ("Clerk", "Clerk production", "300"),
    ("Basis Theory", "Basis Theory", "2"),
    ("Plantly", "Plantly", "1"),
    ("CBRAIN", "CBRAIN lab", "1"),
    ("Apideck Vault", "Apideck Vault", "1"),
]


# ---- the demo in a pty ----

class Demo:
    """sh tools/demo.sh in a Term of 120x40, TMPDIR of its own under tmp;
    with via_make, `make demo` in the source tree (as a newcomer types it)."""

    def __init__(self, tmp, env, via_make=False):
        self.tmpdir = os.path.join(tmp, "demo-tmpdir")
        os.makedirs(self.tmpdir)
        env = dict(env, TMPDIR=self.tmpdir, SESAME_DEMO_BIN=harness.BINARY)
        saved = harness.BINARY
        if via_make:
            harness.BINARY = shutil.which("make", path=env.get("PATH"))
            args = ["-C", TOP, "--no-print-directory", "demo"]
        else:
            harness.BINARY = "/bin/sh"  # Term runs BINARY ARGS
            args = [DEMO]
        try:
            self.t = Term(args=args, env=env, tmp=tmp, cols=120, rows=40)
        finally:
            harness.BINARY = saved
        self.dir = None

    def wait_ready(self):
        timeout = 60 * harness.SLOW
        ok = wait_until(lambda: self._find_dir(), timeout=timeout, step=0.05)
        check(ok, "the demo made no directory in TMPDIR:\n" + self.t.text() + self.t.stderr())
        check(self.t.wait_for("6 accounts, 305 sessions", timeout),
              "the dashboard did not load:\n%s\nstderr: %s" % (self.t.text(), self.t.stderr()))
        check(self.t.wait_for("clerk_key_invalid", timeout),
              "no error for Clerk staging:\n" + self.t.text())
        self.t.wait_quiet(0.3)

    def _find_dir(self):
        names = [n for n in os.listdir(self.tmpdir) if n.startswith("sesame-demo.")]
        if names:
            self.dir = os.path.join(self.tmpdir, names[0])
        return bool(names)

    def processes(self):
        """Every process started by this demo: its environment names our directory."""
        mark = ("SESAME_DEMO_TMP=%s" % self.dir).encode()
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    env = f.read().split(b"\0")
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            except OSError:
                continue
            if mark in env:
                found.append((int(pid), cmd))
        return found

    def check_all_gone(self):
        """No process of the demo left, its directory removed, nothing else in TMPDIR."""
        check(self.dir, "the demo's directory was never seen")
        ok = wait_until(lambda: not self.processes(), timeout=10 * harness.SLOW)
        check(ok, "left running: %s" % self.processes())
        check(not os.path.exists(self.dir), "%s still there: %s"
              % (self.dir, sorted(os.listdir(self.dir)) if os.path.isdir(self.dir) else "?"))
        check(os.listdir(self.tmpdir) == [], "left in TMPDIR: %s" % os.listdir(self.tmpdir))

    def close(self):
        """Whatever a failed test left: SIGTERM to the script (it cleans up),
        then SIGKILL to anything of this demo still there."""
        if self.t.proc.poll() is None:
            self.t.proc.send_signal(signal.SIGTERM)
            try:
                self.t.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        if self.dir:
            for pid, _ in self.processes():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        self.t.close()


def runner_keyring_items():
    """The sesame items in the keyring of the session running the tests (the
    private one of tests/with-keyring.sh), or None without one."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or not os.environ.get(
            "SESAME_IN_PRIVATE_KEYRING"):
        return None
    r = subprocess.run(["secret-tool", "search", "--all", "application", "sesame"],
                       capture_output=True, text=True, timeout=30)
    return sorted(re.findall(r"^\[(.*)\]$", r.stdout, re.M))


def check_screen(t):
    """Five providers with their sessions, the error account, tracked rows."""
    text = t.text()
    for provider, label, n in ACCOUNTS:
        y = t.row_of(label)
        line = t.line(y)
        check(line.startswith(provider), "account row %r: %r" % (label, line))
        # Clerk accounts show the window they list (7d) between the count and the state
        check(re.search(r"\b%s(\s+7d)?\s+ok\b" % n, line),
              "%s: want %s sessions, ok: %r" % (label, n, line))
    staging = t.line(t.row_of("Clerk staging"))
    check("error: HTTP 401 from Clerk" in staging, "Clerk staging: %r" % staging)
    for prefix in ("vault-", "bt-", "plantly-", "cbrain-", "sess_"):
        check(prefix in text, "no %s session in the table:\n%s" % (prefix, text))


def select_vault(t):
    """The cursor on the Vault session, in the sessions pane."""
    t.key("tab")
    t.key("/")
    t.send("vault-")
    check(t.wait_for('matching "vault-"'), "filter not applied:\n" + t.text())
    t.key("enter")
    time.sleep(0.3)


def vault_url(d):
    """Select the Vault session in the sessions pane, O: the URL sesame shows."""
    t = d.t
    select_vault(t)
    t.send("O")
    ok = t.wait_for("/apideck/vault-ui/session/", 10 * harness.SLOW)
    check(ok, "O showed no Vault URL:\n" + t.text())
    # the URL may wrap inside its box: join the screen, keep URL characters
    flat = "".join(line.strip(" │") for line in t.lines())
    m = re.search(r"http://127\.0\.0\.1:\d+/apideck/vault-ui/session/[A-Za-z0-9._~-]+", flat)
    check(m, "no URL on screen:\n" + t.text())
    return m.group(0)


def keymap_actions():
    """(name, default keys, help) of every action, from ui/keymap.h's table."""
    with open(os.path.join(TOP, "ui", "keymap.h")) as f:
        src = f.read()
    rows = re.findall(r'X\(ACT_\w+,\s*"([^"]+)",\s*"([^"]*)",\s*"([^"]*)"\)', src)
    check(len(rows) > 20, "could not read the action table of ui/keymap.h")
    return rows


def check_help_overlay(t):
    """? lists every action of ui/keymap.h with its default keys and help text."""
    t.send("?")
    check(t.wait_for("Keys (", 5 * harness.SLOW), "no help overlay:\n" + t.text())
    lines = t.lines()
    for _ in range(10):  # every page of it: it says where it stands
        m = re.search(r"lines \d+-(\d+) of (\d+)", t.line(1))
        if not m or m.group(1) == m.group(2):
            break
        t.key("pgdn")
        check(wait_until(lambda: re.search(r"lines \d+-(\d+) of", t.line(1)).group(1)
                         != m.group(1), 5 * harness.SLOW), t.text())
        t.wait_quiet(0.1)  # the rest of the page (its rule is drawn first)
        lines += t.lines()
    for name, keys, text in keymap_actions():
        pat = re.compile(r"^\s+%s\s+%s\s+%s\s*$" % (re.escape(keys or "(none)"), re.escape(name),
                                                  re.escape(text)))
        check(any(pat.match(line) for line in lines),
              "help overlay has no line for %s (%s): \n%s" % (name, keys, t.text()))
    t.key("esc")
    check(t.wait_gone("Keys (", 5 * harness.SLOW), "help overlay did not close")


# ---- the tests ----

def t_docs_keys_match_keymap(tmp, env):
    """README's table of keys and the man page's KEYS are ui/keymap.h's table."""
    with open(os.path.join(TOP, "README.md")) as f:
        readme = f.read()
    with open(os.path.join(TOP, "doc", "sesame.1")) as f:
        man = f.read()
    actions = keymap_actions()
    readme_rows = re.findall(r"^\| (?:`[^|]*`|\(none\)) \| `[a-z0-9-]+` \| [^|]+ \|$", readme,
                             re.M)
    check(len(readme_rows) == len(actions), "README has %d key rows, ui/keymap.h %d actions"
          % (len(readme_rows), len(actions)))
    for (name, keys, text), row in zip(actions, readme_rows):
        shown = " ".join("`%s`" % k for k in keys.split()) or "(none)"
        want = "| %s | `%s` | %s |" % (shown, name, text)
        check(row == want, "README key row\n  %s\nwant\n  %s" % (row, want))
        man_keys = ", ".join(k.strip("<>") for k in keys.split()) or "(none)"
        man_row = "%s\t%s\t%s" % (man_keys, name.replace("-", "\\-"), text.replace("-", "\\-"))
        check(man_row in man.split("\n"), "doc/sesame.1 has no KEYS row %r" % man_row)
    for png in re.findall(r"\(screenshots/([a-z-]+\.png)\)", readme):
        check(os.path.exists(os.path.join(TOP, "screenshots", png)), "README shows missing " + png)


def t_demo_shows_five_providers_and_quits_clean(tmp, env):
    keys_before = runner_keyring_items()
    d = Demo(tmp, env)
    try:
        d.wait_ready()
        check_screen(d.t)
        check_help_overlay(d.t)
        procs = " ".join(cmd for _, cmd in d.processes())
        for what in ("fake.py", "dbus-daemon", "gnome-keyring-daemon", "sesame"):
            check(what in procs, "%s is not running: %s" % (what, procs))
        url = vault_url(d)
        with urllib.request.urlopen(url, timeout=10) as r:
            check(r.status == 200, "Vault page: HTTP %d" % r.status)
        d.t.key("esc")
        time.sleep(0.5)
        d.t.key("esc")
        time.sleep(0.5)
        d.t.send("q")
        code = d.t.wait_exit(20 * harness.SLOW)
        check(code == 0, "demo exit %r, stderr: %s\n%s" % (code, d.t.stderr(), d.t.text()))
        d.check_all_gone()
        check(runner_keyring_items() == keys_before, "the runner's keyring changed")
    finally:
        d.close()


def t_demo_ctrl_c(tmp, env):
    """Ctrl-C is a normal way to leave the demo: exit status 0."""
    d = Demo(tmp, env)
    try:
        d.wait_ready()
        d.t.send("\x03")  # the terminal's VINTR: SIGINT to the foreground group
        code = d.t.wait_exit(20 * harness.SLOW)
        check(code == 0, "demo exit %r after Ctrl-C, stderr: %s" % (code, d.t.stderr()))
        d.check_all_gone()
    finally:
        d.close()


def t_make_demo_ctrl_c(tmp, env):
    """make demo, left with Ctrl-C: no "Error 130" from make, nothing left."""
    d = Demo(tmp, env, via_make=True)
    try:
        d.wait_ready()
        d.t.send("\x03")
        d.t.wait_exit(20 * harness.SLOW)
        said = d.t.raw.decode("utf-8", "replace") + d.t.stderr()
        check("Error" not in said and "***" not in said, "make said: %s" % said[-600:])
        d.check_all_gone()
    finally:
        d.close()


def t_demo_open_without_desktop(tmp, env):
    """o where there is no desktop (no $DISPLAY, no $BROWSER): sesame says
    what it would open and how to set $BROWSER, and shows no URL."""
    env = {k: v for k, v in env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    d = Demo(tmp, env)
    try:
        d.wait_ready()
        t = d.t
        select_vault(t)
        t.send("o")
        check(t.wait_for("set $BROWSER, e.g. w3m", 10 * harness.SLOW),
              "no word on $BROWSER:\n" + t.text())
        text = t.text()
        check(re.search(r"would open vault-[0-9a-f]+'s Vault page, but no desktop", text),
              "what it would open:\n" + text)
        check("/vault-ui/session/" not in text, "the URL is on screen:\n" + text)
        t.send("q")
        check(t.wait_exit(20 * harness.SLOW) == 0, "demo did not end:\n" + t.text())
        d.check_all_gone()
    finally:
        d.close()


def t_demo_terminal_closed(tmp, env):
    d = Demo(tmp, env)
    try:
        d.wait_ready()
        # What closing a terminal window does: the session leader (the demo's
        # shell) gets SIGHUP, and the terminal goes away.
        os.kill(d.t.proc.pid, signal.SIGHUP)
        d.t.stop = True
        d.t.reader.join(1)
        os.close(d.t.master)
        d.t.master = -1
        code = d.t.wait_exit(20 * harness.SLOW)
        check(code is not None, "the demo did not end after SIGHUP")
        d.check_all_gone()
    finally:
        d.close()


def t_demo_sigterm_to_the_script(tmp, env):
    d = Demo(tmp, env)
    try:
        d.wait_ready()
        os.kill(d.t.proc.pid, signal.SIGTERM)  # the script alone, not its group
        code = d.t.wait_exit(20 * harness.SLOW)
        check(code == 143, "demo exit %r after SIGTERM, stderr: %s" % (code, d.t.stderr()))
        d.check_all_gone()
    finally:
        d.close()


if __name__ == "__main__":
    sys.exit(harness.main([
        t_docs_keys_match_keymap,
        t_demo_shows_five_providers_and_quits_clean,
        t_demo_ctrl_c,
        t_make_demo_ctrl_c,
        t_demo_open_without_desktop,
        t_demo_terminal_closed,
        t_demo_sigterm_to_the_script,
    ]))
