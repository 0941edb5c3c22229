# SPDX-License-Identifier: GPL-2.0-only
"""The control hypercalls (domctl, sysctl) from a domain that is not the
control domain: the test-ctl-eperm kernel (guest-drivers/tests/ctl-eperm.c)
calls every op number of Xen 4.17 and expects -EPERM, -EACCES for a wrong
interface version, -ESRCH for a domain that does not exist."""
from keel_system import BANNER, BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, guest_kernel


def test_ctl_eperm_from_domu(boot):
    q = boot("dom0less", modules=[guest_kernel("test-ctl-eperm") + ",mem=32M"])
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect(r"^\(d1\) domctl: 95 ops on d1 -> -EPERM", BOOT_TIMEOUT)
    q.expect(r"^\(d1\) domctl: wrong interface version -> -EACCES", STEP_TIMEOUT)
    q.expect(r"^\(d1\) sysctl: 33 ops -> -EPERM", STEP_TIMEOUT)
    q.expect(r"^\(d1\) sysctl: wrong interface version -> -EACCES", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\) torn down, memory returned", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0
