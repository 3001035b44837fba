"""The seeded Clerk instance: users and sessions as pure functions of
(seed, index), generated when asked, so that 10,000 users x 100 sessions
cost one hash per user to seed.

Every user u has a reference time ref[u]: the seeding time for the users
active in the last 7 days, 8 to 396 days before it for the others. Its
sessions lie before ref[u], newest first: session 0 is the newest and
holds the user's newest activity (no other session was used after it).
So a user's summary (last_sign_in_at, last_active_at) needs session 0
only, and a user who is not active has only sessions long over."""

import hashlib
import random

from common import b62ish, digest

HOUR = 3_600_000
DAY = 24 * HOUR
SESSION_LIFETIME = 7 * DAY
ABANDON_AFTER = 30 * DAY
# The instance's inactivity timeout (fake.py --clerk-inactivity-timeout): a
# session is abandoned that long after its last activity, which can come
# before its expiry. None: abandon_at is ABANDON_AFTER after its creation.
INACTIVITY_MS = None


def abandon_at(created, last_active):
    """When a session is abandoned, as the instance's settings make it."""
    if INACTIVITY_MS is not None:
        return last_active + INACTIVITY_MS
    return created + ABANDON_AFTER
SESSION_SPACING = 6 * HOUR
SESSIONS_PER_CLIENT = 2
RECENT = 7 * DAY               # "active": some activity within this
NEWEST_JITTER = 6 * DAY        # session 0 begins at most this before ref[u]
AGE_MIN, AGE_MAX = 8 * DAY, 396 * DAY   # ref[u] of the others; + NEWEST_JITTER stays < 400 days

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


def day_start(ms):
    """Clerk keeps a user's last_active_at to the day: the UTC day's start."""
    return ms - ms % DAY


def activity_obj(act_id, cd, pick):
    """A SessionActivity on the device that client bytes cd stand for;
    pick chooses the browser version."""
    dev_type, mobile, browsers = DEVICES[cd[0] % len(DEVICES)]
    bname, versions = browsers[cd[1] % len(browsers)]
    city, country = PLACES[cd[2] % len(PLACES)]
    ip = "%s.%d" % (("203.0.113", "198.51.100", "192.0.2")[cd[3] % 3], 1 + cd[5] % 254)
    return {
        "object": "session_activity",
        "id": act_id,
        "is_mobile": mobile,
        "device_type": dev_type,
        "browser_name": bname,
        "browser_version": versions[pick % len(versions)],
        "ip_address": ip,
        "city": city,
        "country": country,
    }


