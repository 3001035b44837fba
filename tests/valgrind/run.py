#!/usr/bin/python3
"""`make valgrind`: an end-to-end session with every sesame process under
valgrind memcheck (--leak-check=full --errors-for-leak-kinds=definite
--error-exitcode=99), against the fake with an account of each of the five
providers, inside the private keyring:

  * the headless commands: account add (x5, secrets on stdin), account list,
    sessions --json, create (Plantly, CBRAIN, Basis Theory with a
    permission, Apideck Vault), token (Clerk), open --print, revoke (Clerk,
    Plantly), account remove;
  * the dashboard in a pseudo-terminal: browse (j/k, PgDn, G/g), filter,
    detail view, create (n: Plantly, CBRAIN), revoke (x y), the Clerk token
    view (t, v), quit.

Each process is one verdict: it exited as wanted and its valgrind log shows
no error (invalid reads/writes, uninitialised values, bad frees) and no
definitely lost block. Suppressions (tests/valgrind/sesame.supp) cover
one-time allocations of the libraries only. Prints "N passed, N failed".

Usage: tests/with-keyring.sh /usr/bin/python3 tests/valgrind/run.py build/release/sesame
"""

import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402
from harness import Term, check, wait_until  # noqa: E402

SUPP = os.path.join(HERE, "sesame.supp")
WAIT = 120  # seconds: sesame under valgrind, on a shared 2-core machine
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

passed = failed = 0


def verdict(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %s" % what, flush=True)
    else:
        failed += 1
        print("FAIL %s%s" % (what, ("\n" + detail) if detail else ""), flush=True)


def wrapper(tmp, binary):
    """A script that runs sesame under valgrind, one log per process."""
    logs = os.path.join(tmp, "vg")
    os.makedirs(logs)
    path = os.path.join(tmp, "sesame-vg")
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec valgrind --tool=memcheck --leak-check=full "
                "--show-leak-kinds=definite --errors-for-leak-kinds=definite "
                "--error-exitcode=99 --num-callers=40 --track-origins=no "
                "--suppressions=%s --log-file=%s/vg.%%p.log %s \"$@\"\n"
                % (SUPP, logs, binary))
    os.chmod(path, stat.S_IRWXU)
    return path, logs


def read_log(logs, pid):
    with open(os.path.join(logs, "vg.%d.log" % pid)) as f:
        return f.read()


def log_problems(text):
    """What a valgrind log says is wrong ("" when clean)."""
    m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
    if not m:
        return "no ERROR SUMMARY: valgrind did not finish"
    lost = re.search(r"definitely lost: ([\d,]+) bytes in ([\d,]+) blocks", text)
    if int(m.group(1)) == 0 and (not lost or lost.group(1) == "0"):
        return ""
    body = re.sub(r"^==\d+== ", "", text, flags=re.M)
    return body[body.find("\n\n") + 2:] if "\n\n" in body else body


class Runner:
    def __init__(self, tmp, env, logs):
        self.tmp, self.env, self.logs = tmp, env, logs

    def run(self, what, *args, stdin="", want=0):
        """One headless command under valgrind: exit code and log checked."""
        import subprocess
        p = subprocess.Popen([harness.BINARY, *args], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                             text=True)
        try:
            out, err = p.communicate(stdin, timeout=WAIT * 3)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        log = read_log(self.logs, p.pid)
        problems = log_problems(log)
        ok = p.returncode == want and not problems
        verdict(ok, "%s (exit %s)" % (what, p.returncode),
                "" if ok else "stderr: %s\n%s" % (err.strip()[-800:], problems[-6000:]))
        return out


def box_text(t):
    """The box on screen, its lines joined without the frame (a JWT wraps)."""
    out = []
    for line in t.lines():
        a, b = line.find("│"), line.rfind("│")
        if 0 <= a < b:
            out.append(line[a + 1:b].strip())
    return "".join(out)


