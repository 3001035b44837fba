#!/usr/bin/python3
"""sesame's fake of its five providers, over loopback HTTP/1.1.

    /usr/bin/python3 tests/fake/fake.py [--port 0] [--port-file PATH]
        [--clerk-users N] [--clerk-sessions-per-user M] [--clerk-active-users K]
        [--clerk-inactivity-timeout S]
        [--seed S] [--clerk-rate-limit R/W|off] [--verbose]
        [--tls-cert FILE --tls-key FILE [--tls-port 0]]

Base URLs: http://127.0.0.1:PORT/clerk/v1, /basistheory, /plantly, /cbrain,
/apideck. Control API under /_fake/ (see tests/fake/README.md). With
--tls-cert/--tls-key the same fake also answers https://127.0.0.1:TLS_PORT
(the port file then has a second line); the control API stays on plain
http so tests steer it without trusting the certificate."""

import argparse
import collections
import json
import os
import select
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import apideck      # noqa: E402
import basistheory  # noqa: E402
import cbrain       # noqa: E402
import clerk        # noqa: E402
import clerk_control  # noqa: E402
import clerk_seed     # noqa: E402
import faults       # noqa: E402
import limits       # noqa: E402
import plantly      # noqa: E402
import stats        # noqa: E402
from common import JSON, Req, Resp, json_resp  # noqa: E402

# The Clerk rate limit when the command line gives none. Clerk's
# development instances allow 100 requests per 10 s: "100/10s".
CLERK_RATE_LIMIT_DEFAULT = "100/10s"  # Clerk's development instances

DEFAULT_CONFIG = {
    "clerk_verify_enabled": False,      # POST /sessions/{id}/verify: 410 unless true
    "clerk_require_filter": False,      # GET /sessions without user_id/client_id: 400 if true
    "cbrain_bad_password_sleep": False,  # sleep like the real server on a bad login
    "cbrain_bad_password_sleep_ms": 3000,
    "bt_session_ttl_s": 180,            # Basis Theory session lifetime
    "plantly_expires_in": 3600,         # Plantly access token lifetime (s)
    "clerk_rate_limit": None,           # limits.py: {"requests", "window_ms"} or null
    "bt_rate_limit": None,              # likewise
    "apideck_downstream_ratelimit": None,  # {"limit", "window_ms"} or null
}
LOG_MAX = 50_000
STOP = threading.Event()


class FakeState:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.base_url = "http://127.0.0.1:0"
        self.verbose = args.verbose
        self.cli_seed = (args.clerk_users, args.clerk_sessions_per_user, args.seed,
                         args.clerk_active_users)
        self.seed_params = self.cli_seed
        self.cli_config = dict(DEFAULT_CONFIG, clerk_rate_limit=args.clerk_rate_limit)
        self.config = dict(self.cli_config)
        self.faults = faults.FaultTable()
        self.limits = limits.Limits()
        self.limits.configure(self.config)
        self.stats = stats.Stats()
        self.clerk = clerk.Clerk(self)
        self.clerk.seed(*self.seed_params)
        self.providers = [self.clerk, basistheory.BasisTheory(self), plantly.Plantly(self),
                          cbrain.Cbrain(self), apideck.Apideck(self)]
        self.by_name = {p.name: p for p in self.providers}
        self.reset_log_and_stats()

    def reset_log_and_stats(self):
        with self.lock:
            self.log = collections.deque(maxlen=LOG_MAX)
            self.seq = 0
        self.stats.clear()

    def reset(self):
        self.faults.clear()
        self.config = dict(self.cli_config)  # the command line's rate limit stays
        self.limits.restart(self.config)
        self.seed_params = self.cli_seed     # back to the command line's seed
        self.clerk.seed(*self.seed_params)
        for p in self.providers:
            if p is not self.clerk:
                p.reset()
        self.reset_log_and_stats()

    def provider_for(self, path):
        for p in self.providers:
            if path == p.prefix or path.startswith(p.prefix + "/"):
                return p
        return None

    def record(self, req):
        hdrs = [[k, v] for k, v in req.header_list]
        self.stats.request(req.provider, req.method, req.subpath)
        with self.lock:
            self.seq += 1
            self.log.append({
                "seq": self.seq, "time_ms": int(time.time() * 1000), "provider": req.provider,
                "method": req.method, "path": req.path, "subpath": req.subpath,
                "query": req.raw_query, "headers": hdrs,
                "body": req.body.decode("utf-8", "replace"),
            })


