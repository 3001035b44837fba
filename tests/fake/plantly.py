"""'Plantly' = Gr4vy API instance plantly, /auth/sessions
(specs/plantly-gr4vy.json, NOTES.md 3).

Base URL: http://127.0.0.1:PORT/plantly. Login demo@plantly.test /
plantly-pass (or {"token": "google-fake-id-token"}, the later SDKs' variant)."""

import threading
import time
import uuid

from common import Req, Resp, digest, empty, make_jwt, rand_b62
from common import json_resp as common_json_resp

PREFIX = "/plantly"
EMAIL = "demo@plantly.test"
PASSWORD = "plantly-pass"
GOOGLE_TOKEN = "google-fake-id-token"
USER_ID = str(uuid.UUID(bytes=digest("plantly-user", size=16)))
REFRESH_LIFETIME = 30 * 86400
ISSUER = "https://api.plantly.gr4vy.app"


def json_resp(status, obj, headers=None):
    """FastAPI's JSONResponse: 'application/json', no charset."""
    resp = common_json_resp(status, obj, headers)
    resp.ctype = "application/json"
    return resp


def error(status, code, message, details=None, headers=None):
    return json_resp(status, {"type": "error", "code": code, "status": status,
                              "message": message, "details": details or []}, headers)


def unauthorized():
    return error(401, "unauthorized", "No valid API authentication found")


def bad_request(message, details):
    return error(400, "bad_request", message, details)


def incorrect_json():
    return error(400, "incorrect_json",
                 "Incorrect JSON. The request body could not be parsed as valid JSON.")


class Plantly:
    name = "plantly"
    prefix = PREFIX

    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.access = {}    # token -> {"session": id, "exp": unix s}
            self.refresh = {}   # token -> {"session": id, "exp": unix s}

    def error_resp(self, status, headers=None):
        if status == 401:
            return json_resp(401, unauthorized().obj, headers)
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 409: "duplicate_record",
                 429: "too_many_requests", 500: "server_error", 502: "bad_gateway",
                 503: "service_unavailable", 504: "gateway_timeout"}
        msgs = {429: "Too many requests, please slow down.",
                500: "An unknown error occurred.", 503: "Service unavailable."}
        return error(status, codes.get(status, "error"),
                     msgs.get(status, "The request failed."), headers=headers)

    def _tokens(self, session_id):
        now = int(time.time())
        expires_in = int(self.server.config.get("plantly_expires_in", 3600))
        header = {"alg": "ES512", "kid": "plantly-fake-key", "typ": "JWT"}
        common = {"iss": ISSUER, "sub": USER_ID, "iat": now, "nbf": now,
                  "sid": session_id, "scopes": ["*.read", "*.write"]}
        access = make_jwt(header, dict(common, exp=now + expires_in, typ="access",
                                       jti=rand_b62(22)), 132)
        refresh = make_jwt(header, dict(common, exp=now + REFRESH_LIFETIME, typ="refresh",
                                        jti=rand_b62(22)), 132)
        self.access[access] = {"session": session_id, "exp": now + expires_in}
        self.refresh[refresh] = {"session": session_id, "exp": now + REFRESH_LIFETIME}
        return json_resp(200, {"type": "auth.session", "token_type": "bearer",
                               "access_token": access, "refresh_token": refresh,
                               "expires_in": expires_in})

    def _valid(self, table, token):
        ent = table.get(token) if token else None
        if ent is None or ent["exp"] <= time.time():
            return None
        return ent

    def handle(self, req: Req) -> Resp:
        sp = req.subpath.rstrip("/")
        with self.lock:
            if sp == "/auth/sessions":
                if req.method == "POST":
                    return self.login(req)
                if req.method == "PUT":
                    return self.refresh_session(req)
                if req.method == "DELETE":
                    return self.logout(req)
                return error(405, "method_not_allowed", "Method Not Allowed")
            if sp == "/users/me" and req.method == "GET":
                ent = self._valid(self.access, req.bearer())
                if ent is None:
                    return unauthorized()
                return json_resp(200, {"type": "user", "id": USER_ID, "name": "Demo Plantly",
                                       "email_adress": EMAIL})
            if self._valid(self.access, req.bearer()) is None:
                return unauthorized()
            return error(404, "not_found", "The resource could not be found.")

    def login(self, req):
        if not req.body.strip():
            return bad_request("Missing 'email_address' field", [
                {"location": "body", "type": "value_error.missing", "pointer": "/email_address",
                 "message": "field required"},
                {"location": "body", "type": "value_error.missing", "pointer": "/password",
                 "message": "field required"}])
        if req.content_type() != "application/json":
            return incorrect_json()
        ok, body = req.json_body()
        if not ok or not isinstance(body, dict):
            return incorrect_json()
        if "token" in body and "email_address" not in body and "password" not in body:
            tok = body["token"]
            if not isinstance(tok, str):
                return bad_request("Invalid 'token' field", [
                    {"location": "body", "type": "type_error.str", "pointer": "/token",
                     "message": "str type expected"}])
            if tok != GOOGLE_TOKEN:
                return unauthorized()
            return self._tokens(rand_b62(16))
        details = []
        for field in ("email_address", "password"):
            if field not in body:
                details.append({"location": "body", "type": "value_error.missing",
                                "pointer": "/" + field, "message": "field required"})
            elif not isinstance(body[field], str):
                details.append({"location": "body", "type": "type_error.str",
                                "pointer": "/" + field, "message": "str type expected"})
        if details:
            first = details[0]
            verb = "Missing" if first["type"] == "value_error.missing" else "Invalid"
            return bad_request("%s '%s' field" % (verb, first["pointer"][1:]), details)
        if body["email_address"].lower() != EMAIL or body["password"] != PASSWORD:
            return unauthorized()
        return self._tokens(rand_b62(16))

    def refresh_session(self, req):
        tok = req.bearer()
        ent = self._valid(self.refresh, tok)
        if ent is None:
            return unauthorized()
        del self.refresh[tok]           # rotation: the old refresh token dies
        return self._tokens(ent["session"])

    def logout(self, req):
        tok = req.bearer()
        ent = self._valid(self.access, tok)
        if ent is None:
            return unauthorized()
        sid = ent["session"]
        for table in (self.access, self.refresh):
            for t in [t for t, e in table.items() if e["session"] == sid]:
                del table[t]
        return empty(204)
