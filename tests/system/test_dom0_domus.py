# SPDX-License-Identifier: GPL-2.0-only
"""Boot domains beside dom0: every multiboot module after dom0's kernel and
ramdisk is an unprivileged PVH domain (ids 1, 2, ...), built as the
dom0less ones are.  A test-kernel dom0 (test-dom0peer role=dom0, privileged,
SIF_INITDOMAIN) copies the grants of a test-dom0peer domU and replies
through them; a test-hello domU sees start info flags 0; dom0 waits for
both to end, and every page comes back.  Keel ends when dom0 ends: a domU
still running then is stopped, and Keel powers off."""
import re

from keel_system import (BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, expect_pages_back,
                         free_pages_before, guest_kernel)


def test_domus_beside_a_test_kernel_dom0(boot):
    # No ramdisk: the second module is itself a kernel, so it is d1.
    mods = [guest_kernel("test-dom0peer") + ",role=dom0 peer=1 domus=2",
            guest_kernel("test-dom0peer") + ",mem=32M -- foreign=0",
            guest_kernel("test-hello") + ",mem=16M name=hello"]
    q = boot("dom0_mem=64M", modules=mods, smp=2, mem="512M")
    before = free_pages_before(q)
    q.expect(r"^domain: d0 \(dom0\): 64 MiB, 2 vCPUs", BOOT_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\): 32 MiB, 1 vCPU,", STEP_TIMEOUT)
    q.expect(r"^domain: d2 \(hello\): 16 MiB, 1 vCPU,", STEP_TIMEOUT)
    q.expect_all([r"^\(d0\) domain 0, start info flags 3\s*$",
                  r"^\(d1\) domain 1, start info flags 0\s*$",
                  r"^\(d2\) start_info at \w+: magic 0x336ec578 version 1 flags 0x0\s*$",
                  r"^\(d0\) dom0peer: dom0 copied d1's refs 8 and 9 and replied through ref 8",
                  r"^\(d1\) dom0peer: dom0 replied both ways and unmapped the grants",
                  GUEST_SUCCESS.format(1), GUEST_SUCCESS.format(2)], STEP_TIMEOUT)
    q.expect(r"^\(d0\) dom0peer: domains 1..2 have ended", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(0), STEP_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_keel_ends_when_dom0_ends(boot):
    """dom0 (test-hello) powers off at once; d1 (which may not even have
    started by then) waits for a dom0 reply that never comes and is stopped
    by Keel, which then powers off with every page back."""
    mods = [guest_kernel("test-hello"), guest_kernel("test-dom0peer") + ",mem=32M"]
    q = boot("dom0_mem=64M", modules=mods, smp=2, mem="512M")
    before = free_pages_before(q)
    q.expect(r"^domain: d1 \(boot1\): 32 MiB", BOOT_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(0), STEP_TIMEOUT)
    q.expect(r"^domain: d0 \(dom0\) shut down: poweroff", STEP_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\) stopped: dom0 has ended", STEP_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0
    assert "(d1) Test result" not in q.output


def test_bad_domu_settings_leave_dom0_running(boot):
    """A boot domain whose settings are bad is not built; dom0 and the others
    are."""
    mods = [guest_kernel("test-dom0peer") + ",role=dom0 peer=2 domus=2",
            guest_kernel("test-hello") + ",mem=1M",
            guest_kernel("test-dom0peer") + ",mem=32M -- foreign=0"]
    q = boot("dom0_mem=64M", modules=mods, smp=2, mem="512M")
    q.expect(r"^domain: mem must be 2M..3G", BOOT_TIMEOUT)
    q.expect(r"^domain: d2 \(boot2\): 32 MiB", STEP_TIMEOUT)
    q.expect_all([r"^\(d2\) dom0peer: dom0 replied both ways and unmapped the grants",
                  GUEST_SUCCESS.format(2), GUEST_SUCCESS.format(0)], STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0
    assert "(d1)" not in q.output


MAPS_CHECKS = ["open", "physinfo", "getdomaininfolist", "mmapbatch-read",
               "mmapbatch-reply-written", "mmapbatch-unmap", "mmap-resource", "gntdev-rw",
               "gntdev-rw-unmap", "gntdev-ro-refuses-write", "gntdev-ro", "gntdev-ro-unmap",
               "domu-ended"]


def test_linux_dom0_maps_a_domus_memory_and_grants(boot):
    """Debian's Linux as dom0 runs keel-dom0-maps 1 (tools/dom0/tests) beside
    a test-dom0peer domU: sysctl physinfo and getdomaininfolist through
    privcmd, MMAPBATCH_V2 of the domU's pattern pages and a reply written
    into one, MMAP_RESOURCE of its grant table (entries 8 and 9), gntdev
    maps of ref 8 (read-write, a reply written) and ref 9 (read-only: a
    writable mmap is refused); the domU checks both replies and that the
    grants were unmapped, and powers off; then dom0 does."""
    from test_dom0 import DOM0_BOOT_TIMEOUT, dom0_modules
    mods = dom0_modules("keel.checks=0 keel.maps=1") + [
        guest_kernel("test-dom0peer") + ",mem=32M name=peer"]
    q = boot("dom0_mem=256M", modules=mods, smp=2, mem="1G")
    q.expect(r"^domain: d1 \(peer\): 32 MiB", BOOT_TIMEOUT)
    q.expect(r"^\(d1\) dom0peer: d1 pattern in gfns 1000-1003", BOOT_TIMEOUT)
    q.expect(r"^\(d0\) dom0-init: starting", DOM0_BOOT_TIMEOUT)
    q.expect(r"^\(d0\) dom0-maps: (all ok|FAILED)\s*$", DOM0_BOOT_TIMEOUT)
    results = dict(re.findall(r"^\(d0\) dom0-maps: (\S+) (ok|FAILED: .*?)\s*$", q.output, re.M))
    failed = [f"{c}: {results.get(c, 'missing')}" for c in MAPS_CHECKS if results.get(c) != "ok"]
    assert not failed, "keel-dom0-maps:\n  " + "\n  ".join(failed)
    assert "(d1) dom0peer: dom0 replied both ways and unmapped the grants" in q.output
    assert re.search(GUEST_SUCCESS.format(1), q.output, re.M)
    q.expect(r"^\(d0\) dom0-init: keel-dom0-maps exited 0", STEP_TIMEOUT)
    q.expect(r"^domain: d0 \(dom0\) shut down: poweroff", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0
