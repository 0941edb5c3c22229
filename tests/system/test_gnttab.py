# SPDX-License-Identifier: GPL-2.0-only
"""Grant tables on Keel: the test-gnttab kernel (guest-drivers/tests/gnttab)
maps its grant-table frames with add_to_physmap, checks query_size,
setup_table and the versions, copies through grants to itself with
GNTTABOP_copy and gets Xen 4.17's status codes for hostile copies.  Two
domains: d1 grants a read-only page (ref 8) and a writable one (ref 9) to
d2, which copies the first, is refused a write to it, maps the first
read-only (a writable mapping refused) and the second writable (data both
ways), unmaps them (a second unmap refused), copies in one batch of 3000
ops (continued by Keel), and writes its reply through the second; both
tables, every page and every page reference go back at teardown."""
from keel_system import (BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, expect_pages_back,
                         free_pages_before, guest_kernel)




def test_gnttab_self(boot):
    q = boot("dom0less", modules=[guest_kernel("test-gnttab") + ",mem=32M"], smp=2)
    q.expect(r"^\(d1\) query_size: 1 of 32 frames", BOOT_TIMEOUT)
    q.expect(r"^\(d1\) set_version 2: -38 \(version 1\)", STEP_TIMEOUT)
    q.expect(r"^\(d1\) table: 2 frames at \w+, setup_table lists them", STEP_TIMEOUT)
    q.expect(r"^\(d1\) self copy: data both ways, flags cleared after", STEP_TIMEOUT)
    q.expect(r"^\(d1\) self copy errors: Xen's status codes", STEP_TIMEOUT)
    q.expect(r"^\(d1\) batch: each op its own status", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_gnttab_two_domains_and_pages_back(boot):
    mods = [guest_kernel("test-gnttab") + ",mem=32M -- role=granter peer=2",
            guest_kernel("test-gnttab") + ",mem=32M -- role=copier peer=1"]
    q = boot("dom0less", modules=mods, smp=2)
    before = free_pages_before(q)
    q.expect(r"^\(d2\) copier: d1's ref 8 copied, pattern checked", BOOT_TIMEOUT)
    q.expect(r"^\(d2\) copier: mapped refs 8 \(ro\) and 9 \(rw\), data both ways, unmapped",
             STEP_TIMEOUT)
    q.expect(r"^\(d2\) copier: a batch of 3000 copies done", STEP_TIMEOUT)
    # d1 may see the reply and say so (and end) before d2 has printed that it
    # wrote it.
    q.expect_all([r"^\(d2\) copier: read-only refused, reply written",
                  r"^\(d1\) granter: d2 wrote its reply through ref 9",
                  GUEST_SUCCESS.format(1), GUEST_SUCCESS.format(2)], STEP_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0
