#!/usr/bin/python3
"""The dashboard against what a file or a provider may hold: a CA file that
is a FIFO is refused at once, on the worker thread, without stalling the
other accounts or the way out (the form says why under the field); a
verify answer that carries the token it was given never shows it.

Usage: tests/with-keyring.sh /usr/bin/python3 tests/e2e/test_files_and_secrets.py ./sesame
(tests/e2e/run.sh runs it inside the private keyring). Prints "N passed, N failed" last.
"""

import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402
from test_dashboard_actions import (WAIT, select, sessions, settle, setup, start,  # noqa: E402
                                    wait_message)


def tls_fake(tmp):
    """The fake also over https, with a self-signed certificate for
    127.0.0.1 (the openssl CLI): (fake, https base, the certificate file)."""
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    fake = harness.Fake(tmp, ["--clerk-users", "2", "--clerk-sessions-per-user", "2",
                              "--tls-cert", cert, "--tls-key", key])
    with open(fake.port_file) as f:
        tls_port = int(f.read().split()[1])
    return fake, "https://127.0.0.1:%d" % tls_port, cert


def t_fifo_ca_file(tmp, env):
    """A Vault account whose CA file became a FIFO: n is refused at once
    (the old libcurl open waited for a writer forever, and every account's
    transfers with it), R still lists Clerk, the edit form says why, q
    leaves."""
    fake, https, cert = tls_fake(tmp)
    env = harness.keyring_env(tmp)
    harness.add_fake_account(env, fake, "clerk")
    ca = os.path.join(tmp, "ca.pem")
    shutil.copy(cert, ca)
    harness.cli_ok(env, "account", "add", "apideck", "--label", "apideck", "--base-url",
                   https + "/apideck", "--ca-file", ca, "--set", "app_id=fake-app", "--set",
                   "consumer_id=c1", stdin="apideck-fake-key\n")
    harness.cli_ok(env, "create", "apideck")  # over TLS, trusting that CA file
    os.remove(ca)
    os.mkfifo(ca)
    fake.control("POST", "/_fake/requests/clear", {})
    t = start(tmp, env, want=("Apideck Vault",))
    try:
        settle(t)
        t.key("down")  # the Vault account
        t.send("n")
        check(t.wait_for("New Apideck Vault session", WAIT), t.text())
        began = time.monotonic()
        t.key("enter")
        wait_message(t, "CA file cannot be read")
        t.send("L")  # the message line cuts it; the log has it whole
        check(t.wait_for("not a regular file", WAIT), t.text())
        t.key("esc")
        check(time.monotonic() - began < 5 * harness.SLOW, "the refusal took %.1f s"
              % (time.monotonic() - began))
        check(not fake.requests("apideck"), "a request went to Vault")
        # the other accounts go on: Clerk lists again at once
        before = fake.count("clerk")
        t.send("R")
        check(harness.wait_until(lambda: fake.count("clerk") > before, WAIT),
              "Clerk was not listed again")
        settle(t)
        # the edit form says why under the field
        t.send("e")
        check(t.wait_for("CA file", WAIT), t.text())
        t.key("enter")
        check(t.wait_for("not a regular file (a", WAIT), "edit form:\n" + t.text())
        t.key("esc")
        t.quit()
    finally:
        t.close()
        fake.stop()


SESSION = {"object": "session", "status": "active", "user_id": "u", "client_id": "c",
           "last_active_at": 1, "expire_at": 1, "abandon_at": 1, "updated_at": 1,
           "created_at": 1}


def t_verify_never_shows_the_token(tmp, env):
    """V on a Clerk session whose verify answer carries the token it was
    given (as the session's id, and split by a CR in a message): the
    dashboard shows [secret token], never the token, on screen or in what
    it wrote to the terminal."""
    fake, env = setup(tmp, ("clerk",))
    sid = [s for s in sessions(env, "clerk") if s["status"] == "active"][0]["id"]
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl"
    t = start(tmp, env)
    try:
        settle(t)
        for body, status, said in (
                (dict(SESSION, id=jwt), 200, "with session [secret token]"),
                ({"errors": [{"message": "m", "code": "c",
                              "long_message": "bad " + jwt[:20] + "\r" + jwt[20:].upper()}]},
                 400, "bad [secret token]")):
            fake.fault("clerk", "answer", route="POST /sessions/*/verify", count=1,
                       status=status, body=body)
            select(t, sid)
            t.send(":verify\r")  # no key of its own: deprecated by Clerk
            check(t.wait_for("Verify a token of session", WAIT), t.text())
            t.send(jwt)
            t.key("enter")
            wait_message(t, said)
            t.key("esc")
        shown = t.output().decode("utf-8", "replace")
        for part in (jwt, jwt[:20], jwt[20:].upper()):
            check(part not in shown, "%r was written to the terminal" % part)
        t.quit()
    finally:
        t.close()
        fake.stop()


TESTS = [t_fifo_ca_file, t_verify_never_shows_the_token]

if __name__ == "__main__":
    sys.exit(harness.main(TESTS))
