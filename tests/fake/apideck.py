"""Apideck Vault sessions (specs/apideck-vault.yml, NOTES.md 5).

Base URL: http://127.0.0.1:PORT/apideck. Headers: Authorization: Bearer
apideck-fake-key, x-apideck-app-id: fake-app, x-apideck-consumer-id: any
non-empty id. The returned session_uri points back at the fake:
GET /apideck/vault-ui/session/<token> serves a small HTML page."""

import html as htmlmod
import re
import threading
import time

from common import Req, Resp, html, json_resp, make_jwt, rand_b62

PREFIX = "/apideck"
API_KEY = "apideck-fake-key"
APP_ID = "fake-app"
REF = "https://developers.apideck.com/errors#"

UNIFIED_APIS = ("accounting", "ats", "calendar", "crm", "csp", "customer-support", "ecommerce",
                "email", "email-marketing", "expense-management", "file-storage", "form", "hris",
                "lead", "payroll", "pos", "procurement", "project-management", "script", "sms",
                "spreadsheet", "subscription-analytics", "team-messaging", "issue-tracking",
                "time-registration", "transactional-email", "vault", "data-warehouse")
ALLOW_ACTIONS = ("delete", "disconnect", "reauthorize", "disable")
SETTINGS_BOOLS = ("hide_resource_settings", "sandbox_mode", "isolation_mode", "show_logs",
                  "show_suggestions", "show_sidebar", "auto_redirect", "hide_guides")
THEME_KEYS = ("favicon", "logo", "primary_color", "sidepanel_background_color",
              "sidepanel_text_color", "vault_name", "privacy_url", "terms_url")