STATE = None  # FakeState, set in main()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "sesame-fake/1"
    sys_version = ""
    timeout = 300           # idle keep-alive connections are dropped after this

    def version_string(self):
        return self.server_version

    # ------------------------------------------------------------ plumbing

    counted = None          # the provider of the request being answered, if any

    def setup(self):
        super().setup()
        STATE.stats.connection()

    def send_response(self, code, message=None):
        if self.counted:
            STATE.stats.answered(self.counted, code)
        super().send_response(code, message)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, fmt, *args):
        if STATE.verbose:
            sys.stderr.write("fake: %s %s\n" % (self.address_string(), fmt % args))

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = bytearray()
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline(65537)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _make_req(self):
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path) or "/"
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        body = self._read_body()
        header_list = list(self.headers.items())
        headers = {k.lower(): v for k, v in header_list}
        return Req(self.command, path, path, split.query, query, headers, header_list, body,
                   self.client_address[0], None)

    def _send(self, resp, head_only=False):
        if resp.delay:
            STOP.wait(resp.delay)
        self.send_response(resp.status)
        if resp.ctype:
            self.send_header("Content-Type", resp.ctype)
        if resp.status != 204 and resp.status >= 200:
            self.send_header("Content-Length", str(len(resp.body)))
        for k, v in resp.headers:
            self.send_header(k, v)
        if resp.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if resp.body and not head_only and resp.status != 204:
            self.wfile.write(resp.body)

    def _dispatch(self):
        try:
            req = self._make_req()
        except (ValueError, OSError):
            self.close_connection = True
            return
        try:
            if req.path.startswith("/_fake/") and req.path != "/_fake/echo":
                self._send(control(req))
                return
            if req.path == "/_fake/echo":
                req.provider, req.subpath, prov = "echo", "/", None
            else:
                prov = STATE.provider_for(req.path)
                if prov is None:
                    self._send(json_resp(404, {"error": "no such route on the fake",
                                               "path": req.path}))
                    return
                req.provider = prov.name
                req.subpath = req.path[len(prov.prefix):] or "/"
            STATE.record(req)
            STATE.stats.enter()
            self.counted = req.provider
            try:
                refusal, headers = STATE.limits.admit(req)
                if refusal is not None:
                    STATE.stats.limited(req.provider)
                    self._send(refusal, req.method == "HEAD")
                else:
                    self._serve(req, prov, headers)
            finally:
                self.counted = None
                STATE.stats.leave()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        except Exception as e:  # a bug in the fake: say so loudly, answer 500
            traceback.print_exc()
            try:
                self._send(json_resp(500, {"error": "fake internal error", "detail": repr(e)}))
            except OSError:
                pass
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    # ------------------------------------------------------------ a provider request

    def _normal(self, req, prov, headers):
        """The real answer, with the headers a rate limit adds."""
        resp = echo(req) if prov is None else prov.handle(req)
        if headers:
            resp.headers = list(resp.headers) + headers
        return resp

    def _error_for(self, prov, status, headers):
        if prov is None:
            return json_resp(status, {"error": "injected status %d" % status}, headers)
        return prov.error_resp(status, headers)

    def _serve(self, req, prov, headers):
        delay, fault = STATE.faults.take(req.provider, req.method, req.subpath)
        if delay:
            STOP.wait(delay)
        head = req.method == "HEAD"
        if fault is None:
            self._send(self._normal(req, prov, headers), head)
            return
        kind = fault.kind
        if kind == "hang":
            self._hang(fault.max_s)
        elif kind == "reset":
            self._reset()
        elif kind == "status":
            self._send(self._error_for(prov, fault.status, faults.retry_after_headers(fault)), head)
        elif kind == "malformed":
            self._send(Resp(fault.status, faults.MALFORMED, JSON,
                            faults.retry_after_headers(fault)), head)
        elif kind == "html":
            self._send(Resp(fault.status, faults.HTML_PAGE, "text/html",
                            faults.retry_after_headers(fault)), head)
        elif kind == "answer":
            if "text" in fault.spec:
                body, ctype = fault.spec["text"].encode("utf-8"), "text/plain"
            elif "body" in fault.spec:
                body, ctype = json.dumps(fault.spec["body"]).encode("utf-8"), JSON
            else:
                body, ctype = b"", None
            self._send(Resp(fault.status, body, ctype, fault.headers), head)
        else:
            resp = self._normal(req, prov, headers)
            if fault.status:
                resp.status = fault.status
            obj = resp.obj
            if obj is None and resp.body and "json" in (resp.ctype or ""):
                try:
                    obj = json.loads(resp.body)
                except ValueError:
                    obj = None
            if kind == "escape":
                if obj is not None:
                    resp.body = faults.escape_body(obj)
                self._send(resp, head)
            elif kind == "truncated":
                self._truncated(resp, fault.send_fraction)
            elif kind == "huge":
                self._huge(resp, obj, fault)

    def _hang(self, max_s):
        """Never answer: wait until the client goes away, the server stops, or max_s."""
        sock = self.connection
        if isinstance(sock, ssl.SSLSocket):  # TLS cannot peek: look below it
            sock = socket.socket(fileno=os.dup(sock.fileno()))
        end = time.monotonic() + max_s
        while not STOP.is_set() and time.monotonic() < end:
            try:
                r, _, _ = select.select([sock], [], [], 0.1)
                if r:
                    if not sock.recv(1, socket.MSG_PEEK):
                        break
                    STOP.wait(0.1)
            except (OSError, ValueError):
                break
        if sock is not self.connection:
            sock.close()
        self.close_connection = True

    def _reset(self):
        """Close with a TCP RST, no answer."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def _truncated(self, resp, fraction):
        body = resp.body or b'{"truncated":true}'
        claimed = len(body) if resp.body else len(body) + 100
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.ctype or JSON)
        self.send_header("Content-Length", str(claimed))
        self.end_headers()
        self.wfile.write(body[:int(len(body) * fraction)] if resp.body else b"")
        try:
            self.connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.close_connection = True

    def _huge(self, resp, obj, fault):
        head, unit, count, tail = faults.huge_plan(obj, fault.mb)
        chunked = bool(fault.spec.get("chunked"))
        self.send_response(resp.status)
        self.send_header("Content-Type", JSON)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(head) + len(unit) * count + len(tail)))
        self.end_headers()
        per = max(1, 65536 // len(unit))

        def put(data):
            if chunked:
                self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
            else:
                self.wfile.write(data)
        put(head)
        left = count
        while left > 0 and not STOP.is_set():
            n = min(per, left)
            put(unit * n)
            left -= n
        put(tail)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


# ---------------------------------------------------------------- echo

def echo(req):
    try:
        delay = int(req.q1("delay_ms", "0") or 0)
        status = int(req.q1("status", "200") or 200)
    except ValueError:
        return json_resp(400, {"error": "delay_ms and status must be integers"})
    if not 100 <= status <= 599:
        return json_resp(400, {"error": "status out of range"})
    body = {"method": req.method, "path": req.path, "query": req.raw_query,
            "headers": {k: v for k, v in req.header_list},
            "body": req.body.decode("utf-8", "replace"), "delay_ms": delay,
            "thread": threading.current_thread().name}
    resp = json_resp(status, body)
    resp.delay = max(0, min(delay, 600_000)) / 1000.0
    return resp


# ---------------------------------------------------------------- control API

def _body(req):
    if not req.body.strip():
        return {}
    ok, val = req.json_body()
    if not ok or not isinstance(val, dict):
        raise faults.FaultError("body must be a JSON object")
    return val


def _int(v, name):
    if not isinstance(v, int) or isinstance(v, bool):
        raise faults.FaultError("%s must be an integer" % name)
    return v


def control(req):
    route = (req.method, req.path.rstrip("/"))
    try:
        if route == ("POST", "/_fake/fault"):
            f = STATE.faults.add(_body(req))
            return json_resp(200, f.describe())
        if route in (("DELETE", "/_fake/fault"), ("POST", "/_fake/faults/clear")):
            STATE.faults.clear()
            return json_resp(200, {"ok": True})
        if route in (("GET", "/_fake/fault"), ("GET", "/_fake/faults")):
            return json_resp(200, {"faults": STATE.faults.list()})
        if route == ("POST", "/_fake/reset"):
            STATE.reset()
            return json_resp(200, {"ok": True})
        if route == ("GET", "/_fake/requests"):
            prov = req.q1("provider")
            with STATE.lock:
                items = [e for e in STATE.log if prov is None or e["provider"] == prov]
            last = req.q1("last")
            if last:
                items = items[-int(last):]
            return json_resp(200, {"count": len(items), "requests": items})
        if route == ("POST", "/_fake/requests/clear"):
            with STATE.lock:
                STATE.log.clear()
            return json_resp(200, {"ok": True})
        if route == ("GET", "/_fake/config"):
            return json_resp(200, STATE.config)
        if route == ("POST", "/_fake/config"):
            body = _body(req)
            for k, v in body.items():
                if k not in DEFAULT_CONFIG:
                    raise faults.FaultError("unknown config key %s (known: %s)"
                                            % (k, ", ".join(DEFAULT_CONFIG)))
                if k in limits.FIELDS:
                    limits.check(k, v)
                    continue
                want_bool = isinstance(DEFAULT_CONFIG[k], bool)
                is_bool = isinstance(v, bool)
                if want_bool != is_bool or not isinstance(v, (int, float)):
                    raise faults.FaultError("config %s must be a %s"
                                            % (k, "boolean" if want_bool else "number"))
            STATE.config.update(body)
            STATE.limits.configure(STATE.config)
            return json_resp(200, STATE.config)
        if route == ("POST", "/_fake/seed"):
            body = _body(req)
            users = body.get("clerk_users", STATE.seed_params[0])
            per = body.get("sessions_per_user", STATE.seed_params[1])
            seed = body.get("seed", STATE.seed_params[2])
            for name, v in (("clerk_users", users), ("sessions_per_user", per), ("seed", seed)):
                if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                    raise faults.FaultError("%s must be a non-negative integer" % name)
            if "active_users" in body:
                active = body["active_users"]
                if active is not None and not 0 <= _int(active, "active_users") <= users:
                    raise faults.FaultError("active_users must be null or 0..clerk_users")
            else:   # kept, at most every user
                active = STATE.seed_params[3]
                active = None if active is None or active >= users else active
            t0 = time.monotonic()
            STATE.seed_params = (users, per, seed, active)
            STATE.clerk.seed(users, per, seed, active)
            return json_resp(200, {"clerk_users": users, "sessions_per_user": per, "seed": seed,
                                   "active_users": active,
                                   "seconds": round(time.monotonic() - t0, 3)})
        if route[0] == "POST" and route[1].startswith("/_fake/clerk/"):
            resp = clerk_control.control(STATE.clerk, route[1][len("/_fake/clerk/"):], _body(req))
            if resp is not None:
                return resp
        if route == ("GET", "/_fake/stats"):
            return json_resp(200, STATE.stats.snapshot())
        if route == ("POST", "/_fake/stats/clear"):
            STATE.stats.clear()
            return json_resp(200, {"ok": True})
        if route == ("GET", "/_fake/health"):
            return json_resp(200, {"ok": True, "base_url": STATE.base_url})
    except (faults.FaultError, ValueError) as e:
        return json_resp(400, {"error": str(e)})
    return json_resp(404, {"error": "unknown control route %s %s" % route})


# ---------------------------------------------------------------- main

class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True


class TLSServer(Server):
    """The same fake over TLS: a second listener whose connections are wrapped
    in the connection's own thread, so a client that refuses the certificate
    (the point of the TLS tests) never stalls the accept loop."""

    def __init__(self, addr, handler, context):
        self.context = context
        super().__init__(addr, handler)

    def finish_request(self, request, client_address):
        request.settimeout(10)  # the handshake; Handler.setup sets its own
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            if STATE.verbose:
                sys.stderr.write("fake: TLS handshake with %s failed: %s\n"
                                 % (client_address[0], e))
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            self.shutdown_request(tls)


def write_port_file(path, *ports):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("".join("%d\n" % p for p in ports))
    os.replace(tmp, path)


def clerk_rate_limit(text):
    """argparse type of --clerk-rate-limit (argparse applies it to the default too)."""
    try:
        return limits.parse_cli(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


def main(argv=None):
    global STATE
    ap = argparse.ArgumentParser(description="sesame's fake providers")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--clerk-users", type=int, default=8)
    ap.add_argument("--clerk-sessions-per-user", type=int, default=3)
    ap.add_argument("--clerk-active-users", type=int, default=None, metavar="K",
                    help="only K users active in the last 7 days (default: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--clerk-inactivity-timeout", type=int, default=None, metavar="S",
                    help="abandon a Clerk session S seconds after its last activity (Clerk's "
                         "inactivity timeout; default: 30 days after its creation)")
    ap.add_argument("--clerk-rate-limit", type=clerk_rate_limit, default=CLERK_RATE_LIMIT_DEFAULT,
                    metavar="R/W", help="R requests per window W (100/10s, 10/1s) or off "
                                        "(default %s)" % CLERK_RATE_LIMIT_DEFAULT)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--tls-cert", help="PEM certificate (chain): also serve https")
    ap.add_argument("--tls-key", help="PEM private key of --tls-cert")
    ap.add_argument("--tls-port", type=int, default=0)
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    if args.clerk_active_users is not None and not 0 <= args.clerk_active_users <= args.clerk_users:
        ap.error("--clerk-active-users must be from 0 to --clerk-users")
    if args.clerk_inactivity_timeout is not None:
        if args.clerk_inactivity_timeout < 1:
            ap.error("--clerk-inactivity-timeout is a number of seconds, at least 1")
        clerk_seed.INACTIVITY_MS = args.clerk_inactivity_timeout * 1000

    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())

    t0 = time.monotonic()
    STATE = FakeState(args)
    server = Server(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    STATE.base_url = "http://127.0.0.1:%d" % port
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="serve", daemon=True)
    thread.start()
    servers = [server]
    ports = [port]
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        tls_server = TLSServer(("127.0.0.1", args.tls_port), Handler, ctx)
        ports.append(tls_server.server_address[1])
        threading.Thread(target=tls_server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="serve-tls", daemon=True).start()
        servers.append(tls_server)
    if args.port_file:
        write_port_file(args.port_file, *ports)
    print("fake listening on %s" % STATE.base_url, flush=True)
    if args.tls_cert:
        print("fake listening on https://127.0.0.1:%d" % ports[1], flush=True)
    if args.verbose:
        sys.stderr.write("fake: ready in %.3f s (%d users x %d sessions)\n"
                         % (time.monotonic() - t0, args.clerk_users, args.clerk_sessions_per_user))
    while not STOP.is_set():
        STOP.wait(1.0)
    for srv in servers:
        srv.shutdown()
        srv.server_close()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
