# SPDX-License-Identifier: GPL-2.0-only
"""Event channels on Keel: the test-evtchn kernel (guest-drivers/tests/evtchn)
maps shared_info, takes upcalls on its callback vector from a loopback
interdomain pair, an IPI and EVTCHNOP_unmask, sees an IPI to vCPU 1 flag
only vCPU 1's vcpu_info, and gets Xen 4.17's error codes for hostile
arguments.  With one and two vCPUs, and two such domains at once (their
ports torn down with them, every page back)."""
import pytest

from keel_system import (BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, expect_pages_back,
                         free_pages_before, guest_kernel)




@pytest.mark.parametrize("vcpus,smp", [(1, 1), (2, 2)])
def test_evtchn_kernel(boot, vcpus, smp):
    q = boot("dom0less", modules=[guest_kernel("test-evtchn") + f",mem=32M vcpus={vcpus}"], smp=smp)
    q.expect(r"^\(d1\) errors: Xen's codes; FIFO init_control -38", BOOT_TIMEOUT)
    q.expect(r"^\(d1\) loopback: port 1 <-> port 2 \(domain 1\)", STEP_TIMEOUT)
    q.expect(r"^\(d1\) loopback: upcalls on vector 0xf3, pending bits set", STEP_TIMEOUT)
    q.expect(r"^\(d1\) mask: no upcall while masked, upcall on unmask", STEP_TIMEOUT)
    q.expect(r"^\(d1\) HLT: ended by the pending upcall", STEP_TIMEOUT)
    q.expect(r"^\(d1\) close: peer unbound, second close -EINVAL", STEP_TIMEOUT)
    q.expect(r"^\(d1\) IPI to self: upcall", STEP_TIMEOUT)
    if vcpus > 1:
        q.expect(r"^\(d1\) IPI to vCPU 1: its vcpu_info flagged, none on vCPU 0", STEP_TIMEOUT)
    else:
        q.expect(r"^\(d1\) one vCPU: IPI to vCPU 1 not tried", STEP_TIMEOUT)
    q.expect(r"^\(d1\) reset: every port closed", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_two_evtchn_domains_and_pages_back(boot):
    mods = [guest_kernel("test-evtchn") + ",mem=32M vcpus=2", guest_kernel("test-evtchn") + ",mem=32M vcpus=2"]
    q = boot("dom0less", modules=mods, smp=2)
    before = free_pages_before(q)
    q.expect_all([GUEST_SUCCESS.format(1), GUEST_SUCCESS.format(2)], BOOT_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0
