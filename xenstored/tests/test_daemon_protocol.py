# SPDX-License-Identifier: GPL-2.0-only
#
# Integration tests of build/xenstored/xenstored through its Unix socket:
# concurrency, transactions, watches, quotas, permissions, hostile input
# and persistence.  Every test ends with the fixture checking the daemon
# exits cleanly on SIGTERM.

import os
import random
import socket
import struct
import threading

import pytest

from conftest import (XS_CONTROL, XS_DIRECTORY, XS_READ, XS_WRITE,
                      XS_INTRODUCE, XS_RELEASE, XS_WATCH_EVENT, XS_ERROR,
                      XsConn, XsError, nul, pack)


def unprivileged(daemon, domid):
    """A socket client demoted to domain `domid` (its home prepared)."""
    with daemon.connect() as c0:
        c0.mkdir(f"/local/domain/{domid}")
        c0.set_perms(f"/local/domain/{domid}", [f"n{domid}"])
    c = daemon.connect()
    c.control("drop-privilege", str(domid))
    return c


def test_basic_write_read_directory(xs):
    xs.write("/a/b", "hello")
    assert xs.read("/a/b") == b"hello"
    assert xs.directory("/a") == ["b"]
    assert "tool" in xs.directory("/")
    with pytest.raises(XsError) as e:
        xs.read("/missing")
    assert e.value.name == "ENOENT"


def test_many_concurrent_clients(xenstored):
    errors = []

    def worker(n):
        try:
            with xenstored.connect() as c:
                for i in range(50):
                    c.write(f"/conc/{n}/{i}", f"{n}-{i}")
                for i in range(50):
                    assert c.read(f"/conc/{n}/{i}") == f"{n}-{i}".encode()
        except Exception as exc:    # report from the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with xenstored.connect() as c:
        assert len(c.directory("/conc")) == 16


def test_conflicting_transactions_eagain(xenstored):
    with xenstored.connect() as a, xenstored.connect() as b:
        a.write("/counter", "0")
        ta = a.tx_start()
        tb = b.tx_start()
        assert a.read("/counter", ta) == b"0"
        assert b.read("/counter", tb) == b"0"
        a.write("/counter", "1", ta)
        b.write("/counter", "2", tb)
        a.tx_end(ta)
        with pytest.raises(XsError) as e:
            b.tx_end(tb)
        assert e.value.name == "EAGAIN"
        assert a.read("/counter") == b"1"


def test_watch_storm_delivers_every_event(xenstored):
    with xenstored.connect() as w, xenstored.connect() as writer:
        w.watch("/storm", "s")
        assert w.event() == ("/storm", "s")
        for i in range(500):
            writer.write(f"/storm/n{i}", "x")
        seen = [w.event() for _ in range(500)]
        assert seen == [(f"/storm/n{i}", "s") for i in range(500)]
        writer.rm("/storm")
        assert w.event() == ("/storm", "s")


def test_quota_exhaustion_for_a_domain(xenstored):
    c = unprivileged(xenstored, 5)
    with xenstored.connect() as c0:
        c0.control("quota", "nodes", "20")
    for i in range(19):
        c.write(f"n{i}", "v")
    with pytest.raises(XsError) as e:
        c.write("one-too-many", "v")
    assert e.value.name == "ENOSPC"
    with pytest.raises(XsError) as e:
        c.write("n0", "v" * 3000)
    assert e.value.name == "ENOSPC"
    for i in range(128):
        c.watch(f"n{i % 19}", f"t{i}")
    with pytest.raises(XsError) as e:
        c.watch("n0", "over")
    assert e.value.name == "E2BIG"
    c.close()


def test_permission_denials_are_logged(xenstored):
    with xenstored.connect() as c0:
        c0.write("/secret", "s")
    c = unprivileged(xenstored, 6)
    for op in (lambda: c.read("/secret"), lambda: c.write("/secret", "x"),
               lambda: c.request(XS_INTRODUCE, nul("9", "1", "1")),
               lambda: c.control("quota")):
        with pytest.raises(XsError) as e:
            op()
        assert e.value.name == "EACCES"
    c.close()
    assert "denied: domain 6 read /secret" in xenstored.log_text()


