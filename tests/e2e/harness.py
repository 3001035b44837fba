"""Shared pieces of the end-to-end tests: the real sesame in a pseudo-terminal
read through pyte (Debian's python3-pyte), the fake providers, accounts added
through the headless CLI inside the private keyring, and a runner that prints
"N passed, N failed" last.

    import harness
    from harness import Term, check

    def t_something(tmp, env):
        fake = harness.Fake(tmp)            # tests/fake/fake.py on a free port
        env = harness.keyring_env(tmp)      # the private keyring of tests/with-keyring.sh
        harness.add_account(env, "clerk", "prod", ["sk_test_fake"], fake.url("clerk"))
        t = Term(env=env, tmp=tmp, cols=100, rows=30)
        check(t.wait_for("prod"), t.text())
        ...

    if __name__ == "__main__":
        sys.exit(harness.main([t_something]))

Every test gets a fresh temporary directory and environment (config, state,
HOME); Term and Fake are closed by the test (try/finally), and harness.main
stops any Fake a test left running.
"""

import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback
import urllib.request

import pyte

SMCUP = b"\x1b[?1049h"
RMCUP = b"\x1b[?1049l"
CURSOR_OFF = b"\x1b[?25l"
CURSOR_ON = b"\x1b[?25h"
CLK_TCK = os.sysconf("SC_CLK_TCK")
HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "..", "fake", "fake.py")
PYTHON = "/usr/bin/python3"

BINARY = None  # set by main() from argv[1]
SLOW = 1       # how much slower the binary is: 4 for a sanitizer build (timing checks scale)

# Keys as a terminal in keypad mode (smkx) sends them.
KEYS = {
    "up": "\x1bOA", "down": "\x1bOB", "right": "\x1bOC", "left": "\x1bOD",
    "pgup": "\x1b[5~", "pgdn": "\x1b[6~", "home": "\x1bOH", "end": "\x1bOF",
    "enter": "\r", "esc": "\x1b", "tab": "\t", "backtab": "\x1b[Z", "backspace": "\x7f",
    "space": " ",
}


def base_env(tmp):
    """An environment of its own under tmp, with no Secret Service (keyring
    errors come at once and always the same)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.path.join(tmp, "home"),
        "XDG_CONFIG_HOME": os.path.join(tmp, "xdg-config"),
        "XDG_STATE_HOME": os.path.join(tmp, "xdg-state"),
        "SESAME_CONFIG_DIR": os.path.join(tmp, "config"),
        "SESAME_STATE_DIR": os.path.join(tmp, "state"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=" + os.path.join(tmp, "no-bus"),
        # the shipped themes, also for a binary outside the tree (build/asan/sesame)
        "SESAME_THEME_DIR": os.path.join(os.path.dirname(os.path.dirname(HERE)), "themes"),
    }
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "G_SLICE"):
        if k in os.environ:
            env[k] = os.environ[k]
    for d in ("home", "config", "state"):
        os.makedirs(os.path.join(tmp, d), exist_ok=True)
    return env


def keyring_env(tmp):
    """base_env, but with the session bus (and so the throwaway keyring) that
    tests/with-keyring.sh set up. Fails when run outside it."""
    env = base_env(tmp)
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    check(bus and os.environ.get("SESAME_IN_PRIVATE_KEYRING"),
          "needs the private keyring: run under tests/with-keyring.sh (tests/e2e/run.sh does)")
    env["DBUS_SESSION_BUS_ADDRESS"] = bus
    for k in ("XDG_RUNTIME_DIR", "GNOME_KEYRING_CONTROL"):
        if k in os.environ:
            env[k] = os.environ[k]
    return env


def write(tmp, name, text):
    """A file in the test's sesame config directory (accounts.conf, sesame.conf)."""
    with open(os.path.join(tmp, "config", name), "w") as f:
        f.write(text)


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def wait_until(pred, timeout=5.0, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(step)
    return bool(pred())


# ---- the terminal ----

class Screen(pyte.Screen):
    """pyte's screen plus SU and SD (CSI n S, CSI n T: scroll the region up or
    down), which ncurses uses to move rows and pyte does not know."""

    def scroll_up(self, count=None, *_):
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        x, y = self.cursor.x, self.cursor.y
        for _ in range(count or 1):
            self.cursor.y = bottom
            self.index()
        self.cursor.x, self.cursor.y = x, y

    def scroll_down(self, count=None, *_):
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        x, y = self.cursor.x, self.cursor.y
        for _ in range(count or 1):
            self.cursor.y = top
            self.reverse_index()
        self.cursor.x, self.cursor.y = x, y


class ByteStream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, S="scroll_up", T="scroll_down")


