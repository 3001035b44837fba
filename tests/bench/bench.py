"""make bench: what a person feels, measured from outside the process.

    /usr/bin/python3 tests/bench/bench.py SESAME_BINARY OUT_JSON
    (inside tests/with-keyring.sh; tools/bench.sh sets everything up)

Every figure runs the real binary in a pseudo-terminal of 120x40 (or, for
the headless list, as a plain child with stdout to a file) against the fake
providers of tests/fake on loopback, and is a median over several runs with
the spread (min-max, and p10-p90 for key latency). How each is taken is
written next to it below and in the README. Environment:
    BENCH_QUICK=1          fewer runs, shorter idle (a quick look, not a record)
    BENCH_IDLE_SECONDS=N   length of the idle measurement (default 60, quick 10)
    BENCH_ONLY=a,b         run only these figures (first_frame, key_latency,
                           refresh_all, scale, filter, idle, headless,
                           rate_first, rate_refresh, rate_history, headless_cpu)

The big Clerk account (1,000 users x 100 sessions) is added with
rate_limit=off: those figures measure sesame's own speed against a fake
that has no limit, not the pace of Clerk's request budget.
"""

import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Fake, add_account, add_five, cli, env_for, summary  # noqa: E402
from ptyterm import Term, now  # noqa: E402
import rate_bench  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = 3 if QUICK else 5
IDLE_S = float(os.environ.get("BENCH_IDLE_SECONDS", "10" if QUICK else "60"))
ONLY = [x for x in os.environ.get("BENCH_ONLY", "").split(",") if x]
COLS, ROWS = 120, 40
BIG_USERS, BIG_PER_USER = 1000, 100
BIG_TOTAL = BIG_USERS * BIG_PER_USER
HEADLESS_CPU_RUNS = 5                   # median of 5, quick or not
HEADLESS_CPU_S, HEADLESS_RSS_MB = 0.5, 40

# The status bar's first and last key hints (ui/statusbar.c): a frame is
# complete when its status bar shows both, the last one being drawn last.
STATUS_FIRST, STATUS_LAST = "quit", "pane"
SELECTED_BG = "cyan"      # the default theme's "selected" (focused cursor) background

BINARY = None
NODE_SCRIPT = None
TMP = None


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def ms(t):
    return None if t is None else t * 1000.0


# ---- reading the screen ----

def status_row(screen):
    return screen.display[ROWS - 2]


def frame_complete(labels):
    """The first complete screen: the title row, every account label in the
    panes, the status bar from its first hint to its last."""
    def pred(screen):
        d = screen.display
        if "sesame" not in d[0]:
            return False
        body = "\n".join(d[1:ROWS - 2])
        if not all(label in body for label in labels):
            return False
        s = status_row(screen)
        return STATUS_FIRST in s and STATUS_LAST in s
    return pred


def selected_row(screen):
    """The row of the focused cursor (the selected background), or -1."""
    for y in range(1, ROWS - 2):
        cell = screen.buffer[y][2]
        if cell.bg == SELECTED_BG or (cell.reverse and SELECTED_BG == "reverse"):
            return y
    return -1


def label_selected(t, label):
    row = selected_row(t.screen)
    return row >= 0 and label in t.screen.display[row]


def account_row(screen, label):
    for line in screen.display[1:ROWS - 2]:
        if label in line:
            return line
    return ""


def listed(label, n_sessions):
    """The account's row shows n_sessions (then its window, for Clerk) and
    state ok."""
    want = re.compile(r" %d (\S+ )?ok " % n_sessions)

    def pred(screen):
        return want.search(" " + " ".join(account_row(screen, label).split()) + " ") is not None
    return pred


def title_shows(n_sessions):
    text = "%d session" % n_sessions

    def pred(screen):
        return text in screen.display[0]
    return pred


# ---- figures ----