def test_domain_messages(xs):
    xs.watch("@introduceDomain", "in")
    xs.watch("@releaseDomain", "out")
    assert xs.event() == ("@introduceDomain", "in")
    assert xs.event() == ("@releaseDomain", "out")
    xs.request(XS_INTRODUCE, nul("3", "123", "4"))
    assert xs.event() == ("@introduceDomain", "in")
    xs.request(XS_RELEASE, nul("3"))
    assert xs.event() == ("@releaseDomain", "out")
    with pytest.raises(XsError) as e:
        xs.request(XS_RELEASE, nul("3"))
    assert e.value.name == "ENOENT"


def still_serving(daemon):
    with daemon.connect() as c:
        c.write("/alive", "yes")
        assert c.read("/alive") == b"yes"


def test_random_garbage_does_not_hurt(xenstored):
    rng = random.Random(1234)
    for _ in range(40):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(xenstored.socket)
        s.settimeout(2)
        try:
            s.sendall(bytes(rng.getrandbits(8)
                            for _ in range(rng.randrange(1, 600))))
        except OSError:
            pass            # the daemon may already have dropped us
        s.close()
    still_serving(xenstored)


def test_truncated_header_and_huge_length(xenstored):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(xenstored.socket)
    s.sendall(b"\x02\x00\x00")          # 3 bytes of a header, then hang up
    s.close()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(xenstored.socket)
    s.sendall(struct.pack("<IIII", XS_READ, 1, 0, 0xffffffff))
    assert s.recv(16) == b""             # dropped, not answered
    s.close()
    still_serving(xenstored)


def test_bad_messages_get_errors_not_disconnects(xs):
    for raw, err in ((pack(999, b"x"), "EINVAL"),
                     (pack(XS_WATCH_EVENT, nul("a", "b")), "EINVAL"),
                     (pack(XS_READ, b"/no-nul"), "EINVAL"),
                     (pack(XS_READ, nul("//bad")), "EINVAL"),
                     (pack(XS_CONTROL, nul("nonsense")), "EINVAL")):
        xs.send_raw(raw)
        mtype, _, _, body = xs.reply()
        assert mtype == XS_ERROR
        assert body == err.encode() + b"\0"
    assert xs.read("/tool") == b""


def test_directory_too_big_is_e2big(xs):
    for i in range(300):
        xs.mkdir(f"/wide/a-rather-long-child-name-{i:04d}")
    with pytest.raises(XsError) as e:
        xs.request(XS_DIRECTORY, nul("/wide"))
    assert e.value.name == "E2BIG"


def test_persist_survives_restart(xenstored_factory, tmp_path):
    store = str(tmp_path / "tree.db")
    d = xenstored_factory("--persist", store)
    with d.connect() as c:
        c.write("/keep/me", b"\x00binary\xff")
        c.set_perms("/keep/me", ["n3", "r4"])
    xenstored_factory.stop(d)
    assert os.path.exists(store)
    d = xenstored_factory("--persist", store)
    with d.connect() as c:
        assert c.read("/keep/me") == b"\x00binary\xff"
        assert c.get_perms("/keep/me") == ["n3", "r4"]
        assert c.directory("/keep") == ["me"]


def test_corrupt_persist_file_starts_empty(xenstored_factory, tmp_path):
    store = tmp_path / "tree.db"
    store.write_bytes(b"KEELXS1\n\xff\xff\xff\xff garbage")
    d = xenstored_factory("--persist", str(store))
    with d.connect() as c:
        assert "tool" in c.directory("/")
    assert "corrupt" in d.log_text()


def test_quota_option_on_the_command_line(xenstored_factory):
    d = xenstored_factory("--quota", "watches=3")
    with d.connect() as c:
        assert c.control("quota", "watches") == b"3\0"
