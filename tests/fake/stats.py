"""Request counts the tests read through GET /_fake/stats.

  {"requests": {provider: n}, "total": n, "in_flight": n, "max_concurrent": n,
   "connections": n,
   "providers": {provider: {"requests": n, "by_status": {"200": n, "429": n, ...},
                            "by_route": {"GET /users": n, "POST /sessions/*/revoke": n, ...},
                            "rate_limited": n}}}

by_status counts the answers sent (a hang or reset sends none);
rate_limited the 429s a configured limit sent (limits.py), not injected
ones. POST /_fake/stats/clear zeroes the counts; in_flight stays true."""

import collections
import re
import threading

# A path segment that names one thing rather than a collection: it has a
# digit or an underscore (Clerk, Basis Theory, CBRAIN ids), or is long
# (tokens). /users/count, /users/me, /tokens/hasura stay as they are.
ID_SEGMENT = re.compile(r"[0-9_]|^.{20,}$")


def route_of(method, subpath):
    """'GET /sessions/*/tokens/hasura' for GET /sessions/sess_2abc/tokens/hasura."""
    segs = ["*" if ID_SEGMENT.search(s) else s for s in subpath.split("/") if s]
    return "%s /%s" % (method, "/".join(segs))


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.clear()

    def clear(self):
        with self.lock:
            self.requests = collections.Counter()
            self.by_status = collections.defaultdict(collections.Counter)
            self.by_route = collections.defaultdict(collections.Counter)
            self.rate_limited = collections.Counter()
            self.max_concurrent = self.in_flight
            self.connections = 0

    def connection(self):
        with self.lock:
            self.connections += 1

    def request(self, provider, method, subpath):
        with self.lock:
            self.requests[provider] += 1
            self.by_route[provider][route_of(method, subpath)] += 1

    def answered(self, provider, status):
        with self.lock:
            self.by_status[provider][str(status)] += 1

    def limited(self, provider):
        with self.lock:
            self.rate_limited[provider] += 1

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.max_concurrent = max(self.max_concurrent, self.in_flight)

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def snapshot(self):
        with self.lock:
            providers = {p: {"requests": n, "by_status": dict(self.by_status[p]),
                             "by_route": dict(self.by_route[p]),
                             "rate_limited": self.rate_limited[p]}
                         for p, n in self.requests.items()}
            return {"requests": dict(self.requests), "total": sum(self.requests.values()),
                    "in_flight": self.in_flight, "max_concurrent": self.max_concurrent,
                    "connections": self.connections, "providers": providers}
