#!/usr/bin/python3
"""The first screen, end to end: the real binary in a pseudo-terminal.

Usage: tests/e2e/test_first_screen.py ./sesame

Each test starts sesame in a fresh pty with its own config directory, reads
what it draws through pyte (Debian's python3-pyte), sends keys, resizes and
signals, and checks the terminal is given back as it was (alternate screen
left, cursor shown, termios unchanged) on q, Ctrl-C, SIGTERM and SIGHUP,
that an idle sesame uses no CPU, and (with tmux) that Ctrl-Z and fg work
under a real job-control shell. Prints "N passed, N failed" at the end.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (RMCUP, SMCUP, Term, check, check_restored, idle_cpu,  # noqa: E402,F401
                     wait_until, write)


ACCOUNTS = """# test accounts
[account prod]
provider=clerk
label=prod
base_url=http://127.0.0.1:9/v1
allow_http=true

[account lab]
provider=cbrain
label=lab 研究所 ü
"""


# ---- the tests ----

def t_empty_80x24(tmp, env):
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("No accounts yet"), "no empty-state text:\n" + t.text())
        text = t.text()
        check("sesame account add clerk --label prod" in text, "no add command:\n" + text)
        check("clerk, basistheory, plantly, cbrain, apideck" in text, "no provider list")
        check("q quit" in t.line(22), "no status bar on row 22: %r" % t.line(22))
        check("0 accounts" in t.line(0), "title: %r" % t.line(0))
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_empty_screens_name_the_keys(tmp, env):
    """The empty screens say which key does it (a to add, n to create), and
    no Markdown backtick reaches the terminal (empty panes, help overlay)."""
    t = Term(env=env, tmp=tmp, cols=120, rows=30)
    try:
        check(t.wait_for("Press a to add one here, or from a shell:"), "no key to add:\n" + t.text())
        check(t.wait_for("no account yet (a adds one)"), "sessions pane:\n" + t.text())
        check("`" not in t.text(), "a backtick on screen:\n" + t.text())
        t.send("?")
        check(t.wait_for("Change a key: bind KEY ACTION in"), "help foot:\n" + t.text())
        check("`" not in t.text(), "a backtick in the help:\n" + t.text())
        t.key("esc")
        check(t.wait_gone("Change a key"), "help did not close:\n" + t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()
    # an account of a provider without a list, nothing created yet
    write(tmp, "accounts.conf", "[account lab]\nprovider=cbrain\nlabel=lab\n")
    t = Term(env=env, tmp=tmp, cols=120, rows=30)
    try:
        check(t.wait_for("n creates one at the selected account"), "no key to create:\n" + t.text())
        check("`" not in t.text(), "a backtick on screen:\n" + t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_empty_60x15(tmp, env):
    t = Term(cols=60, rows=15, env=env, tmp=tmp)
    try:
        check(t.wait_for("No accounts yet"), "no empty-state text:\n" + t.text())
        check("sesame account add clerk --label prod" in t.text(), t.text())
        check("terminal too small" not in t.text(), t.text())
        check("q quit" in t.line(13), "status bar: %r" % t.line(13))
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_too_small_and_resize(tmp, env):
    t = Term(cols=40, rows=10, env=env, tmp=tmp)
    try:
        check(t.wait_for("terminal too small (need 60x15)"), "no notice:\n" + t.text())
        t.resize(80, 24)
        check(t.wait_for("No accounts yet"), "not redrawn after growing:\n" + t.text())
        check("terminal too small" not in t.text(), t.text())
        t.resize(59, 24)
        check(t.wait_for("terminal too small"), "59 columns accepted:\n" + t.text())
        t.resize(60, 14)
        check(t.wait_for("now 60x14"), "14 rows accepted:\n" + t.text())
        t.resize(100, 30)
        check(t.wait_for("No accounts yet"), "not redrawn:\n" + t.text())
        # a frame is written in pieces: the status bar may come a moment later
        check(wait_until(lambda: "q quit" in t.line(28)),
              "status bar not on the new row 28: %r" % t.line(28))
        t.resize(40, 10)
        check(t.wait_for("terminal too small"), t.text())
        t.send("q")  # keys still work when too small
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_accounts(tmp, env):
    write(tmp, "accounts.conf", ACCOUNTS)
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("CBRAIN"), "accounts not listed:\n" + t.text())
        check(t.wait_for("keyring unavailable"), "no keyring state for prod:\n" + t.text())
        text = t.text()
        for want in ("Provider", "Account", "Sessions", "State", "Clerk", "prod", "lab 研究所 ü",
                     "2 accounts"):
            check(want in text, "missing %r:\n%s" % (want, text))
        rows = {}
        for y in range(24):
            line = t.line(y)
            if "Clerk" in line:
                rows["prod"] = y
            if "CBRAIN" in line:
                rows["lab"] = y
        check(len(rows) == 2, "rows: %r" % rows)
        # columns stay aligned with wide characters in the label
        a, b = t.cells(rows["prod"]), t.cells(rows["lab"])
        state_prod = "".join(a).find("keyring")
        cols_b = b
        x_ok = next(x for x in range(len(cols_b) - 1) if cols_b[x] == "o" and cols_b[x + 1] == "k")
        x_key = next(x for x in range(len(a) - 1) if a[x] == "k" and a[x + 1] == "e")
        check(x_ok == x_key, "State column not aligned: %d vs %d" % (x_ok, x_key))
        check(state_prod >= 0, "no state")
        dash = max(x for x in range(len(a)) if a[x] == "-" and x < x_key)
        zero = max(x for x in range(len(b)) if b[x] == "0" and x < x_ok)
        check(dash == zero, "Sessions column not aligned: %d vs %d" % (dash, zero))
        # move, help overlay and back
        t.send("j")
        t.send("?")
        check(t.wait_for("Keys ("), "no help:\n" + t.text())
        for _ in range(6):  # the page of it that has refresh-all
            if "Reload accounts and refresh them all" in t.text():
                break
            t.key("pgdn")
            time.sleep(0.1)
        check(t.wait_for("Reload accounts and refresh them all"), "no help:\n" + t.text())
        check("R <F5>" in t.text(), "help does not show the keys")
        t.send("\x1b")
        check(t.wait_gone("Reload accounts and refresh"), "help did not close")
        check(t.wait_for("CBRAIN"), t.text())
        # too narrow for everything: still a table, the state cut with an ellipsis
        t.resize(60, 15)
        check(t.wait_for("…"), "no ellipsis at 60 columns:\n" + t.text())
        check("Clerk" in t.text() and "q quit" in t.line(13), t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def row_of(t, text):
    for y in range(t.screen.lines):
        if text in t.line(y):
            return y
    raise AssertionError("no row with %r:\n%s" % (text, t.text()))


def selected(t, y):
    with t.lock:
        return t.screen.buffer[y][0].bg == "cyan"  # default theme: selected = black cyan


def wait_selected(t, y, timeout=3.0):
    end = time.time() + timeout
    while time.time() < end:
        if selected(t, y):
            return True
        time.sleep(0.02)
    return False


def t_select_keys_and_mouse(tmp, env):
    write(tmp, "accounts.conf", ACCOUNTS)
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("keyring unavailable"), t.text())
        prod, lab = row_of(t, "Clerk"), row_of(t, "CBRAIN")
        check(wait_selected(t, prod) and not selected(t, lab), "prod not selected first")
        # the selected account's whole error is on the message line
        check(t.wait_for("prod: "), "no error of the selection:\n" + t.text())
        check("prod: " in t.line(23), "message line: %r" % t.line(23))
        t.send("j")
        check(wait_selected(t, lab) and not selected(t, prod), "j did not move")
        check(t.wait_gone("prod: "), "message line kept the old selection")
        t.send("k")
        check(wait_selected(t, prod), "k did not move back")
        t.send("\x1bOB")  # Down arrow, as keypad mode (smkx) sends it
        check(wait_selected(t, lab), "<Down> did not move")
        t.send("g")
        check(wait_selected(t, prod), "g did not go to the first row")
        # a click on a row selects it (SGR mouse: 1-based column;row)
        t.send("\x1b[<0;5;%dM\x1b[<0;5;%dm" % (lab + 1, lab + 1))
        check(wait_selected(t, lab), "a click did not select")
        t.send("\x1b[<64;5;%dM" % (lab + 1))  # wheel up
        check(wait_selected(t, prod), "the wheel did not scroll")
        t.send("Z")
        check(t.wait_for("Z does nothing; ? lists the keys"), "no word on an unbound key")
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def quit_by_signal(tmp, env, how, want_code):
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("No accounts yet"), t.text())
        if how == "ctrl-c":
            t.send("\x03")
        else:
            os.kill(t.proc.pid, how)
        check_restored(t, t.wait_exit(), want_code)
    finally:
        t.close()


def t_sigterm(tmp, env):
    quit_by_signal(tmp, env, signal.SIGTERM, 128 + signal.SIGTERM)


def t_sighup(tmp, env):
    quit_by_signal(tmp, env, signal.SIGHUP, 128 + signal.SIGHUP)


def t_ctrl_c(tmp, env):
    quit_by_signal(tmp, env, "ctrl-c", 128 + signal.SIGINT)


def t_sigquit(tmp, env):
    quit_by_signal(tmp, env, signal.SIGQUIT, 128 + signal.SIGQUIT)


def t_terminal_gone(tmp, env):
    """The terminal closes under it: it ends, and does not spin."""
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("No accounts yet"), t.text())
        t.stop = True
        t.reader.join(1)
        os.close(t.master)
        os.close(t.slave)
        code = t.wait_exit(5)
        check(code is not None, "still running after the terminal went away")
    finally:
        t.master = t.slave = -1
        t.close()


def t_idle_cpu(tmp, env):
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("No accounts yet"), t.text())
        idle_cpu(t)
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_idle_cpu_with_accounts(tmp, env):
    write(tmp, "accounts.conf", ACCOUNTS)
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("keyring unavailable"), t.text())
        idle_cpu(t)
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_suspend_orphaned(tmp, env):
    """Ctrl-Z without a job-control shell: the stop is dropped by the kernel,
    sesame gives the terminal back, then takes it again and redraws."""
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("No accounts yet"), t.text())
        n = t.output().count(SMCUP)
        t.send("\x1a")
        end = time.time() + 5
        while time.time() < end and t.output().count(SMCUP) <= n:
            time.sleep(0.05)
        out = t.output()
        check(out.count(SMCUP) > n, "did not come back after Ctrl-Z")
        check(out.count(RMCUP) >= 1, "did not leave the screen on Ctrl-Z")
        check(t.wait_for("No accounts yet"), "not redrawn:\n" + t.text())
        # SIGSTOP/SIGCONT from outside: redrawn on SIGCONT
        os.kill(t.proc.pid, signal.SIGSTOP)
        time.sleep(0.2)
        check(t.state() == "T", "not stopped")
        with t.lock:
            t.screen.reset()
        os.kill(t.proc.pid, signal.SIGCONT)
        check(t.wait_for("No accounts yet"), "not redrawn after SIGCONT:\n" + t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_no_color(tmp, env):
    env = dict(env, NO_COLOR="1")
    write(tmp, "accounts.conf", ACCOUNTS)
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("keyring unavailable"), t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
        out = t.output()
        colour = re.search(rb"\x1b\[[0-9;]*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m", out)
        check(not colour, "a colour with NO_COLOR: %r" % (colour and colour.group(0)))
        check(b"\x1b[7m" in out or b";7m" in out, "no reverse video in mono")
    finally:
        t.close()


def t_eight_colours(tmp, env):
    env = dict(env, TERM="xterm")
    write(tmp, "accounts.conf", ACCOUNTS)
    t = Term(args=["--theme", "high-contrast"], env=env, tmp=tmp)
    try:
        check(t.wait_for("keyring unavailable"), t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
        check(b"\x1b[38;5;" not in t.output(), "256-colour codes on an 8-colour terminal")
    finally:
        t.close()


def t_bad_theme(tmp, env):
    t = Term(args=["--theme", "no-such-theme"], env=env, tmp=tmp)
    try:
        code = t.wait_exit()
        check(code == 2, "exit %r" % code)
        check("theme 'no-such-theme' not found" in t.stderr(), t.stderr())
        check(SMCUP not in t.output(), "touched the screen before failing")
    finally:
        t.close()


def t_terminal_that_cannot_move_the_cursor(tmp, env):
    """TERM=dumb (no cursor addressing) and an unknown TERM are refused as a
    missing terminal is: exit 2, a line that says why, the screen untouched."""
    no_tty = subprocess.run([harness.BINARY], env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=10)
    check(no_tty.returncode == 2, "without a terminal: exit %d" % no_tty.returncode)
    for term, why in (("dumb", "cannot move the cursor"), ("no-such-term", "is unknown")):
        t = Term(env=dict(env, TERM=term), tmp=tmp)
        try:
            code = t.wait_exit()
            check(code == no_tty.returncode, "TERM=%s: exit %r" % (term, code))
            check(why in t.stderr() and "TERM=" in t.stderr(), "TERM=%s: %r" % (term, t.stderr()))
            check(SMCUP not in t.output(), "TERM=%s: the screen was taken" % term)
        finally:
            t.close()


def t_fifo_in_place_of_config(tmp, env):
    """A FIFO where sesame.conf or accounts.conf should be is refused without
    waiting for a writer: the dashboard starts and names the file."""
    for name in ("sesame.conf", "accounts.conf"):
        path = os.path.join(env["SESAME_CONFIG_DIR"], name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.mkfifo(path)
        t = Term(env=env, tmp=tmp)
        try:
            check(t.wait_for("not a regular file"), "%s: no error (blocked?):\n%s"
                  % (name, t.text()))
            check(name in t.text(), t.text())
            t.send("q")
            check_restored(t, t.wait_exit(), 0)
        finally:
            t.close()
            os.unlink(path)


def t_theme_not_from_cwd(tmp, env):
    """Started in a project that has a themes/default.theme of its own (here
    not even a theme): sesame's look does not change and nothing complains."""
    proj = os.path.join(tmp, "project")
    os.makedirs(os.path.join(proj, "themes"))
    with open(os.path.join(proj, "themes", "default.theme"), "w") as f:
        f.write("this is some other program's theme\n")
    env = {k: v for k, v in env.items() if k != "SESAME_THEME_DIR"}
    t = Term(env=env, tmp=tmp, cwd=proj)
    try:
        check(t.wait_for("No accounts yet"), t.text())
        check("theme" not in t.text(), "a theme from the current directory:\n" + t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_config_keys_and_errors(tmp, env):
    write(tmp, "sesame.conf", "bind q none\nbind Q quit\nset colour = red\nset read-only = yes\n")
    t = Term(env=env, tmp=tmp)
    try:
        check(t.wait_for("sesame.conf:3: unknown setting 'colour"), "no error:\n" + t.text())
        check("read-only" in t.line(0), "title: %r" % t.line(0))
        t.send("q")
        check(t.wait_for("q does nothing"), "q still bound:\n" + t.text())
        check(t.proc.poll() is None, "q quit")
        t.send("Q")
        check_restored(t, t.wait_exit(), 0)
    finally:
        t.close()


def t_escapes_in_config(tmp, env):
    """A label holding escape sequences is drawn harmlessly."""
    write(tmp, "accounts.conf", "[account evil]\nprovider=cbrain\n"
          "label=ev\x1b]0;pwned\x07il\x1b[2J\n")
    t = Term(env=env, tmp=tmp)
    try:
        time.sleep(1)
        check(t.wait_for("sesame"), t.text())
        t.send("q")
        check_restored(t, t.wait_exit(), 0)
        out = t.output()
        check(b"pwned\x07" not in out and b"\x1b]0;" not in out, "OSC reached the terminal")
        check(b"\x1b[2J" not in out.replace(b"\x1b[H\x1b[2J", b""), "a bare clear came through")
    finally:
        t.close()


def t_tmux_suspend(tmp, env):
    """Ctrl-Z and fg under a real job-control shell (tmux + bash)."""
    tmux, bash = shutil.which("tmux"), shutil.which("bash")
    if not tmux or not bash:
        print("  (skipped: needs tmux and bash)")
        return
    sock = os.path.join(tmp, "tmux.sock")
    envs = " ".join("%s='%s'" % (k, v) for k, v in env.items())
    cmd = [tmux, "-S", sock, "-f", "/dev/null"]

    def cap():
        return subprocess.run(cmd + ["capture-pane", "-p", "-t", "e2e"], capture_output=True,
                              text=True).stdout

    def wait(what, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            if what in cap():
                return True
            time.sleep(0.05)
        return False

    def wait_gone_screen(timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            if "No accounts yet" not in cap():
                return True
            time.sleep(0.05)
        return False

    subprocess.run(cmd + ["new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24",
                          "env -i %s PS1='$ ' %s --norc --noprofile -i" % (envs, bash)],
                   check=True)
    try:
        check(wait("$"), "no shell:\n" + cap())
        subprocess.run(cmd + ["send-keys", "-t", "e2e", harness.BINARY, "Enter"])
        check(wait("No accounts yet"), "sesame did not start:\n" + cap())
        subprocess.run(cmd + ["send-keys", "-t", "e2e", "C-z"])
        check(wait("Stopped"), "not stopped by Ctrl-Z:\n" + cap())
        check("No accounts yet" not in cap(), "screen not given back on Ctrl-Z")
        subprocess.run(cmd + ["send-keys", "-t", "e2e", "fg", "Enter"])
        check(wait("No accounts yet"), "not redrawn after fg:\n" + cap())
        subprocess.run(cmd + ["send-keys", "-t", "e2e", "q"])
        check(wait_gone_screen(), "did not quit after fg:\n" + cap())
        subprocess.run(cmd + ["send-keys", "-t", "e2e", "echo rc=$?", "Enter"])
        check(wait("rc=0"), "no clean exit after fg:\n" + cap())
    finally:
        subprocess.run(cmd + ["kill-server"], capture_output=True)


TESTS = [
    t_empty_80x24, t_empty_screens_name_the_keys, t_empty_60x15, t_too_small_and_resize,
    t_accounts, t_select_keys_and_mouse,
    t_sigterm, t_sighup,
    t_ctrl_c, t_sigquit, t_terminal_gone, t_idle_cpu, t_idle_cpu_with_accounts,
    t_suspend_orphaned, t_no_color, t_eight_colours, t_bad_theme,
    t_terminal_that_cannot_move_the_cursor, t_fifo_in_place_of_config, t_theme_not_from_cwd,
    t_config_keys_and_errors,
    t_escapes_in_config, t_tmux_suspend,
]


if __name__ == "__main__":
    sys.exit(harness.main(TESTS))
