// SPDX-License-Identifier: MIT
/*
 * test-memop-dom0: the control domain's memory ops, run as dom0 on itself
 * (Keel starts no other domain under a test dom0 until createdomain
 * exists; the cross-domain paths are covered by tests/unit/test_memory_op.c):
 *   - current_reservation and maximum_gpfn by its own id and DOMID_SELF;
 *   - XENMEM_acquire_resource of its own grant table: the size query, then
 *     frame 0 at a gfn it gave back; the same frame placed with
 *     add_to_physmap elsewhere shows what was written through the first;
 *     remove_from_physmap drops the foreign mapping, populate refills it;
 *   - add_to_physmap_batch(gmfn_foreign) of itself (-XEN_EINVAL per entry) and
 *     of no domain (-XEN_ESRCH per entry);
 *   - claim_pages and set_memory_map on itself; ops for an unused domid.
 */
#include <public/memory.h>
#include "guest.h"

const char test_title[] = "memop-dom0";

#define PAGE_SIZE       4096ul
#define MEMOP(op, arg)  hypercall2(__HYPERVISOR_memory_op, (op), (unsigned long)(arg))

static uint8_t pages[3][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static uint64_t gfn_of(const void *p)
{
    return (uint64_t)(uintptr_t)p / PAGE_SIZE;    /* identity-mapped */
}

static void expect_rc(const char *what, long rc, long want)
{
    printf("  %-52s -> %ld\n", what, rc);
    CHECK(rc == want, "%s returned %ld, expected %ld", what, rc, want);
}

static long resv(unsigned int op, xen_pfn_t gfn, domid_t domid)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = domid };

    set_xen_guest_handle(r.extent_start, &gfn);
    return MEMOP(op, &r);
}

static long query(unsigned int op, domid_t domid)
{
    return MEMOP(op, &domid);
}

static long acquire(domid_t domid, uint32_t n, xen_pfn_t *list, uint32_t *nr)
{
    struct xen_mem_acquire_resource x = { .domid = domid, .type = XENMEM_resource_grant_table,
                                          .nr_frames = n };
    long rc;

    set_xen_guest_handle(x.frame_list, list);
    rc = MEMOP(XENMEM_acquire_resource, &x);
    if (nr)
        *nr = x.nr_frames;
    return rc;
}

static void check_queries(void)
{
    long cur = query(XENMEM_current_reservation, DOMID_SELF);

    expect_rc("current_reservation(0) = (DOMID_SELF)", query(XENMEM_current_reservation, 0), cur);
    CHECK(query(XENMEM_maximum_gpfn, 0) >= (long)gfn_of(pages[2]), "maximum_gpfn below our pages");
    expect_rc("maximum_gpfn(0) = (DOMID_SELF)", query(XENMEM_maximum_gpfn, 0),
              query(XENMEM_maximum_gpfn, DOMID_SELF));
    expect_rc("current_reservation(9: no domain)", query(XENMEM_current_reservation, 9), -XEN_ESRCH);
    expect_rc("maximum_gpfn(DOMID_XEN)", query(XENMEM_maximum_gpfn, DOMID_XEN), -XEN_ESRCH);
    expect_rc("populate_physmap(d9)", resv(XENMEM_populate_physmap, gfn_of(pages[0]), 9), 0);
}

static void check_acquire_resource(void)
{
    xen_pfn_t gfn = gfn_of(pages[0]);
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                    .idx = 0, .gpfn = gfn_of(pages[1]) };
    struct xen_remove_from_physmap rm = { .domid = DOMID_SELF, .gpfn = gfn };
    volatile uint8_t *a = pages[0], *b = pages[1];
    uint32_t nr = 0;

    expect_rc("acquire_resource(self, size query)", acquire(DOMID_SELF, 0, NULL, &nr), 0);
    CHECK(nr == 32, "grant table of %u frames", nr);
    expect_rc("acquire_resource(d9)", acquire(9, 1, &gfn, NULL), -XEN_ESRCH);
    expect_rc("decrease_reservation(pages[0])", resv(XENMEM_decrease_reservation, gfn, 0), 1);
    expect_rc("decrease_reservation(pages[1])",
              resv(XENMEM_decrease_reservation, gfn_of(pages[1]), DOMID_SELF), 1);
    expect_rc("acquire_resource(self, frame 0 at pages[0])", acquire(0, 1, &gfn, NULL), 0);
    expect_rc("add_to_physmap(grant frame 0 at pages[1])", MEMOP(XENMEM_add_to_physmap, &x), 0);
    /* volatile: two names of one frame, which the compiler cannot know */
    a[100] = 0x5a;
    a[4000] = 0xc3;
    CHECK(b[100] == 0x5a && b[4000] == 0xc3, "the two mappings of grant frame 0 differ");
    a[100] = a[4000] = 0;
    expect_rc("remove_from_physmap(pages[0])", MEMOP(XENMEM_remove_from_physmap, &rm), 0);
    expect_rc("remove_from_physmap(pages[0]) again", MEMOP(XENMEM_remove_from_physmap, &rm),
              -XEN_ENOENT);
    rm.gpfn = gfn_of(pages[1]);
    expect_rc("remove_from_physmap(grant frame at pages[1])",
              MEMOP(XENMEM_remove_from_physmap, &rm), -XEN_EPERM);
    expect_rc("populate_physmap(pages[0])", resv(XENMEM_populate_physmap, gfn, 0), 1);
    CHECK(a[100] == 0 && a[4000] == 0, "repopulated page not zero");
}

