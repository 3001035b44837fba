"""Activity over time at the fake Clerk instance, steered by the control
API (POST /_fake/clerk/sign_in, /activity, /revoke; see README.md). These
act "elsewhere", as the instance's own users would: they are not Clerk
Backend API requests and the rate limiter does not see them.

Each function takes the Clerk provider and the request's JSON object and
answers a Resp; a bad body changes nothing and answers 400 (404 for an
unknown id) with {"error": why}."""

import random

from clerk_seed import RECENT, activity_obj
from common import b62ish, digest, is_int, json_resp, now_ms


class BadBody(ValueError):
    def __init__(self, why, status=400):
        super().__init__(why)
        self.status = status


def _users(clerk, ids):
    """User indexes of a list of user ids (all known)."""
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise BadBody("user_ids must be a non-empty array of user ids")
    unknown = [i for i in ids if i not in clerk.user_index]
    if unknown:
        raise BadBody("unknown user ids: %s" % ", ".join(unknown), 404)
    return sorted({clerk.user_index[i] for i in ids})


def _at(body, now, oldest):
    """The time the body dates its event at (default now), in (oldest, now]."""
    at = body.get("at", now)
    if not is_int(at) or at > now or at <= oldest:
        raise BadBody("at must be an integer time in ms after %d and not after now (%d)"
                      % (oldest, now))
    return at


def _answer(fn, clerk, body):
    with clerk.lock:
        try:
            return json_resp(200, fn(clerk, body))
        except BadBody as e:
            return json_resp(e.status, {"error": str(e)})


def _sign_in(clerk, body):
    now = now_ms()
    at = _at(body, now, now - RECENT)    # the new session must still be active
    if ("user_ids" in body) == ("users" in body):
        raise BadBody('give either "user_ids": [...] or "users": N')
    if "users" in body:
        n = body["users"]
        idle = [u for u in range(clerk.n_users)
                if clerk.last_active[u] is None or clerk.last_active[u] <= now - RECENT]
        if not is_int(n) or n < 1 or n > len(idle):
            raise BadBody("users must be an integer from 1 to %d (the users not active in "
                          "the last 7 days)" % len(idle))
        # Drawn from a generator of its own per call: the same calls on the
        # same seed sign in the same users.
        draw = random.Random("sign_in:%d:%d" % (clerk.g.value, clerk.sign_ins))
        clerk.sign_ins += 1
        users = sorted(draw.sample(idle, n))
    else:
        users = _users(clerk, body["user_ids"])

    where, actor = _where(body), _actor(body)   # checked before anything changes

    def device(sid):
        act = activity_obj("sess_activity_2" + b62ish(digest("signin-activity", sid), 26),
                           digest("signin-client", sid, size=16), 0)
        act.update(where)
        return act
    made = [clerk.add_session(u, at, device) for u in users]
    for s in made:
        if actor is not None:
            clerk.update_session(s["id"], {"actor": actor})
    return {"session_ids": [s["id"] for s in made], "user_ids": [s["user_id"] for s in made]}


def _where(body):
    """Where a sign-in comes from, when the body says: "city", "country",
    "device_type", "is_mobile", "ip_address" override the drawn device."""
    where = {}
    for key in ("city", "country", "device_type", "ip_address"):
        if key in body:
            if not isinstance(body[key], str) or not body[key]:
                raise BadBody("%s must be a non-empty string" % key)
            where[key] = body[key]
    if "is_mobile" in body:
        if not isinstance(body["is_mobile"], bool):
            raise BadBody("is_mobile must be true or false")
        where["is_mobile"] = body["is_mobile"]
    return where


def _actor(body):
    """The actor of an impersonated sign-in: "actor": {"sub": ...} as Clerk
    sets it when someone signs in as the user, or None."""
    if "actor" not in body:
        return None
    actor = body["actor"]
    if not isinstance(actor, dict) or not isinstance(actor.get("sub"), str):
        raise BadBody('actor must be an object with a "sub" (the impersonator\'s user id)')
    return actor


def _activity(clerk, body):
    now = now_ms()
    at = _at(body, now, -1)
    users = _users(clerk, body.get("user_ids"))
    touched = []
    for u in users:
        sid = clerk.newest_active_session(u)
        if sid is None:
            raise BadBody("user %s has no active session (POST /_fake/clerk/sign_in first)"
                          % clerk.g.user_ids[u])
        obj = clerk.find_session(sid)
        if at < obj["created_at"]:
            raise BadBody("at is before session %s began" % sid)
        touched.append((u, sid, max(at, obj["last_active_at"])))
    for u, sid, t in touched:
        clerk.update_session(sid, {"last_active_at": t, "updated_at": t})
        clerk.touch_user(u, t)
    return {"session_ids": [sid for _, sid, _ in touched]}


def _revoke(clerk, body):
    if ("session_ids" in body) == ("user_id" in body):
        raise BadBody('give either "session_ids": [...] or "user_id": "..."')
    if "user_id" in body:
        u = _users(clerk, [body["user_id"]])[0]
        sids = [r[0] for r in clerk.user_sessions(u) if r[2] == "active"]
    else:
        sids = body["session_ids"]
        if not isinstance(sids, list) or not sids or not all(isinstance(s, str) for s in sids):
            raise BadBody("session_ids must be a non-empty array of session ids")
        unknown = [s for s in sids if clerk.find_session(s) is None]
        if unknown:
            raise BadBody("unknown session ids: %s" % ", ".join(unknown), 404)
    now = now_ms()
    revoked, not_active = [], []
    for sid in sids:
        if clerk.find_session(sid)["status"] in ("active", "pending"):
            clerk.update_session(sid, {"status": "revoked", "updated_at": now})
            revoked.append(sid)
        else:
            not_active.append(sid)
    return {"revoked": revoked, "not_active": not_active}


ACTIONS = {"sign_in": _sign_in, "activity": _activity, "revoke": _revoke}


def control(clerk, action, body):
    """POST /_fake/clerk/<action> with a JSON object body; None if no such action."""
    fn = ACTIONS.get(action)
    if fn is None:
        return None
    return _answer(fn, clerk, body)