def fig_first_frame(fake):
    """exec -> first complete screen, 120x40, 5 accounts (one per provider)
    whose keyring lookups and requests run on the worker."""
    env = env_for(TMP, "first-frame")
    labels = add_five(BINARY, env, fake)
    complete, first_byte, floor = [], [], []
    for i in range(RUNS + 2):
        t = Term([BINARY], env, COLS, ROWS)
        t.record(now() + 1.0, quiet=0.15)
        chunks = list(t.pending)
        tc = t.feed(frame_complete(labels))
        t.feed()
        t.close()
        if tc is None:
            raise RuntimeError("first frame never complete:\n" + t.text())
        if i < 2:
            continue  # warm the page cache and the fake
        complete.append(ms(tc - t.t_exec))
        first_byte.append(ms(chunks[0][0] - t.t_exec))
    # The floor: exec to the output of `sesame --version` (loading the
    # binary and its shared libraries, then one printf), the same way.
    for i in range(RUNS + 2):
        t = Term([BINARY, "--version"], env, COLS, ROWS)
        got = t.record(now() + 1.0, quiet=0.05)
        t.close()
        if i >= 2 and got:
            floor.append(ms(got[0][0] - t.t_exec))
    return {"ms": summary(complete), "first_byte_ms": summary(first_byte),
            "exec_floor_ms": summary(floor)}


def key_samples(t, stop_pred, max_samples, label, top_row=None):
    """j/k alternately, each as soon as the previous changed the screen (plus
    a random pause of 20-60 ms); until stop_pred(screen) holds after a key.
    The cursor goes down from top_row (default: the row showing label) and
    back up. Returns [(ms to the changed screen, ms to the end of its burst,
    paging)]."""
    out = []
    rnd = random.Random(7)
    while len(out) < max_samples:
        before = selected_row(t.screen)
        if before < 0:
            raise RuntimeError("no selected row:\n" + t.text())
        down = before == top_row if top_row is not None else label in t.screen.display[before]
        want = before + 1 if down else before - 1
        paging = "loading" in account_row(t.screen, label)
        t0 = now()
        t.send("j" if down else "k")
        tc = t.wait_for(lambda s: selected_row(s) == want, timeout=5.0, quiet=0.003)
        if tc is None:
            raise RuntimeError("a key did not move the cursor from row %d to %d (now %d):\n%s"
                               % (before, want, selected_row(t.screen), t.text()))
        # the end of the burst that carried the change
        t.record(now() + 0.2, quiet=0.003)
        burst_end = tc
        for ct, _ in t.pending:
            if ct - burst_end < 0.003:
                burst_end = ct
            else:
                break
        t.feed()
        out.append((ms(tc - t0), ms(burst_end - t0), paging))
        if stop_pred(t.screen):
            break
        time.sleep(0.02 + rnd.random() * 0.04)
    return out


def fig_key_latency(big):
    """Key -> changed screen while one provider hangs (CBRAIN: its check never
    answers) and another pages through 100k sessions (Clerk). Keys are j/k
    in the accounts pane while the listing runs; R starts the next round."""
    hang = Fake(TMP, "hang")
    try:
        env = env_for(TMP, "key-latency")
        add_account(BINARY, env, big, "clerk", "Clerk 100k", rate_limit="off")
        add_account(BINARY, env, hang, "cbrain", "CBRAIN hangs")
        cli(BINARY, env, "create", "CBRAIN hangs")
        hang.fault("*", "hang")
        samples, loaded = [], []
        rounds = 3 if QUICK else 4
        procs = 1 if QUICK else 2
        for p in range(procs):
            t = Term([BINARY], env, COLS, ROWS)
            try:
                if t.wait_for(frame_complete(["Clerk 100k", "CBRAIN hangs"]), 10) is None:
                    raise RuntimeError("no first frame:\n" + t.text())
                for r in range(rounds):
                    if r > 0:
                        # ^R lists the selected account again in full: the keys may
                        # have left the cursor on CBRAIN's row
                        if label_selected(t, "CBRAIN hangs"):
                            t.send("k")
                            if t.wait_for(lambda s: label_selected(t, "Clerk 100k"), 5) is None:
                                raise RuntimeError("k did not select Clerk:\n" + t.text())
                        t.send("\x12")  # ^R: the account listed again in full
                        if t.wait_for(lambda s: "loading" in account_row(s, "Clerk 100k"),
                                      5) is None:
                            raise RuntimeError("R did not start a listing:\n" + t.text())
                    done = listed("Clerk 100k", BIG_TOTAL)
                    samples += key_samples(t, done, 400, "Clerk 100k")
                    if t.wait_for(done, 60) is None:
                        raise RuntimeError("the 100k never arrived:\n" + t.text())
                # then in the sessions table, 100k rows loaded, CBRAIN still hanging
                t.settle(0.2)
                t.send("\t")
                t.settle(0.2)
                loaded += key_samples(t, lambda s: False, 12 if QUICK else 10, "",
                                      top_row=selected_row(t.screen))
            finally:
                t.close()
    finally:
        hang.stop()
    paging = [s for s in samples if s[2]]
    return {"ms": summary([s[0] for s in paging]),
            "burst_end_ms": summary([s[1] for s in paging]),
            "loaded_table_ms": summary([s[0] for s in loaded])}


