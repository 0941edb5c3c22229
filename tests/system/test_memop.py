# SPDX-License-Identifier: GPL-2.0-only
"""HYPERVISOR_memory_op and the shared_info page on Keel: the test-memop
kernel (guest-drivers/tests/memop/) checks the memory map, shared_info with
the wall clock and pvclock, the reservation counters, decrease/populate of
4 KiB and 2 MiB extents (reading zero afterwards), increase_reservation up
to the maximum (as Xen for a translated guest) and hostile arguments; the
same kernel passes on Xen 4.17 (tools/xen-peer/boot-xen.py).  Here it runs
alone, with two vCPUs, and next to other domains, and every page comes back
when the domains end."""
import pytest

from keel_system import (BANNER, BOOT_TIMEOUT, GUEST_SUCCESS, STEP_TIMEOUT, expect_pages_back,
                         free_pages_before, guest_kernel)




@pytest.mark.parametrize("settings", ["mem=32M", "mem=64M vcpus=2"])
def test_memop_kernel_succeeds(boot, settings):
    q = boot("dom0less", modules=[guest_kernel("test-memop") + "," + settings], smp=2)
    q.expect(BANNER, BOOT_TIMEOUT)
    q.expect(r"^\(d1\)\s+add_to_physmap\(shared_info\) at pages\[0\]\s+-> 0", BOOT_TIMEOUT)
    q.expect(r"^\(d1\)\s+\d+ TSC ticks: pvclock \+\d+ ns", STEP_TIMEOUT)
    # Keel's boot domains start at their maximum; the RAM page shared_info
    # replaced and pages[2] given back make room for exactly two of the
    # three extents asked for.
    q.expect(r"^\(d1\)\s+increase_reservation\(3 extents\) -> 2 \(room for 2\)", STEP_TIMEOUT)
    q.expect(r"^\(d1\) increase_reservation: 2 of 3 extents, current_reservation at the "
             r"maximum, list untouched, no room to populate", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(1), BOOT_TIMEOUT)
    q.expect(r"^domain: d1 \(boot1\) torn down, memory returned", STEP_TIMEOUT)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_memop_next_to_other_domains_returns_every_page(boot):
    """Two ballooning domains and a bystander on two CPUs; afterwards the
    free page count and the heap are back exactly where they were."""
    mods = [guest_kernel("test-memop") + ",mem=32M", guest_kernel("test-hello") + ",mem=16M",
            guest_kernel("test-memop") + ",mem=48M"]
    q = boot("dom0less", modules=mods, smp=2)
    before = free_pages_before(q)
    q.expect_all([GUEST_SUCCESS.format(d) for d in (1, 2, 3)], BOOT_TIMEOUT)
    expect_pages_back(q, before)
    assert q.wait_exit(STEP_TIMEOUT) == 0


def test_memop_as_dom0_on_itself(boot):
    """The control domain's memory ops (test-memop-dom0 booted as dom0):
    queries, acquire_resource of its own grant table mapped and read back,
    remove_from_physmap, foreign batches of itself and of no domain,
    claim_pages and set_memory_map.  Cross-domain paths need createdomain;
    tests/unit/test_memory_op.c covers them."""
    q = boot("dom0_mem=64M", modules=[guest_kernel("test-memop-dom0")])
    q.expect(r"^\(d0\)\s+acquire_resource\(self, frame 0 at pages\[0\]\)\s+-> 0", BOOT_TIMEOUT)
    q.expect(r"^\(d0\)\s+remove_from_physmap\(pages\[0\]\) again\s+-> -2", STEP_TIMEOUT)
    q.expect(r"^\(d0\)\s+set_memory_map\(self, 2 entries\)\s+-> 0", STEP_TIMEOUT)
    q.expect(GUEST_SUCCESS.format(0), BOOT_TIMEOUT)
