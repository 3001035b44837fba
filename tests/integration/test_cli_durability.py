#!/usr/bin/python3
"""Tracked sessions survive what can happen to a process and a disk: a
create or a revoke killed (SIGKILL) at any moment leaves no token in the
keyring of a session sesame does not track, and no tracked session shown
live whose tokens are gone; account prune removes the items of sessions
that are not tracked (and lists them with --dry-run) and the temp files of
killed writers; a revoke whose state file cannot be written (a full disk)
says what is true and keeps the tokens, so that a later run finds the
session ended; a tracked session whose tokens were removed outside sesame
shows as unknown, says how to drop it, and revoke --forget drops it.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/integration/test_cli_durability.py ./sesame
(tests/check.sh runs it). Prints "N passed, N failed" last.
"""

import json
import os
import random
import resource
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
from harness import check  # noqa: E402
from test_dashboard_actions import secret_lookup  # noqa: E402

# the tokens each provider's session keeps in the keyring
KINDS = {"plantly": {"access_token", "refresh_token"}, "cbrain": {"api_token"},
         "apideck": {"session_token", "session_uri"}}


def accounts(tmp, providers, tag):
    """The fake and an account of each provider, with ids of this test's
    own (the keyring is shared by the tests of this file): (fake, env,
    {provider: account id})."""
    fake = harness.Fake(tmp)
    env = harness.keyring_env(tmp)
    ids = {}
    for p in providers:
        # kills, not pacing: the budget (shared by every sesame of the user)
        # would make a revoke's time depend on the creates before it
        ids[p] = harness.add_fake_account(env, fake, p, label="%s-%s" % (tag, p),
                                          rate_limit="off")
    return fake, env, ids


def items(env, account_ids):
    """The sesame keyring items of these accounts: {(account, kind, session)}."""
    r = subprocess.run(["secret-tool", "search", "--all", "application", "sesame"], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    out, cur = set(), {}
    for line in r.stdout.splitlines():
        if line.startswith("["):
            cur = {}
        elif line.startswith("attribute."):
            k, _, v = line[len("attribute."):].partition(" = ")
            cur[k] = v
            if {"account", "kind", "session"} <= set(cur) and cur["account"] in account_ids:
                out.add((cur["account"], cur["kind"], cur["session"]))
    return out


def tracked(env, account_ids):
    """{(account, session id): status} of the tracked sessions of these accounts."""
    r = harness.cli(env, "sessions", "--json")
    check(r.returncode == 0, "sessions: exit %d: %s" % (r.returncode, r.stderr))
    return {(s["account"], s["id"]): s["status"] for s in json.loads(r.stdout)["sessions"]
            if s["account"] in account_ids}


def temp_files(tmp):
    d = os.path.join(tmp, "state")
    return [f for f in os.listdir(d) if ".tmp." in f] if os.path.isdir(d) else []


def kill_at_random(env, args, span, n, stdin=None):
    """Run `sesame ARGS` n times, each SIGKILLed after a random 0..span s;
    returns how many were killed before they were done."""
    kills = 0
    for _ in range(n):
        p = subprocess.Popen([harness.BINARY] + args, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0, span))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
    return kills


def took(env, *args):
    t0 = time.monotonic()
    harness.cli(env, *args)
    return time.monotonic() - t0


def consistent(env, ids, what, strays_ok=False):
    """Every tracked session that is shown live has all its tokens, and
    (unless strays_ok: account prune removes them) every session item
    belongs to a tracked session."""
    have, sessions = items(env, ids.values()), tracked(env, ids.values())
    provider_of = {a: p for p, a in ids.items()}
    stray = sorted(i for i in have if i[2] and (i[0], i[2]) not in sessions)
    check(strays_ok or not stray, "%s: %d items of sessions sesame does not track, e.g. %r"
          % (what, len(stray), stray[:3]))
    for (account, sid), status in sessions.items():
        kinds = {k for a, k, s in have if a == account and s == sid}
        missing = KINDS[provider_of[account]] - kinds
        check(not missing or status not in ("active", "pending"),
              "%s: %s %s is %s without its %s" % (what, account, sid, status, sorted(missing)))
    return have, sessions


