"""CBRAIN /session (specs/cbrain-7.0.0-swagger.yaml, NOTES.md 4), answering
the way the Rails controller does.

Base URL: http://127.0.0.1:PORT/cbrain. Login demo / cbrain-pass.

* JSON format is chosen by 'Accept: application/json' (or a '.json' suffix,
  or format=json). Without it:
    - GET /session: the HTML branch, 'head :ok' (200, empty) with a valid
      token, 401 empty without;
    - POST /session and DELETE /session without a token are not API requests
      and go through Rails CSRF verification: 422 text/html;
    - DELETE /session with a valid token: the session ends, 302 to /login.
* POST bodies are read only as application/x-www-form-urlencoded (query
  string parameters count too, as Rails merges them). Any other content type
  leaves login/password unset, so the login fails: 401, empty.
* A bad login answers 401 with an empty body; the real server first sleeps
  3 s, which the fake does only with config cbrain_bad_password_sleep.
* 3 or more unexpected parameters on POST /session ban the client IP: every
  later CBRAIN request from it gets 401 (until /_fake/reset).
* Token: 'Authorization: Bearer <t>', 'Authorization: Token token="<t>"', or
  the cbrain_api_token parameter; the header wins."""

import re
import secrets
import threading
import urllib.parse

from common import Req, Resp, empty, html, json_resp

PREFIX = "/cbrain"
LOGIN = "demo"
PASSWORD = "cbrain-pass"
USER_ID = 42
STANDARD_PARAMS = {"login", "password", "id", "utf8", "commit", "authenticity_token",
                   "controller", "action", "cbrain_api_token", "format", "_method"}
JSON_CT = "application/json; charset=utf-8"

CSRF_PAGE = ("The change you wanted was rejected.",
             "Maybe you tried to change something you didn't have access to. "
             "(ActionController::InvalidAuthenticityToken)")


class Cbrain:
    name = "cbrain"
    prefix = PREFIX

    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.tokens = {}     # token -> user id
            self.banned = set()  # client IPs

    def error_resp(self, status, headers=None):
        if status >= 500:
            return html(status, "We're sorry, but something went wrong.",
                        "If you are the application owner check the logs for more information.",
                        headers)
        return empty(status, headers=headers)

    def _params(self, req):
        params = {}
        for k, v in req.query.items():
            params[k] = v[-1]
        if req.method in ("POST", "PUT", "PATCH", "DELETE") and \
                req.content_type() == "application/x-www-form-urlencoded":
            try:
                form = urllib.parse.parse_qs(req.body.decode("utf-8"), keep_blank_values=True,
                                             strict_parsing=False)
            except UnicodeDecodeError:
                form = {}
            for k, v in form.items():
                params[k] = v[-1]
        return params

    def _token(self, req, params):
        auth = req.header("authorization")
        if auth:
            m = re.match(r"^\s*Bearer\s+(\S+)\s*$", auth, re.I)
            if m:
                return m.group(1)
            m = re.match(r'^\s*Token\s+token="?([^",\s]+)"?', auth, re.I)
            if m:
                return m.group(1)
        return params.get("cbrain_api_token") or None

    def _wants_json(self, req, params, path):
        if path.endswith(".json") or params.get("format") == "json":
            return True
        accept = req.header("accept", "")
        return "application/json" in accept.lower()

    def handle(self, req: Req) -> Resp:
        sp = req.subpath.rstrip("/")
        with self.lock:
            if req.client_ip in self.banned:
                return empty(401)
            params = self._params(req)
            token = self._token(req, params)
            user = self.tokens.get(token) if token else None
            wants_json = self._wants_json(req, params, sp)
            base = sp[:-5] if sp.endswith(".json") else sp
            if base == "/session":
                if req.method == "POST":
                    return self.create(req, params, token, user, wants_json)
                if req.method == "GET":
                    if user is None:
                        return empty(401)
                    if not wants_json:
                        return empty(200, "text/html; charset=utf-8")
                    return json_resp(200, {"user_id": user, "cbrain_api_token": token})
                if req.method == "DELETE":
                    if not wants_json and token is None:
                        return html(422, *CSRF_PAGE)
                    if user is None:
                        return empty(401)
                    del self.tokens[token]
                    if not wants_json:
                        return html(302, "You are being redirected.", "/login",
                                    headers=[("Location", "/login")])
                    return empty(200)
                return html(404, "The page you were looking for doesn't exist.", req.path)
            m = re.match(r"^/users/(\d+)$", base)
            if m and req.method == "GET":
                if user is None:
                    return empty(401)
                if int(m.group(1)) != user:
                    return json_resp(403, {"error": "You don't have permission to view this page."})
                return json_resp(200, {
                    "id": USER_ID, "login": LOGIN, "full_name": "Demo CBRAIN User",
                    "email": "demo@cbrain.test", "city": "Montréal", "country": "Canada",
                    "time_zone": "Eastern Time (US & Canada)", "type": "NormalUser",
                    "site_id": 1, "last_connected_at": "2026-01-15T14:02:11.000-05:00",
                    "account_locked": False})
            if user is None:
                return empty(401)
            return json_resp(400, {"error": "Action '%s' not available to API. Available "
                                            "actions are [\"show\", \"create\", \"destroy\"]"
                                            % base.strip("/")})

    def create(self, req, params, token, user, wants_json):
        if not wants_json and token is None:
            return html(422, *CSRF_PAGE)
        unexpected = [k for k in params if k not in STANDARD_PARAMS]
        if len(unexpected) >= 3:
            self.banned.add(req.client_ip)
            return empty(401)
        if user is not None:
            # Already authenticated: the current session, no new one.
            if not wants_json:
                return html(302, "You are being redirected.", "/home",
                            headers=[("Location", "/home")])
            return json_resp(200, {"user_id": user, "cbrain_api_token": token})
        if params.get("login") != LOGIN or params.get("password") != PASSWORD:
            resp = empty(401)
            if self.server.config.get("cbrain_bad_password_sleep"):
                resp.delay = float(self.server.config.get("cbrain_bad_password_sleep_ms", 3000)) / 1000
            return resp
        new = secrets.token_hex(16)
        self.tokens[new] = USER_ID
        if not wants_json:
            return html(302, "You are being redirected.", "/home", headers=[("Location", "/home")])
        return json_resp(200, {"user_id": USER_ID, "cbrain_api_token": new})
