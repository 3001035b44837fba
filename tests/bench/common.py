"""Shared pieces of `make bench`: the fake providers, a sesame environment of
its own per scenario (config, state, the private keyring of
tests/with-keyring.sh), accounts added through the headless CLI, and
statistics."""

import json
import os
import statistics
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
FAKE = os.path.join(TOP, "tests", "fake", "fake.py")
PYTHON = "/usr/bin/python3"


class Fake:
    """tests/fake/fake.py on a free loopback port; without a Clerk rate limit
    unless args name one (most figures measure sesame's own speed)."""

    def __init__(self, tmp, name, args=()):
        if "--clerk-rate-limit" not in args:
            args = list(args) + ["--clerk-rate-limit", "off"]
        self.port_file = os.path.join(tmp, "fake-%s.port" % name)
        self.log = open(os.path.join(tmp, "fake-%s.log" % name), "ab")
        self.proc = subprocess.Popen([PYTHON, FAKE, "--port", "0", "--port-file", self.port_file,
                                      *args], stdout=self.log, stderr=self.log)
        end = time.time() + 30
        while not (os.path.exists(self.port_file) and os.path.getsize(self.port_file)):
            if time.time() > end or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("the fake (%s) did not start" % name)
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read().split()[0])
        self.base = "http://127.0.0.1:%d" % self.port

    def url(self, provider):
        return self.base + ("/clerk/v1" if provider == "clerk" else "/" + provider)

    def control(self, method, path, body=None, timeout=30):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def fault(self, provider, fault, **params):
        return self.control("POST", "/_fake/fault", {"provider": provider, "fault": fault,
                                                     **params})

    def clear_faults(self):
        self.control("POST", "/_fake/faults/clear", {})

    def stats(self):
        return self.control("GET", "/_fake/stats")

    def warm_clerk(self):
        """Ask the fake for every Clerk session once, so that it has generated
        and serialised them (its first pass is several times slower than the
        next ones) and no figure measures the fake's warm-up."""
        hdr = {"Authorization": "Bearer sk_test_fake"}
        off = 0
        users = []
        while True:
            req = urllib.request.Request(self.url("clerk") + "/users?limit=500&offset=%d" % off,
                                         headers=hdr)
            with urllib.request.urlopen(req, timeout=60) as r:
                page = json.loads(r.read())
            users += [u["id"] for u in page]
            if len(page) < 500:
                break
            off += 500
        for u in users:
            req = urllib.request.Request(
                self.url("clerk") + "/sessions?user_id=%s&limit=500&offset=0&paginated=true" % u,
                headers=hdr)
            with urllib.request.urlopen(req, timeout=60) as r:
                r.read()
        return len(users)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def env_for(tmp, name):
    """An environment with config and state of its own under tmp/name, inside
    the private keyring that tests/with-keyring.sh set up."""
    root = os.path.join(tmp, name)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", root),
        "XDG_CONFIG_HOME": os.path.join(root, "config"),
        "XDG_STATE_HOME": os.path.join(root, "state"),
        "XDG_DATA_HOME": os.path.join(root, "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "NO_PROXY": "127.0.0.1,localhost,::1",
        "no_proxy": "127.0.0.1,localhost,::1",
    }
    for k in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "GNOME_KEYRING_CONTROL"):
        if k in os.environ:
            env[k] = os.environ[k]
    for d in ("config", "state", "data"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    return env


# The fake's credentials per provider: (secrets on stdin, --set fields).
CREDENTIALS = {
    "clerk": (["sk_test_fake"], {}),
    "basistheory": (["key_public_fake", "key_private_fake"], {}),
    "plantly": (["plantly-pass"], {"email_address": "demo@plantly.test"}),
    "cbrain": (["cbrain-pass"], {"login": "demo"}),
    "apideck": (["apideck-fake-key"], {"app_id": "fake-app", "consumer_id": "acme-corp"}),
}


def cli(binary, env, *args, stdin="", timeout=120):
    r = subprocess.run([binary, *args], input=stdin, env=env, capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("sesame %s: exit %d\n%s%s" % (" ".join(args), r.returncode,
                                                        r.stdout, r.stderr))
    return r.stdout


def add_account(binary, env, fake, provider, label, **extra):
    secrets, fields = CREDENTIALS[provider]
    fields = dict(fields, **extra)
    args = ["account", "add", provider, "--label", label, "--base-url", fake.url(provider)]
    for k, v in fields.items():
        args += ["--set", "%s=%s" % (k, v)]
    cli(binary, env, *args, stdin="".join(s + "\n" for s in secrets))


def add_five(binary, env, fake, clerk_fake=None, sessions=True):
    """One account of each provider (Clerk against clerk_fake if given), and
    for the providers without a remote list one session each, so that every
    account has something to show. Returns the labels."""
    labels = ["Clerk prod", "Basis Theory", "Plantly", "CBRAIN lab", "Apideck Vault"]
    add_account(binary, env, clerk_fake or fake, "clerk", labels[0])
    add_account(binary, env, fake, "basistheory", labels[1])
    add_account(binary, env, fake, "plantly", labels[2])
    add_account(binary, env, fake, "cbrain", labels[3])
    add_account(binary, env, fake, "apideck", labels[4])
    if sessions:
        for label in labels[1:]:
            cli(binary, env, "create", label)
    return labels


# ---- statistics ----

def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(xs):
    """{n, median, min, max, p10, p90} of a list of numbers."""
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "median": statistics.median(xs), "min": min(xs), "max": max(xs),
            "p10": percentile(xs, 10), "p90": percentile(xs, 90), "samples": list(xs)}
