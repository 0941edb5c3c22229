# SPDX-License-Identifier: GPL-2.0-only
"""vcpu_op, SCHEDOP_poll and SCHEDOP_block on Keel: the test-vcpuop kernel
(guest-drivers/tests/vcpuop) registers its vcpu_info at an offset in its
own page and sees upcalls land there, reads a growing runstate area, gets
VIRQ_TIMER from the singleshot timer (-ETIME in the past with
VCPU_SSHOTTMR_future, stop cancels), polls ports (pending, masked and
firing, timeout), blocks (at once with an event pending, until VIRQ_TIMER
otherwise), sends NMIs with VCPUOP_send_nmi to itself (one handler run per
send, never nested) and to vCPU 1 (halted in real mode) and gets Xen 4.17's
error codes; Keel refuses to give the vcpu_info frame back.  Alone, and twice at once on two CPUs with every page
back afterwards."""
import pytest

from keel_system import (BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, expect_pages_back,
                         free_pages_before, guest_kernel)




@pytest.mark.parametrize("vcpus,smp", [(1, 1), (2, 2)])
def test_vcpuop_kernel(boot, vcpus, smp):
    q = boot("dom0less", modules=[guest_kernel("test-vcpuop") + f",mem=32M vcpus={vcpus}"], smp=smp)
    q.expect(r"^\(d1\) errors: Xen's codes", BOOT_TIMEOUT)
    q.expect(r"^\(d1\) register_vcpu_info: at offset 192, pvclock there, second -EINVAL",
             STEP_TIMEOUT)
    q.expect(r"^\(d1\) upcall: flagged in the registered vcpu_info only", STEP_TIMEOUT)
    q.expect(r"^\(d1\) runstate: running time grows, entry time monotonic", STEP_TIMEOUT)
    q.expect(r"^\(d1\) singleshot: VIRQ_TIMER after 20ms\.\.1s", STEP_TIMEOUT)
    q.expect(r"^\(d1\) singleshot: VCPU_SSHOTTMR_future in the past -> -62, stop cancels",
             STEP_TIMEOUT)
    q.expect(r"^\(d1\) poll: pending port at once, masked port wakes, timeout, errors",
             STEP_TIMEOUT)
    q.expect(r"^\(d1\) block: returns at once with an event pending \(1 upcall\)", STEP_TIMEOUT)
    q.expect(r"^\(d1\) block: VIRQ_TIMER wakes it \(after 30ms\.\.2\.5s\)", STEP_TIMEOUT)
    # 5 sends, then one whose handler sends one more: 7 NMIs, none nested.
    q.expect(r"^\(d1\) send_nmi to itself: 7 NMIs for 7 sends, never nested; errors as Xen",
             STEP_TIMEOUT)
    if vcpus == 2:
        q.expect(r"^\(d1\) send_nmi to vCPU 1: 5 NMIs for 5 sends, each woke it from HLT",
                 STEP_TIMEOUT)
    else:
        q.expect(r"^\(d1\) send_nmi to vCPU 1: one vCPU, not tried", STEP_TIMEOUT)
    q.expect(r"^\(d1\) give back the vcpu_info frame: 0 extent\(s\) \(refused\)", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_two_vcpuop_domains_and_pages_back(boot):
    mods = [guest_kernel("test-vcpuop") + ",mem=32M", guest_kernel("test-vcpuop") + ",mem=32M vcpus=2"]
    q = boot("dom0less", modules=mods, smp=2)
    before = free_pages_before(q)
    q.expect_all([GUEST_SUCCESS.format(1), GUEST_SUCCESS.format(2)], BOOT_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0
