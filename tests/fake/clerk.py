"""Clerk Backend API, version 2021-02-05 (specs/clerk-bapi.yml, NOTES.md 1).

Base URL: http://127.0.0.1:PORT/clerk/v1. Secret key: sk_test_fake.

The seed is generated, not stored: users and sessions are pure functions of
(seed, index), built lazily and serialized once; only changes (revocations,
created sessions) are kept as state. That keeps 1000 users x 100 sessions
cheap to start and quick to serve."""

import hashlib
import json
import re
import threading

from common import (Req, Resp, b62ish, check_jwt, digest, dumps,
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

FIRST = ["Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances",
         "Alan", "Katherine", "Edsger", "Radia", "Niklaus", "Hedy", "Tim", "Sophie",
         "Björn", "Zoë", "José", "Chloé", "Łukasz", "Ines", "Yuki", "Amara"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie",
        "Allen", "Turing", "Johnson", "Dijkstra", "Perlman", "Wirth", "Lamarr",
        "Berners-Lee", "Wilson", "Stroustrup", "Müller", "García", "Dubois", "Kowalski",
        "Silva", "Tanaka", "Okafor"]
DEVICES = [  # (device_type, is_mobile, [(browser, [versions])])
    ("Macintosh", False, [("Safari", ["17.4.1", "18.2"]), ("Chrome", ["124.0.0.0", "131.0.0.0"]),
                          ("Firefox", ["125.0", "133.0"])]),
    ("Windows", False, [("Chrome", ["123.0.0.0", "131.0.0.0"]), ("Edge", ["124.0.2478.51"]),
                        ("Firefox", ["126.0"])]),
    ("Linux", False, [("Firefox", ["115.10.0", "128.0"]), ("Chrome", ["122.0.0.0"])]),
    ("iPhone", True, [("Mobile Safari", ["17.4", "18.1"]), ("Chrome Mobile iOS", ["124.0.6367.88"])]),
    ("iPad", True, [("Mobile Safari", ["17.3"])]),
    ("Android", True, [("Chrome Mobile", ["124.0.6367.82", "130.0.6723.102"]),
                       ("Samsung Internet", ["24.0"])]),
]
PLACES = [("Berlin", "DE"), ("Lisbon", "PT"), ("Toronto", "CA"), ("São Paulo", "BR"),
          ("Tokyo", "JP"), ("Montréal", "CA"), ("Paris", "FR"), ("Austin", "US"),
          ("Nairobi", "KE"), ("Zürich", "CH"), ("Bengaluru", "IN"), ("Kraków", "PL"),
          ("Reykjavík", "IS"), ("Seoul", "KR"), ("Cape Town", "ZA"), ("Melbourne", "AU")]
STRATEGIES = ["email_code", "password", "oauth_google", "oauth_github", "passkey", "email_link"]

HOUR = 3_600_000
DAY = 24 * HOUR
SESSION_LIFETIME = 7 * DAY
ABANDON_AFTER = 30 * DAY
SESSION_SPACING = 6 * HOUR
SESSIONS_PER_CLIENT = 2


def clerk_error(status, code, message, long_message=None, meta=None, headers=None):
    err = {"message": message, "long_message": long_message or message, "code": code}
    if meta:
        err["meta"] = meta
    body = {"errors": [err], "meta": {}, "clerk_trace_id": b62ish(digest(code, now_ms()), 32)}
    return json_resp(status, body, headers)


def exact_json(resp):
    """Clerk answers 'Content-Type: application/json' with no charset, and
    @clerk/backend parses a body only when the header is exactly that."""
    if resp.ctype and resp.ctype.startswith("application/json"):
        resp.ctype = "application/json"
    return resp


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

    # ------------------------------------------------------------ seeding

    def seed(self, users, per_user, seed):
        with self.lock:
            self.n_users = max(0, int(users))
            self.per_user = max(0, int(per_user))
            self.seed_value = seed
            self.base = now_ms()
            self.user_ids = [self._uid(u) for u in range(self.n_users)]
            self.user_index = {uid: u for u, uid in enumerate(self.user_ids)}
            self.session_index = {}   # sid -> (u, s) for seeded sessions
            self.client_index = {}    # client id -> (u, client number)
            for u in range(self.n_users):
                for s in range(self.per_user):
                    self.session_index[self._sid(u, s)] = (u, s)
                for c in range((self.per_user + SESSIONS_PER_CLIENT - 1) // SESSIONS_PER_CLIENT):
                    self.client_index[self._cid(u, c)] = (u, c)
            self.overrides = {}       # sid -> {"status":..., "updated_at":...}
            self.created = {}         # u -> [session dict] newest first (POST /sessions)
            self.created_index = {}   # sid -> session dict
            self.user_json = {}       # u -> serialized User
            self.user_lists = {}      # u -> [(sid, client_id, status, created_at, json)]
            self.global_list = None   # every session, newest first
            self.version = 0

    def _uid(self, u):
        return "user_2" + b62ish(digest("user", self.seed_value, u), 26)

    def _sd(self, u, s):
        """64 pseudo-random bytes of seeded session (u, s): [0:24] its id,
        [24:32] its times, [32:40] its choices, [40:64] its activity id."""
        return hashlib.blake2b(b"sess:%d:%d:%d" % (self.seed_value, u, s), digest_size=64).digest()

    def _cd(self, u, c):
        return hashlib.blake2b(b"client:%d:%d:%d" % (self.seed_value, u, c), digest_size=16).digest()

    def _sid(self, u, s, d=None):
        return "sess_2" + b62ish((d or self._sd(u, s))[:24], 26)

    def _cid(self, u, c):
        return "client_2" + b62ish(digest("client", self.seed_value, u, c), 26)

    # ------------------------------------------------------------ generation

    def _user_created_at(self, u):
        return self.base - 45 * DAY - u * 600_000

    def _user_obj(self, u):
        d = digest("userdata", self.seed_value, u)
        first = FIRST[d[0] % len(FIRST)]
        last = LAST[d[1] % len(LAST)]
        uid = self.user_ids[u]
        created = self._user_created_at(u)
        ascii_first = first.encode("ascii", "ignore").decode().lower() or "user"
        ascii_last = last.encode("ascii", "ignore").decode().lower().replace("-", "") or "x"
        email = "%s.%s%d@example.com" % (ascii_first, ascii_last, u)
        eid = "idn_2" + b62ish(digest("email", self.seed_value, u), 26)
        last_active = None
        if self.per_user:
            last_active = (self._session_times(u, 0)[2] // DAY) * DAY
        last_sign_in = self._session_times(u, 0)[0] if self.per_user else None
        banned = d[2] % 29 == 0
        locked = d[3] % 31 == 0
        return {
            "id": uid,
            "object": "user",
            "external_id": None,
            "primary_email_address_id": eid,
            "primary_phone_number_id": None,
            "primary_web3_wallet_id": None,
            "username": "%s%d" % (ascii_first, u) if d[4] % 4 else None,
            "first_name": first,
            "last_name": last,
            "locale": None,
            "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
            "image_url": "https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9",
            "has_image": False,
            "public_metadata": {},
            "private_metadata": {},
            "unsafe_metadata": {},
            "email_addresses": [{
                "id": eid,
                "object": "email_address",
                "email_address": email,
                "reserved": False,
                "verification": None,
                "linked_to": [],
                "matches_sso_connection": False,
                "created_at": created,
                "updated_at": created,
            }],
            "phone_numbers": [],
            "web3_wallets": [],
            "passkeys": [],
            "password_enabled": bool(d[5] % 2),
            "two_factor_enabled": False,
            "totp_enabled": False,
            "backup_code_enabled": False,
            "mfa_enabled_at": None,
            "mfa_disabled_at": None,
            "password_last_updated_at": None,
            "external_accounts": [],
            "saml_accounts": [],
            "enterprise_accounts": [],
            "organization_memberships": [],
            "last_sign_in_at": last_sign_in,
            "banned": banned,
            "locked": locked,
            "deprovisioned": False,
            "lockout_expires_in_seconds": None if not locked else 1800,
            "verification_attempts_remaining": 100,
            "updated_at": created + DAY,
            "created_at": created,
            "delete_self_enabled": True,
            "create_organization_enabled": True,
            "create_organizations_limit": None,
            "last_active_at": last_active,
            "legal_accepted_at": None,
            "bypass_client_trust": False,
        }

    def _session_times(self, u, s, d=None):
        """(created_at, expire_at, last_active_at) of seeded session (u, s)."""
        d = (d or self._sd(u, s))[24:32]
        # Few sessions per user spread over 12 days (so some have expired),
        # many come every 6 hours.
        spacing = max(SESSION_SPACING, 12 * DAY // max(1, self.per_user))
        jitter = int.from_bytes(d[:4], "little") % (spacing - 120_000)
        created = self.base - 30 * 60_000 - s * spacing - jitter - (u % 977) * 37
        expire = created + SESSION_LIFETIME
        span = max(1, min(self.base, expire) - created)
        last_active = created + int.from_bytes(d[4:8], "little") % span
        return created, expire, last_active

    def _session_obj(self, u, s, clients=None):
        """The Session dict of seeded session (u, s); clients optionally
        caches {client number: (client id, client bytes)} across calls."""
        dd = self._sd(u, s)
        sid = self._sid(u, s, dd)
        d = dd[32:40]
        c = s // SESSIONS_PER_CLIENT
        if clients is not None and c in clients:
            cid, cd = clients[c]
        else:
            cid, cd = self._cid(u, c), self._cd(u, c)
            if clients is not None:
                clients[c] = (cid, cd)
        created, expire, last_active = self._session_times(u, s, dd)
        now = self.base
        r = d[0] % 100
        if s == 0:
            status = "active" if r >= 12 else "ended"
        elif expire <= now:
            status = ("expired" if r < 55 else "ended" if r < 75 else "revoked" if r < 85
                      else "removed" if r < 93 else "abandoned")
        else:
            status = ("active" if r < 60 else "ended" if r < 75 else "revoked" if r < 85
                      else "removed" if r < 90 else "replaced")
        updated = last_active if status == "active" else min(now, max(last_active, created + 1000))
        dev_type, mobile, browsers = DEVICES[cd[0] % len(DEVICES)]
        bname, versions = browsers[cd[1] % len(browsers)]
        city, country = PLACES[cd[2] % len(PLACES)]
        ip = "%s.%d" % (("203.0.113", "198.51.100", "192.0.2")[cd[3] % 3], 1 + cd[5] % 254)
        activity = None
        if d[1] % 20:
            activity = {
                "object": "session_activity",
                "id": "sess_activity_2" + b62ish(dd[40:64], 26),
                "is_mobile": mobile,
                "device_type": dev_type,
                "browser_name": bname,
                "browser_version": versions[d[2] % len(versions)],
                "ip_address": ip,
                "city": city,
                "country": country,
            }
        actor = None
        if d[3] % 50 == 0:
            actor = {"sub": "user_2" + b62ish(digest("actor", self.seed_value, u), 26),
                     "iss": "https://dashboard.clerk.com"}
        org = None
        if d[4] % 7 == 0:
            org = "org_2" + b62ish(digest("org", self.seed_value, u), 26)
        obj = {
            "object": "session",
            "id": sid,
            "user_id": self.user_ids[u],
            "client_id": cid,
            "actor": actor,
            "status": status,
            "last_active_organization_id": org,
            "last_active_at": last_active,
            "latest_activity": activity,
            "expire_at": expire,
            "abandon_at": created + ABANDON_AFTER,
            "updated_at": updated,
            "created_at": created,
        }
        ov = self.overrides.get(sid)
        if ov:
            obj.update(ov)
        return obj

    def _get_session(self, sid):
        """The current Session dict for an id, or None. Call with the lock held."""
        if sid in self.created_index:
            return self.created_index[sid]
        us = self.session_index.get(sid)
        if us is None:
            return None
        return self._session_obj(*us)

    def _user_list(self, u):
        """[(sid, client_id, status, created_at, json_str)] newest first."""
        lst = self.user_lists.get(u)
        if lst is None:
            lst = []
            for obj in self.created.get(u, ()):
                lst.append((obj["id"], obj["client_id"], obj["status"], obj["created_at"],
                            dumps(obj)))
            clients = {}
            for s in range(self.per_user):
                obj = self._session_obj(u, s, clients)
                lst.append((obj["id"], obj["client_id"], obj["status"], obj["created_at"],
                            dumps(obj)))
            self.user_lists[u] = lst
        return lst

    def _all_sessions(self):
        if self.global_list is None:
            rows = []
            for u in range(self.n_users):
                rows.extend(self._user_list(u))
            rows.sort(key=lambda r: (-r[3], r[0]))
            self.global_list = rows
        return self.global_list

    def _invalidate_user(self, u):
        self.user_lists.pop(u, None)
        self.global_list = None
        self.version += 1

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

    def _int_param(self, req, name, default, lo, hi):
        """(value, None) or (None, error response)."""
        raw = req.q1(name)
        if raw is None or raw == "":
            return default, None
        try:
            v = int(raw, 10)
        except ValueError:
            return None, param_invalid(name, "must be an integer")
        if v < lo or (hi is not None and v > hi):
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
            rows = self._user_list(u) if u is not None else []
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
        if uc is not None:
            return [r for r in self._user_list(uc[0]) if r[1] == client_id]
        for u, lst in self.created.items():
            for obj in lst:
                if obj["client_id"] == client_id:
                    return [r for r in self._user_list(u) if r[1] == client_id]
        return []

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
        now = now_ms()
        sid = "sess_2" + b62ish(digest("created", self.seed_value, u, now, len(self.created_index)), 26)
        cid = "client_2" + b62ish(digest("cclient", sid), 26)
        obj = {
            "object": "session", "id": sid, "user_id": uid, "client_id": cid, "actor": None,
            "status": "active",
            "last_active_organization_id": body.get("active_organization_id"),
            "last_active_at": now,
            "latest_activity": {
                "object": "session_activity", "id": "sess_activity_2" + b62ish(digest("a", sid), 26),
                "is_mobile": False, "device_type": "Linux", "browser_name": "curl",
                "browser_version": "7.88.1", "ip_address": "127.0.0.1", "city": "Localhost",
                "country": "ZZ"},
            "expire_at": now + SESSION_LIFETIME, "abandon_at": now + ABANDON_AFTER,
            "updated_at": now, "created_at": now,
        }
        self.created.setdefault(u, []).insert(0, obj)
        self.created_index[sid] = obj
        self._invalidate_user(u)
        return json_resp(200, obj)

    def get_session(self, req, sid):
        obj = self._get_session(sid)
        if obj is None:
            return not_found("session", sid)
        return json_resp(200, obj)

    def revoke(self, req, sid):
        obj = self._get_session(sid)
        if obj is None:
            return not_found("session", sid)
        if obj["status"] not in ("active", "pending"):
            return clerk_error(400, "session_not_active", "session is not active",
                               "Session %s has status %s and cannot be revoked."
                               % (sid, obj["status"]))
        now = now_ms()
        if sid in self.created_index:
            obj["status"] = "revoked"
            obj["updated_at"] = now
            u = self.user_index[obj["user_id"]]
        else:
            self.overrides[sid] = {"status": "revoked", "updated_at": now}
            u = self.session_index[sid][0]
            obj = self._session_obj(*self.session_index[sid])
        self._invalidate_user(u)
        return json_resp(200, obj)

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
        obj = self._get_session(sid)
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
        obj = self._get_session(sid)
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
        header = {"alg": "RS256", "kid": "ins_2fakeInstanceKey", "typ": "JWT"}
        return json_resp(200, {"object": "token", "jwt": make_jwt(header, payload)})

    # ------------------------------------------------------------ users, clients

    def _user_json(self, u):
        s = self.user_json.get(u)
        if s is None:
            s = dumps(self._user_obj(u))
            self.user_json[u] = s
        return s

    USER_ORDER = ("created_at", "updated_at", "last_active_at", "last_sign_in_at",
                  "first_name", "last_name", "username", "email_address")

    def _filter_users(self, req):
        """(list of indexes, None) or (None, error)."""
        ids = req.qall("user_id")
        if len(ids) > 100:
            return None, param_invalid("user_id", "accepts up to 100 values")
        idx = list(range(self.n_users))
        if ids:
            include = [i for i in ids if not i.startswith("-")]
            exclude = {i[1:] for i in ids if i.startswith("-")}
            if include:
                want = {i.lstrip("+") for i in include}
                idx = [u for u in idx if self.user_ids[u] in want]
            if exclude:
                idx = [u for u in idx if self.user_ids[u] not in exclude]
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
        idx, err = self._filter_users(req)
        if err:
            return err
        order = req.q1("order_by", "-created_at") or "-created_at"
        desc = order.startswith("-")
        key = order.lstrip("+-")
        if key not in self.USER_ORDER:
            return param_invalid("order_by", "is not a supported ordering")
        if key == "created_at":
            idx.sort(key=lambda u: self._user_created_at(u), reverse=desc)
        else:
            def sort_key(u):
                o = self._user_obj(u)
                v = (o["email_addresses"][0]["email_address"] if key == "email_address"
                     else o.get(key))
                return (v is None, v if v is not None else 0)
            idx.sort(key=sort_key, reverse=desc)
        after = req.q1("starting_after")
        if after:
            if key != "created_at":
                return param_invalid("starting_after", "requires ordering by created_at")
            if offset:
                return param_invalid("starting_after", "cannot be combined with offset")
            pos = next((i for i, u in enumerate(idx) if self.user_ids[u] == after), None)
            if pos is None:
                return param_invalid("starting_after", "is not a known user id")
            idx = idx[pos + 1:]
        page = idx[offset:offset + limit]
        body = "[" + ",".join(self._user_json(u) for u in page) + "]"
        return raw_json_resp(200, body.encode("utf-8"))

    def count_users(self, req):
        idx, err = self._filter_users(req)
        if err:
            return err
        return json_resp(200, {"object": "total_count", "total_count": len(idx)})

    def get_user(self, req, uid):
        u = self.user_index.get(uid)
        if u is None:
            return not_found("user", uid)
        return raw_json_resp(200, self._user_json(u).encode("utf-8"))

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
