"""Fault injection: which requests a fault hits, and the bodies faults send.

A fault is {"provider", "route" (optional), "fault", "count" (optional),
parameters...}. route is "METHOD /path" after the provider prefix; METHOD
may be "*", a path segment "*" matches one segment, a final "**" matches the
rest; without a method the pattern matches any method."""

import json
import re
import threading

KINDS = ("latency", "hang", "reset", "status", "malformed", "truncated", "huge", "html", "escape",
         "answer")
PROVIDERS = ("clerk", "basistheory", "plantly", "cbrain", "apideck", "echo", "*")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*")

# Injected into string fields by the "escape" fault: OSC 52 (clipboard
# write), clear screen, SGR, an 8-bit CSI, a bidi override, CR/LF/TAB, NUL,
# and a marker that becomes invalid UTF-8 bytes in the raw body.
BAD_UTF8_MARK = "@@BADUTF8@@"
BAD_UTF8_BYTES = b"\xff\xfe\xc0\xaf\xed\xa0\x80"
ESC_PREFIX = "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\x1b[H"
ESC_SUFFIX = "\x1b[31;1m\u009b6n\u202e" + BAD_UTF8_MARK + "\r\n\t\x1bP1$r\x1b\\\x00tail"
PROTECTED_KEYS = {"id", "object", "status", "type", "token_type", "code", "jwt", "access_token",
                  "refresh_token", "session_key", "nonce", "cbrain_api_token", "session_token",
                  "session_uri", "expires_at", "type_name"}

HTML_PAGE = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
             b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
             b"</body>\r\n</html>\r\n")
MALFORMED = b'{"object":"session","id":"sess_malformed","status":active,,"data":[{"x":1]'


class FaultError(ValueError):
    pass


def _compile_route(route):
    """(method or None, compiled path regex or None)."""
    if route is None:
        return None, None
    if not isinstance(route, str) or not route.strip():
        raise FaultError("route must be a non-empty string such as 'GET /sessions'")
    parts = route.strip().split(None, 1)
    if len(parts) == 2:
        method, path = parts[0].upper(), parts[1]
    elif parts[0].startswith("/"):
        method, path = None, parts[0]
    else:
        method, path = parts[0].upper(), "/**"
    if method is not None and method not in METHODS:
        raise FaultError("unknown method in route: %s" % method)
    if method == "*":
        method = None
    segs = path.strip("/").split("/") if path.strip("/") else []
    rx = ""
    for i, seg in enumerate(segs):
        if seg == "**" and i == len(segs) - 1:
            rx += "(/.*)?"
        elif seg == "*":
            rx += "/[^/]+"
        else:
            rx += "/" + re.escape(seg)
    return method, re.compile("^" + (rx or "/?") + "/?$")


