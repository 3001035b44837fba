"""The figures of `make bench` against a rate-limited Clerk instance (the
fake at Clerk's development limit, 100 requests per 10 s): what a listing
costs in requests, whether it stays within the limit, how soon the first
screen of live sessions is drawn, what ten minutes of automatic refreshes
cost, and how much of its budget a long listing actually uses. Time may be
scaled down (shorter intervals, windows and limits, the same ratios); each
figure says how."""

import json
import os
import re
import time

from common import Fake, cli, env_for, summary
from ptyterm import Term, now

COLS, ROWS = 120, 40


def clerk_counts(fake):
    st = fake.control("GET", "/_fake/stats")["providers"]["clerk"]
    return st["requests"], st["by_status"].get("429", 0)


def add_clerk(binary, env, fake, label, **fields):
    args = ["account", "add", "clerk", "--label", label, "--base-url", fake.url("clerk")]
    for k, v in fields.items():
        args += ["--set", "%s=%s" % (k, v)]
    cli(binary, env, *args, stdin="sk_test_fake\n")


def account_line(screen, label):
    for line in screen.display[1:ROWS - 2]:
        if label in line:
            return line
    return ""


def sessions_title(screen):
    """The number in the sessions pane's title rule, or -1."""
    for line in screen.display:
        m = re.search(r"── Sessions (\d+)", line)
        if m:
            return int(m.group(1))
    return -1


def account_count(screen, label):
    """The sessions the accounts pane counts for label (the store's), or -1."""
    parts = account_line(screen, label).split()
    for i, p in enumerate(parts):
        if p == label and i + 1 < len(parts) and parts[i + 1].isdigit():
            return int(parts[i + 1])
    return -1


def loaded(label):
    def pred(s):
        line = account_line(s, label)
        return " ok" in line and "loading" not in line
    return pred


def active_rows(screen):
    """Rows of the table that show an active session (the most recently
    active users' come first)."""
    return sum(1 for line in screen.display if " active " in line)


def json_sessions(binary, env, label):
    out = cli(binary, env, "sessions", "--account", label, "--json", timeout=600)
    return len(json.loads(out)["sessions"])


def fig_rate_first(binary, tmp, log, quick):
    """10,000 users of whom 200 were active in the last 7 days (at most 100
    sessions each), the fake at Clerk's development limit (100 per 10 s;
    real time). The dashboard's first listing: requests sent, 429s, time to
    the first screen of live sessions (a full table of active sessions),
    and to the whole listing."""
    fake = Fake(tmp, "rate-first", ["--clerk-users", "10000", "--clerk-sessions-per-user", "100",
                                    "--clerk-active-users", "200",
                                    "--clerk-rate-limit", "100/10s"])
    try:
        env = env_for(tmp, "rate-first")
        add_clerk(binary, env, fake, "instance")
        fake.control("POST", "/_fake/stats/clear", {})
        t = Term([binary], env, COLS, ROWS)
        try:
            # the table full (more sessions listed than its rows), live ones among them
            screenful = ROWS - 8
            first = t.wait_for(lambda s: sessions_title(s) >= screenful and active_rows(s) > 0,
                               30)
            if first is None:
                raise RuntimeError("no screen of live sessions:\n" + t.text())
            done = t.wait_for(loaded("instance"), 300)
            if done is None:
                raise RuntimeError("the listing never ended:\n" + t.text())
            shown = account_count(t.screen, "instance")
            t.send("q")
        finally:
            t.close()
        req, refused = clerk_counts(fake)
        listed = json_sessions(binary, env, "instance")
    finally:
        fake.stop()
    return {"first_screen_ms": (first - t.t_exec) * 1000, "all_ms": (done - t.t_exec) * 1000,
            "requests": req, "refused": refused, "active_users": 200,
            "sessions_shown": shown, "sessions_listed": listed}


def fig_rate_refresh(binary, tmp, log, quick):
    """Ten minutes of automatic refreshes, one a minute, 5 users newly
    active each minute (they sign in), against the fake at the development
    limit; scaled down 10 times: refresh every 6 s, recheck every 1 min,
    budget and limit 10 times the rate (50 per s and 100 per s). Counts the
    requests of the ten refreshes against ten full listings (the first
    listing's count, each), and that the dashboard ends with every session
    the fake has (a headless full listing, counted)."""
    minutes = 4 if quick else 10
    fake = Fake(tmp, "rate-refresh", ["--clerk-users", "2000", "--clerk-sessions-per-user", "20",
                                      "--clerk-active-users", "200",
                                      "--clerk-rate-limit", "100/1s"])
    try:
        env = env_for(tmp, "rate-refresh")
        conf = os.path.join(env["XDG_CONFIG_HOME"], "sesame")
        os.makedirs(conf, exist_ok=True)
        with open(os.path.join(conf, "sesame.conf"), "w") as f:
            f.write("set refresh-interval = 6\n")
        add_clerk(binary, env, fake, "instance", recheck="1m", rate_limit="50/1s")
        fake.control("POST", "/_fake/stats/clear", {})
        t = Term([binary], env, COLS, ROWS)
        try:
            if t.wait_for(loaded("instance"), 120) is None:
                raise RuntimeError("the first listing never ended:\n" + t.text())
            first_req, _ = clerk_counts(fake)
            t0 = now()
            signed = []
            for m in range(minutes):
                # 5 users sign in, then a scaled minute passes
                r = fake.control("POST", "/_fake/clerk/sign_in", {"users": 5})
                signed += r["session_ids"]
                end = t0 + 6.0 * (m + 1)
                while now() < end:
                    t.record(min(end, now() + 0.5))
                    t.feed()
            # the last refresh in: every change shows
            time.sleep(7.0)
            t.record(now() + 0.5)
            t.feed()
            total_req, refused = clerk_counts(fake)
            shown = account_count(t.screen, "instance")
            t.send("q")
        finally:
            t.close()
        refresh_req = total_req - first_req
        listed = json_sessions(binary, env, "instance")
        full_req_after = clerk_counts(fake)[0] - total_req
    finally:
        fake.stop()
    full = (first_req + full_req_after) / 2.0
    return {"minutes": minutes, "refresh_requests": refresh_req, "full_listing_requests": full,
            "ratio": refresh_req / (minutes * full), "refused": refused,
            "sessions_shown": shown, "sessions_listed": listed, "signed_in": len(signed)}


