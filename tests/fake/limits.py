"""Rate limits of the fake providers, set by /_fake/config (and the command
line's --clerk-rate-limit):

  clerk_rate_limit {"requests": R, "window_ms": W}: a sliding window of R
      requests per W ms over every Clerk Backend API request (any route,
      any key; GET /jwks is exempt); past it 429 ClerkErrors with
      Retry-After (whole seconds until a slot frees, at least 1).
  bt_rate_limit {"requests": R, "window_ms": W}: the same over every Basis
      Theory request; past it 429 ProblemDetails "Request has been rate
      limited", no headers (none are documented).
  apideck_downstream_ratelimit {"limit": L, "window_ms": W}: a fixed window
      of L Vault API requests, each answer carrying x-downstream-ratelimit-
      limit, -remaining and -reset (seconds until the window resets); past
      it 429 RequestLimitError with those headers.

null turns a limit off. A refused request takes no slot. Each limiter is
one lock and a deque of admission times: exact however many threads ask."""

import collections
import math
import re
import threading
import time

import apideck
import basistheory
import clerk

FIELDS = {"clerk_rate_limit": ("requests", "window_ms"),
          "bt_rate_limit": ("requests", "window_ms"),
          "apideck_downstream_ratelimit": ("limit", "window_ms")}


class SlidingWindow:
    """At most `requests` admissions in any window of `window_ms`."""

    def __init__(self, requests, window_ms):
        self.requests = requests
        self.window = window_ms / 1000.0
        self.admitted = collections.deque()   # monotonic times, oldest first
        self.lock = threading.Lock()

    def take(self):
        """0 if admitted now, else the whole seconds (>= 1) until a slot frees."""
        with self.lock:
            now = time.monotonic()
            while self.admitted and self.admitted[0] <= now - self.window:
                self.admitted.popleft()
            if len(self.admitted) < self.requests:
                self.admitted.append(now)
                return 0
            return max(1, math.ceil(self.admitted[0] + self.window - now))


class FixedWindow:
    """At most `limit` admissions per window; a window begins with the
    first request after the previous one ended."""

    def __init__(self, limit, window_ms):
        self.limit = limit
        self.window = window_ms / 1000.0
        self.start = None
        self.used = 0
        self.lock = threading.Lock()

    def take(self):
        """(admitted, remaining, seconds until the window resets)."""
        with self.lock:
            now = time.monotonic()
            if self.start is None or now >= self.start + self.window:
                self.start, self.used = now, 0
            reset = max(1, math.ceil(self.start + self.window - now))
            if self.used >= self.limit:
                return False, 0, reset
            self.used += 1
            return True, self.limit - self.used, reset


def check(key, value):
    """Raise ValueError unless value is a valid setting of limit `key`."""
    if value is None:
        return
    names = FIELDS[key]
    if (not isinstance(value, dict) or set(value) != set(names)
            or not all(isinstance(value[n], int) and not isinstance(value[n], bool)
                       and value[n] >= 1 for n in names)):
        raise ValueError("config %s must be null or {%s} with integers >= 1"
                         % (key, ", ".join('"%s": N' % n for n in names)))


def parse_cli(text):
    """--clerk-rate-limit "R/W" (W with a unit: 10s, 500ms, 1m) or "off"
    -> the clerk_rate_limit setting."""
    if text.strip().lower() == "off":
        return None
    m = re.match(r"^\s*(\d+)\s*/\s*(\d+)\s*(ms|s|m)\s*$", text)
    if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
        raise ValueError("rate limit must be R/W such as 100/10s, 10/1s, 50/500ms, or off")
    unit = {"ms": 1, "s": 1000, "m": 60_000}[m.group(3)]
    return {"requests": int(m.group(1)), "window_ms": int(m.group(2)) * unit}


class Limits:
    def __init__(self):
        self.settings = {}
        self.clerk = self.bt = self.apideck = None

    def restart(self, config):
        """Take the limits of a config, every window empty."""
        self.settings = {}
        self.clerk = self.bt = self.apideck = None
        self.configure(config)

    def configure(self, config):
        """Take the limits of a config; a limit whose setting changed starts
        afresh, the others keep their windows."""
        new = {k: config.get(k) for k in FIELDS}
        if new == self.settings:
            return
        old, self.settings = self.settings, new

        def make(key, cls, current):
            s = new[key]
            if s == old.get(key):
                return current
            return cls(*(s[n] for n in FIELDS[key])) if s else None
        self.clerk = make("clerk_rate_limit", SlidingWindow, self.clerk)
        self.bt = make("bt_rate_limit", SlidingWindow, self.bt)
        self.apideck = make("apideck_downstream_ratelimit", FixedWindow, self.apideck)

    def admit(self, req):
        """(None, headers to add to the answer) if the request may go on,
        else (the provider's 429 answer, [])."""
        if req.provider == "clerk":
            lim = self.clerk
            if lim and req.subpath.rstrip("/") != "/jwks":
                wait = lim.take()
                if wait:
                    return clerk.too_many_requests(wait), []
        elif req.provider == "basistheory":
            lim = self.bt
            if lim and lim.take():
                return basistheory.rate_limited(), []
        elif req.provider == "apideck":
            lim = self.apideck
            if lim and not req.subpath.startswith("/vault-ui/"):
                ok, remaining, reset = lim.take()
                headers = [("x-downstream-ratelimit-limit", str(lim.limit)),
                           ("x-downstream-ratelimit-remaining", str(remaining)),
                           ("x-downstream-ratelimit-reset", str(reset))]
                if not ok:
                    return apideck.rate_limited(headers), []
                return None, headers
        return None, []