META_KEYS = ("account_name", "user_name", "email", "image")
REASONS = {400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed", 422: "Unprocessable Entity",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
WEEK = 604800


def error(status, type_name, message, detail, headers=None):
    return json_resp(status, {"status_code": status, "error": REASONS.get(status, "Error"),
                              "type_name": type_name, "message": message, "detail": detail,
                              "ref": REF + type_name.lower()}, headers)


def rate_limited(headers):
    """Past apideck_downstream_ratelimit (limits.py), with its headers."""
    return error(429, "RequestLimitError", "Too Many Requests",
                 "The downstream rate limit is reached; retry in "
                 "x-downstream-ratelimit-reset seconds", headers)


def validation(detail):
    return error(400, "RequestValidationError", "Invalid Params", detail)


class Apideck:
    name = "apideck"
    prefix = PREFIX

    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.sessions = {}   # token -> {"consumer", "expires", "body"}

    def error_resp(self, status, headers=None):
        types = {400: ("RequestValidationError", "Invalid Params"),
                 401: ("UnauthorizedError", "Unauthorized Request"),
                 402: ("RequestLimitError", "Request Limit Reached"),
                 404: ("EntityNotFoundError", "Unknown Widget"),
                 422: ("InvalidStateError", "Invalid State"),
                 429: ("RequestLimitError", "Too Many Requests")}
        t, m = types.get(status, ("UnexpectedError", "Unexpected Error"))
        return error(status, t, m, "Injected failure (%d)" % status, headers)

    def handle(self, req: Req) -> Resp:
        sp = req.subpath.rstrip("/")
        m = re.match(r"^/vault-ui/session/([^/]+)$", sp)
        if m and req.method == "GET":
            return self.vault_page(m.group(1))
        auth = req.header("authorization")
        if not auth:
            return error(401, "UnauthorizedError", "Unauthorized Request", "Missing authentication")
        if req.bearer() != API_KEY:
            return error(401, "UnauthorizedError", "Unauthorized Request",
                         "Invalid API key. Pass 'Authorization: Bearer <API key>'.")
        app_id = req.header("x-apideck-app-id")
        if not app_id:
            return error(400, "RequestHeadersValidationError", "Invalid Params",
                         "Missing Header: x-apideck-app-id")
        if app_id != APP_ID:
            return error(401, "UnauthorizedError", "Unauthorized Request",
                         "Invalid application id: %s" % app_id)
        with self.lock:
            if sp == "/vault/sessions":
                if req.method != "POST":
                    return error(405, "MethodNotAllowedError", "Method Not Allowed",
                                 "%s is not allowed on /vault/sessions" % req.method)
                return self.create(req)
            if sp == "/vault/connections" and req.method == "GET":
                return self.connections(req)
            return error(404, "EntityNotFoundError", "Unknown Widget",
                         "Could not find route: %s %s" % (req.method, sp))

    # ---------------------------------------------------------------- validation

    def _validate(self, body):
        """None if the Session body is valid, else an error response."""
        if not isinstance(body, dict):
            return validation("Request body must be an object")
        for k in body:
            if k not in ("consumer_metadata", "redirect_uri", "settings", "theme",
                         "custom_consumer_settings"):
                return validation({"additionalProperties": [{k: "not allowed"}]})
        cm = body.get("consumer_metadata")
        if cm is not None:
            if not isinstance(cm, dict):
                return validation("consumer_metadata must be an object")
            for k, v in cm.items():
                if k in META_KEYS and not isinstance(v, str):
                    return validation("consumer_metadata.%s must be a string" % k)
        if "redirect_uri" in body and not isinstance(body["redirect_uri"], str):
            return validation("redirect_uri must be a string")
        theme = body.get("theme")
        if theme is not None:
            if not isinstance(theme, dict):
                return validation("theme must be an object")
            for k, v in theme.items():
                if k in THEME_KEYS and not isinstance(v, str):
                    return validation("theme.%s must be a string" % k)
        ccs = body.get("custom_consumer_settings")
        if ccs is not None and not isinstance(ccs, dict):
            return validation("custom_consumer_settings must be an object")
        settings = body.get("settings")
        if settings is None:
            return None
        if not isinstance(settings, dict):
            return validation("settings must be an object")
        for k, v in settings.items():
            if k == "unified_apis":
                if not isinstance(v, list):
                    return validation("settings.unified_apis must be an array")
                for api in v:
                    if api not in UNIFIED_APIS:
                        return validation("settings.unified_apis: '%s' is not one of the allowed "
                                          "values" % (api,))
            elif k == "allow_actions":
                if not isinstance(v, list):
                    return validation("settings.allow_actions must be an array")
                for a in v:
                    if a not in ALLOW_ACTIONS:
                        return validation("settings.allow_actions: '%s' is not one of the allowed "
                                          "values: delete, disconnect, reauthorize, disable" % (a,))
            elif k in SETTINGS_BOOLS:
                if not isinstance(v, bool):
                    return validation("settings.%s must be a boolean" % k)
            elif k == "session_length":
                if not isinstance(v, str):
                    return validation("settings.session_length must be a string")
            else:
                return validation({"additionalProperties": [{"settings." + k: "not allowed"}]})
        return None

    def _session_seconds(self, body):
        """(seconds, None) or (None, error)."""
        sl = ((body or {}).get("settings") or {}).get("session_length")
        if sl is None:
            return 3600, None
        m = re.match(r"^\s*(\d+)\s*([smhdw])\s*$", sl)
        if not m or int(m.group(1)) == 0:
            return None, error(422, "InvalidStateError", "Invalid State",
                               "settings.session_length '%s' is not a duration such as 30m, 1h "
                               "or 7d" % sl)
        secs = int(m.group(1)) * UNIT_SECONDS[m.group(2)]
        if secs > WEEK:
            return None, error(422, "InvalidStateError", "Invalid State",
                               "settings.session_length must not exceed 1 week")
        return secs, None

    # ---------------------------------------------------------------- routes

    def create(self, req):
        consumer = req.header("x-apideck-consumer-id")
        if not consumer:
            return error(400, "RequestHeadersValidationError", "Invalid Params",
                         "Missing Header: x-apideck-consumer-id")
        body = None
        if req.body.strip():
            if req.content_type() != "application/json":
                return validation("Content-Type must be application/json")
            ok, body = req.json_body()
            if not ok:
                return validation("Request body is not valid JSON")
            err = self._validate(body)
            if err:
                return err
        secs, err = self._session_seconds(body)
        if err:
            return err
        now = int(time.time())
        token = make_jwt({"alg": "HS256", "typ": "JWT"},
                         {"application_id": APP_ID, "consumer_id": consumer, "iat": now,
                          "exp": now + secs, "settings": (body or {}).get("settings") or {},
                          "redirect_uri": (body or {}).get("redirect_uri"),
                          "jti": rand_b62(16)}, 32)
        self.sessions[token] = {"consumer": consumer, "expires": now + secs, "body": body or {}}
        uri = "%s%s/vault-ui/session/%s" % (self.server.base_url, PREFIX, token)
        return json_resp(200, {"status_code": 200, "status": "OK",
                               "data": {"session_uri": uri, "session_token": token}})

    def connections(self, req):
        now = int(time.time() * 1000)
        data = []
        for api, service, name, state in (("crm", "salesforce", "Salesforce", "callable"),
                                          ("accounting", "quickbooks", "QuickBooks", "authorized"),
                                          ("hris", "bamboohr", "BambooHR", "available")):
            data.append({"id": "%s+%s" % (api, service), "service_id": service, "name": name,
                         "unified_api": api, "state": state, "integration_state": "configured",
                         "auth_type": "oauth2", "status": "live", "enabled": state != "available",
                         "created_at": now - 86400000, "updated_at": None})
        return json_resp(200, {"status_code": 200, "status": "OK", "data": data, "_raw": None})

    def vault_page(self, token):
        with self.lock:
            s = self.sessions.get(token)
        if s is None or s["expires"] <= time.time():
            return html(404, "Session not found",
                        "This Vault session is unknown or has expired. Create a new one.")
        theme = s["body"].get("theme") or {}
        name = theme.get("vault_name") if isinstance(theme.get("vault_name"), str) else "Apideck Vault"
        return html(200, htmlmod.escape(name),
                    "Fake Hosted Vault session for consumer <b>%s</b>; it expires at %s UTC."
                    % (htmlmod.escape(s["consumer"]),
                       time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(s["expires"]))))
