#!/usr/bin/python3
"""The headless commands say what is true and act on the object asked for:
the status a person sees (every Clerk status before and after its expiry and
its idle limit, and the tracked providers' own), --status and --json alike;
the default order; a revoke or verify whose answer is not the session asked
for, or does not say it ended, fails (exit 3); "already ended" at CBRAIN and
Plantly is one policy; a Plantly log out whose access token died renews it
first; a refused Plantly refresh does not show the session active; a 3xx and
a 2xx that is not JSON exit 3; create checks the state file before it sends
anything, and ends a session it could not track; an Apideck session whose URL
is not http(s) is kept.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/integration/test_cli_outcomes.py ./sesame
(tests/check.sh runs it). Prints "N passed, N failed" last.
"""

import json
import os
import re
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
from harness import check  # noqa: E402
from test_dashboard_actions import requests, secret_lookup, setup  # noqa: E402

USER = "user_trust"
HOUR = 3600 * 1000
NOW = int(time.time() * 1000)

# Every status Clerk lists (and pending, of the newer API), each at three
# times: before either limit, after its expiry (idle limit later), after its
# idle limit (expiry later). A live one turns into whichever passed first;
# an ended one keeps the provider's word.
CLERK_STATUSES = ("abandoned", "active", "pending", "ended", "expired", "removed", "replaced",
                  "revoked")
WHENS = {  # name: (expire_at, abandon_at) relative to now
    "before": (+2 * HOUR, +3 * HOUR),
    "expired": (-2 * HOUR, +3 * HOUR),
    "abandoned": (+2 * HOUR, -1 * HOUR),
}


def seen(status, when):
    if status in ("active", "pending") and when != "before":
        return when
    return status


def crafted_sessions():
    """(the sessions GET /sessions answers, {id: status a person sees})."""
    out, want = [], {}
    for i, status in enumerate(CLERK_STATUSES):
        for j, (when, (exp, ab)) in enumerate(WHENS.items()):
            sid = "sess_%s_%s" % (status, when)
            out.append({"object": "session", "id": sid, "user_id": USER,
                        "client_id": "client_1", "status": status,
                        "last_active_at": NOW - HOUR, "expire_at": NOW + exp,
                        "abandon_at": NOW + ab, "updated_at": NOW - HOUR,
                        "created_at": NOW - 10 * HOUR - i * 60000 - j * 1000})
            want[sid] = seen(status, when)
    return out, want


def answer_sessions(fake, items):
    """Every GET /sessions answered with items, paginated."""
    fake.fault("clerk", "answer", route="GET /sessions",
               body={"data": items, "total_count": len(items)})


def clerk_account(env, fake, label="clerk"):
    harness.add_account(env, "clerk", label, ["sk_test_fake"], fake.url("clerk"), user_id=USER)
    return label


def crafted(tmp):
    """The fake answering a Clerk account's list with crafted_sessions():
    (fake, env, {id: status a person sees})."""
    fake, env = setup(tmp, (), users=1, per_user=1)
    clerk_account(env, fake)
    items, want = crafted_sessions()
    answer_sessions(fake, items)
    return fake, env, want


def made(tmp, provider):
    """The fake, an account of provider and a session sesame made there:
    (fake, env, session id)."""
    fake, env = setup(tmp, (provider,))
    return fake, env, harness.cli_ok(env, "create", provider).strip()


def listing(env, *args):
    r = harness.cli(env, "sessions", "--json", *args)
    check(r.returncode == 0, "sessions %s: exit %d\n%s" % (args, r.returncode, r.stderr))
    return json.loads(r.stdout)["sessions"]


# ---- 1. the status a person sees ----