def dashboard(r, fake, env):
    t = Term(env=env, tmp=r.tmp, cols=140, rows=40)
    try:
        for w in ("Plantly", "CBRAIN", "Basis Theory", "Apideck Vault", "Clerk"):
            check(t.wait_for(w, WAIT), "no %r:\n%s" % (w, t.text()))
        check(wait_until(lambda: "loading" not in t.text(), WAIT), "loading:\n" + t.text())
        msg = lambda: t.line(t.screen.lines - 1)  # noqa: E731
        # create: Plantly, CBRAIN (the accounts pane has the keyboard)
        t.send("n")
        check(wait_until(lambda: "logged in to plantly" in msg(), WAIT), msg())
        t.key("down")
        t.send("n")
        check(wait_until(lambda: "logged in to cbrain" in msg(), WAIT), msg())
        # browse the sessions table
        t.key("tab")
        for k in ("j", "j", "k", "pgdn", "G", "g"):
            t.key(k)
            time.sleep(0.3)
        # filter, detail
        t.send("/")
        t.send("active")
        t.key("enter")
        check(t.wait_for('match "active"', WAIT), t.text())
        t.key("enter")
        check(t.wait_for("Raw JSON", WAIT), "no detail:\n" + t.text())
        t.key("pgdn")
        t.key("esc")
        check(t.wait_gone("Raw JSON", WAIT), t.text())
        # the Clerk token view: masked, revealed
        listed = r.run("sessions --json (while the dashboard runs)", "sessions", "--json")
        clerk = [s for s in json.loads(listed)["sessions"]
                 if s["provider"] == "clerk" and s["status"] == "active"]
        check(len(clerk) >= 2, "too few active Clerk sessions")
        for sid, action in ((clerk[0]["id"], "token"), (clerk[1]["id"], "revoke")):
            t.send("/")
            t.send("\x15")
            t.send(sid)
            t.key("enter")
            check(t.wait_for('match "%s"' % sid, WAIT), t.text())
            if action == "token":
                t.send("t")
                check(t.wait_for("Token for session", WAIT), t.text())
                t.send("hasura")
                t.key("enter")
                check(t.wait_for("─ Token ─", WAIT), t.text())
                t.send("v")
                check(wait_until(lambda: JWT.search(box_text(t)), WAIT), "v:\n" + t.text())
                t.key("esc")
                check(t.wait_gone("─ Token ─", WAIT), t.text())
            else:
                t.send("x")
                check(t.wait_for("[y/N]", WAIT), t.text())
                t.send("y")
                t.key("enter")
                check(wait_until(lambda: "revoked session" in msg(), WAIT), msg())
        t.send("q")
        code = t.wait_exit(WAIT)
        check(code is not None, "the dashboard did not quit")
        return t.proc.pid, code, t.stderr()
    finally:
        t.close()


def main(argv):
    if len(argv) != 2:
        print("usage: %s SESAME_BINARY" % argv[0], file=sys.stderr)
        return 2
    if not shutil.which("valgrind"):
        print("valgrind is not installed\n0 passed, 1 failed")
        return 1
    binary = os.path.abspath(argv[1])
    tmp = tempfile.mkdtemp(prefix="sesame-vg-")
    start = time.time()
    try:
        harness.BINARY, logs = wrapper(tmp, binary)
        harness.SLOW = 30
        fake = harness.Fake(tmp, ["--clerk-users", "3", "--clerk-sessions-per-user", "2"])
        env = harness.keyring_env(tmp)
        env.update({"G_SLICE": "always-malloc", "G_DEBUG": "gc-friendly"})
        r = Runner(tmp, env, logs)
        try:
            for p in ("plantly", "cbrain", "basistheory", "apideck", "clerk"):
                secrets, fields = harness.CREDENTIALS[p]
                args = ["account", "add", p, "--label", p, "--base-url", fake.url(p)]
                for k, v in fields.items():
                    args += ["--set", "%s=%s" % (k, v)]
                r.run("account add %s" % p, *args, stdin="".join(s + "\n" for s in secrets))
            r.run("account list", "account", "list")
            r.run("sessions --json", "sessions", "--json")
            for p, extra in (("plantly", ()), ("cbrain", ()), ("apideck", ()),
                             ("basistheory", ("--permission", "token:read"))):
                r.run("create %s" % p, "create", p, *extra)
            listed = json.loads(r.run("sessions --json (after create)", "sessions", "--json"))
            by = {}
            for s in listed["sessions"]:
                by.setdefault(s["provider"], []).append(s)
            clerk = [s["id"] for s in by.get("clerk", []) if s["status"] == "active"]
            r.run("token", "token", "clerk", clerk[-1], "hasura")
            r.run("open --print", "open", "--print", "apideck", by["apideck"][0]["id"])
            r.run("revoke clerk", "revoke", "clerk", clerk[-1])
            r.run("revoke plantly (log out)", "revoke", "plantly", by["plantly"][0]["id"])
            # the dashboard
            try:
                pid, code, err = dashboard(r, fake, env)
                problems = log_problems(read_log(logs, pid))
                verdict(code == 0 and not problems, "dashboard (exit %s)" % code,
                        "stderr: %s\n%s" % (err[-800:], problems[-6000:]))
            except Exception:
                verdict(False, "dashboard", traceback.format_exc())
            r.run("account remove", "account", "remove", "cbrain")
        except Exception:
            verdict(False, "the scripted session", traceback.format_exc())
        finally:
            fake.stop()
        # every process that ran left a log: none may be unread or dirty
        seen = len([f for f in os.listdir(logs) if f.endswith(".log")])
        print("  %d processes under valgrind in %.0f s" % (seen, time.time() - start))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
