#!/usr/bin/python3
"""What the two halves of the fault matrix share: the providers and the
accounts made for them (each with a "<label> TLS" twin behind https with no
CA named), the faults and what each calls for, the fake with its control
API, and the checks on files and terminal output.

    tests/faults/matrix.py     the headless commands
    tests/faults/dashboard.py  the dashboard in a pty
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

TIMEOUT_S = 4          # sesame --timeout: a hang ends after this
SECRETS = ["sk_test_fake", "key_public_fake", "key_private_fake", "plantly-pass",
           "cbrain-pass", "apideck-fake-key"]

# provider -> (label, add-args, secrets on stdin, the headless operation, route)
PROVIDERS = {
    "clerk": ("Clerk", ["--set", "user_id=user_0001"], "sk_test_fake\n",
              ["sessions", "--account", "Clerk"], "GET /sessions"),
    "basistheory": ("BT", [], "key_public_fake\nkey_private_fake\n",
                    ["create", "BT"], "POST /sessions"),
    "plantly": ("Plantly", ["--set", "email_address=demo@plantly.test"], "plantly-pass\n",
                ["create", "Plantly"], "POST /auth/sessions"),
    "cbrain": ("CBRAIN", ["--set", "login=demo"], "cbrain-pass\n",
               ["create", "CBRAIN"], "POST /session"),
    "apideck": ("Vault", ["--set", "app_id=fake-app", "--set", "consumer_id=acme"],
                "apideck-fake-key\n", ["create", "Vault"], "POST /vault/sessions"),
}
IDEMPOTENT = {"clerk"}   # the matrix's operation is a GET only for Clerk

# fault name -> (fault spec, expected exit code for idempotent op, for a login/create)
FAULTS = {
    "latency": ({"fault": "latency", "ms": 300}, 0, 0),
    "hang": ({"fault": "hang"}, 4, 4),
    "reset": ({"fault": "reset", "count": 1}, 0, 4),
    "429": ({"fault": "status", "status": 429, "retry_after": 1, "count": 1}, 0, 0),
    "500": ({"fault": "status", "status": 500}, 4, 4),
    "502": ({"fault": "status", "status": 502}, 4, 4),
    "503": ({"fault": "status", "status": 503}, 4, 4),
    "malformed": ({"fault": "malformed"}, 3, 3),  # an answer, not the documented JSON
    "truncated": ({"fault": "truncated"}, 4, 4),
    "50MB": ({"fault": "huge", "mb": 50}, 3, 3),  # an answer, larger than any documented
    "html": ({"fault": "html", "status": 502}, 4, 4),
    "escape": ({"fault": "escape"}, 0, 0),
    "tls": (None, 4, 4),
}


def control(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read()


def dir_digest(d):
    """{relative path: sha256} of every regular file below d, but the
    journal (it records a failure too, as it should) and the places seen
    per user (a listing teaches them): records, not state a failure may
    not touch."""
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            if ".lock" in f or ".tmp." in f or f.startswith("journal.jsonl"):
                continue
            if os.path.basename(root) == "seen":
                continue
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def has_terminal_junk(b):
    if b"\x1b" in b or b"\xc2\x9b" in b:
        return True
    try:
        b.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class Rig:
    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.tmp = tempfile.mkdtemp(prefix="sesame-faults.")
        self.env = dict(os.environ)
        self.env["SESAME_CONFIG_DIR"] = os.path.join(self.tmp, "config")
        self.env["SESAME_STATE_DIR"] = os.path.join(self.tmp, "state")
        self.env["NO_PROXY"] = "127.0.0.1,localhost"
        self.env.pop("http_proxy", None)
        self.env.pop("https_proxy", None)
        self.fake = None
        self.tls_dir = os.path.join(self.tmp, "tls")

    def start_fake(self):
        os.makedirs(self.tls_dir)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", os.path.join(self.tls_dir, "key.pem"),
                        "-out", os.path.join(self.tls_dir, "cert.pem")],
                       check=True, capture_output=True)
        port_file = os.path.join(self.tmp, "port")
        self.fake = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(ROOT, "tests", "fake", "fake.py"), "--port", "0",
             "--port-file", port_file, "--tls-cert", os.path.join(self.tls_dir, "cert.pem"),
             "--tls-key", os.path.join(self.tls_dir, "key.pem")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                lines = open(port_file).read().split()
                if len(lines) >= 2:
                    break
            time.sleep(0.05)
        self.base = "http://127.0.0.1:%s" % lines[0]
        self.tls_base = "https://127.0.0.1:%s" % lines[1]

    def stop(self):
        if self.fake:
            self.fake.terminate()
            self.fake.wait(10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def sesame(self, args, stdin="", timeout=60):
        t0 = time.monotonic()
        p = subprocess.run([self.binary, "--timeout", str(TIMEOUT_S)] + args, input=stdin.encode(),
                           capture_output=True, env=self.env, timeout=timeout)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - t0

    def url(self, provider, tls=False):
        suffix = "/clerk/v1" if provider == "clerk" else "/" + provider
        return (self.tls_base if tls else self.base) + suffix

    def add_accounts(self, fields=None):
        """Every provider's account and its TLS twin; fields: provider ->
        add-args in place of PROVIDERS' own."""
        for prov, (label, extra, secrets, _, _) in PROVIDERS.items():
            extra = (fields or {}).get(prov, extra)
            # faults, not pacing: the matrix asks more of Basis Theory in a minute
            # than its default budget (25/1m) lets go
            extra = extra + ["--set", "rate_limit=off"]
            rc, _, err, _ = self.sesame(["account", "add", prov, "--label", label,
                                         "--base-url", self.url(prov)] + extra, stdin=secrets)
            if rc != 0:
                raise SystemExit("cannot add %s: %s" % (prov, err.decode(errors="replace")))
            # the same provider behind TLS with no CA named: refused
            rc, _, err, _ = self.sesame(["account", "add", prov, "--label", label + " TLS",
                                         "--base-url", self.url(prov, tls=True), "--no-check"]
                                        + extra,
                                        stdin=secrets)
            if rc != 0:
                raise SystemExit("cannot add %s TLS: %s" % (prov, err.decode(errors="replace")))




def secrets_in(dirs):
    """Problems: a secret in a file below one of dirs."""
    problems = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in files:
                data = open(os.path.join(root, f), "rb").read()
                for s in SECRETS:
                    if s.encode() in data:
                        problems.append("secret %s in %s" % (s[:6], f))
    return problems