def fig_refresh_all():
    """R (reload all) -> every account ok again: 5 accounts, one per provider,
    each on a fake of its own (its own host:port) that answers every request
    after 300 ms."""
    fakes = [Fake(TMP, "slow%d" % i, ["--clerk-users", "4", "--clerk-sessions-per-user", "3"])
             for i in range(5)]
    try:
        env = env_for(TMP, "refresh-all")
        labels = ["Clerk prod", "Basis Theory", "Plantly", "CBRAIN lab", "Apideck Vault"]
        for f, p, label in zip(fakes, ["clerk", "basistheory", "plantly", "cbrain", "apideck"],
                               labels):
            add_account(BINARY, env, f, p, label)
            if p != "clerk":
                cli(BINARY, env, "create", label)
        for f in fakes:
            f.fault("*", "latency", ms=300)
        walls = []
        t = Term([BINARY], env, COLS, ROWS)
        try:
            def all_ok(s):
                return all(" ok" in account_row(s, label) for label in labels) and \
                    "loading" not in status_row(s)
            if t.wait_for(frame_complete(labels), 10) is None or t.wait_for(all_ok, 10) is None:
                raise RuntimeError("accounts never ok:\n" + t.text())
            t.settle(0.1)
            for i in range(RUNS + 1):
                t0 = now()
                t.send("R")
                if t.wait_for(lambda s: "loading" in status_row(s), 5) is None:
                    raise RuntimeError("R showed nothing loading:\n" + t.text())
                tc = t.wait_for(all_ok, 10)
                if tc is None:
                    raise RuntimeError("refresh never ended:\n" + t.text())
                if i > 0:
                    walls.append(ms(tc - t0))
                t.settle(0.1)
            requests = {}
            for f, p in zip(fakes, ["clerk", "basistheory", "plantly", "cbrain", "apideck"]):
                requests[p] = f.stats()["requests"].get(p, 0)
        finally:
            t.close()
    finally:
        for f in fakes:
            f.stop()
    return {"ms": summary(walls), "latency_ms": 300, "requests": requests}


def run_node(big, as_json, out_path):
    """The official client listing the big set; (wall ms, peak RSS kB, summary)."""
    env = dict(os.environ, CLERK_SECRET_KEY="sk_test_fake")
    args = ["node", NODE_SCRIPT, big.base + "/clerk"] + (["--json"] if as_json else [])
    with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
        t0 = now()
        p = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = now() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    src = out_path + ".err" if as_json else out_path
    with open(src) as f:
        lines = [line for line in f.read().splitlines() if line.startswith("{")]
    info = json.loads(lines[-1]) if lines else {}
    if p.returncode != 0 or info.get("sessions") != BIG_TOTAL:
        raise RuntimeError("the node client failed (exit %d): %s" % (p.returncode, info))
    return ms(wall), ru.ru_maxrss, info


