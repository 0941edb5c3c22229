# SPDX-License-Identifier: GPL-2.0-only
#
# Integration tests of domains going away, through the daemon's socket.
# Without a hypervisor (--no-domain-init) the daemon asks a simulated one
# about domain states; XS_CONTROL "domain-state <domid> <state>" (and the
# "domain-dying <domid>" shorthand) change it and run what VIRQ_DOM_EXC
# runs.  They are Keel's testing aids; Xen has no such commands.  A
# socket client demoted with "drop-privilege <domid>" stands in for the
# guest's ring connection.

import pytest

from conftest import (XS_INTRODUCE, XS_IS_DOMAIN_INTRODUCED, XS_RELEASE,
                      XS_RESUME, XsError, nul)


def introduce(daemon, c0, domid):
    """Toolstack-style: /local/domain/<id> (n0 r<id>) with a data directory
    the domain owns; introduced; returns a stand-in for its connection."""
    home = f"/local/domain/{domid}"
    c0.mkdir(f"{home}/data")
    c0.set_perms(home, ["n0", f"r{domid}"])
    c0.set_perms(f"{home}/data", [f"n{domid}"])
    c0.request(XS_INTRODUCE, nul(str(domid), "4660", "5"))
    guest = daemon.connect()
    guest.control("drop-privilege", str(domid))
    return guest


def introduced(c0, domid):
    return c0.request(XS_IS_DOMAIN_INTRODUCED, nul(str(domid))) == b"T\0"


def no_pending_event(c0, w):
    """Nothing queued for `w`: a marker write must be its next event."""
    c0.write("/marker", "x")
    assert w.event() == ("/marker", "m")


def test_dying_domain_is_released(xenstored):
    with xenstored.connect() as c0, xenstored.connect() as w:
        guest = introduce(xenstored, c0, 7)
        other = introduce(xenstored, c0, 8)
        guest.write("data/x", "1")
        assert c0.read("/local/domain/7/data/x") == b"1"
        w.watch("/marker", "m")
        w.watch("@releaseDomain", "out")
        w.watch("/local/domain/7/data", "d")
        assert [w.event() for _ in range(3)] == [
            ("/marker", "m"), ("@releaseDomain", "out"),
            ("/local/domain/7/data", "d")]

        c0.control("domain-dying", "7")
        # Its nodes go first (watches fire), then @releaseDomain, once.
        assert w.event() == ("/local/domain/7/data", "d")
        assert w.event() == ("@releaseDomain", "out")
        no_pending_event(c0, w)

        # The domain's connection is gone: its requests are not served.
        with pytest.raises(OSError):
            guest.read("data")
        guest.close()
        assert not introduced(c0, 7)
        with pytest.raises(XsError) as e:
            c0.request(XS_RELEASE, nul("7"))
        assert e.value.name == "ENOENT"
        with pytest.raises(XsError) as e:
            c0.read("/local/domain/7/data")
        assert e.value.name == "ENOENT"
        # Its home is the toolstack's to remove; its read right is gone.
        assert c0.get_perms("/local/domain/7") == ["n0"]
        with pytest.raises(XsError) as e:
            c0.control("domain-dying", "7x")
        assert e.value.name == "EINVAL"

        # Everyone else is still served, domain 8 included.
        other.write("data/y", "2")
        assert other.read("data/y") == b"2"
        assert introduced(c0, 8)
        other.close()


def test_shutdown_fires_release_until_resume(xenstored):
    with xenstored.connect() as c0, xenstored.connect() as w:
        guest = introduce(xenstored, c0, 9)
        w.watch("/marker", "m")
        w.watch("@releaseDomain", "out")
        assert [w.event() for _ in range(2)] == [
            ("/marker", "m"), ("@releaseDomain", "out")]
        c0.control("domain-state", "9", "shutdown")
        assert w.event() == ("@releaseDomain", "out")
        assert introduced(c0, 9)
        c0.control("domain-state", "9", "shutdown")    # already noticed
        no_pending_event(c0, w)
        c0.request(XS_RESUME, nul("9"))
        c0.control("domain-state", "9", "shutdown")
        assert w.event() == ("@releaseDomain", "out")
        guest.write("data/still", "here")           # shut down, not dead
        c0.control("domain-state", "9", "gone")
        assert w.event() == ("@releaseDomain", "out")
        assert not introduced(c0, 9)
        guest.close()


def test_only_privileged_clients_simulate(xenstored):
    with xenstored.connect() as c0:
        guest = introduce(xenstored, c0, 4)
        with pytest.raises(XsError) as e:
            guest.control("domain-dying", "4")
        assert e.value.name == "EACCES"
        assert introduced(c0, 4)
        guest.close()


def test_keep_orphans_option(xenstored_factory):
    d = xenstored_factory("--keep-orphans")
    with d.connect() as c0:
        guest = introduce(d, c0, 6)
        guest.write("data/x", "1")
        c0.control("domain-dying", "6")
        assert c0.read("/local/domain/6/data/x") == b"1"
        assert c0.get_perms("/local/domain/6/data/x") == ["n0"]
        assert c0.control("quota", "6").startswith(b"nodes: 0\n")
        guest.close()