static void check_foreign_batch(void)
{
    xen_ulong_t idxs[2] = { gfn_of(pages[2]), gfn_of(pages[2]) };
    xen_pfn_t gpfns[2] = { gfn_of(pages[0]), gfn_of(pages[0]) };
    int errs[2] = { 1, 1 };
    struct xen_add_to_physmap_batch b = { .domid = DOMID_SELF,
                                          .space = XENMAPSPACE_gmfn_foreign, .size = 2 };

    set_xen_guest_handle(b.idxs, idxs);
    set_xen_guest_handle(b.gpfns, gpfns);
    set_xen_guest_handle(b.errs, errs);
    b.u.foreign_domid = 0;
    expect_rc("add_to_physmap_batch(foreign: itself)", MEMOP(XENMEM_add_to_physmap_batch, &b), 0);
    CHECK(errs[0] == -XEN_EINVAL && errs[1] == -XEN_EINVAL, "errs %d %d", errs[0], errs[1]);
    b.u.foreign_domid = 9;
    expect_rc("add_to_physmap_batch(foreign: d9)", MEMOP(XENMEM_add_to_physmap_batch, &b), 0);
    CHECK(errs[0] == -XEN_ESRCH && errs[1] == -XEN_ESRCH, "errs %d %d", errs[0], errs[1]);
    b.space = XENMAPSPACE_gmfn_range;
    expect_rc("add_to_physmap_batch(gmfn_range)", MEMOP(XENMEM_add_to_physmap_batch, &b),
              -XEN_EOPNOTSUPP);
}

static void check_claim_and_memory_map(void)
{
    struct xen_memory_reservation r = { .domid = 0 };
    struct { uint64_t addr, size; uint32_t type; } __attribute__((packed)) in[2] = {
        { 0, 0x9f000, 1 }, { 0x100000, 0x1000000, 1 } }, out[2];
    struct xen_foreign_memory_map f = { .domid = DOMID_SELF, .map = { .nr_entries = 2 } };
    struct xen_memory_map m = { .nr_entries = 2 };

    r.nr_extents = 1ul << 40;
    expect_rc("claim_pages(self, beyond max_pages)", MEMOP(XENMEM_claim_pages, &r), -XEN_EINVAL);
    r.nr_extents = 0;
    expect_rc("claim_pages(self, 0: cancel)", MEMOP(XENMEM_claim_pages, &r), 0);
    r.domid = 9;
    expect_rc("claim_pages(d9)", MEMOP(XENMEM_claim_pages, &r), -XEN_EINVAL);
    set_xen_guest_handle(f.map.buffer, in);
    set_xen_guest_handle(m.buffer, out);
    expect_rc("set_memory_map(self, 2 entries)", MEMOP(XENMEM_set_memory_map, &f), 0);
    expect_rc("memory_map", MEMOP(XENMEM_memory_map, &m), 0);
    CHECK(m.nr_entries == 2 && out[1].addr == 0x100000 && out[1].size == 0x1000000,
          "memory_map does not return the map set");
    f.domid = 9;
    expect_rc("set_memory_map(d9)", MEMOP(XENMEM_set_memory_map, &f), -XEN_ESRCH);
}

void test_main(void)
{
    check_queries();
    check_acquire_resource();
    check_foreign_batch();
    check_claim_and_memory_map();
}
