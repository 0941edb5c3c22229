# SPDX-License-Identifier: GPL-2.0-only
"""Hostile hypercall arguments: the test-hcfuzz kernel
(guest-drivers/tests/hcfuzz.c) first gives hypercalls non-canonical
pointers (each must return -EFAULT, as on Xen, and write nothing), then
makes 20,000 hypercalls with random sub-ops, pointers, counts, ports and
vCPU IDs from a fixed seed.  Keel must answer every one with a result or
one of Xen's error codes, write nothing outside the buffers it was given,
keep working, and get every page back when the domain ends; the boot
fixture fails the test on any FAULT, panic or heap complaint of Keel's
(conftest.py).  The last test runs it as dom0 (role=dom0,
guest-drivers/tests/hcfuzz/dom0.c) against the control hypercalls."""

from keel_system import (BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, expect_pages_back,
                         free_pages_before, guest_kernel)


def test_random_hypercalls_leave_keel_and_the_guest_intact(boot):
    q = boot("dom0less", modules=[guest_kernel("test-hcfuzz") + ",mem=32M"], smp=2)
    before = free_pages_before(q)
    # 7 hypercalls x 3 non-canonical high parts x 2 targets (page 0, scratch).
    m = q.expect(r"^\(d1\) hcfuzz: non-canonical pointers: (\d+) calls, (\d+) -EFAULT, "
                 r"page 0 (\w+), scratch (\w+)", BOOT_TIMEOUT)
    assert m.group(1) == m.group(2) == "42", m.group(0)
    assert m.group(3) == m.group(4) == "intact", m.group(0)
    m = q.expect(r"^\(d1\) hcfuzz: 20000 calls, (\d+) succeeded, (\d+) refused", BOOT_TIMEOUT)
    assert int(m.group(1)) > 0 and int(m.group(2)) > 0
    q.expect(r"^\(d1\) hcfuzz: guard pages intact", STEP_TIMEOUT)
    q.expect(r"^\(d1\) hcfuzz: hypercalls still answer", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_two_domains_fuzzing_side_by_side(boot):
    """Two vCPUs each, different seeds, on two CPUs: cross-domain event
    channel and grant operations with random domain IDs and ports race."""
    mods = [guest_kernel("test-hcfuzz") + f",mem=32M vcpus=2 -- seed={s}" for s in (1, 2)]
    q = boot("dom0less", modules=mods, smp=2)
    before = free_pages_before(q)
    q.expect_all([GUEST_SUCCESS.format(1), GUEST_SUCCESS.format(2)], BOOT_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_dom0_fuzzes_the_control_hypercalls_beside_a_live_domu(boot):
    """test-hcfuzz as dom0 (guest-drivers/tests/hcfuzz/dom0.c) beside a
    test-dom0peer domU: domctl, sysctl, memory ops on other domains and
    grant maps with bad domids (itself, the domU, one it created, one it
    destroyed, unused and reserved ids), huge counts, overlapping and
    out-of-range gfns, double unmaps and invented handles.  The domU must
    live through it and succeed, dom0 must see every free page back after
    destroying what it created, and Keel must not crash or leak."""
    mods = [guest_kernel("test-hcfuzz") + ",role=dom0 peer=1",
            guest_kernel("test-dom0peer") + ",mem=32M -- foreign=0"]
    q = boot("dom0_mem=64M", modules=mods, smp=2, mem="512M")
    before = free_pages_before(q)
    q.expect(r"^\(d0\) hcfuzz: seed 0 \(the default\)", BOOT_TIMEOUT)
    q.expect(r"^\(d0\) hcfuzz: dom0: mapped d1's refs 8 and 9, second unmap refused",
             BOOT_TIMEOUT)
    m = q.expect(r"^\(d0\) hcfuzz: dom0: (\d+) calls, (\d+) succeeded, (\d+) refused",
                 BOOT_TIMEOUT)
    assert int(m.group(2)) > 0 and int(m.group(3)) > 0, m.group(0)
    m = q.expect(r"^\(d0\) hcfuzz: dom0: free pages (\d+) before, (\d+) after", STEP_TIMEOUT)
    assert m.group(1) == m.group(2), m.group(0)
    q.expect_all([r"^\(d1\) dom0peer: dom0 replied both ways and unmapped the grants",
                  GUEST_SUCCESS.format(1)], STEP_TIMEOUT)
    q.expect(r"^\(d0\) hcfuzz: dom0: d1 has ended", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(0), STEP_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0
