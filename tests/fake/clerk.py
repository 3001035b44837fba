"""Clerk Backend API, version 2021-02-05 (specs/clerk-bapi.yml, NOTES.md 1).

Base URL: http://127.0.0.1:PORT/clerk/v1. Secret key: sk_test_fake.

The seed is generated, not stored (clerk_seed.py): users and sessions are
pure functions of (seed, index), built lazily and serialized once; only
changes (revocations, created sessions, activity) are kept as state, with
each user's summary times (last_active_at, last_sign_in_at) in flat lists.
That keeps 10,000 users x 100 sessions cheap to start and quick to filter."""

import json
import os
import re
import threading

from clerk_seed import SESSION_LIFETIME, Seed, abandon_at, day_start
from common import (Req, Resp, b62ish, b64url, check_jwt, digest, dumps,
                    is_int, json_resp, make_jwt, now_ms, raw_json_resp)

SECRET_KEY = "sk_test_fake"
PREFIX = "/clerk/v1"

STATUS_ENUM = ("abandoned", "active", "ended", "expired", "removed", "replaced", "revoked")

TEMPLATES = {
    # name: (default lifetime in seconds, extra claims)
    "default-template": (60, {}),
    "hasura": (3600, {"https://hasura.io/jwt/claims": {
        "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user"}}),
    "supabase": (3600, {"role": "authenticated", "aud": "authenticated"}),
}
DEFAULT_TOKEN_LIFETIME = 60
ISSUER = "https://fake-instance.clerk.accounts.dev"
KEY_ID = "ins_2fakeInstanceKey"
STRATEGIES = ["email_code", "password", "oauth_google", "oauth_github", "passkey", "email_link"]

# GET /users and /users/count: time filters in ms. "after" and "before" are
# strict; the deprecated "since" includes its bound.
TIME_FILTERS = ("last_active_at_after", "last_active_at_before", "last_active_at_since",
                "last_sign_in_at_after", "last_sign_in_at_before",
                "created_at_after", "created_at_before")


def clerk_error(status, code, message, long_message=None, meta=None, headers=None):
    err = {"message": message, "long_message": long_message or message, "code": code}
    if meta:
        err["meta"] = meta
    body = {"errors": [err], "meta": {}, "clerk_trace_id": b62ish(digest(code, now_ms()), 32)}
    return json_resp(status, body, headers)


def exact_json(resp):
    """Clerk answers 'Content-Type: application/json' with no charset, and
    @clerk/backend parses a body only when the header is exactly that.
    Every answer comes through Cloudflare, whose CF-Ray header names the
    request: @clerk/backend quotes it when an error has no clerk_trace_id."""
    if resp.ctype and resp.ctype.startswith("application/json"):
        resp.ctype = "application/json"
    resp.headers = list(resp.headers) + [("CF-Ray", os.urandom(8).hex() + "-FAK")]
    return resp


def too_many_requests(retry_after):
    """What the rate limiter answers in place of the request."""
    body = {"errors": [{"message": "Too many requests",
                        "long_message": "Too many requests, retry later",
                        "code": "too_many_requests"}],
            "clerk_trace_id": b62ish(digest("429", now_ms()), 32)}
    return exact_json(json_resp(429, body, [("Retry-After", str(retry_after))]))


def not_found(kind, ident):
    return clerk_error(404, "resource_not_found", "not found",
                       "No %s was found with id %s" % (kind, ident))


def param_invalid(name, why):
    return clerk_error(422, "form_param_value_invalid", "is invalid",
                       "%s %s" % (name, why), meta={"param_name": name})