class Fault:
    def __init__(self, fid, spec):
        if not isinstance(spec, dict):
            raise FaultError("body must be a JSON object")
        self.id = fid
        self.spec = dict(spec)
        self.provider = spec.get("provider")
        if self.provider not in PROVIDERS:
            raise FaultError("provider must be one of %s" % ", ".join(PROVIDERS))
        self.kind = spec.get("fault")
        if self.kind not in KINDS:
            raise FaultError("fault must be one of %s" % ", ".join(KINDS))
        self.method, self.path_rx = _compile_route(spec.get("route"))
        count = spec.get("count")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
            raise FaultError("count must be a positive integer")
        self.remaining = count
        self.hits = 0
        self._check_params()

    def _num(self, name, default, lo, hi):
        v = self.spec.get(name, default)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise FaultError("%s must be a number between %s and %s" % (name, lo, hi))
        return v

    def _check_params(self):
        k = self.kind
        if k == "latency":
            if "ms" not in self.spec:
                raise FaultError("latency needs ms")
            self.ms = self._num("ms", 0, 0, 600_000)
        if k == "hang":
            self.max_s = self._num("max_s", 600, 0, 3600)
        if k == "status":
            if "status" not in self.spec:
                raise FaultError("status fault needs status")
            self.status = int(self._num("status", 0, 100, 599))
        elif k in ("malformed", "html"):
            self.status = int(self._num("status", 200, 100, 599))
        elif k in ("truncated", "huge", "escape"):
            self.status = int(self._num("status", 0, 0, 599)) or None
        if "retry_after" in self.spec:
            ra = self.spec["retry_after"]
            if isinstance(ra, bool) or not isinstance(ra, (int, float, str)):
                raise FaultError("retry_after must be seconds (number) or an HTTP date string")
        if k == "huge":
            self.mb = self._num("mb", 10, 0, 4096)
        if k == "answer":
            self._check_answer()
        if k == "truncated":
            self.send_fraction = self._num("fraction", 0.5, 0.0, 0.999)

    def _check_answer(self):
        """answer: {status (200), body (any JSON) or text (a string, sent as
        it is), headers ({name: value})}: that exact answer, the request
        not processed."""
        self.status = int(self._num("status", 200, 100, 599))
        if "body" in self.spec and "text" in self.spec:
            raise FaultError("answer takes body (JSON) or text, not both")
        if "text" in self.spec and not isinstance(self.spec["text"], str):
            raise FaultError("text must be a string")
        headers = self.spec.get("headers", {})
        if not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            raise FaultError("headers must be an object of strings")
        self.headers = list(headers.items())

    def matches(self, provider, method, subpath):
        if self.provider != "*" and self.provider != provider:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path_rx is not None and not self.path_rx.match(subpath):
            return False
        return True

    def describe(self):
        d = dict(self.spec)
        d["id"] = self.id
        d["remaining"] = self.remaining
        d["hits"] = self.hits
        return d


class FaultTable:
    def __init__(self):
        self.lock = threading.Lock()
        self.faults = []
        self.next_id = 1

    def add(self, spec):
        with self.lock:
            f = Fault(self.next_id, spec)
            self.next_id += 1
            self.faults.append(f)
            return f

    def clear(self):
        with self.lock:
            self.faults = []

    def list(self):
        with self.lock:
            return [f.describe() for f in self.faults]

    def _consume(self, f):
        f.hits += 1
        if f.remaining is not None:
            f.remaining -= 1
            if f.remaining <= 0:
                self.faults.remove(f)

    def take(self, provider, method, subpath):
        """(latency seconds summed over matching latency faults, the first
        matching other fault or None). Counts are consumed."""
        delay = 0.0
        other = None
        with self.lock:
            for f in list(self.faults):
                if not f.matches(provider, method, subpath):
                    continue
                if f.kind == "latency":
                    delay += f.ms / 1000.0
                    self._consume(f)
                elif other is None:
                    other = f
                    self._consume(f)
        return delay, other


# ---------------------------------------------------------------- bodies

def retry_after_headers(fault):
    ra = fault.spec.get("retry_after")
    if ra is None:
        return []
    if isinstance(ra, float) and ra.is_integer():
        ra = int(ra)
    return [("Retry-After", str(ra))]


def poison(value, key=None):
    if isinstance(value, dict):
        return {k: poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, key) for v in value]
    if isinstance(value, str):
        if key in PROTECTED_KEYS or (key or "").endswith("_id"):
            return value
        return ESC_PREFIX + value + ESC_SUFFIX
    return value


def escape_body(obj):
    """The poisoned JSON body as bytes (valid JSON syntax, invalid UTF-8)."""
    text = json.dumps(poison(obj), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8").replace(BAD_UTF8_MARK.encode(), BAD_UTF8_BYTES)


def huge_plan(obj, mb):
    """(head bytes, repeated unit bytes, repeat count, tail bytes): a valid
    JSON document of about mb megabytes, built by the caller piece by piece."""
    target = int(mb * 1024 * 1024)
    if isinstance(obj, list) and obj:
        unit = (json.dumps(obj[0], ensure_ascii=False, separators=(",", ":")) + ",").encode()
        head, tail = b"[", json.dumps(obj[0], ensure_ascii=False, separators=(",", ":")).encode() + b"]"
    else:
        rest = b"}"
        if isinstance(obj, dict) and obj:
            rest = b"," + json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()[1:]
        unit = b"x" * 1024
        head, tail = b'{"padding":"', b'"' + rest
    count = max(0, (target - len(head) - len(tail)) // len(unit))
    return head, unit, count, tail
