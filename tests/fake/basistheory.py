"""Basis Theory sessions (specs/basistheory.json, NOTES.md 2).

Base URL: http://127.0.0.1:PORT/basistheory.
Keys (header BT-API-KEY): public key_public_fake (create), private
key_private_fake (authorize). The session_key a create returns works as a
BT-API-KEY too, for GET /applications/key, once authorized."""

import threading
import time
import uuid

from common import (Req, Resp, digest, empty, iso8601_7, is_int, json_resp,
                    parse_iso8601, rand_b62)

PREFIX = "/basistheory"
PUBLIC_KEY = "key_public_fake"
PRIVATE_KEY = "key_private_fake"
TENANT_ID = "4a0b4a2e-9d1b-4b8e-a0f4-5c3d2b1a0f00"
PUBLIC_APP_ID = "7f3c5a61-2b44-4c0e-9b1e-0d5f2a9c1e01"
PRIVATE_APP_ID = "9d2e6b72-3c55-4d1f-8c2f-1e6a3b0d2f02"

RFC = "https://tools.ietf.org/html/rfc7231#section-6.5.1"


PROBLEM_CT = "application/problem+json; charset=utf-8"


def problem(status, title, detail=None, headers=None, type_=None):
    """ASP.NET Core ProblemDetails, served as application/problem+json."""
    body = {"type": type_ or "https://tools.ietf.org/html/rfc7231",
            "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    resp = json_resp(status, body, headers)
    resp.ctype = PROBLEM_CT
    return resp


def validation(errors, detail=None):
    body = {"errors": errors, "type": RFC,
            "title": "One or more validation errors occurred.", "status": 400}
    if detail:
        body["detail"] = detail
    resp = json_resp(400, body)
    resp.ctype = PROBLEM_CT
    return resp


def rate_limited():
    return problem(429, "Too Many Requests", "Request has been rate limited")


def unauthorized():
    return problem(401, "Unauthorized", "The BT-API-KEY header is missing or invalid.",
                   type_="https://tools.ietf.org/html/rfc7235#section-3.1")


def forbidden(detail):
    return problem(403, "Forbidden", detail, type_="https://tools.ietf.org/html/rfc7231#section-6.5.3")


def _str_or_null(v):
    return v is None or isinstance(v, str)


def _check_rules(rules, errors):
    if rules is None:
        return
    if not isinstance(rules, list):
        errors.setdefault("rules", []).append("The rules field must be an array or null.")
        return
    for i, rule in enumerate(rules):
        where = "rules[%d]" % i
        if not isinstance(rule, dict):
            errors.setdefault(where, []).append("An access rule must be an object.")
            continue
        for k, v in rule.items():
            if k in ("description", "container", "transform"):
                if not _str_or_null(v):
                    errors.setdefault("%s.%s" % (where, k), []).append("Must be a string or null.")
            elif k == "priority":
                if v is not None and (not is_int(v) or not -2**31 <= v < 2**31):
                    errors.setdefault(where + ".priority", []).append(
                        "Must be a 32-bit integer or null.")
            elif k == "permissions":
                if v is not None and (not isinstance(v, list)
                                      or not all(isinstance(p, str) for p in v)):
                    errors.setdefault(where + ".permissions", []).append(
                        "Must be an array of strings or null.")
            elif k == "conditions":
                if v is None:
                    continue
                if not isinstance(v, list):
                    errors.setdefault(where + ".conditions", []).append("Must be an array or null.")
                    continue
                for j, cond in enumerate(v):
                    cw = "%s.conditions[%d]" % (where, j)
                    if not isinstance(cond, dict):
                        errors.setdefault(cw, []).append("A condition must be an object.")
                        continue
                    for ck, cv in cond.items():
                        if ck not in ("attribute", "operator", "value"):
                            errors.setdefault("%s.%s" % (cw, ck), []).append(
                                "The property '%s' is not allowed." % ck)
                        elif not _str_or_null(cv):
                            errors.setdefault("%s.%s" % (cw, ck), []).append(
                                "Must be a string or null.")
            else:
                errors.setdefault("%s.%s" % (where, k), []).append(
                    "The property '%s' is not allowed." % k)


class BasisTheory:
    name = "basistheory"
    prefix = PREFIX

    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.by_nonce = {}   # nonce -> session dict
            self.by_key = {}     # session_key -> session dict

    def error_resp(self, status, headers=None):
        titles = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                  408: "Request Timeout", 409: "Conflict", 422: "Unprocessable Entity",
                  429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                  503: "Service Unavailable", 504: "Gateway Timeout"}
        detail = "Request has been rate limited" if status == 429 else None
        return problem(status, titles.get(status, "Error"), detail, headers)

    def _key_kind(self, key):
        if key == PUBLIC_KEY:
            return "public", None
        if key == PRIVATE_KEY:
            return "private", None
        s = self.by_key.get(key) if key else None
        if s is not None and s["expires"] > time.time():
            return "session", s
        return None, None

    def handle(self, req: Req) -> Resp:
        key = req.header("bt-api-key")
        with self.lock:
            kind, sess = self._key_kind(key)
            if kind is None:
                return unauthorized()
            sp = req.subpath.rstrip("/") or "/"
            if sp == "/sessions":
                if req.method != "POST":
                    return problem(405, "Method Not Allowed")
                return self.create(req, kind)
            if sp == "/sessions/authorize":
                if req.method != "POST":
                    return problem(405, "Method Not Allowed")
                return self.authorize(req, kind)
            if sp == "/applications/key":
                if req.method != "GET":
                    return problem(405, "Method Not Allowed")
                return self.app_key(kind, sess)
            return problem(404, "Not Found", type_="https://tools.ietf.org/html/rfc7231#section-6.5.4")

    def create(self, req, kind):
        if kind != "public":
            return forbidden("Sessions can only be created with a public application key.")
        now = time.time()
        ttl = float(self.server.config.get("bt_session_ttl_s", 180))
        nonce = rand_b62(22)
        sess = {
            "session_key": "key_test_us_sess_" + rand_b62(22),
            "nonce": nonce,
            "created": now,
            "expires": now + ttl,
            "authorized": False,
            "permissions": [],
            "rules": [],
        }
        self.by_nonce[nonce] = sess
        self.by_key[sess["session_key"]] = sess
        return json_resp(201, {"session_key": sess["session_key"], "nonce": nonce,
                               "expires_at": iso8601_7(sess["expires"])})

    def authorize(self, req, kind):
        if kind != "private":
            return forbidden("Sessions can only be authorized with a private application key.")
        if req.content_type() not in ("application/json", "application/problem+json",
                                      "text/json", "application/*+json"):
            return problem(415, "Unsupported Media Type",
                           type_="https://tools.ietf.org/html/rfc7231#section-6.5.13")
        ok, body = req.json_body()
        if not ok:
            return validation({"$": ["The JSON value could not be converted to "
                                     "BasisTheory.Api.Models.AuthorizeSessionRequest."]})
        if not isinstance(body, dict):
            return validation({"$": ["The request body must be a JSON object."]})
        errors = {}
        for k in body:
            if k not in ("nonce", "expires_at", "permissions", "rules"):
                errors.setdefault(k, []).append("The property '%s' is not allowed." % k)
        nonce = body.get("nonce")
        if not isinstance(nonce, str) or len(nonce) < 1:
            errors.setdefault("nonce", []).append("The nonce field is required.")
        exp = body.get("expires_at")
        exp_ts = None
        if exp is not None:
            exp_ts = parse_iso8601(exp) if isinstance(exp, str) else None
            if exp_ts is None:
                errors.setdefault("expires_at", []).append("The expires_at field must be an "
                                                           "ISO 8601 date-time.")
            elif exp_ts <= time.time():
                errors.setdefault("expires_at", []).append("The expires_at field must be in the future.")
        perms = body.get("permissions")
        if perms is not None:
            if not isinstance(perms, list) or not all(isinstance(p, str) and p for p in perms):
                errors.setdefault("permissions", []).append(
                    "The permissions field must be an array of non-empty strings or null.")
            elif len(perms) > 50:
                errors.setdefault("permissions", []).append(
                    "The field permissions must be a string or array type with a maximum length of '50'.")
        rules = body.get("rules")
        _check_rules(rules, errors)
        if not errors and not perms and not rules:
            errors["permissions"] = ["Either permissions or rules must be provided."]
        if errors:
            return validation(errors)
        sess = self.by_nonce.get(nonce)
        if sess is None or sess["expires"] <= time.time():
            return problem(404, "Not Found", "No session exists for the given nonce.",
                           type_="https://tools.ietf.org/html/rfc7231#section-6.5.4")
        if sess["authorized"]:
            return problem(409, "Conflict", "The session has already been authorized.",
                           type_="https://tools.ietf.org/html/rfc7231#section-6.5.8")
        sess["authorized"] = True
        sess["permissions"] = list(perms or [])
        sess["rules"] = list(rules or [])
        if exp_ts is not None:
            sess["expires"] = exp_ts
        return empty(200)

    def app_key(self, kind, sess):
        now_iso = iso8601_7(time.time() - 86400 * 30)
        if kind == "session":
            if not sess["authorized"]:
                return forbidden("The session has not been authorized.")
            app = {"id": str(uuid.UUID(bytes=digest("sessapp", sess["nonce"], size=16))),
                   "tenant_id": TENANT_ID, "name": "Session", "keys": [], "type": "session",
                   "created_by": None, "created_at": iso8601_7(sess["created"]),
                   "modified_by": None, "modified_at": None,
                   "expires_at": iso8601_7(sess["expires"]),
                   "permissions": sess["permissions"], "rules": sess["rules"]}
        else:
            public = kind == "public"
            app = {"id": PUBLIC_APP_ID if public else PRIVATE_APP_ID, "tenant_id": TENANT_ID,
                   "name": "Fake %s app" % kind, "keys": [], "type": kind,
                   "created_by": TENANT_ID, "created_at": now_iso, "modified_by": None,
                   "modified_at": None, "expires_at": None,
                   "permissions": ["token:create"] if public else ["token:read", "token:use"],
                   "rules": []}
        return json_resp(200, app)