class Clerk:
    name = "clerk"
    prefix = PREFIX

    def __init__(self, server):
        self.server = server
        self.lock = threading.RLock()
        self.seed(8, 3, 1)

    # ------------------------------------------------------------ seeding, state

    def seed(self, users, per_user, seed, active_users=None):
        """Seed the instance: users x per_user sessions, of which only
        active_users users (None: all) were active in the last 7 days."""
        with self.lock:
            g = Seed(users, per_user, seed, active_users, now_ms())
            self.g = g
            self.n_users = g.n
            self.user_index = {uid: u for u, uid in enumerate(g.user_ids)}
            # Filled as users' session lists are built; _index_all() fills
            # them completely for an id asked before its user's list.
            self.session_index = {}   # sid -> (u, s) for seeded sessions
            self.client_index = {}    # client id -> (u, client number)
            self.indexed = False
            # Each user's summary: its newest session activity (ms) and the
            # start of that day, its newest session's created_at.
            self.last_active = [n[1] if n else None for n in g.newest]
            self.active_day = [day_start(t) if t is not None else None for t in self.last_active]
            self.last_sign_in = [n[0] if n else None for n in g.newest]
            self.created_at = [g.user_created_at(u) for u in range(g.n)]
            self.overrides = {}       # sid -> {field: value} of seeded sessions
            self.created = {}         # u -> [session dict] (POST /sessions, sign-ins)
            self.created_index = {}   # sid -> session dict
            self.user_json = {}       # u -> serialized User
            self.user_lists = {}      # u -> [(sid, client_id, status, created_at, json)]
            self.global_list = None   # every session, newest first
            self.orders = {}          # (order_by key, descending) -> [u]
            self.version = 0
            self.sign_ins = 0         # sign-ins by count so far (their random draw)

    def _invalidate_user(self, u):
        self.user_lists.pop(u, None)
        self.user_json.pop(u, None)
        self.global_list = None
        self.orders.clear()
        self.version += 1

    def touch_user(self, u, active_at, signed_in_at=None):
        """Record activity (and a sign-in) of user u at those times."""
        if self.last_active[u] is None or active_at > self.last_active[u]:
            self.last_active[u] = active_at
            self.active_day[u] = day_start(active_at)
        if signed_in_at is not None and (self.last_sign_in[u] is None
                                         or signed_in_at > self.last_sign_in[u]):
            self.last_sign_in[u] = signed_in_at
        self._invalidate_user(u)

    def _index_all(self):
        g = self.g
        for u in range(g.n):
            for s in range(g.per_user):
                self.session_index[g.sid(u, s)] = (u, s)
            for c in range(g.client_count()):
                self.client_index[g.cid(u, c)] = (u, c)
        self.indexed = True

    # ------------------------------------------------------------ sessions as state

    def _seeded_session(self, u, s, clients=None):
        obj = self.g.session_obj(u, s, clients)
        ov = self.overrides.get(obj["id"])
        if ov:
            obj.update(ov)
        return obj

    def find_session(self, sid):
        """The current Session dict for an id, or None. Call with the lock held."""
        if sid in self.created_index:
            return self.created_index[sid]
        us = self.session_index.get(sid)
        if us is None and not self.indexed:
            self._index_all()
            us = self.session_index.get(sid)
        if us is None:
            return None
        return self._seeded_session(*us)

    def _user_of_session(self, sid):
        obj = self.created_index.get(sid)
        if obj is not None:
            return self.user_index[obj["user_id"]]
        return self.session_index[sid][0]

    def update_session(self, sid, fields):
        """Change fields of a session (it exists); its user's lists are stale."""
        if sid in self.created_index:
            self.created_index[sid].update(fields)
        else:
            self.overrides.setdefault(sid, {}).update(fields)
        self._invalidate_user(self._user_of_session(sid))

    def add_session(self, u, at, activity, org=None):
        """A new active session of user u created at `at` (a sign-in)."""
        sid = "sess_2" + b62ish(digest("created", self.g.value, u, len(self.created_index)), 26)
        obj = {
            "object": "session", "id": sid, "user_id": self.g.user_ids[u],
            "client_id": "client_2" + b62ish(digest("cclient", sid), 26), "actor": None,
            "status": "active",
            "last_active_organization_id": org,
            "last_active_at": at,
            "latest_activity": activity(sid),
            "expire_at": at + SESSION_LIFETIME, "abandon_at": abandon_at(at, at),
            "updated_at": at, "created_at": at,
        }
        lst = self.created.setdefault(u, [])
        lst.append(obj)
        lst.sort(key=lambda o: -o["created_at"])
        self.created_index[sid] = obj
        self.touch_user(u, at, at)
        return obj

    def user_sessions(self, u):
        """[(sid, client_id, status, created_at, json_str)] newest first."""
        lst = self.user_lists.get(u)
        if lst is None:
            lst = []
            for obj in self.created.get(u, ()):
                lst.append((obj["id"], obj["client_id"], obj["status"], obj["created_at"],
                            dumps(obj)))
            clients = {}
            for s in range(self.g.per_user):
                obj = self._seeded_session(u, s, clients)
                self.session_index[obj["id"]] = (u, s)
                lst.append((obj["id"], obj["client_id"], obj["status"], obj["created_at"],
                            dumps(obj)))
            for c, (cid, _) in clients.items():
                self.client_index[cid] = (u, c)
            if u in self.created:     # a sign-in dated in the past may sit among the seeded
                lst.sort(key=lambda r: (-r[3], r[0]))
            self.user_lists[u] = lst
        return lst

    def _all_sessions(self):
        if self.global_list is None:
            rows = []
            for u in range(self.n_users):
                rows.extend(self.user_sessions(u))
            rows.sort(key=lambda r: (-r[3], r[0]))
            self.global_list = rows
        return self.global_list

    def newest_active_session(self, u):
        """The id of user u's newest active session, or None."""
        for sid, _, status, _, _ in self.user_sessions(u):
            if status == "active":
                return sid
        return None

    # ------------------------------------------------------------ errors for faults

    def error_resp(self, status, headers=None):
        table = {
            400: ("request_invalid", "bad request"),
            401: ("authentication_invalid", "Invalid authentication"),
            403: ("authorization_invalid", "Unauthorized request"),
            404: ("resource_not_found", "not found"),
            410: ("endpoint_deprecated", "endpoint deprecated"),
            422: ("form_param_value_invalid", "is invalid"),
            429: ("too_many_requests", "Too many requests, please try again later."),
        }
        code, msg = table.get(status, ("internal_clerk_error", "Oops, an unexpected error occurred")
                              if status >= 500 else ("request_error", "request failed"))
        return exact_json(clerk_error(status, code, msg, headers=headers))


    # ------------------------------------------------------------ routing

    ROUTES = [
        ("GET", re.compile(r"^/sessions/?$"), "list_sessions"),
        ("POST", re.compile(r"^/sessions/?$"), "create_session"),
        ("GET", re.compile(r"^/sessions/([^/]+)$"), "get_session"),
        ("POST", re.compile(r"^/sessions/([^/]+)/revoke$"), "revoke"),
        ("POST", re.compile(r"^/sessions/([^/]+)/verify$"), "verify"),
        ("POST", re.compile(r"^/sessions/([^/]+)/tokens$"), "token"),
        ("POST", re.compile(r"^/sessions/([^/]+)/tokens/([^/]+)$"), "token"),
        ("GET", re.compile(r"^/users/?$"), "list_users"),
        ("GET", re.compile(r"^/users/count$"), "count_users"),
        ("GET", re.compile(r"^/users/([^/]+)$"), "get_user"),
        ("GET", re.compile(r"^/clients/([^/]+)$"), "get_client"),
        ("GET", re.compile(r"^/jwks$"), "jwks"),
    ]

    def handle(self, req: Req) -> Resp:
        auth = req.header("authorization")
        if not auth:
            return exact_json(clerk_error(401, "authorization_header_missing", "Authorization header missing",
                               "The request is missing the Authorization header. "
                               "Send 'Authorization: Bearer <secret key>'."))
        if req.bearer() != SECRET_KEY:
            return exact_json(clerk_error(401, "clerk_key_invalid",
                                          "The provided Clerk Secret Key is invalid. Make sure "
                                          "that your Clerk Secret Key is correct."))
        path_matched = False
        req_method = "GET" if req.method == "HEAD" else req.method
        for method, rx, fn in self.ROUTES:
            m = rx.match(req.subpath)
            if not m:
                continue
            path_matched = True
            if method != req_method:
                continue
            with self.lock:
                return exact_json(getattr(self, fn)(req, *m.groups()))
        if path_matched:
            return exact_json(clerk_error(405, "method_not_allowed", "method not allowed",
                                          "%s is not allowed on %s" % (req.method, req.subpath)))
        return exact_json(clerk_error(404, "resource_not_found", "not found",
                                      "The requested resource %s was not found" % req.subpath))

    # ------------------------------------------------------------ helpers

    INT_RX = re.compile(r"^-?[0-9]+$")

    def _int_param(self, req, name, default, lo, hi):
        """(value, None) or (None, error response). lo, hi: None = unbounded."""
        raw = req.q1(name)
        if raw is None or raw == "":
            return default, None
        if not self.INT_RX.match(raw):
            return None, param_invalid(name, "must be an integer")
        v = int(raw, 10)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            if hi is None:
                return None, param_invalid(name, "must be greater than or equal to %d" % lo)
            return None, param_invalid(name, "must be between %d and %d" % (lo, hi))
        return v, None

    def _bool_param(self, req, name):
        raw = req.q1(name)
        if raw is None or raw == "":
            return False, None
        if raw.lower() in ("true", "1"):
            return True, None
        if raw.lower() in ("false", "0"):
            return False, None
        return None, param_invalid(name, "must be a boolean")

    def _body_object(self, req, optional=True):
        """(dict, None) or (None, error). An empty body is {} when optional."""
        if not req.body.strip():
            if optional:
                return {}, None
            return None, clerk_error(400, "request_body_missing", "request body missing")
        ok, val = req.json_body()
        if not ok or not isinstance(val, dict):
            return None, clerk_error(400, "request_body_invalid", "Request body invalid",
                                     "The request body is not a valid JSON object.")
        return val, None


    # ------------------------------------------------------------ sessions

    def list_sessions(self, req):
        limit, err = self._int_param(req, "limit", 10, 1, 500)
        if err:
            return err
        offset, err = self._int_param(req, "offset", 0, 0, None)
        if err:
            return err
        paginated, err = self._bool_param(req, "paginated")
        if err:
            return err
        status = req.q1("status")
        if status is not None and status not in STATUS_ENUM:
            return param_invalid("status", "must be one of: " + ", ".join(STATUS_ENUM))
        user_id = req.q1("user_id")
        client_id = req.q1("client_id")
        if self.server.config.get("clerk_require_filter") and not user_id and not client_id:
            return clerk_error(400, "form_param_missing", "missing query parameter",
                               "At least one of client_id or user_id must be provided.")
        if user_id:
            u = self.user_index.get(user_id)
            rows = self.user_sessions(u) if u is not None else []
        elif client_id:
            rows = self._client_rows(client_id)
        else:
            rows = self._all_sessions()
        if client_id and user_id:
            rows = [r for r in rows if r[1] == client_id]
        if status:
            rows = [r for r in rows if r[2] == status]
        page = rows[offset:offset + limit]
        items = "[" + ",".join(r[4] for r in page) + "]"
        if paginated:
            body = '{"data":' + items + ',"total_count":' + str(len(rows)) + "}"
        else:
            body = items
        return raw_json_resp(200, body.encode("utf-8"))

    def _client_rows(self, client_id):
        uc = self.client_index.get(client_id)
        if uc is None:
            for u, lst in self.created.items():
                for obj in lst:
                    if obj["client_id"] == client_id:
                        return [r for r in self.user_sessions(u) if r[1] == client_id]
            if not self.indexed:
                self._index_all()
                uc = self.client_index.get(client_id)
        if uc is None:
            return []
        return [r for r in self.user_sessions(uc[0]) if r[1] == client_id]

    def create_session(self, req):
        body, err = self._body_object(req, optional=False)
        if err:
            return err
        uid = body.get("user_id")
        if not isinstance(uid, str) or not uid:
            return clerk_error(422, "form_param_missing", "missing parameter",
                               "user_id must be included.", meta={"param_name": "user_id"})
        u = self.user_index.get(uid)
        if u is None:
            return not_found("user", uid)

        def curl_activity(sid):
            return {"object": "session_activity",
                    "id": "sess_activity_2" + b62ish(digest("a", sid), 26),
                    "is_mobile": False, "device_type": "Linux", "browser_name": "curl",
                    "browser_version": "7.88.1", "ip_address": "127.0.0.1", "city": "Localhost",
                    "country": "ZZ"}
        obj = self.add_session(u, now_ms(), curl_activity, body.get("active_organization_id"))
        return json_resp(200, obj)

    def get_session(self, req, sid):
        obj = self.find_session(sid)
        if obj is None:
            return not_found("session", sid)
        return json_resp(200, obj)

    def revoke(self, req, sid):
        obj = self.find_session(sid)
        if obj is None:
            return not_found("session", sid)
        if obj["status"] not in ("active", "pending"):
            return clerk_error(400, "session_not_active", "session is not active",
                               "Session %s has status %s and cannot be revoked."
                               % (sid, obj["status"]))
        self.update_session(sid, {"status": "revoked", "updated_at": now_ms()})
        return json_resp(200, self.find_session(sid))

    def verify(self, req, sid):
        if not self.server.config.get("clerk_verify_enabled"):
            return clerk_error(410, "endpoint_deprecated", "endpoint deprecated",
                               "This endpoint is deprecated and is pending removal. Use "
                               "networkless verification with short-lived session tokens.")
        body, err = self._body_object(req, optional=True)
        if err:
            return err
        extra = [k for k in body if k != "token"]
        if extra:
            return clerk_error(400, "form_param_unknown", "unknown parameter",
                               "%s is not a valid parameter for this request." % extra[0],
                               meta={"param_name": extra[0]})
        obj = self.find_session(sid)
        if obj is None:
            return not_found("session", sid)
        token = body.get("token")
        if not isinstance(token, str) or not token:
            return clerk_error(422, "form_param_missing", "missing parameter",
                               "token must be included.", meta={"param_name": "token"})
        claims = check_jwt(token)
        if claims is None or claims.get("sid") != sid:
            return clerk_error(400, "token_invalid", "invalid token",
                               "The token is not valid for session %s." % sid)
        if claims.get("exp", 0) * 1000 < now_ms():
            return clerk_error(401, "token_expired", "token expired", "The session token has expired.")
        if obj["status"] != "active":
            return clerk_error(400, "session_not_active", "session is not active",
                               "Session %s has status %s." % (sid, obj["status"]))
        return json_resp(200, obj)

    def token(self, req, sid, template=None):
        obj = self.find_session(sid)
        if obj is None:
            return not_found("session", sid)
        if template is not None and template not in TEMPLATES:
            return clerk_error(404, "resource_not_found", "not found",
                               "No JWT template exists with name: %s" % template)
        body, err = self._body_object(req, optional=True)
        if err:
            return err
        lifetime = TEMPLATES[template][0] if template else DEFAULT_TOKEN_LIFETIME
        exp_in = body.get("expires_in_seconds")
        if exp_in is not None:
            if not is_int(exp_in):
                return param_invalid("expires_in_seconds", "must be an integer")
            if exp_in < 30 or exp_in > 315360000:
                return param_invalid("expires_in_seconds", "must be between 30 and 315360000")
            lifetime = exp_in
        if obj["status"] != "active":
            return clerk_error(404, "resource_not_found", "not found",
                               "No active session was found with id %s (status %s)"
                               % (sid, obj["status"]))
        now = now_ms() // 1000
        payload = {
            "azp": "http://localhost:3000",
            "exp": now + lifetime,
            "iat": now,
            "iss": ISSUER,
            "jti": b62ish(digest("jti", sid, now_ms(), self.version), 20),
            "nbf": now - 10,
            "sid": sid,
            "sub": obj["user_id"],
        }
        if template:
            payload.update(TEMPLATES[template][1])
        header = {"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}
        return json_resp(200, {"object": "token", "jwt": make_jwt(header, payload)})

    # ------------------------------------------------------------ users, clients

    def _user_obj(self, u):
        return self.g.user_obj(u, self.active_day[u], self.last_sign_in[u])

    def _user_json(self, u):
        s = self.user_json.get(u)
        if s is None:
            s = dumps(self._user_obj(u))
            self.user_json[u] = s
        return s

    USER_ORDER = ("created_at", "updated_at", "last_active_at", "last_sign_in_at",
                  "first_name", "last_name", "username", "email_address")

    def _column(self, key):
        """Every user's value of a User field, by index (None when null)."""
        if key == "last_active_at":
            return self.active_day
        if key == "last_sign_in_at":
            return self.last_sign_in
        if key in ("created_at", "updated_at"):    # updated_at is created_at + 1 day
            return self.created_at
        objs = [self._user_obj(u) for u in range(self.n_users)]
        if key == "email_address":
            return [o["email_addresses"][0]["email_address"] for o in objs]
        return [o[key] for o in objs]

    def _ordered(self, key, desc):
        """Every user index in order_by order, on the current values (so an
        offset page walk sees users move between pages when their activity
        changes, as with Clerk). Ties go newest created first; created_at
        is unique per user here, so the id never has to decide."""
        order = self.orders.get((key, desc))
        if order is None:
            # users are seeded newest first: index order is -created_at
            order = list(range(self.n_users))
            if key in ("created_at", "updated_at"):
                if not desc:
                    order.reverse()
            else:
                col = self._column(key)
                blank = "" if key in ("first_name", "last_name", "username", "email_address") else 0
                # stable, also reversed: ties keep -created_at; nulls sort
                # last ascending, first descending, as in PostgreSQL
                order.sort(key=lambda u: (col[u] is None, blank if col[u] is None else col[u]),
                           reverse=desc)
            self.orders[(key, desc)] = order
        return order

    def _time_filters(self, req):
        """([(param, bound)], None) or (None, error)."""
        out = []
        for name in TIME_FILTERS:
            v, err = self._int_param(req, name, None, None, None)
            if err:
                return None, err
            if v is not None:
                out.append((name, v))
        return out, None

    def _filter_users(self, req, idx):
        """(the users of idx the query keeps, in idx's order, None) or (None, error)."""
        ids = req.qall("user_id")
        if len(ids) > 100:
            return None, param_invalid("user_id", "accepts up to 100 values")
        times, err = self._time_filters(req)
        if err:
            return None, err
        idx = list(idx)
        if ids:
            include = [i for i in ids if not i.startswith("-")]
            exclude = {i[1:] for i in ids if i.startswith("-")}
            uids = self.g.user_ids
            if include:
                want = {i.lstrip("+") for i in include}
                idx = [u for u in idx if uids[u] in want]
            if exclude:
                idx = [u for u in idx if uids[u] not in exclude]
        for name, bound in times:
            field, _, rel = name.rpartition("_")
            col = self._column(field)
            if rel == "after":
                idx = [u for u in idx if col[u] is not None and col[u] > bound]
            elif rel == "before":
                idx = [u for u in idx if col[u] is not None and col[u] < bound]
            else:
                idx = [u for u in idx if col[u] is not None and col[u] >= bound]
        emails = req.qall("email_address")
        usernames = req.qall("username")
        query = req.q1("query")
        if emails or usernames or query:
            emails_l = {e.lower() for e in emails}
            users_l = {n.lower() for n in usernames}
            out = []
            for u in idx:
                o = self._user_obj(u)
                addr = o["email_addresses"][0]["email_address"].lower()
                if emails_l and addr not in emails_l:
                    continue
                if users_l and (o["username"] or "").lower() not in users_l:
                    continue
                if query:
                    hay = " ".join(str(x) for x in (o["id"], addr, o["username"] or "",
                                                    o["first_name"], o["last_name"])).lower()
                    if query.lower() not in hay:
                        continue
                out.append(u)
            idx = out
        banned = req.q1("banned")
        if banned in ("true", "false"):
            want_b = banned == "true"
            idx = [u for u in idx if self._user_obj(u)["banned"] == want_b]
        return idx, None

    def list_users(self, req):
        limit, err = self._int_param(req, "limit", 10, 1, 500)
        if err:
            return err
        offset, err = self._int_param(req, "offset", 0, 0, None)
        if err:
            return err
        order = req.q1("order_by", "-created_at") or "-created_at"
        desc = order.startswith("-")
        key = order.lstrip("+-")
        if key not in self.USER_ORDER:
            return param_invalid("order_by", "is not a supported ordering")
        idx, err = self._filter_users(req, self._ordered(key, desc))
        if err:
            return err
        after = req.q1("starting_after")
        if after:
            if key != "created_at":
                return param_invalid("starting_after", "requires ordering by created_at")
            if offset:
                return param_invalid("starting_after", "cannot be combined with offset")
            pos = next((i for i, u in enumerate(idx) if self.g.user_ids[u] == after), None)
            if pos is None:
                return param_invalid("starting_after", "is not a known user id")
            idx = idx[pos + 1:]
        page = idx[offset:offset + limit]
        body = "[" + ",".join(self._user_json(u) for u in page) + "]"
        return raw_json_resp(200, body.encode("utf-8"))

    def count_users(self, req):
        idx, err = self._filter_users(req, range(self.n_users))
        if err:
            return err
        return json_resp(200, {"object": "total_count", "total_count": len(idx)})

    def get_user(self, req, uid):
        u = self.user_index.get(uid)
        if u is None:
            return not_found("user", uid)
        return raw_json_resp(200, self._user_json(u).encode("utf-8"))

    def jwks(self, req):
        """The instance's JSON Web Key Set (the fake's tokens are not RSA
        signed: the modulus only looks the part)."""
        n = b64url(b"".join(digest("jwks", i) for i in range(8)))
        return json_resp(200, {"keys": [{"use": "sig", "kty": "RSA", "kid": KEY_ID,
                                         "alg": "RS256", "n": n, "e": "AQAB"}]})

    def get_client(self, req, cid):
        rows = self._client_rows(cid)
        if not rows:
            return not_found("client", cid)
        sessions = [json.loads(r[4]) for r in rows]
        active = [s for s in sessions if s["status"] == "active"]
        strategy = STRATEGIES[digest("strategy", cid)[0] % len(STRATEGIES)]
        obj = {
            "object": "client",
            "id": cid,
            "session_ids": [s["id"] for s in sessions],
            "sessions": sessions,
            "sign_in_id": None,
            "sign_up_id": None,
            "last_active_session_id": active[0]["id"] if active else None,
            "last_authentication_strategy": strategy,
            "updated_at": max(s["updated_at"] for s in sessions),
            "created_at": min(s["created_at"] for s in sessions),
        }
        return json_resp(200, obj)
