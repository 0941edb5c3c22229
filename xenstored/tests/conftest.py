# SPDX-License-Identifier: GPL-2.0-only
#
# Shared pytest fixtures for the xenstore daemon: `xenstored` starts
# build/xenstored/xenstored on a private Unix socket and checks it exits
# cleanly on SIGTERM; XsConn speaks the raw wire protocol (16-byte header +
# payload) to it.  This file builds nothing: run `make` first.

import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("KEEL_BUILD", os.path.join(REPO, "build"))
XENSTORED = os.environ.get("XENSTORED_BIN",
                           os.path.join(BUILD, "xenstored", "xenstored"))

HEADER = struct.Struct("<IIII")   # type, req_id, tx_id, len

# Message types (public/io/xs_wire.h).
XS_CONTROL = 0
XS_DIRECTORY = 1
XS_READ = 2
XS_GET_PERMS = 3
XS_WATCH = 4
XS_UNWATCH = 5
XS_TRANSACTION_START = 6
XS_TRANSACTION_END = 7
XS_INTRODUCE = 8
XS_RELEASE = 9
XS_GET_DOMAIN_PATH = 10
XS_WRITE = 11
XS_MKDIR = 12
XS_RM = 13
XS_SET_PERMS = 14
XS_WATCH_EVENT = 15
XS_ERROR = 16
XS_IS_DOMAIN_INTRODUCED = 17
XS_RESUME = 18
XS_SET_TARGET = 19
XS_RESET_WATCHES = 21
XS_DIRECTORY_PART = 22

PAYLOAD_MAX = 4096


class XsError(Exception):
    """An XS_ERROR reply; .name is the errno name, e.g. "ENOENT"."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


def pack(mtype, payload=b"", req_id=0, tx_id=0):
    """One wire message: header + payload (str payloads are utf-8 encoded)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return HEADER.pack(mtype, req_id, tx_id, len(payload)) + payload


def nul(*parts):
    """Join strings as NUL-terminated fields: nul("a", "b") == b"a\\0b\\0"."""
    return b"".join((p.encode() if isinstance(p, str) else p) + b"\0"
                    for p in parts)


class XsConn:
    """A raw client connection to the daemon's Unix socket."""

    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.events = []          # watch events seen while waiting for replies
        self.next_id = 1

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, mtype, payload=b"", req_id=None, tx_id=0):
        if req_id is None:
            req_id = self.next_id
            self.next_id += 1
        self.send_raw(pack(mtype, payload, req_id, tx_id))
        return req_id

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("daemon closed the connection")
            buf += chunk
        return buf

    def recv(self):
        """Next message as (type, req_id, tx_id, payload bytes)."""
        mtype, req_id, tx_id, length = HEADER.unpack(self._recv_exact(16))
        return mtype, req_id, tx_id, self._recv_exact(length)

    def reply(self):
        """Next non-watch-event message; events are queued in .events."""
        while True:
            msg = self.recv()
            if msg[0] == XS_WATCH_EVENT:
                self.events.append(parse_event(msg[3]))
                continue
            return msg

    def request(self, mtype, payload=b"", tx_id=0):
        """Send and return the reply payload; raise XsError on XS_ERROR."""
        req_id = self.send(mtype, payload, tx_id=tx_id)
        rtype, rid, _, body = self.reply()
        if rtype == XS_ERROR:
            raise XsError(body.rstrip(b"\0").decode())
        assert rid == req_id, f"reply req_id {rid} != {req_id}"
        assert rtype == mtype, f"reply type {rtype} != {mtype}"
        return body

    def event(self):
        """Next watch event as (path, token)."""
        if self.events:
            return self.events.pop(0)
        while True:
            msg = self.recv()
            if msg[0] == XS_WATCH_EVENT:
                return parse_event(msg[3])

    # Convenience wrappers returning decoded values.
    def read(self, path, tx=0):
        return self.request(XS_READ, nul(path), tx)

    def write(self, path, value, tx=0):
        if isinstance(value, str):
            value = value.encode()
        return self.request(XS_WRITE, path.encode() + b"\0" + value, tx)

    def mkdir(self, path, tx=0):
        return self.request(XS_MKDIR, nul(path), tx)

    def rm(self, path, tx=0):
        return self.request(XS_RM, nul(path), tx)

    def directory(self, path, tx=0):
        body = self.request(XS_DIRECTORY, nul(path), tx)
        return [p.decode() for p in body.split(b"\0") if p]

    def get_perms(self, path, tx=0):
        body = self.request(XS_GET_PERMS, nul(path), tx)
        return [p.decode() for p in body.split(b"\0") if p]

    def set_perms(self, path, perms, tx=0):
        return self.request(XS_SET_PERMS, nul(path, *perms), tx)

    def watch(self, path, token):
        return self.request(XS_WATCH, nul(path, token))

    def unwatch(self, path, token):
        return self.request(XS_UNWATCH, nul(path, token))

    def tx_start(self):
        return int(self.request(XS_TRANSACTION_START, nul("")).rstrip(b"\0"))

    def tx_end(self, tx, commit=True):
        return self.request(XS_TRANSACTION_END, nul("T" if commit else "F"),
                            tx)

    def control(self, *args):
        return self.request(XS_CONTROL, nul(*args))