class Term:
    """sesame on the slave side of a pty; pyte reads the master side."""

    def __init__(self, args=(), cols=80, rows=24, env=None, tmp=None, cwd=None):
        self.master, self.slave = os.openpty()
        set_size(self.slave, cols, rows)
        self.tio_before = termios.tcgetattr(self.slave)
        self.screen = Screen(cols, rows)
        self.stream = ByteStream(self.screen)
        self.raw = bytearray()
        self.lock = threading.Lock()
        self.stop = False
        self.errfile = tempfile.TemporaryFile(dir=tmp)

        def ctty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.args = list(args)
        self.proc = subprocess.Popen(
            [BINARY, *args], stdin=self.slave, stdout=self.slave, stderr=self.errfile,
            env=env, start_new_session=True, preexec_fn=ctty, close_fds=True, cwd=cwd)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while not self.stop:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.raw += data
                self.stream.feed(data)

    # -- reading the screen --

    def text(self):
        with self.lock:
            return "\n".join(self.screen.display)

    def line(self, y):
        with self.lock:
            return self.screen.display[y]

    def lines(self):
        with self.lock:
            return list(self.screen.display)

    def cells(self, y):
        """Row y as one string per column (a wide character's second cell is "")."""
        with self.lock:
            row = self.screen.buffer[y]
            return [row[x].data for x in range(self.screen.columns)]

    def attrs(self, y):
        """Row y as one pyte Char per column: .data .fg .bg .bold .reverse .underscore."""
        with self.lock:
            row = self.screen.buffer[y]
            return [row[x] for x in range(self.screen.columns)]

    def style_of(self, y, text):
        """(fg, bg, bold, reverse) of the first cell of text on row y, None if absent."""
        x = self.line(y).find(text)
        if x < 0:
            return None
        c = self.attrs(y)[x]
        return (c.fg, c.bg, c.bold, c.reverse)

    def row_of(self, text):
        """The first row showing text; AssertionError if none."""
        for y, line in enumerate(self.lines()):
            if text in line:
                return y
        raise AssertionError("no row with %r:\n%s" % (text, self.text()))

    def find_row(self, text):
        """The first row showing text, or -1."""
        for y, line in enumerate(self.lines()):
            if text in line:
                return y
        return -1

    # -- waiting --

    def wait_for(self, what, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            if what in self.text():
                return True
            if self.proc.poll() is not None:
                time.sleep(0.1)
                return what in self.text()
            time.sleep(0.02)
        return False

    def wait_gone(self, what, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            if what not in self.text():
                return True
            time.sleep(0.02)
        return False

    def wait_line(self, y, pred, timeout=5.0):
        """Until pred(line y) holds; True if it did."""
        return wait_until(lambda: pred(self.line(y)), timeout)

    def wait_quiet(self, quiet=0.3, timeout=5.0):
        """Until no output came for `quiet` seconds (a redraw finished)."""
        end = time.time() + timeout
        last = len(self.raw)
        since = time.time()
        while time.time() < end:
            time.sleep(0.05)
            n = len(self.raw)
            if n != last:
                last, since = n, time.time()
            elif time.time() - since >= quiet:
                return True
        return False

    # -- input --

    def send(self, data):
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def key(self, name, times=1):
        """A named key (KEYS) or a literal string, `times` times."""
        for _ in range(times):
            self.send(KEYS.get(name, name))

    def click(self, y, x, button=0):
        """An SGR mouse press and release at screen row y, column x (0-based)."""
        self.send("\x1b[<%d;%d;%dM\x1b[<%d;%d;%dm" % (button, x + 1, y + 1, button, x + 1, y + 1))

    def wheel(self, y, x, down=True):
        self.send("\x1b[<%d;%d;%dM" % (65 if down else 64, x + 1, y + 1))

    def resize(self, cols, rows):
        with self.lock:
            self.screen.resize(rows, cols)
        set_size(self.slave, cols, rows)  # the kernel sends SIGWINCH

    # -- the process --

    def wait_exit(self, timeout=5.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def output(self):
        time.sleep(0.1)
        with self.lock:
            return bytes(self.raw)

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode("utf-8", "replace")

    def _note_sanitizer_reports(self):
        try:
            note_sanitizer_reports("sesame %s (pid %d)" % (" ".join(self.args), self.proc.pid),
                                   self.stderr())
        except (OSError, ValueError):
            pass

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    def state(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]

    def quit(self, key="q"):
        """Send q and check sesame left the terminal as it found it."""
        self.send(key)
        check_restored(self, self.wait_exit(), 0)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stop = True
        self.reader.join(1)
        self._note_sanitizer_reports()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.errfile.close()


def check_restored(t, code, want_code):
    """Exit code as wanted, alternate screen left, cursor back, termios as before."""
    check(code is not None, "sesame did not exit")
    check(code == want_code, "exit code %r, want %r; stderr: %s" % (code, want_code, t.stderr()))
    out = t.output()
    check(out.rfind(SMCUP) >= 0, "never entered the alternate screen")
    check(out.rfind(RMCUP) > out.rfind(SMCUP), "alternate screen not left at the end")
    if out.rfind(CURSOR_OFF) >= 0:
        check(out.rfind(CURSOR_ON) > out.rfind(CURSOR_OFF), "cursor left hidden")
    tail = out[out.rfind(RMCUP) + len(RMCUP):]
    tail = re.sub(rb"\x1b\[[0-9;?>=]*[a-zA-Z]|\x1b[=>]|[\r\n]", b"", tail)
    check(tail == b"", "left over after leaving: %r" % tail)
    check(termios.tcgetattr(t.slave) == t.tio_before, "termios not restored")
    check_sanitizers(t)


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer", "ERROR: ThreadSanitizer")
_sanitizer_reports = []  # (who, stderr) of any sesame run of the current test


def note_sanitizer_reports(who, err):
    """Remember a sanitizer report in a sesame's stderr: main() fails the test."""
    if err and any(m in err for m in SANITIZER_MARKS):
        _sanitizer_reports.append((who, err))


def check_sanitizers(t):
    err = t.stderr()
    for m in SANITIZER_MARKS:
        check(m not in err, err)


def idle_cpu(t, seconds=2.0, max_ticks=2):
    """sesame used (almost) no CPU for `seconds` of idling."""
    time.sleep(0.5)
    before = t.cpu_ticks()
    time.sleep(seconds)
    used = t.cpu_ticks() - before
    check(used <= max_ticks, "idle sesame used %d ticks (%d ms) in %.1f s"
          % (used, used * 1000 // CLK_TCK, seconds))


# ---- the fake providers ----

_live_fakes = []


class Fake:
    """tests/fake/fake.py on a free loopback port, with its control API."""

    def __init__(self, tmp, args=()):
        self.port_file = os.path.join(tmp, "fake.port.%d" % len(_live_fakes))
        self.log = open(os.path.join(tmp, "fake.log"), "ab")
        self.proc = subprocess.Popen([PYTHON, FAKE, "--port", "0", "--port-file", self.port_file,
                                      *args], stdout=self.log, stderr=self.log)
        _live_fakes.append(self)
        ok = wait_until(lambda: os.path.exists(self.port_file) and os.path.getsize(self.port_file),
                        timeout=20, step=0.05)
        if not ok:
            self.stop()
            raise AssertionError("the fake did not start")
        with open(self.port_file) as f:
            self.port = int(f.read().split()[0])
        self.base = "http://127.0.0.1:%d" % self.port

    def url(self, provider):
        """The base URL of a provider ("clerk" -> .../clerk/v1)."""
        return self.base + ("/clerk/v1" if provider == "clerk" else "/" + provider)

    def control(self, method, path, body=None, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def fault(self, provider, fault, route=None, count=None, **params):
        body = {"provider": provider, "fault": fault, **params}
        if route:
            body["route"] = route
        if count is not None:
            body["count"] = count
        return self.control("POST", "/_fake/fault", body)

    def clear_faults(self):
        self.control("POST", "/_fake/faults/clear", {})

    def requests(self, provider, last=None):
        q = "/_fake/requests?provider=%s" % provider + ("&last=%d" % last if last else "")
        return self.control("GET", q)["requests"]

    def count(self, provider, method=None, path_part=None):
        """How many requests the fake logged for provider (matching method and path)."""
        n = 0
        for r in self.requests(provider):
            if method and r["method"] != method:
                continue
            if path_part and path_part not in r["path"]:
                continue
            n += 1
        return n

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self in _live_fakes:
            _live_fakes.remove(self)


# ---- the dashboard's lines ----

def message_line(t):
    """The message line (the last row)."""
    return t.line(t.screen.lines - 1)


def wait_message(t, pred, what, timeout=20):
    """Until pred(the message line) holds; fails saying what was waited for."""
    check(t.wait_line(t.screen.lines - 1, pred, timeout * SLOW),
          "%s: %r\n%s" % (what, message_line(t), t.text()))


def sessions_title(t):
    """The sessions pane's title rule."""
    return t.line(t.row_of("── Sessions"))


def start_listed(env, tmp, n, cols=130, rows=40, timeout=20):
    """sesame with n sessions listed, nothing loading, the sessions table
    focused."""
    t = Term(env=env, tmp=tmp, cols=cols, rows=rows)
    check(t.wait_for("── Sessions %d " % n, timeout * SLOW), t.text())
    check(wait_until(lambda: "loading" not in t.text(), timeout * SLOW), t.text())
    t.key("tab")
    return t


def listed_sessions(env, *args):
    """What `sesame sessions --json ARGS` lists."""
    return json.loads(cli_ok(env, "sessions", "--json", *args))["sessions"]


# ---- the headless CLI ----

def cli(env, *args, stdin="", timeout=60):
    """Run `sesame ARGS` headless; returns the CompletedProcess (text)."""
    r = subprocess.run([BINARY, *args], input=stdin, env=env, capture_output=True,
                       text=True, timeout=timeout)
    note_sanitizer_reports("sesame " + " ".join(args), r.stderr)
    return r


def cli_ok(env, *args, stdin=""):
    r = cli(env, *args, stdin=stdin)
    check(r.returncode == 0, "sesame %s: exit %d\n%s%s" % (" ".join(args), r.returncode,
                                                          r.stdout, r.stderr))
    return r.stdout


def add_account(env, provider, label, secrets, base_url, **fields):
    """`sesame account add` with the secrets on stdin, one a line."""
    args = ["account", "add", provider, "--label", label, "--base-url", base_url]
    for k, v in fields.items():
        args += ["--set", "%s=%s" % (k, v)]
    cli_ok(env, *args, stdin="".join(s + "\n" for s in secrets))


# The fake's credentials, per provider: (secrets on stdin, --set fields).
CREDENTIALS = {
    "clerk": (["sk_test_fake"], {}),
    "basistheory": (["key_public_fake", "key_private_fake"], {}),
    "plantly": (["plantly-pass"], {"email_address": "demo@plantly.test"}),
    "cbrain": (["cbrain-pass"], {"login": "demo"}),
    "apideck": (["apideck-fake-key"], {"app_id": "fake-app", "consumer_id": "acme-corp"}),
}


def add_fake_account(env, fake, provider, label=None, **more):
    """An account of provider against the fake, with working credentials
    (and the fields in more, e.g. rate_limit="off")."""
    secrets, fields = CREDENTIALS[provider]
    add_account(env, provider, label or provider, secrets, fake.url(provider),
                **dict(fields, **more))
    return label or provider


# ---- running ----

def main(tests, argv=None):
    """Run the tests (functions of (tmp, env)) and print "N passed, N failed";
    E2E_ONLY=substring picks some. Returns the exit status."""
    global BINARY
    argv = sys.argv if argv is None else argv
    if len(argv) != 2:
        print("usage: %s SESAME_BINARY" % argv[0], file=sys.stderr)
        return 2
    BINARY = os.path.abspath(argv[1])
    global SLOW
    with open(BINARY, "rb") as f:
        data = f.read()
    SLOW = 4 if b"__asan_init" in data or b"__tsan_init" in data else 1
    only = os.environ.get("E2E_ONLY")
    passed = failed = 0
    for test in tests:
        if only and only not in test.__name__:
            continue
        tmp = tempfile.mkdtemp(prefix="sesame-e2e-")
        start = time.time()
        del _sanitizer_reports[:]
        try:
            test(tmp, base_env(tmp))
            # a Term the test closed, or a cli() run (the reports are printed below)
            check(not _sanitizer_reports, "sanitizer report from "
                  + ", ".join(who for who, _ in _sanitizer_reports))
            print("ok   %s (%.1f s)" % (test.__name__, time.time() - start), flush=True)
            passed += 1
        except Exception:
            print("FAIL %s" % test.__name__)
            traceback.print_exc(file=sys.stdout)
            for who, err in _sanitizer_reports:
                print("sanitizer report from %s:\n%s" % (who, err))
            sys.stdout.flush()
            failed += 1
        finally:
            for f in list(_live_fakes):
                f.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1
