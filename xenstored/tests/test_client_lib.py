# SPDX-License-Identifier: GPL-2.0-only
#
# libxenstore (build/xenstored/libxenstore.so, loaded with ctypes) against a
# real daemon: the API's results and errno, many concurrent clients,
# transaction conflicts giving EAGAIN, large directories (DIRECTORY_PART),
# watches through xs_fileno()/xs_check_watch() and a watch-reader thread
# sharing a handle with a requesting thread.  Run `make` first.

import ctypes
import errno
import os
import select
import threading

import pytest

from conftest import BUILD

LIB_PATH = os.path.join(BUILD, "xenstored", "libxenstore.so")


class XsPerm(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint), ("perms", ctypes.c_uint)]


def load():
    if not os.path.exists(LIB_PATH):
        pytest.fail(f"{LIB_PATH} is missing: run `make` first", pytrace=False)
    lib = ctypes.CDLL(LIB_PATH, use_errno=True)
    P, S, U = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint
    PU = ctypes.POINTER(ctypes.c_uint)
    sigs = {
        "xs_open": (P, [ctypes.c_ulong]),
        "xs_close": (None, [P]),
        "xs_read": (P, [P, U, S, PU]),
        "xs_write": (ctypes.c_bool, [P, U, S, S, U]),
        "xs_mkdir": (ctypes.c_bool, [P, U, S]),
        "xs_rm": (ctypes.c_bool, [P, U, S]),
        "xs_directory": (P, [P, U, S, PU]),
        "xs_get_permissions": (P, [P, U, S, PU]),
        "xs_set_permissions": (ctypes.c_bool,
                               [P, U, S, ctypes.POINTER(XsPerm), U]),
        "xs_watch": (ctypes.c_bool, [P, S, S]),
        "xs_unwatch": (ctypes.c_bool, [P, S, S]),
        "xs_fileno": (ctypes.c_int, [P]),
        "xs_read_watch": (P, [P, PU]),
        "xs_check_watch": (P, [P]),
        "xs_transaction_start": (U, [P]),
        "xs_transaction_end": (ctypes.c_bool, [P, U, ctypes.c_bool]),
        "xs_get_domain_path": (P, [P, U]),
        "xs_is_domain_introduced": (ctypes.c_bool, [P, U]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


LIB = None
libc = ctypes.CDLL(None)
libc.free.argtypes = [ctypes.c_void_p]


class XsLibError(Exception):
    def __init__(self, what, err):
        super().__init__(f"{what}: {errno.errorcode.get(err, err)}")
        self.errno = err


def strings(vec, num):
    arr = ctypes.cast(vec, ctypes.POINTER(ctypes.c_char_p))
    return [arr[i].decode() for i in range(num)]


class Lib:
    """One libxenstore handle with Pythonic wrappers raising XsLibError."""

    def __init__(self, daemon, flags=0):
        global LIB
        if LIB is None:
            LIB = load()
        self.lib = LIB
        os.environ["XENSTORED_PATH"] = daemon.socket
        ctypes.set_errno(0)
        self.h = LIB.xs_open(flags)
        if not self.h:
            raise XsLibError("xs_open", ctypes.get_errno())

    def close(self):
        self.lib.xs_close(self.h)

    def _fail(self, what):
        raise XsLibError(what, ctypes.get_errno())

    def read(self, path, t=0):
        n = ctypes.c_uint()
        p = self.lib.xs_read(self.h, t, path.encode(), ctypes.byref(n))
        if not p:
            self._fail("read " + path)
        data = ctypes.string_at(p, n.value)
        assert ctypes.string_at(p + n.value, 1) == b"\0"   # NUL-terminated
        libc.free(p)
        return data

    def write(self, path, value, t=0):
        if isinstance(value, str):
            value = value.encode()
        if not self.lib.xs_write(self.h, t, path.encode(), value, len(value)):
            self._fail("write " + path)

    def directory(self, path, t=0):
        n = ctypes.c_uint()
        p = self.lib.xs_directory(self.h, t, path.encode(), ctypes.byref(n))
        if not p:
            self._fail("directory " + path)
        names = strings(p, n.value)
        libc.free(p)
        return names

    def get_perms(self, path):
        n = ctypes.c_uint()
        p = self.lib.xs_get_permissions(self.h, 0, path.encode(),
                                        ctypes.byref(n))
        if not p:
            self._fail("get_permissions " + path)
        arr = ctypes.cast(p, ctypes.POINTER(XsPerm))
        res = [(arr[i].id, arr[i].perms) for i in range(n.value)]
        libc.free(p)
        return res

    def set_perms(self, path, perms):
        arr = (XsPerm * len(perms))(*[XsPerm(d, p) for d, p in perms])
        if not self.lib.xs_set_permissions(self.h, 0, path.encode(), arr,
                                           len(perms)):
            self._fail("set_permissions " + path)

    def tx_start(self):
        t = self.lib.xs_transaction_start(self.h)
        if t == 0:
            self._fail("transaction_start")
        return t

    def tx_end(self, t, abort=False):
        ctypes.set_errno(0)
        if not self.lib.xs_transaction_end(self.h, t, abort):
            self._fail("transaction_end")

    def watch(self, path, token):
        if not self.lib.xs_watch(self.h, path.encode(), token.encode()):
            self._fail("watch " + path)

    def _event(self, vec, num=2):
        ev = tuple(strings(vec, num)[:2])
        libc.free(vec)
        return ev

    def check_watch(self):
        ctypes.set_errno(0)
        vec = self.lib.xs_check_watch(self.h)
        if not vec:
            self._fail("check_watch")
        return self._event(vec)

    def read_watch(self):
        n = ctypes.c_uint()
        vec = self.lib.xs_read_watch(self.h, ctypes.byref(n))
        if not vec:
            self._fail("read_watch")
        assert n.value >= 2
        return self._event(vec, n.value)

    def fileno(self):
        return self.lib.xs_fileno(self.h)


@pytest.fixture
def lib(xenstored):
    h = Lib(xenstored)
    yield h
    h.close()


def test_read_write_and_errno(lib):
    lib.write("/lib/a", b"bin\0ary")
    assert lib.read("/lib/a") == b"bin\0ary"
    with pytest.raises(XsLibError) as e:
        lib.read("/lib/none")
    assert e.value.errno == errno.ENOENT
    assert lib.directory("/lib") == ["a"]
    with pytest.raises(XsLibError) as e:
        lib.directory("/nowhere")
    assert e.value.errno == errno.ENOENT


def test_mkdir_rm(lib):
    assert lib.lib.xs_mkdir(lib.h, 0, b"/m/k")
    assert lib.read("/m/k") == b""
    assert lib.lib.xs_mkdir(lib.h, 0, b"/m/k")      # exists: still fine
    assert lib.lib.xs_rm(lib.h, 0, b"/m")
    with pytest.raises(XsLibError):
        lib.read("/m/k")


def test_permissions_roundtrip(lib):
    lib.write("/p", "")
    lib.set_perms("/p", [(0, 0), (5, 1), (7, 3)])
    assert lib.get_perms("/p") == [(0, 0), (5, 1), (7, 3)]


def test_domain_path(lib):
    p = lib.lib.xs_get_domain_path(lib.h, 5)
    assert ctypes.string_at(p) == b"/local/domain/5"
    libc.free(p)
    assert not lib.lib.xs_is_domain_introduced(lib.h, 4321)


def test_large_directory_uses_parts(lib):
    # 600 names of 40 bytes: ~24 KiB of listing, far over the 4 KiB payload.
    names = [f"child-{i:04d}-" + "x" * 29 for i in range(600)]
    for start in range(0, len(names), 100):
        t = lib.tx_start()
        for n in names[start:start + 100]:
            lib.write(f"/big/{n}", "", t)
        lib.tx_end(t)
    assert sorted(lib.directory("/big")) == names


def test_transaction_conflict_gives_eagain(xenstored, lib):
    other = Lib(xenstored)
    try:
        lib.write("/tx/c", "0")
        t = lib.tx_start()
        assert lib.read("/tx/c", t) == b"0"
        other.write("/tx/c", "other")            # commits first
        lib.write("/tx/c", "mine", t)
        with pytest.raises(XsLibError) as e:
            lib.tx_end(t)
        assert e.value.errno == errno.EAGAIN
        assert lib.read("/tx/c") == b"other"
        # A retry on fresh data commits.
        t = lib.tx_start()
        lib.write("/tx/c", "mine", t)
        lib.tx_end(t)
        assert other.read("/tx/c") == b"mine"
        # An aborted transaction changes nothing.
        t = lib.tx_start()
        lib.write("/tx/c", "dropped", t)
        lib.tx_end(t, abort=True)
        assert lib.read("/tx/c") == b"mine"
    finally:
        other.close()


def test_concurrent_clients(xenstored):
    errors = []

    def client(i):
        try:
            h = Lib(xenstored)
            try:
                for j in range(100):
                    h.write(f"/conc/{i}/{j}", f"{i}:{j}")
                    assert h.read(f"/conc/{i}/{j}") == f"{i}:{j}".encode()
                # Counter increments under transactions, retrying EAGAIN.
                for _ in range(10):
                    while True:
                        t = h.tx_start()
                        v = int(h.read("/conc/counter", t) or b"0")
                        h.write("/conc/counter", str(v + 1), t)
                        try:
                            h.tx_end(t)
                            break
                        except XsLibError as e:
                            assert e.errno == errno.EAGAIN
            finally:
                h.close()
        except Exception as e:      # reported in the main thread
            errors.append(repr(e))

    seed = Lib(xenstored)
    seed.write("/conc/counter", "0")
    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    assert int(seed.read("/conc/counter")) == 160   # no lost update
    assert len(seed.directory("/conc")) == 17
    assert sorted(seed.directory("/conc/7"), key=int) == \
        [str(j) for j in range(100)]
    seed.close()


def test_watch_via_fileno(xenstored, lib):
    other = Lib(xenstored)
    try:
        fd = lib.fileno()
        lib.watch("/wf", "tok")
        r, _, _ = select.select([fd], [], [], 5)
        assert r, "xs_fileno never became readable"
        assert lib.check_watch() == ("/wf", "tok")
        with pytest.raises(XsLibError) as e:
            lib.check_watch()
        assert e.value.errno == errno.EAGAIN
        other.write("/wf/x", "1")
        r, _, _ = select.select([fd], [], [], 5)
        assert r
        assert lib.check_watch() == ("/wf/x", "tok")
    finally:
        other.close()


def test_watch_thread_shares_handle(xenstored, lib):
    """One thread blocks in xs_read_watch while another makes requests on
    the same handle."""
    other = Lib(xenstored)
    got = []
    lib.watch("/ws", "t")
    assert lib.read_watch() == ("/ws", "t")

    def reader():
        for _ in range(5):
            got.append(lib.read_watch())

    th = threading.Thread(target=reader)
    th.start()
    try:
        for i in range(5):
            lib.write(f"/data/{i}", str(i))          # requests, same handle
            assert lib.read(f"/data/{i}") == str(i).encode()
            other.write(f"/ws/{i}", "x")            # events for the reader
        th.join(timeout=10)
        assert not th.is_alive(), "watch reader stuck"
        assert got == [(f"/ws/{i}", "t") for i in range(5)]
    finally:
        other.close()