def t_kill_create(tmp, env):
    random.seed(os.getpid())
    fake, env, ids = accounts(tmp, ("plantly", "cbrain", "apideck"), "kc")
    kills = 0
    for p, account in ids.items():
        span = max(took(env, "create", account) for _ in range(2))
        kills += kill_at_random(env, ["create", account], span * 1.2, 30)
    check(kills >= 30, "only %d creates were killed before they were done" % kills)
    consistent(env, ids, "after the kills")
    # prune finds nothing of tracked sessions to remove; a stray item (as an
    # older sesame left them) is listed by --dry-run and removed by prune
    stray = ("sess-stray", "access_token")
    subprocess.run(["secret-tool", "store", "--label", "stray", "application", "sesame",
                    "account", ids["plantly"], "kind", stray[1], "session", stray[0]],
                   input="tok", env=env, text=True, check=True, timeout=60)
    r = harness.cli(env, "account", "prune", "--dry-run")
    line = "would remove %s %s %s" % (ids["plantly"], stray[1], stray[0])
    check(r.returncode == 0 and line in r.stdout.splitlines(), "dry run:\n" + r.stdout + r.stderr)
    check(all(ids["plantly"] + " " not in x or stray[0] in x for x in r.stdout.splitlines()
              if x.startswith("would remove") and x.split()[2] in ids.values()),
          "the dry run lists items of tracked sessions:\n" + r.stdout)
    r = harness.cli(env, "account", "prune")
    check(r.returncode == 0, "prune: %s" % r.stderr)
    have, sessions = consistent(env, ids, "after prune")
    check(not any(s == stray[0] for _, _, s in have), "prune left the stray item")
    check(not temp_files(tmp), "temp files of killed writers: %r" % temp_files(tmp))
    # a session cut off before its tokens were all stored is dropped by --forget
    for (account, sid), status in sessions.items():
        if status == "unknown":
            r = harness.cli(env, "revoke", "--forget", account, sid)
            check(r.returncode == 0, "revoke --forget %s: %s" % (sid, r.stderr))
            check(not [i for i in items(env, [account]) if i[2] == sid], "its items stay")
    print("  %d creates killed; %d sessions tracked, %d unknown" % (
        kills, len(sessions), sum(s == "unknown" for s in sessions.values())))
    fake.stop()


def t_kill_revoke(tmp, env):
    random.seed(os.getpid() + 1)
    fake, env, ids = accounts(tmp, ("plantly", "cbrain"), "kr")
    made = []
    for account in ids.values():
        for _ in range(20):
            made.append((account, harness.cli_ok(env, "create", account).strip()))
    span = took(env, "revoke", *made.pop())
    random.shuffle(made)
    kills = 0
    for account, sid in made:
        kills += kill_at_random(env, ["revoke", account, sid], span * 1.2, 1)
    check(kills >= 10, "only %d revokes were killed before they were done" % kills)
    # a revoke killed after the state file forgot the session, before the
    # keyring did, leaves its tokens: prune lists them, then removes them
    have, _ = consistent(env, ids, "after the kills", strays_ok=True)
    r = harness.cli(env, "account", "prune", "--dry-run")
    listed = {tuple(x.split()[2:5]) for x in r.stdout.splitlines() if x.startswith("would ")}
    sessions = tracked(env, ids.values())
    strays = {i for i in have if i[2] and (i[0], i[2]) not in sessions}
    check(strays <= listed, "prune --dry-run leaves out %r" % sorted(strays - listed)[:3])
    harness.cli_ok(env, "account", "prune")
    have, sessions = consistent(env, ids, "after prune")
    # what is still tracked can be ended: logged out, or found ended already
    for account, sid in sessions:
        r = harness.cli(env, "revoke", account, sid)
        check(r.returncode == 0, "revoke %s %s again: exit %d: %s" % (account, sid, r.returncode,
                                                                     r.stderr))
    check(not tracked(env, ids.values()), "sessions left: %r" % tracked(env, ids.values()))
    check(not [i for i in items(env, ids.values()) if i[2]], "session items left")
    print("  %d revokes killed; %d sessions were still tracked, %d stray items pruned" % (
        kills, len(sessions), len(strays)))
    fake.stop()


