"""sesame in a pseudo-terminal, watched from outside as a person sees it.

The child is forked by hand: it makes the pty its controlling terminal,
writes time.perf_counter() (CLOCK_MONOTONIC, the same clock in every
process) to a pipe and calls execve at once, so that every figure counts
from the exec itself, not from the bench's own fork.

Bytes are read from the master side in a tight loop and stamped with
time.perf_counter() as they arrive; nothing is parsed while a measurement
window is open (pyte is slow, and parsing while bytes arrive would delay
the stamps of later bytes). After a window the recorded chunks are fed to a
pyte screen one by one, so that the bench can ask "after which chunk did
the screen first show X" and answer with that chunk's arrival time.
"""

import fcntl
import os
import select
import signal
import struct
import termios
import time

import pyte

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now():
    return time.perf_counter()


class Term:
    """argv on the slave side of a pty of cols x rows."""

    def __init__(self, argv, env, cols=120, rows=40, stderr_path=None):
        self.cols, self.rows = cols, rows
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.set_blocking(self.master, False)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.pending = []          # (t, bytes) read but not yet fed to pyte
        self.err = os.open(stderr_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.status_code = None
        rd, wr = os.pipe()
        envb = {k.encode(): v.encode() for k, v in env.items()}
        pid = os.fork()
        if pid == 0:  # the child: as little Python as possible before execve
            try:
                os.close(rd)
                os.close(self.master)
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                os.dup2(slave, 0)
                os.dup2(slave, 1)
                os.dup2(self.err, 2)
                os.write(wr, struct.pack("d", time.perf_counter()))
                os.execve(argv[0], argv, envb)
            finally:
                os._exit(127)
        self.pid = pid
        os.close(slave)
        os.close(wr)
        got = os.read(rd, 8)
        os.close(rd)
        self.t_exec = struct.unpack("d", got)[0] if len(got) == 8 else now()

    # ---- reading ----

    def _read_ready(self, out):
        """Read everything waiting now; append (t, data) to out. False at EOF."""
        t = now()
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except BlockingIOError:
                return True
            except OSError:
                return False  # EIO: the slave side is closed
            if not data:
                return False
            out.append((t, data))

    def record(self, until, quiet=None, stop=None):
        """Record chunks until the absolute time `until`, or (with quiet) until
        output has been quiet for `quiet` s after at least one chunk, or until
        stop(chunks) is true. Returns the chunks [(t, data)], also kept to feed."""
        chunks = []
        while True:
            t = now()
            if t >= until:
                break
            wait = until - t
            if quiet is not None and chunks:
                left = chunks[-1][0] + quiet - t
                if left <= 0:
                    break
                wait = min(wait, left)
            r, _, _ = select.select([self.master], [], [], wait)
            if r and not self._read_ready(chunks):
                break
            if stop is not None and chunks and stop(chunks):
                break
        self.pending.extend(chunks)
        return chunks

    def settle(self, quiet=0.05, timeout=5.0):
        """Record until the output has been quiet for `quiet` s, then feed pyte."""
        end = now() + timeout
        while now() < end:
            if not self.record(min(end, now() + quiet), quiet=quiet):
                break
        self.feed()

    def feed(self, until_pred=None):
        """Feed pending chunks to pyte in order. With until_pred(screen), stop
        after the first chunk that makes it true and return that chunk's
        time (the rest stay pending); else feed all and return None."""
        while self.pending:
            t, data = self.pending.pop(0)
            self.stream.feed(data)
            if until_pred is not None and until_pred(self.screen):
                return t
        return None

    def wait_for(self, pred, timeout, quiet=0.005):
        """Record and feed until pred(screen) holds; the arrival time of the
        chunk that made it hold, or None at timeout."""
        t = self.feed(pred)
        if t is not None:
            return t
        end = now() + timeout
        while now() < end:
            self.record(min(end, now() + 0.5), quiet=quiet)
            t = self.feed(pred)
            if t is not None:
                return t
            if not self.alive():
                return None
        return None

    # ---- the screen ----

    def lines(self):
        return list(self.screen.display)

    def text(self):
        return "\n".join(self.screen.display)

    # ---- input ----

    def send(self, s):
        os.write(self.master, s.encode() if isinstance(s, str) else s)

    # ---- the process ----

    def alive(self):
        if self.status_code is not None:
            return False
        pid, st = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.status_code = st
        return False

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def proc_status(self, key):
        """A value of /proc/PID/status in kB (VmHWM, VmRSS)."""
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return None

    def close(self):
        if self.alive():
            try:
                self.send("q")
            except OSError:
                pass
            end = now() + 2
            while self.alive() and now() < end:
                self.record(now() + 0.05)
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.status_code = -9
        for fd in (self.master, self.err):
            try:
                os.close(fd)
            except OSError:
                pass
