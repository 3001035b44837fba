"""Shared pieces of the fake providers: requests, responses, JWT-looking
tokens, time formats. Standard library only."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import secrets
import time

JSON = "application/json; charset=utf-8"


class Req:
    """One received request, already read and split."""

    __slots__ = ("method", "path", "subpath", "raw_query", "query", "headers",
                 "header_list", "body", "client_ip", "provider")

    def __init__(self, method, path, subpath, raw_query, query, headers,
                 header_list, body, client_ip, provider):
        self.method = method
        self.path = path            # full path, without the query
        self.subpath = subpath      # path after the provider prefix ("/sessions")
        self.raw_query = raw_query
        self.query = query          # dict name -> [values] (blank values kept)
        self.headers = headers      # dict lower-case name -> last value
        self.header_list = header_list  # [(name, value)] as received
        self.body = body            # bytes
        self.client_ip = client_ip
        self.provider = provider

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def q1(self, name, default=None):
        """First value of a query parameter (or name[]), or default."""
        v = self.query.get(name)
        if v is None:
            v = self.query.get(name + "[]")
        return v[0] if v else default

    def qall(self, name):
        return list(self.query.get(name, [])) + list(self.query.get(name + "[]", []))

    def content_type(self):
        ct = self.headers.get("content-type", "")
        return ct.split(";", 1)[0].strip().lower()

    def bearer(self):
        """The token of 'Authorization: Bearer <token>', or None."""
        auth = self.headers.get("authorization")
        if not auth:
            return None
        parts = auth.split(None, 1)
        if len(parts) == 2 and parts[0].lower() == "bearer":
            return parts[1].strip()
        return None

    def json_body(self):
        """(ok, value): ok False when the body is not valid UTF-8 JSON."""
        try:
            return True, json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return False, None


class Resp:
    """What a route answers. `obj` keeps the JSON value (for the escape fault);
    `delay` is slept before answering, outside every lock."""

    __slots__ = ("status", "body", "ctype", "headers", "obj", "delay", "close")

    def __init__(self, status, body=b"", ctype=None, headers=None, obj=None,
                 delay=0.0, close=False):
        self.status = status
        self.body = body
        self.ctype = ctype
        self.headers = headers or []
        self.obj = obj
        self.delay = delay
        self.close = close


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def json_resp(status, obj, headers=None):
    return Resp(status, dumps(obj).encode("utf-8"), JSON, headers, obj=obj)


def raw_json_resp(status, body_bytes, headers=None):
    """A JSON answer whose bytes are already serialized (cached pages)."""
    return Resp(status, body_bytes, JSON, headers, obj=None)


def empty(status, ctype=None, headers=None):
    return Resp(status, b"", ctype, headers)


def html(status, title, text, headers=None):
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>"
            "<body><h1>%s</h1><p>%s</p></body></html>\n" % (title, title, text))
    return Resp(status, page.encode("utf-8"), "text/html; charset=utf-8", headers)


# ---------------------------------------------------------------- ids, time

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(s):
    s = s + "=" * (-len(s) % 4)
    return base64.urlsafe_b64decode(s.encode("ascii"))


_B62_DROP = bytes.maketrans(b"", b"")


def b62ish(data, n):
    """n base62-looking characters from bytes (base64 minus + / =)."""
    s = base64.b64encode(data).translate(_B62_DROP, b"+/=").decode("ascii")
    while len(s) < n:
        s += s
    return s[:n]


def rand_b62(n):
    return b62ish(secrets.token_bytes(n), n)


def digest(*parts, size=32):
    h = hashlib.blake2b(digest_size=size)
    h.update("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.digest()


def now_ms():
    return int(time.time() * 1000)


def iso8601_7(ts):
    """'2023-01-09T20:14:55.2130891+00:00' (the Basis Theory docs format)."""
    dt = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    frac = int(round((ts - int(ts)) * 10_000_000)) % 10_000_000
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%07d+00:00" % frac


def parse_iso8601(s):
    """Unix seconds from an ISO 8601 date-time, or None. Accepts 'Z', offsets
    and 1..9 fraction digits."""
    if not isinstance(s, str) or len(s) < 19:
        return None
    t = s.strip()
    if t.endswith("Z") or t.endswith("z"):
        t = t[:-1] + "+00:00"
    # Python 3.11 fromisoformat handles up to 6 fraction digits reliably:
    # trim longer fractions.
    main, sep, rest = t.partition(".")
    if sep:
        digits = ""
        i = 0
        while i < len(rest) and rest[i].isdigit():
            digits += rest[i]
            i += 1
        if not digits:
            return None
        t = main + "." + (digits[:6]).ljust(6, "0") + rest[i:]
    try:
        dt = datetime.datetime.fromisoformat(t)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


# ---------------------------------------------------------------- JWTs

SIGNING_KEY = os.urandom(32)


def make_jwt(header, payload, sig_len=256):
    """header.payload.signature, base64url; the signature is an HMAC of the
    first two parts stretched to sig_len bytes so it looks like RS256/ES512."""
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = (h + "." + p).encode("ascii")
    sig = b""
    counter = 0
    while len(sig) < sig_len:
        sig += hmac.new(SIGNING_KEY, signing_input + bytes([counter]), hashlib.sha256).digest()
        counter += 1
    return h + "." + p + "." + b64url(sig[:sig_len])


def check_jwt(token):
    """The payload dict of a JWT this process signed, or None."""
    if not isinstance(token, str):
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        sig = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    again = make_jwt(header, payload, len(sig)).split(".")[2]
    if not hmac.compare_digest(again, parts[2]):
        return None
    return payload


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)