def parse_event(payload):
    parts = payload.split(b"\0")
    return parts[0].decode(), parts[1].decode()


class Daemon:
    """A running xenstored: .socket (path), .proc (Popen), .log (file path)."""

    def __init__(self, socket_path, proc, log, workdir):
        self.socket = socket_path
        self.proc = proc
        self.log = log
        self.workdir = workdir

    def connect(self, timeout=5.0):
        return XsConn(self.socket, timeout)

    def alive(self):
        return self.proc.poll() is None

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def wait_for_socket(path, proc, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"xenstored exited early with {proc.returncode}")
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            s.close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("xenstored socket never accepted a connection")


def start_daemon(workdir, extra_args=()):
    if not os.access(XENSTORED, os.X_OK):
        pytest.fail(f"{XENSTORED} is missing: run `make` first", pytrace=False)
    sock = os.path.join(workdir, "socket")
    log = os.path.join(workdir, "xenstored.log")
    argv = [XENSTORED, "--no-domain-init", "--socket", sock] + list(extra_args)
    with open(log, "ab") as logf:
        proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT)
    wait_for_socket(sock, proc)
    return Daemon(sock, proc, log, workdir)


def stop_daemon(d):
    """SIGTERM the daemon; it must exit 0 (no crash, no sanitizer report)."""
    if d.proc.poll() is not None:
        rc = d.proc.returncode
        pytest.fail(f"xenstored died during the test (status {rc}):\n"
                    f"{d.log_text()[-4000:]}", pytrace=False)
    d.proc.send_signal(signal.SIGTERM)
    try:
        rc = d.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        d.proc.kill()
        d.proc.wait()
        pytest.fail("xenstored ignored SIGTERM", pytrace=False)
    assert rc == 0, (f"xenstored exited with {rc} on SIGTERM:\n"
                     f"{d.log_text()[-4000:]}")


@pytest.fixture
def xenstored_factory():
    """Start daemons with extra command-line arguments; all stopped at end."""
    started = []
    dirs = []

    def start(*extra_args, workdir=None):
        if workdir is None:
            workdir = tempfile.mkdtemp(prefix="keel-xs-")
            dirs.append(workdir)
        d = start_daemon(workdir, extra_args)
        started.append(d)
        return d

    def stop(d):
        started.remove(d)
        stop_daemon(d)

    start.stop = stop
    yield start
    try:
        for d in list(started):
            stop_daemon(d)
    finally:
        for w in dirs:
            shutil.rmtree(w, ignore_errors=True)


@pytest.fixture
def xenstored(xenstored_factory):
    """One daemon with default options (no hypervisor, socket in a tmpdir)."""
    return xenstored_factory()


@pytest.fixture
def xs(xenstored):
    """A connected XsConn to the `xenstored` fixture's daemon."""
    with xenstored.connect() as c:
        yield c