def t_status_every_clerk_status(tmp, env):
    fake, env, want = crafted(tmp)
    got = {s["id"]: s["status"] for s in listing(env)}
    check(got == want, "statuses:\n%s" % "\n".join(
        "%s: %s, want %s" % (k, got.get(k), v) for k, v in want.items() if got.get(k) != v))
    row = [s for s in listing(env) if s["id"] == "sess_active_abandoned"][0]
    check(row["abandon_at"] and row["expires_at"], "no abandon_at or expires_at: %r" % row)
    # the table says the same, and counts down only what is live
    r = harness.cli(env, "sessions")
    for line in r.stdout.splitlines()[1:]:
        sid = [w for w in line.split() if w.startswith("sess_")][0]
        check(" %s " % want[sid] in line, "table row of %s: %r" % (sid, line))
        if want[sid] not in ("active", "pending"):
            check(line.rstrip().endswith("-"), "an ended session counts down: %r" % line)
    # --status finds exactly what is seen so; the provider's own filter is
    # not asked where it would miss a session the clock ended
    for status in CLERK_STATUSES:
        fake.control("POST", "/_fake/requests/clear", {})
        ids = sorted(s["id"] for s in listing(env, "--status", status))
        check(ids == sorted(k for k, v in want.items() if v == status),
              "--status %s: %r" % (status, ids))
        queries = [r["query"] for r in requests(fake, "clerk", "GET", "/sessions")]
        remote = "status=%s" % status in " ".join(queries)
        # (Clerk's filter has no pending: that one is filtered here as well)
        check(remote == (status not in ("expired", "abandoned", "pending")),
              "--status %s asked the provider %r" % (status, queries))
    fake.stop()


def t_status_tracked(tmp, env):
    """Basis Theory created (pending) and authorized (active), Plantly and
    CBRAIN logins, a Vault session: as listed, then past their expiry."""
    fake, env = setup(tmp, ())
    for p in ("basistheory", "plantly", "cbrain", "apideck"):
        harness.add_fake_account(env, fake, p)
    pending = harness.cli_ok(env, "create", "basistheory").strip()
    active = harness.cli_ok(env, "create", "basistheory", "--permission", "token:read").strip()
    harness.cli_ok(env, "create", "plantly")
    harness.cli_ok(env, "create", "cbrain")
    harness.cli_ok(env, "create", "apideck")
    got = {s["id"]: s["status"] for s in listing(env)}
    check(got[pending] == "pending" and got[active] == "active", repr(got))
    check(sorted(got.values()).count("active") == 4, repr(got))
    # past every expiry (moved into the past in the state file), CBRAIN's
    # none: expired, but CBRAIN's
    state = os.path.join(tmp, "state", "sessions.state")
    text = open(state).read()
    text = re.sub(r"expires_ms=(\d+)", lambda m: "expires_ms=%d" % (NOW - 1000)
                  if int(m.group(1)) else m.group(0), text)
    open(state, "w").write(text)
    got = {s["id"]: (s["provider"], s["status"]) for s in listing(env)}
    for sid, (prov, status) in got.items():
        check(status == ("active" if prov == "cbrain" else "expired"), "%s %s: %s"
              % (prov, sid, status))
    fake.stop()


# ---- 10. the default order ----

def t_default_order(tmp, env):
    fake, env = setup(tmp, (), users=1, per_user=1)
    clerk_account(env, fake, "Zeta first")
    clerk_account(env, fake, "Alpha second")
    base = {"object": "session", "user_id": USER, "client_id": "c", "status": "active",
            "last_active_at": NOW, "expire_at": NOW + HOUR, "abandon_at": NOW + 2 * HOUR,
            "updated_at": NOW}
    items = [dict(base, id=i, created_at=c) for i, c in
             (("sess_b", NOW - 5000), ("sess_c", NOW - 1000), ("sess_a", NOW - 5000))]
    answer_sessions(fake, items)
    got = [(s["account"], s["id"]) for s in listing(env)]
    want = [(a, i) for a in ("zeta-first", "alpha-second") for i in ("sess_c", "sess_a", "sess_b")]
    check(got == want, "order %r, want %r" % (got, want))
    fake.stop()


# ---- 2. revoke and verify say what came back ----