def no_file_writes():
    """A child that can write no byte to a file: a full disk, for sesame."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def t_revoke_state_unwritable(tmp, env):
    fake, env, ids = accounts(tmp, ("plantly", "cbrain", "apideck"), "fd")
    # a session that stays: the state file never gets empty (an empty one
    # is written with no byte, which even a full disk allows)
    harness.cli_ok(env, "create", ids.pop("apideck"))
    for p, account in ids.items():
        title = {"plantly": "Plantly", "cbrain": "CBRAIN"}[p]
        kind = sorted(KINDS[p])[0]
        sid = harness.cli_ok(env, "create", account).strip()
        r = subprocess.run([harness.BINARY, "revoke", account, sid], env=env, text=True,
                           capture_output=True, timeout=60, preexec_fn=no_file_writes)
        check(r.returncode == 6, "%s: exit %d: %s" % (p, r.returncode, r.stderr))
        check("%s ended session %s, but sesame could not record that" % (title, sid) in r.stderr,
              "%s: %s" % (p, r.stderr))
        check(secret_lookup(env, account, kind, sid), "%s: its %s is gone" % (p, kind))
        # a later run finds it ended: not active for ever
        if p == "cbrain":
            r = harness.cli(env, "refresh", account, "--json")
            st = [s["status"] for s in json.loads(r.stdout)["sessions"]]
            check(st == ["expired"], "%s: refresh says %r: %s" % (p, st, r.stderr))
        r = harness.cli(env, "revoke", account, sid)
        check(r.returncode == 0 and "had already ended at %s" % title in r.stdout,
              "%s: revoke again: exit %d: %s%s" % (p, r.returncode, r.stdout, r.stderr))
        check(not secret_lookup(env, account, kind, sid), "%s: its %s is kept" % (p, kind))
        check(not tracked(env, [account]), "%s: still tracked" % p)
    fake.stop()


def t_tokens_gone_unknown(tmp, env):
    fake, env, ids = accounts(tmp, ("plantly", "apideck"), "tg")
    for p, account in ids.items():
        sid = harness.cli_ok(env, "create", account).strip()
        for kind in KINDS[p]:
            subprocess.run(["secret-tool", "clear", "application", "sesame", "account", account,
                            "kind", kind, "session", sid], env=env, check=True, timeout=60)
        r = harness.cli(env, "open" if p == "apideck" else "revoke", account, sid)
        if p == "plantly":
            check(r.returncode == 5, "revoke: exit %d: %s" % (r.returncode, r.stderr))
            check("it shows as unknown; to drop it here: sesame revoke --forget id:%s %s"
                  % (account, sid) in r.stderr, r.stderr)
            check(tracked(env, [account]) == {(account, sid): "unknown"},
                  "%r" % tracked(env, [account]))
        r = harness.cli(env, "revoke", "--forget", account, sid)
        check(r.returncode == 0, "revoke --forget: exit %d: %s" % (r.returncode, r.stderr))
        check(not tracked(env, [account]), "still tracked: %r" % tracked(env, [account]))
    fake.stop()


TESTS = [t_kill_create, t_kill_revoke, t_revoke_state_unwritable, t_tokens_gone_unknown]

if __name__ == "__main__":
    sys.exit(harness.main(TESTS))
