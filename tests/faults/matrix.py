#!/usr/bin/python3
"""The fault matrix: every fault the fake can inject, against every provider,
through the headless commands, then (tests/faults/dashboard.py) through the
dashboard. Prints one verdict per cell, a table per half, and a closing line
"N passed, N failed" summing both.

Usage: tests/faults/matrix.py ./sesame [--only PROVIDER] [--dashboard | --no-dashboard]
Both halves run unless --no-dashboard (--dashboard says so explicitly).
Run it inside tests/with-keyring.sh (make faults does).

The headless half:
A cell passes when:
  - the command ends within its time limit and does not crash (no signal);
  - its exit code is the one the fault calls for (0 where sesame rides it
    out: latency, one 429 with Retry-After, a reset of a request that is
    safe to repeat; 3 "the provider" for a 2xx body that is not the JSON the
    spec says; 4 "network" for 5xx, bodies cut short, hangs, resets of a
    login, TLS failures);
  - stderr holds at most one line per failure, naming the provider;
  - no escape sequence or invalid UTF-8 from the server reaches stdout or
    stderr;
  - the config and state files are byte-identical afterwards (nothing
    lost), except for the session a successful create adds;
  - no secret appears in the config or state directories.
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ next to the tests
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rig import (FAULTS, IDEMPOTENT, PROVIDERS, TIMEOUT_S, Rig, control,  # noqa: E402
                 dir_digest, has_terminal_junk, secrets_in)


def expected_code(prov, fault):
    spec = FAULTS[fault]
    want = spec[1] if prov in IDEMPOTENT else spec[2]
    return want if isinstance(want, tuple) else (want,)


def run_cell(rig, prov, fault):
    label, _, _, op, route = PROVIDERS[prov]
    spec, _, _ = FAULTS[fault]
    control(rig.base, "POST", "/_fake/reset")
    args = list(op)
    if fault == "tls":
        args = [a if a != label else label + " TLS" for a in args]
    else:
        body = dict(spec)
        body.update({"provider": prov, "route": route})
        control(rig.base, "POST", "/_fake/fault", body)
    before = (dir_digest(rig.env["SESAME_CONFIG_DIR"]), dir_digest(rig.env["SESAME_STATE_DIR"]))
    rc, out, err, took = rig.sesame(args, timeout=TIMEOUT_S + 30)
    after = (dir_digest(rig.env["SESAME_CONFIG_DIR"]), dir_digest(rig.env["SESAME_STATE_DIR"]))
    problems = []
    want = expected_code(prov, fault)
    if rc < 0 or rc >= 128:
        problems.append("crashed (%d)" % rc)
    elif rc not in want:
        problems.append("exit %d, wanted %s" % (rc, "/".join(map(str, want))))
    if took > TIMEOUT_S + 8:
        problems.append("took %.1f s" % took)
    if has_terminal_junk(out) or has_terminal_junk(err):
        problems.append("escape or bad UTF-8 on the terminal")
    err_lines = [l for l in err.decode(errors="replace").splitlines() if l.strip()]
    if rc != 0 and len(err_lines) != 1:
        problems.append("%d stderr lines" % len(err_lines))
    if rc != 0 and err_lines and label not in err_lines[0]:
        problems.append("the error does not name the account")
    if before[0] != after[0]:
        problems.append("config changed")
    if rc != 0 and before[1] != after[1]:
        problems.append("state changed on failure")
    problems += secrets_in((rig.env["SESAME_CONFIG_DIR"], rig.env["SESAME_STATE_DIR"]))
    # tidy up what a successful create made, so cells stay independent
    if rc == 0 and args[0] == "create" and out.strip():
        rig.sesame(["revoke", args[1], out.decode().split()[0], "--forget"])
    detail = err_lines[0] if err_lines else ""
    return (not problems), problems, detail, took


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    only = None
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1]
        if only not in PROVIDERS:
            print("unknown provider %s (known: %s)" % (only, ", ".join(PROVIDERS)))
            return 2
    with_dashboard = "--no-dashboard" not in sys.argv
    rig = Rig(binary)
    passed = failed = 0
    rows = []
    try:
        rig.start_fake()
        rig.add_accounts()
        for prov in PROVIDERS:
            if only and prov != only:
                continue
            row = []
            for fault in FAULTS:
                ok, problems, detail, took = run_cell(rig, prov, fault)
                row.append(ok)
                if ok:
                    passed += 1
                else:
                    failed += 1
                print("%-4s %-12s %-10s %5.1fs %s" % ("ok" if ok else "FAIL", prov, fault, took,
                                                      "; ".join(problems) or detail[:90]))
                sys.stdout.flush()
            rows.append((prov, row))
    finally:
        rig.stop()
    print()
    print("headless".ljust(12) + "".join(f[:9].rjust(10) for f in FAULTS))
    for prov, row in rows:
        print(prov.ljust(12) + "".join(("pass" if ok else "FAIL").rjust(10) for ok in row))
    if with_dashboard:
        import dashboard
        print()
        print("==== the same faults through the dashboard")
        sys.stdout.flush()
        p, f = dashboard.run(binary, only)
        passed += p
        failed += f
    print()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