class Seed:
    """The generated part of an instance. Immutable once built."""

    def __init__(self, users, per_user, seed, active_users, base):
        self.n = max(0, int(users))
        self.per_user = max(0, int(per_user))
        self.value = seed
        self.base = base
        self.spacing = max(SESSION_SPACING, 12 * DAY // max(1, self.per_user))
        k = self.n if active_users is None else min(self.n, active_users)
        self.active = bytearray(b"\x01" * self.n)
        self.ref = [base] * self.n
        if k < self.n:
            # spread over the users, not the first k
            self.active = bytearray(self.n)
            for u in random.Random("active:%d" % seed).sample(range(self.n), k):
                self.active[u] = 1
            for u in range(self.n):
                if not self.active[u]:
                    age = int.from_bytes(digest("age", seed, u, size=8), "little")
                    self.ref[u] = base - AGE_MIN - age % (AGE_MAX - AGE_MIN)
        # users were created before their oldest session could begin
        oldest = self.per_user * self.spacing + (AGE_MAX if k < self.n else 0)
        self.created_base = base - 45 * DAY - oldest
        self.user_ids = [self._uid(u) for u in range(self.n)]
        # session 0 of each user: (created_at, last_active_at)
        self.newest = [self.session_times(u, 0)[::2] if self.per_user else None
                       for u in range(self.n)]

    # ------------------------------------------------------------ ids

    def _uid(self, u):
        return "user_2" + b62ish(digest("user", self.value, u), 26)

    def sd(self, u, s):
        """64 pseudo-random bytes of seeded session (u, s): [0:24] its id,
        [24:32] its times, [32:40] its choices, [40:64] its activity id."""
        return hashlib.blake2b(b"sess:%d:%d:%d" % (self.value, u, s), digest_size=64).digest()

    def cd(self, u, c):
        return hashlib.blake2b(b"client:%d:%d:%d" % (self.value, u, c), digest_size=16).digest()

    def sid(self, u, s, d=None):
        return "sess_2" + b62ish((d or self.sd(u, s))[:24], 26)

    def cid(self, u, c):
        return "client_2" + b62ish(digest("client", self.value, u, c), 26)

    def client_count(self):
        return (self.per_user + SESSIONS_PER_CLIENT - 1) // SESSIONS_PER_CLIENT

    # ------------------------------------------------------------ times

    def user_created_at(self, u):
        return self.created_base - u * 600_000

    def session_times(self, u, s, d=None):
        """(created_at, expire_at, last_active_at) of seeded session (u, s)."""
        d = (d or self.sd(u, s))[24:32]
        ref = self.ref[u]
        # Few sessions per user spread over 12 days (so some have expired),
        # many come every 6 hours; the newest begins within 6 days of ref.
        spread = self.spacing if s else min(self.spacing, NEWEST_JITTER)
        jitter = int.from_bytes(d[:4], "little") % (spread - 120_000)
        created = ref - 30 * 60_000 - s * self.spacing - jitter - (u % 977) * 37
        expire = created + SESSION_LIFETIME
        end = min(ref, expire)
        if s:
            end = min(end, self.newest[u][1] + 1)
        last_active = created + int.from_bytes(d[4:8], "little") % max(1, end - created)
        return created, expire, last_active

    # ------------------------------------------------------------ objects

    def session_obj(self, u, s, clients=None):
        """The Session dict of seeded session (u, s) as seeded; clients
        optionally caches {client number: (client id, client bytes)}."""
        dd = self.sd(u, s)
        d = dd[32:40]
        c = s // SESSIONS_PER_CLIENT
        if clients is not None and c in clients:
            cid, cd = clients[c]
        else:
            cid, cd = self.cid(u, c), self.cd(u, c)
            if clients is not None:
                clients[c] = (cid, cd)
        created, expire, last_active = self.session_times(u, s, dd)
        now = self.base
        r = d[0] % 100
        if s == 0 and self.active[u]:
            status = "active" if r >= 12 else "ended"
        elif expire <= now:
            status = ("expired" if r < 55 else "ended" if r < 75 else "revoked" if r < 85
                      else "removed" if r < 93 else "abandoned")
        else:
            status = ("active" if r < 60 else "ended" if r < 75 else "revoked" if r < 85
                      else "removed" if r < 90 else "replaced")
        updated = last_active if status == "active" else min(now, max(last_active, created + 1000))
        activity = None
        if d[1] % 20:
            activity = activity_obj("sess_activity_2" + b62ish(dd[40:64], 26), cd, d[2])
        actor = None
        if d[3] % 50 == 0:
            actor = {"sub": "user_2" + b62ish(digest("actor", self.value, u), 26),
                     "iss": "https://dashboard.clerk.com"}
        org = None
        if d[4] % 7 == 0:
            org = "org_2" + b62ish(digest("org", self.value, u), 26)
        return {
            "object": "session",
            "id": self.sid(u, s, dd),
            "user_id": self.user_ids[u],
            "client_id": cid,
            "actor": actor,
            "status": status,
            "last_active_organization_id": org,
            "last_active_at": last_active,
            "latest_activity": activity,
            "expire_at": expire,
            "abandon_at": abandon_at(created, last_active),
            "updated_at": updated,
            "created_at": created,
        }

    def user_obj(self, u, last_active_at, last_sign_in_at):
        """The User dict of user u with the given summary times."""
        d = digest("userdata", self.value, u)
        first = FIRST[d[0] % len(FIRST)]
        last = LAST[d[1] % len(LAST)]
        created = self.user_created_at(u)
        ascii_first = first.encode("ascii", "ignore").decode().lower() or "user"
        ascii_last = last.encode("ascii", "ignore").decode().lower().replace("-", "") or "x"
        email = "%s.%s%d@example.com" % (ascii_first, ascii_last, u)
        eid = "idn_2" + b62ish(digest("email", self.value, u), 26)
        banned = d[2] % 29 == 0
        locked = d[3] % 31 == 0
        return {
            "id": self.user_ids[u],
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
            "last_sign_in_at": last_sign_in_at,
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
            "last_active_at": last_active_at,
            "legal_accepted_at": None,
            "bypass_client_trust": False,
        }