def fig_scale_and_filter(big, do_scale, do_filter):
    """Scale: exec -> the title shows all 100,000 sessions (1,000 users x 100
    from the fake), and sesame's peak RSS (VmHWM) then; against the official
    Node client listing the same set from the same fake, runs alternated.
    Filter: in those dashboards, / then a first character over the 100k
    rows: key -> the redraw complete (the prompt shows the new text and the
    output goes quiet for 5 ms); see filter_samples."""
    env = env_for(TMP, "scale")
    add_account(BINARY, env, big, "clerk", "Clerk 100k", rate_limit="off")
    listed_ms, rss, node_wall, node_rss, filt = [], [], [], [], []
    for i in range(RUNS):
        if do_scale:
            w, r, _ = run_node(big, False, os.path.join(TMP, "node-list.out"))
            node_wall.append(w)
            node_rss.append(r)
        t = Term([BINARY], env, COLS, ROWS)
        try:
            tc = t.wait_for(title_shows(BIG_TOTAL), 120, quiet=0.005)
            if tc is None:
                raise RuntimeError("the 100k never arrived:\n" + t.text())
            listed_ms.append(ms(tc - t.t_exec))
            t.settle(0.3)
            rss.append(t.proc_status("VmHWM"))
            if do_filter:
                filt += filter_samples(t, 4 if not QUICK else 7)
        finally:
            t.close()
    res = {}
    if do_scale:
        res["scale"] = {"ms": summary(listed_ms), "node_ms": summary(node_wall),
                        "ratio": statistics.median(listed_ms) / statistics.median(node_wall),
                        "peak_rss_kb": summary(rss), "node_peak_rss_kb": summary(node_rss)}
    if do_filter:
        res["filter"] = {"ms": summary(filt)}
    return res


