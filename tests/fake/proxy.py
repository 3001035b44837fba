#!/usr/bin/python3
"""A minimal HTTP forward proxy for tests (standard library only).

    /usr/bin/python3 tests/fake/proxy.py [--port 0] [--port-file PATH] [--log PATH]

Answers absolute-form requests ("GET http://localhost:PORT/path HTTP/1.1")
by forwarding them to the named host, and appends one line per request to
--log: "METHOD URL". Only loopback targets are forwarded: any other host
gets 403, logged as "REFUSED METHOD URL", and no traffic leaves the machine
(so a test can see that sesame tried to reach a remote host without it
reaching anything). CONNECT is not supported (501). Port 0 binds a free port on 127.0.0.1; the number goes to
--port-file (temp name, then renamed). SIGTERM / SIGINT stop it."""

import argparse
import http.client
import os
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "proxy-authorization",
              "proxy-authenticate", "te", "trailers", "transfer-encoding", "upgrade"}
LOOPBACK = ("localhost", "127.0.0.1", "::1")
LOG = None
LOG_LOCK = threading.Lock()
STOP = threading.Event()


def log(line):
    with LOG_LOCK:
        if LOG:
            with open(LOG, "a") as f:
                f.write(line + "\n")


def is_loopback(host):
    return host in LOOPBACK or host.startswith("127.") or host.endswith(".localhost")


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # see DESIGN.md: else 40 ms per keep-alive answer
    server_version = "sesame-test-proxy/1"
    sys_version = ""
    timeout = 60

    def log_message(self, fmt, *args):
        pass

    def _answer(self, status, text):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self):
        url = urllib.parse.urlsplit(self.path)
        if url.scheme != "http" or not url.hostname:
            self._answer(400, "proxy: absolute http:// URL expected, got %s" % self.path)
            return
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else None
        if not is_loopback(url.hostname):
            log("REFUSED %s %s" % (self.command, self.path))
            self._answer(403, "proxy: only loopback targets are forwarded")
            return
        log("%s %s" % (self.command, self.path))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        target = url.path or "/"
        if url.query:
            target += "?" + url.query
        conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=60)
        try:
            conn.request(self.command, target, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except OSError as e:
            self._answer(502, "proxy: %s" % e)
            return
        finally:
            conn.close()
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_CONNECT(self):
        self._answer(501, "proxy: CONNECT is not supported")
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


def main():
    global LOG
    ap = argparse.ArgumentParser(description="loopback forward proxy for sesame's tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    args = ap.parse_args()
    LOG = args.log
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())
    server = Server(("127.0.0.1", args.port), Proxy)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    if args.port_file:
        tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("proxy listening on http://127.0.0.1:%d" % port, flush=True)
    while not STOP.is_set():
        STOP.wait(1.0)
    server.shutdown()
    server.server_close()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