def fig_rate_history(binary, tmp, log, quick, key_samples):
    """Full history (session_window = all) of 1,000 users with 100 sessions
    each, the fake at the development limit scaled down 10 times (100 per
    s, sesame's budget its half, 50 per s): the requests per second sent
    against the least time its budget allows for them (50 in any window of
    1 s), the 429s; then, listing again (^R), keys (j/k) answered
    while it paces."""
    users = 300 if quick else 1000
    fake = Fake(tmp, "rate-history", ["--clerk-users", str(users),
                                      "--clerk-sessions-per-user", "100"])
    try:
        # the fake makes each user's sessions on first use, slower than the
        # limit: made beforehand, so that only the limit and sesame count
        fake.warm_clerk()
        fake.control("POST", "/_fake/config",
                     {"clerk_rate_limit": {"requests": 100, "window_ms": 1000}})
        env = env_for(tmp, "rate-history")
        add_clerk(binary, env, fake, "history", session_window="all", rate_limit="50/1s")
        cli(binary, env, "account", "add", "cbrain", "--label", "lab", "--base-url",
            fake.url("cbrain"), "--set", "login=demo", stdin="cbrain-pass\n")
        cli(binary, env, "create", "lab")
        fake.control("POST", "/_fake/stats/clear", {})
        fake.control("POST", "/_fake/requests/clear", {})
        t = Term([binary], env, COLS, ROWS)
        try:
            # the use of the budget, with nothing else asked of the machine
            done = t.wait_for(loaded("history"), 600)
            if done is None:
                raise RuntimeError("the listing never ended:\n" + t.text())
            req, refused = clerk_counts(fake)
            times = [e["time_ms"] for e in
                     fake.control("GET", "/_fake/requests?provider=clerk")["requests"]]
            # then keys while it lists again in full (^R): the cursor moves
            # between the two accounts as fast as the screen follows
            t.settle(0.5)
            t.send("\x12")
            if t.wait_for(lambda s: "loading" in account_line(s, "history"), 10) is None:
                raise RuntimeError("^R did not list again:\n" + t.text())
            keys = key_samples(t, loaded("history"), 10 ** 6, "history")
            if t.wait_for(loaded("history"), 600) is None:
                raise RuntimeError("the second listing never ended:\n" + t.text())
            refused = clerk_counts(fake)[1]  # over both listings
            t.send("q")
        finally:
            t.close()
    finally:
        fake.stop()
    # the budget is a sliding window of 1 s holding 50: N requests take at
    # least (N - 1) // 50 s from the first to the last; the use is that
    # least time over the time they took
    seconds = (max(times) - min(times)) / 1000.0
    least = (req - 1) // 50
    return {"users": users, "requests": req, "refused": refused, "seconds": seconds,
            "least_seconds": least, "sent_per_s": req / max(seconds, 0.001),
            "use": least / max(seconds, 0.001), "keys_ms": summary([k[0] for k in keys])}


def rows(res, fmt, verdict):
    """The table's rows of the figures above that ran."""
    out = []
    if "rate_first" in res:
        r = res["rate_first"]
        ok = (r["requests"] <= 25 + r["active_users"] and r["refused"] == 0
              and r["first_screen_ms"] <= 2000 and r["sessions_shown"] == r["sessions_listed"])
        out.append(("rate: first listing", "%d req" % r["requests"],
                     "first screen %s, all %s" % (fmt(r["first_screen_ms"], digits=0),
                                                  fmt(r["all_ms"] / 1000.0, "s")),
                     "≤ 225 req, 0 × 429, ≤ 2 s", verdict(ok),
                     "10k users, 200 active; %d × 429; %d sessions shown of %d" % (
                         r["refused"], r["sessions_shown"], r["sessions_listed"])))
    if "rate_refresh" in res:
        r = res["rate_refresh"]
        ok = r["ratio"] <= 0.25 and r["refused"] == 0 and r["sessions_shown"] == r["sessions_listed"]
        out.append(("rate: refreshes", "%.0f %%" % (100 * r["ratio"]),
                     "%d req vs %d × %.0f" % (r["refresh_requests"], r["minutes"],
                                              r["full_listing_requests"]),
                     "≤ 25 %, all shown", verdict(ok),
                     "%d min scaled ÷10, 5 sign-ins/min; %d × 429; %d shown of %d" % (
                         r["minutes"], r["refused"], r["sessions_shown"], r["sessions_listed"])))
    if "rate_history" in res:
        r = res["rate_history"]
        k = r["keys_ms"]
        ok = r["use"] >= 0.9 and r["refused"] == 0 and k.get("n") and k["max"] <= 10
        out.append(("rate: full history", "%.0f %%" % (100 * r["use"]),
                     "%.1f s for %d s least" % (r["seconds"], r["least_seconds"]),
                     "≥ 90 %, 0 × 429, keys ≤ 10 ms", verdict(ok),
                     "%d users, %d req in %.1f s (÷10); %d × 429; keys median %s, max %s" % (
                         r["users"], r["requests"], r["seconds"], r["refused"],
                         fmt(k.get("median"), digits=2), fmt(k.get("max")))))
    return out