def filter_samples(t, n):
    """n keystrokes, each the first character of a needle over all 100k rows
    ("e": most rows match, "q": few do), erased again before the next one
    (the erasing backspace is not counted)."""
    out = []
    t.send("/")
    if t.wait_for(lambda s: s.display[ROWS - 1].startswith("/"), 5) is None:
        raise RuntimeError("no filter prompt:\n" + t.text())
    t.settle(0.1)
    for i in range(n * 2):
        typing = i % 2 == 0
        ch = "eq"[(i // 2) % 2]
        needle = "/" + ch if typing else "/"
        t0 = now()
        t.send(ch if typing else "\x7f")
        # the prompt row shows the needle (and the cursor cell after it)
        def shown(s, needle=needle):
            return s.display[ROWS - 1].rstrip().startswith(needle) and \
                s.display[ROWS - 1][len(needle):len(needle) + 1] in (" ", "")
        tc = t.wait_for(shown, 5, quiet=0.005)
        if tc is None:
            raise RuntimeError("the filter did not answer:\n" + t.text())
        t.record(now() + 0.5, quiet=0.005)
        end = tc
        for ct, _ in t.pending:
            if ct - end < 0.005:
                end = ct
            else:
                break
        t.feed()
        if typing:
            out.append(ms(end - t0))
        time.sleep(0.03)
    t.send("\x1b")
    t.settle(0.1)
    return out


def fig_idle(fake):
    """CPU time of the process over IDLE_S seconds of idling with countdowns
    on screen (a Basis Theory session of 3 minutes, Plantly and Vault ones
    of an hour count down by the second): the sum over its threads of
    /proc/PID/task/TID/schedstat (ns; utime + stime of /proc/PID/stat only
    counts 10 ms ticks). The default automatic refresh (every 60 s) falls
    inside the window and is counted."""
    env = env_for(TMP, "idle")
    labels = add_five(BINARY, env, fake, sessions=False)
    for label in labels[1:]:
        cli(BINARY, env, "create", label)  # fresh: seconds still count down
    t = Term([BINARY], env, COLS, ROWS)
    try:
        if t.wait_for(frame_complete(labels), 10) is None:
            raise RuntimeError("no first frame:\n" + t.text())
        t.settle(1.0)
        if "m " not in t.text():
            raise RuntimeError("no countdown on screen:\n" + t.text())
        c0, ticks0, w0 = cpu_ns(t.pid), t.cpu_ticks(), now()
        writes = 0
        end = w0 + IDLE_S
        while now() < end:
            writes += len(t.record(min(end, now() + 1.0)))
            t.pending.clear()
        c1, ticks1, w1 = cpu_ns(t.pid), t.cpu_ticks(), now()
    finally:
        t.close()
    cpu_s = (c1 - c0) / 1e9
    return {"percent": 100.0 * cpu_s / (w1 - w0), "cpu_ms": cpu_s * 1000, "seconds": w1 - w0,
            "tick_cpu_ms": (ticks1 - ticks0) * 1000.0 / os.sysconf("SC_CLK_TCK"),
            "writes_per_s": writes / (w1 - w0)}


def cpu_ns(pid):
    """CPU time of every thread of pid so far, in ns (schedstat)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # a thread that just ended
    return total


def fig_headless(big):
    """`sesame sessions --json` > file over the 100k set: spawn -> exit, and
    peak RSS, against the official client printing the same set as JSON
    (clerk_node_list.mjs --json); runs alternated; ratio = sesame / node."""
    env = env_for(TMP, "headless")
    add_account(BINARY, env, big, "clerk", "Clerk 100k", rate_limit="off")
    walls, rsss, node_walls, node_rsss = [], [], [], []
    out = os.path.join(TMP, "headless.json")
    for i in range(RUNS):
        w, r, _ = run_node(big, True, os.path.join(TMP, "node.json"))
        node_walls.append(w)
        node_rsss.append(r)
        with open(out, "wb") as f:
            t0 = now()
            p = subprocess.Popen([BINARY, "sessions", "--json"], stdout=f,
                                 stderr=subprocess.PIPE, env=env)
            _, status, ru = os.wait4(p.pid, 0)
            wall = now() - t0
            err = p.stderr.read().decode(errors="replace")
            p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("sesame sessions --json failed: " + err)
        walls.append(ms(wall))
        rsss.append(ru.ru_maxrss)
    with open(out) as f:
        n = len(json.load(f)["sessions"])
    if n != BIG_TOTAL:
        raise RuntimeError("sesame listed %d sessions, not %d" % (n, BIG_TOTAL))
    return {"ms": summary(walls), "node_ms": summary(node_walls),
            "ratio": statistics.median(walls) / statistics.median(node_walls),
            "peak_rss_kb": summary(rsss), "node_peak_rss_kb": summary(node_rsss)}


def fig_headless_cpu(big):
    """The headless commands' own cost over the 100k set: user CPU and peak
    RSS (getrusage of the child: ru_utime, ru_maxrss) of `sesame sessions`
    (the table) and `sesame sessions --json`, stdout to a file, median of
    HEADLESS_CPU_RUNS runs each. User CPU, not wall time: the fake and
    other work on the machine do not count."""
    env = env_for(TMP, "headless-cpu")
    add_account(BINARY, env, big, "clerk", "Clerk 100k", rate_limit="off")
    res = {}
    for name, args in (("table", ["sessions"]), ("json", ["sessions", "--json"])):
        out = os.path.join(TMP, "headless-cpu." + name)
        user, sys_s, rss = [], [], []
        for i in range(HEADLESS_CPU_RUNS):
            with open(out, "wb") as f:
                p = subprocess.Popen([BINARY] + args, stdout=f, stderr=subprocess.PIPE, env=env)
                _, status, ru = os.wait4(p.pid, 0)
                err = p.stderr.read().decode(errors="replace")
                p.stderr.close()
            if os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError("sesame %s failed: %s" % (" ".join(args), err))
            user.append(ru.ru_utime)
            sys_s.append(ru.ru_stime)
            rss.append(ru.ru_maxrss)
        with open(out) as f:
            n = len(json.load(f)["sessions"]) if name == "json" else \
                sum(1 for _ in f) - 1  # the header line
        if n != BIG_TOTAL:
            raise RuntimeError("sesame %s listed %d sessions, not %d" % (" ".join(args), n,
                                                                       BIG_TOTAL))
        res[name] = {"user_s": summary(user), "sys_s": summary(sys_s),
                     "peak_rss_kb": summary(rss)}
    return res


# ---- the table ----

def fmt(x, unit="ms", digits=1):
    if x is None:
        return "-"
    return ("%." + str(digits) + "f %s") % (x, unit) if unit else ("%." + str(digits) + "f") % x


def spread(s, key_lo="min", key_hi="max", digits=1):
    if not s or not s.get("n"):
        return "-"
    return ("%." + str(digits) + "f–%." + str(digits) + "f") % (s[key_lo], s[key_hi])


def verdict(ok):
    return "ok" if ok else "MISSED"


def table(res):
    rows = []
    if "first_frame" in res:
        r = res["first_frame"]
        m = r["ms"]["median"]
        rows.append(("first frame", fmt(m), spread(r["ms"]), "≤ 10 ms", verdict(m <= 10),
                     "n=%d; first byte %s; exec floor (--version) %s" % (
                         r["ms"]["n"], fmt(r["first_byte_ms"]["median"]),
                         fmt(r["exec_floor_ms"]["median"]))))
    if "key_latency" in res:
        r = res["key_latency"]["ms"]
        ok = r["n"] and r["median"] <= 2 and r["max"] <= 10
        rows.append(("key latency", fmt(r["median"], digits=2),
                     "p10–p90 %s, max %s" % (spread(r, "p10", "p90", 2), fmt(r["max"])),
                     "≤ 2 ms, max ≤ 10", verdict(ok),
                     "n=%d while paging; in the loaded 100k table median %s, max %s" % (
                         r["n"], fmt(res["key_latency"]["loaded_table_ms"].get("median"), digits=2),
                         fmt(res["key_latency"]["loaded_table_ms"].get("max")))))
    if "refresh_all" in res:
        r = res["refresh_all"]["ms"]
        rows.append(("refresh all", fmt(r["median"], digits=0), spread(r, digits=0),
                     "≤ 360 ms", verdict(r["median"] <= 360), "n=%d; 5 fakes at 300 ms" % r["n"]))
    if "scale" in res:
        r = res["scale"]
        rss = r["peak_rss_kb"]["median"] / 1024.0
        ok = r["ratio"] < 1 and rss <= 40
        rows.append(("scale 100k", fmt(r["ms"]["median"], digits=0), spread(r["ms"], digits=0),
                     "< node, ≤ 40 MB", verdict(ok),
                     "node %s (ratio %.2f); peak RSS %.1f MB (node %.0f MB)" % (
                         fmt(r["node_ms"]["median"], digits=0), r["ratio"], rss,
                         r["node_peak_rss_kb"]["median"] / 1024.0)))
    if "filter" in res:
        r = res["filter"]["ms"]
        rows.append(("filter", fmt(r["median"], digits=2), spread(r, digits=2), "≤ 5 ms",
                     verdict(r["median"] <= 5), "n=%d over 100k rows" % r["n"]))
    if "idle" in res:
        r = res["idle"]
        rows.append(("idle", fmt(r["percent"], "%", 3), "%.0f ms CPU" % r["cpu_ms"], "≤ 0.1 %",
                     verdict(r["percent"] <= 0.1),
                     "%.0f s with countdowns; %.1f terminal writes/s" % (
                         r["seconds"], r["writes_per_s"])))
    rows += rate_bench.rows(res, fmt, verdict)
    if "headless" in res:
        r = res["headless"]
        rows.append(("headless list", "ratio %.2f" % r["ratio"],
                     "%s vs node %s" % (fmt(r["ms"]["median"], digits=0),
                                        fmt(r["node_ms"]["median"], digits=0)),
                     "< 0.6", verdict(r["ratio"] < 0.6),
                     "sesame %s–%s; peak RSS %.0f MB (node %.0f MB)" % (
                         fmt(r["ms"]["min"], digits=0), fmt(r["ms"]["max"], digits=0),
                         r["peak_rss_kb"]["median"] / 1024.0,
                         r["node_peak_rss_kb"]["median"] / 1024.0)))
    if "headless_cpu" in res:
        for name, label in (("table", "sessions"), ("json", "sessions --json")):
            r = res["headless_cpu"][name]
            cpu, rss = r["user_s"], r["peak_rss_kb"]["median"] / 1024.0
            rows.append(("headless CPU", fmt(cpu["median"], "s", 3), spread(cpu, digits=3),
                         "≤ 0.5 s, ≤ 40 MB",
                         verdict(cpu["median"] <= HEADLESS_CPU_S and rss <= HEADLESS_RSS_MB),
                         "`%s` over 100k: user CPU, n=%d; peak RSS %.1f MB" % (
                             label, cpu["n"], rss)))
    head = ("figure", "median", "spread", "target", "", "notes")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    lines = []
    for r in [head] + rows:
        lines.append("  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if r is head:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "load_before": os.getloadavg()}


def main():
    global BINARY, NODE_SCRIPT, TMP
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    BINARY = os.path.abspath(sys.argv[1])
    out_json = sys.argv[2]
    NODE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(out_json)), "clerk_node_list.mjs")
    TMP = tempfile.mkdtemp(prefix="sesame-bench-", dir=os.environ.get("SESAME_TEST_TMP"))
    want = lambda name: not ONLY or name in ONLY  # noqa: E731
    res = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "machine": machine(),
           "quick": QUICK, "runs": RUNS}
    t_start = now()
    fake = Fake(TMP, "main")
    big = None
    try:
        if want("first_frame"):
            log("first frame ...")
            res["first_frame"] = fig_first_frame(fake)
        if want("idle"):
            log("idle for %.0f s ..." % IDLE_S)
            res["idle"] = fig_idle(fake)
        if want("refresh_all"):
            log("refresh all ...")
            res["refresh_all"] = fig_refresh_all()
        if any(want(x) for x in ("key_latency", "scale", "filter", "headless", "headless_cpu")):
            log("the 100k fake ...")
            big = Fake(TMP, "big", ["--clerk-users", str(BIG_USERS),
                                    "--clerk-sessions-per-user", str(BIG_PER_USER)])
            big.warm_clerk()
        if want("key_latency"):
            log("key latency ...")
            res["key_latency"] = fig_key_latency(big)
        if want("scale") or want("filter"):
            log("scale and filter ...")
            res.update(fig_scale_and_filter(big, want("scale"), want("filter")))
        if want("headless"):
            log("headless list ...")
            res["headless"] = fig_headless(big)
        if want("rate_first"):
            log("rate-limited instance: the first listing ...")
            res["rate_first"] = rate_bench.fig_rate_first(BINARY, TMP, log, QUICK)
        if want("rate_refresh"):
            log("rate-limited instance: ten minutes of refreshes (scaled) ...")
            res["rate_refresh"] = rate_bench.fig_rate_refresh(BINARY, TMP, log, QUICK)
        if want("rate_history"):
            log("rate-limited instance: a full history ...")
            res["rate_history"] = rate_bench.fig_rate_history(BINARY, TMP, log, QUICK,
                                                              key_samples)
        if want("headless_cpu"):
            log("headless CPU ...")
            res["headless_cpu"] = fig_headless_cpu(big)
    finally:
        fake.stop()
        if big:
            big.stop()
    res["machine"]["load_after"] = os.getloadavg()
    res["seconds"] = now() - t_start
    res["table"] = table(res)
    with open(out_json, "w") as f:
        json.dump(res, f, indent=1)
    m = res["machine"]
    print("sesame bench, %s, %s (%d cores), load %.2f before, %.2f after%s" % (
        res["date"], m["cpu"], m["cores"], m["load_before"][0], m["load_after"][0],
        ", QUICK" if QUICK else ""))
    print(res["table"])
    print("(%s; %.0f s)" % (out_json, res["seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