def t_revoke_answer_checked(tmp, env):
    fake, env = setup(tmp, ("clerk",), users=2, per_user=3)
    sid = [s["id"] for s in listing(env) if s["status"] == "active"][0]
    obj = {"object": "session", "id": sid, "user_id": USER, "client_id": "c",
           "status": "active", "expire_at": NOW + HOUR, "abandon_at": NOW + HOUR,
           "last_active_at": NOW, "updated_at": NOW, "created_at": NOW - HOUR}
    # 200, but still active: not revoked
    fake.fault("clerk", "answer", route="POST /sessions/*/revoke", count=1, body=obj)
    r = harness.cli(env, "revoke", "clerk", sid)
    check(r.returncode == 3, "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    check("with status active: it was not ended" in r.stderr and "revoked session" not in
          r.stdout, r.stdout + r.stderr)
    # 200 about another session: an unexpected answer
    fake.fault("clerk", "answer", route="POST /sessions/*/revoke", count=1,
               body=dict(obj, id="sess_other", status="revoked"))
    r = harness.cli(env, "revoke", "clerk", sid)
    check(r.returncode == 3 and "with session sess_other: unexpected answer" in r.stderr,
          "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    # the real thing: what Clerk said is said
    r = harness.cli(env, "revoke", "clerk", sid)
    check(r.returncode == 0 and "revoked session %s (clerk): Clerk says revoked" % sid in r.stdout,
          "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    # verify: the status given, and another session's answer refused
    fake.control("POST", "/_fake/config", {"clerk_verify_enabled": True})
    fake.fault("clerk", "answer", route="POST /sessions/*/verify", count=1, body=obj)
    r = harness.cli(env, "verify", "clerk", sid, stdin="eyJ.x.y\n")
    check(r.returncode == 0 and "verified: Clerk says active" in r.stdout,
          "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    fake.fault("clerk", "answer", route="POST /sessions/*/verify", count=1,
               body=dict(obj, id="sess_other"))
    r = harness.cli(env, "verify", "clerk", sid, stdin="eyJ.x.y\n")
    check(r.returncode == 3 and "with session sess_other: unexpected answer" in r.stderr,
          "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    fake.stop()


# ---- 3. already gone: one policy ----

def end_elsewhere(fake, provider, token):
    """Log the session out at the fake, as another client would."""
    path = "/cbrain/session" if provider == "cbrain" else "/plantly/auth/sessions"
    req = urllib.request.Request(fake.base + path, method="DELETE", headers={
        "Accept": "application/json", "Authorization": "Bearer " + token})
    urllib.request.urlopen(req, timeout=10).read()


def t_already_gone(tmp, env):
    fake, env = setup(tmp, ())
    for provider, kind in (("cbrain", "api_token"), ("plantly", "access_token")):
        harness.add_fake_account(env, fake, provider)
        sid = harness.cli_ok(env, "create", provider).strip()
        end_elsewhere(fake, provider, secret_lookup(env, provider, kind, sid))
        r = harness.cli(env, "revoke", provider, sid)
        title = {"cbrain": "CBRAIN", "plantly": "Plantly"}[provider]
        check(r.returncode == 0, "%s: exit %d: %s%s" % (provider, r.returncode, r.stdout, r.stderr))
        check("had already ended at %s: forgotten here" % title in r.stdout, r.stdout + r.stderr)
        check("logged out" not in r.stdout, "said as a log out: " + r.stdout)
        check(not secret_lookup(env, provider, kind, sid), "%s: its token is kept" % provider)
        check(sid not in [s["id"] for s in listing(env)], "%s: still tracked" % provider)
    fake.stop()


def t_plantly_logout_renews_first(tmp, env):
    """An access token that died leaves a refresh token that did not: the log
    out renews it, then ends the session with the fresh one."""
    fake, env = setup(tmp, ())
    fake.control("POST", "/_fake/config", {"plantly_expires_in": 1})
    harness.add_fake_account(env, fake, "plantly")
    sid = harness.cli_ok(env, "create", "plantly").strip()
    refresh = secret_lookup(env, "plantly", "refresh_token", sid)
    time.sleep(2.2)
    fake.control("POST", "/_fake/requests/clear", {})
    r = harness.cli(env, "revoke", "plantly", sid)
    check(r.returncode == 0 and "logged out session %s" % sid in r.stdout,
          "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    steps = [(q["method"], q["subpath"]) for q in requests(fake, "plantly")]
    check(steps == [("DELETE", "/auth/sessions"), ("PUT", "/auth/sessions"),
                    ("DELETE", "/auth/sessions")], "steps %r" % steps)
    # the session is over at Plantly: its refresh token works no more
    req = urllib.request.Request(fake.base + "/plantly/auth/sessions", method="PUT",
                                 headers={"Authorization": "Bearer " + refresh})
    try:
        urllib.request.urlopen(req, timeout=10)
        check(False, "the old refresh token still works")
    except urllib.error.HTTPError as e:
        check(e.code == 401, "PUT answered %d" % e.code)
    fake.stop()


# ---- 4. a refused Plantly refresh ----

def t_plantly_refresh_refused(tmp, env):
    fake, env, sid = made(tmp, "plantly")
    end_elsewhere(fake, "plantly", secret_lookup(env, "plantly", "access_token", sid))
    r = harness.cli(env, "refresh", "plantly", sid, "--json")
    check(r.returncode == 3, "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    doc = json.loads(r.stdout)
    check(doc["sessions"][0]["status"] == "unknown", "shown as %r" % doc["sessions"][0])
    r = harness.cli(env, "refresh", "plantly", sid)
    check(r.returncode == 3 and "active" not in r.stdout and " unknown " in r.stdout,
          "table: %s" % r.stdout)
    check([s["status"] for s in listing(env) if s["id"] == sid] == ["unknown"],
          "the state file still says active")
    # --status takes every word a status is shown with, unknown too
    check([s["id"] for s in listing(env, "--status", "unknown")] == [sid], "--status unknown")
    check(listing(env, "--status", "active") == [], "--status active")
    fake.stop()


def t_plantly_refresh_answer_lost(tmp, env):
    """A renewal Plantly made but whose answer was lost (cut short) or came
    unusable (expires_in -5) rotated the tokens: the session is not shown
    active any more but unknown, and the error says why; the next refresh
    (with the old, dead refresh token) is refused and it stays unknown."""
    for fault, params, rc in (("truncated", {}, 4),
                              ("answer", {"status": 200, "body": {
                                  "type": "auth.session", "token_type": "bearer",
                                  "access_token": "a.b.c", "refresh_token": "d.e.f",
                                  "expires_in": -5}}, 3)):
        os.makedirs(os.path.join(tmp, fault))
        fake, env, sid = made(os.path.join(tmp, fault), "plantly")
        fake.fault("plantly", fault, route="PUT /auth/sessions", count=1, **params)
        r = harness.cli(env, "refresh", "plantly", sid, "--json")
        what = "%s: exit %d: %s%s" % (fault, r.returncode, r.stdout, r.stderr)
        check(r.returncode == rc, what)
        check("Plantly may have rotated its tokens all the same" in r.stderr
              and "the session is unknown until a refresh succeeds" in r.stderr, what)
        doc = json.loads(r.stdout)
        check([x["status"] for x in doc["sessions"]] == ["unknown"], what)
        check([x["status"] for x in listing(env) if x["id"] == sid] == ["unknown"],
              "%s: the state file still says active" % fault)
        if fault == "truncated":  # the fake did rotate them: the old ones are dead
            r = harness.cli(env, "refresh", "plantly", sid, "--json")
            check(r.returncode == 3 and json.loads(r.stdout)["sessions"][0]["status"]
                  == "unknown", "next refresh: exit %d: %s" % (r.returncode, r.stdout))
        fake.stop()


def t_create_id_collision(tmp, env):
    """A create answer whose session id is one sesame tracks already (Plantly's
    id comes from the refresh token: one reused) is an unexpected answer, exit
    3; the tracked session and its tokens are kept, never replaced."""
    fake, env, sid = made(tmp, "plantly")
    access = secret_lookup(env, "plantly", "access_token", sid)
    refresh = secret_lookup(env, "plantly", "refresh_token", sid)
    fake.fault("plantly", "answer", route="POST /auth/sessions", count=1, status=200, body={
        "type": "auth.session", "token_type": "bearer", "access_token": "other.access.token",
        "refresh_token": refresh, "expires_in": 3600})
    r = harness.cli(env, "create", "plantly")
    check(r.returncode == 3 and "which sesame tracks already: unexpected answer" in r.stderr
          and sid in r.stderr, "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    check(secret_lookup(env, "plantly", "access_token", sid) == access,
          "the tracked session's access token was replaced")
    check([(x["id"], x["status"]) for x in listing(env)] == [(sid, "active")],
          "tracked: %r" % listing(env))
    fake.stop()


# ---- a 2xx that is not the documented answer is not success ----

def t_undocumented_success_kept(tmp, env):
    """A log out or authorize answered with any 2xx but the documented one
    (Plantly DELETE 204; CBRAIN DELETE 200 with no body; Basis Theory
    authorize 200 with no body): exit 3, the session and its tokens kept."""
    fake, env = setup(tmp, ("plantly", "cbrain", "basistheory"))
    cases = (
        ("plantly", "access_token", "DELETE /auth/sessions",
         ({"fault": "html", "status": 200}, {"fault": "answer", "status": 202,
                                              "body": {"status": "active"}},
          {"fault": "answer", "status": 200, "body": {"status": "active"}})),
        ("cbrain", "api_token", "DELETE /session",
         ({"fault": "answer", "status": 200, "body": {"error": "not logged out"}},
          {"fault": "answer", "status": 204, "text": ""},
          {"fault": "html", "status": 200})),
    )
    for provider, kind, route, faults in cases:
        sid = harness.cli_ok(env, "create", provider).strip()
        token = secret_lookup(env, provider, kind, sid)
        for f in faults:
            params = dict(f)
            fault = params.pop("fault")
            fake.fault(provider, fault, route=route, count=1, **params)
            r = harness.cli(env, "revoke", provider, sid)
            what = "%s %r" % (provider, f)
            check(r.returncode == 3, "%s: exit %d: %s%s" % (what, r.returncode, r.stdout, r.stderr))
            check("unexpected answer to the log out" in r.stderr and "logged out" not in r.stdout,
                  "%s: %s%s" % (what, r.stdout, r.stderr))
            check(secret_lookup(env, provider, kind, sid) == token, "%s: token gone" % what)
            check([s["status"] for s in listing(env) if s["id"] == sid] == ["active"],
                  "%s: not kept active" % what)
        harness.cli_ok(env, "revoke", provider, sid)  # the real answer ends it
    sid = harness.cli_ok(env, "create", "basistheory").strip()
    for f in ({"fault": "html", "status": 200}, {"fault": "answer", "status": 204, "text": ""},
              {"fault": "answer", "status": 200, "body": {"title": "Forbidden"}}):
        params = dict(f)
        fault = params.pop("fault")
        fake.fault("basistheory", fault, route="POST /sessions/authorize", count=1, **params)
        r = harness.cli(env, "authorize", "basistheory", sid, "--permission", "token:read")
        check(r.returncode == 3 and "unexpected answer to the authorize" in r.stderr
              and "authorized" not in r.stdout,
              "authorize %r: exit %d: %s%s" % (f, r.returncode, r.stdout, r.stderr))
        check([s["status"] for s in listing(env) if s["id"] == sid] == ["pending"],
              "authorize %r: shown authorized" % f)
    harness.cli_ok(env, "authorize", "basistheory", sid, "--permission", "token:read")
    check([s["status"] for s in listing(env) if s["id"] == sid] == ["active"], "not authorized")
    fake.stop()


def t_cbrain_401_confirmed(tmp, env):
    """One 401 does not end a CBRAIN login: GET /session is asked before it
    is forgotten (log out) or shown expired (refresh)."""
    fake, env, sid = made(tmp, "cbrain")
    token = secret_lookup(env, "cbrain", "api_token", sid)
    fake.fault("cbrain", "status", route="DELETE /session", count=1, status=401)
    r = harness.cli(env, "revoke", "cbrain", sid)
    check(r.returncode == 3, "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    check("yet says the login is alive" in r.stderr and "already ended" not in r.stdout,
          r.stdout + r.stderr)
    check(secret_lookup(env, "cbrain", "api_token", sid) == token, "its token was deleted")
    check([s["status"] for s in listing(env) if s["id"] == sid] == ["active"], "not kept")
    fake.fault("cbrain", "status", route="GET /session", count=1, status=401)
    r = harness.cli(env, "refresh", "cbrain", "--json")
    check(r.returncode == 0 and [s["status"] for s in json.loads(r.stdout)["sessions"]]
          == ["active"], "one 401 to the check: exit %d %s%s" % (r.returncode, r.stdout, r.stderr))
    gets = [q["method"] for q in requests(fake, "cbrain") if q["method"] == "GET"]
    check(len(gets) == 3, "GET /session asked %d times (1 for the log out, 2 for the check)"
          % len(gets))
    # refused twice: the login had ended; the log out says so and forgets it
    fake.fault("cbrain", "status", route="GET /session", count=2, status=401)
    r = harness.cli(env, "refresh", "cbrain", "--json")
    check([s["status"] for s in json.loads(r.stdout)["sessions"]] == ["expired"], r.stdout)
    end_elsewhere(fake, "cbrain", token)
    r = harness.cli(env, "revoke", "cbrain", sid)
    check(r.returncode == 0 and "had already ended at CBRAIN" in r.stdout, r.stdout + r.stderr)
    check(not secret_lookup(env, "cbrain", "api_token", sid), "token kept")
    fake.stop()


def t_cbrain_check_other_user(tmp, env):
    """A check answered about another user is an unexpected answer."""
    fake, env, sid = made(tmp, "cbrain")
    fake.fault("cbrain", "answer", route="GET /session", count=1,
               body={"user_id": 43, "cbrain_api_token": "other"})
    r = harness.cli(env, "refresh", "cbrain")
    check(r.returncode == 3 and "is about user 43, and the login is user 42's" in r.stderr,
          "exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    users = [s["user"] for s in listing(env) if s["id"] == sid]
    check(users == ["demo (user 42)"], "the row became %r" % users)
    fake.stop()


def t_broken_list_items(tmp, env):
    """A 2xx list whose items are not what the spec says (not objects, no
    string id) is an unexpected answer (exit 3), not "no sessions": users
    pages, sessions pages and account add's check alike."""
    fake, env = setup(tmp, ("clerk",))
    clerk_account(env, fake, "one user")  # user_id set: its sessions pages are read directly
    for route, body, said in (("GET /users", [1, 2], "users[0] is not a user"),
                              ("GET /users", [{"id": 5}], "users[0] is not a user"),
                              ("GET /sessions", [1, 2], "sessions[0] is not a session"),
                              ("GET /sessions", [{}], "sessions[0] is not a session")):
        account = "clerk" if route == "GET /users" else "one user"
        fake.fault("clerk", "answer", route=route, count=1, body=body)
        r = harness.cli(env, "sessions", "--account", account, "--json")
        what = "%s %r" % (route, body)
        check(r.returncode == 3, "%s: exit %d: %s%s" % (what, r.returncode, r.stdout, r.stderr))
        doc = json.loads(r.stdout)
        check(doc["errors"] and said in doc["errors"][0]["error"], "%s: %r" % (what, doc))
        fake.clear_faults()
    # account add's check: such an answer, an HTML page or a redirect is not
    # "the key was refused": what came is said, exit 3, nothing saved
    for fault, params, said in (
            ("answer", {"body": [1]}, "users[0] is not a user"),
            ("html", {"status": 200}, "HTTP 200 from Clerk: body is not JSON (<html>"),
            ("answer", {"status": 302, "headers": {"Location": "https://sso.example/login"}},
             "HTTP 302 from Clerk: redirect to https://sso.example/login not followed")):
        fake.fault("clerk", fault, route="GET /users", count=1, **params)
        r = harness.cli(env, "account", "add", "clerk", "--label", "Broken", "--base-url",
                        fake.url("clerk"), stdin="sk_test_fake\n")
        check(r.returncode == 3 and "Broken: could not check the Secret key" in r.stderr
              and said in r.stderr and "was refused" not in r.stderr,
              "add, %s: exit %d: %s" % (fault, r.returncode, r.stderr))
        check("broken" not in harness.cli_ok(env, "account", "list"), "saved")
    fake.stop()


# ---- 6. exit statuses ----

def t_unexpected_answers_exit_3(tmp, env):
    fake, env = setup(tmp, ("clerk",))
    fake.fault("clerk", "answer", route="GET /users", status=302,
               headers={"Location": "https://login.example.com/sso?token=s3cret#frag"})
    r = harness.cli(env, "sessions", "--account", "clerk")
    check(r.returncode == 3, "302: exit %d: %s" % (r.returncode, r.stderr))
    check("HTTP 302 from Clerk: redirect to https://login.example.com/sso... not followed"
          in r.stderr and "s3cret" not in r.stderr, r.stderr)
    fake.clear_faults()
    fake.fault("clerk", "answer", route="GET /users", text="<html><body>Welcome</body></html>")
    r = harness.cli(env, "sessions", "--account", "clerk")
    check(r.returncode == 3 and "HTTP 200 from Clerk: body is not JSON" in r.stderr,
          "HTML 200: exit %d: %s" % (r.returncode, r.stderr))
    fake.stop()


# ---- 7. create checks the state file first ----

def t_create_checks_state_first(tmp, env):
    fake, env = setup(tmp, ("plantly",))
    blocker = os.path.join(tmp, "not-a-dir")
    open(blocker, "w").close()
    cases = {
        "a state dir that cannot be made": dict(env, SESAME_STATE_DIR=os.path.join(blocker, "s")),
        "a state file that is a directory": dict(env, SESAME_STATE_DIR=os.path.join(tmp, "st2")),
        "a malformed state file": dict(env, SESAME_STATE_DIR=os.path.join(tmp, "st3")),
    }
    os.makedirs(os.path.join(tmp, "st2", "sessions.state"))
    os.makedirs(os.path.join(tmp, "st3"))
    open(os.path.join(tmp, "st3", "sessions.state"), "w").write("[oops\n")
    for what, e in cases.items():
        fake.control("POST", "/_fake/requests/clear", {})
        r = harness.cli(e, "create", "plantly")
        check(r.returncode == 6, "%s: exit %d: %s" % (what, r.returncode, r.stderr))
        check("nothing was sent to Plantly" in r.stderr, "%s: %s" % (what, r.stderr))
        check(not requests(fake, "plantly"), "%s: a request went out" % what)
    fake.stop()


def t_create_untrackable_is_ended(tmp, env):
    """The state file fails after the check (the disk filled up meanwhile):
    a login is logged out again; a session that cannot be ended is said to
    be left live, and its keys go."""
    fake, env = setup(tmp, ("plantly", "basistheory"))
    state = os.path.join(tmp, "state")
    for provider, route, said in (
            ("plantly", "POST /auth/sessions", "so it was logged out again"),
            ("basistheory", "POST /sessions", "Basis Theory has no way to end it: it stays "
                                              "valid there until it expires in")):
        shutil.rmtree(state, ignore_errors=True)
        os.makedirs(state)
        fake.control("POST", "/_fake/requests/clear", {})
        fake.fault(provider, "latency", route=route, count=1, ms=1500)

        def break_state():
            time.sleep(0.7)
            shutil.rmtree(state)
            open(state, "w").close()  # the state dir is now a file: every write fails
        th = threading.Thread(target=break_state)
        th.start()
        r = harness.cli(env, "create", provider)
        th.join()
        check(r.returncode == 6, "%s: exit %d: %s" % (provider, r.returncode, r.stderr))
        check(said in r.stderr, "%s: %s" % (provider, r.stderr))
        os.remove(state)
        if provider == "plantly":
            methods = [q["method"] for q in requests(fake, "plantly")]
            check(methods == ["POST", "DELETE", "PUT"] or methods[:2] == ["POST", "DELETE"],
                  "plantly requests %r" % methods)
        r = harness.cli(env, "sessions", "--json")
        check(json.loads(r.stdout)["sessions"] == [], "a session is tracked: " + r.stdout)
    out = harness.cli(env, "sessions").stdout
    check("no sessions" in out, out)
    fake.stop()


# ---- 8. an Apideck URL that is not http(s) ----

def t_vault_odd_url_kept(tmp, env):
    fake, env = setup(tmp, ("apideck",))
    fake.fault("apideck", "answer", route="POST /vault/sessions", count=1,
               body={"status_code": 200, "status": "OK",
                     "data": {"session_uri": "javascript:alert(1)", "session_token": "tok-123"}})
    r = harness.cli(env, "create", "apideck", "--json")
    check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr))
    s = json.loads(r.stdout)["sessions"][0]
    check(s["tracked"] and not s["has_url"], repr(s))
    check("not an http(s) URL" in r.stderr and "will not open it" in r.stderr, r.stderr)
    check([x["id"] for x in listing(env)] == [s["id"]], "not listed")
    r = harness.cli(dict(env, BROWSER="/bin/echo %s"), "open", "apideck", s["id"])
    check(r.returncode == 2 and "not an http(s) URL: not opened" in r.stderr,
          "open: exit %d: %s%s" % (r.returncode, r.stdout, r.stderr))
    r = harness.cli(env, "open", "apideck", s["id"], "--print")
    check(r.returncode == 0 and r.stdout.strip() == "javascript:alert(1)", r.stdout + r.stderr)
    fake.stop()


TESTS = [t_status_every_clerk_status, t_status_tracked, t_default_order,
         t_revoke_answer_checked, t_already_gone, t_plantly_logout_renews_first,
         t_plantly_refresh_refused, t_plantly_refresh_answer_lost, t_undocumented_success_kept,
         t_cbrain_401_confirmed,
         t_cbrain_check_other_user, t_broken_list_items, t_unexpected_answers_exit_3, t_create_checks_state_first,
         t_create_untrackable_is_ended, t_create_id_collision, t_vault_odd_url_kept]

if __name__ == "__main__":
    sys.exit(harness.main(TESTS))
