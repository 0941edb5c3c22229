// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of HYPERVISOR_memory_op (hypervisor/common/memory_op.c): it
 * owns the reservation sub-ops -- populate_physmap, decrease_reservation,
 * increase_reservation with their accounting (tot_pages, max_pages, frames
 * held from 2 MiB chunks and reused, frames freed back to the allocator),
 * extent orders, continuation starts and every way a request is refused --
 * plus current/maximum_reservation, memory_map and add_to_physmap
 * (shared_info and grant-table frames).  Expected results are Xen 4.17's
 * for a translated (PVH) guest: a reservation op returns the number of
 * extents done and stops at the first that fails, returns the start extent
 * for a bad request; increase_reservation allocates without mapping or
 * writing the list.  Where Keel documents its own rule
 * (docs/abi-coverage.md: never replaces a mapping, refuses a frame it holds
 * a reference to), the test says so.
 *
 * Runs the real domain.c, grant_table.c, p2m, page allocator and spinlocks
 * (tests/unit/mm_fixture.h) with the rest of Keel faked
 * (tests/unit/domain_env.h); guest addresses are host pointers.
 */
#include "ktest.h"
#include "domain_env.h"
#include "mm_fixture.h"

#include <string.h>

#include <keel/claim.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/hypercall.h>
#include <keel/page_alloc.h>
#include <keel/shared_info.h>
#include <keel/xmalloc.h>
#include <public/memory.h>

#define RAM_2M      1024        /* gfns 0..1023: two 2 MiB chunks */
#define RAM_4K      48          /* gfns 1024..1071: 4 KiB chunks */
#define RAM         (RAM_2M + RAM_4K)
#define GFN_4K      RAM_2M      /* the first 4 KiB-chunk gfn */
#define HOLE        5000        /* never RAM */
#define SENTINEL    0xa5a5a5a5a5a5a5a5ULL

static struct domain *d1;
static pfn_t free_at_start;

/* grant_table.c's batches may continue themselves; none here is long. */
long hypercall_create_continuation(struct vcpu *v, const uint64_t args[5])
{
    memcpy(v->hcall_args, args, sizeof(v->hcall_args));
    v->hcall_preempted = true;
    return -ERESTART;
}

bool hypercall_preempt_check(void)
{
    return false;
}

/* d1: RAM pages of RAM, max_pages as given (Keel's boot domains: = RAM). */
static struct domain *mkdom(uint16_t domid, uint32_t vcpus, uint64_t max, bool privileged)
{
    struct domain *d = domain_create(domid, "test", vcpus, max, privileged);

    CHECK(d != NULL);
    CHECK_EQ(domain_populate_ram(d, 0, RAM_2M, 0), 0);
    CHECK_EQ(domain_populate_ram(d, GFN_4K, RAM_4K, 0), 0);
    CHECK_EQ(d->tot_pages, RAM);
    return d;
}

static void setup_max(uint32_t vcpus, uint64_t max)
{
    mm_fix_init();
    denv_reset();
    free_at_start = mm_fix_free_pages();
    d1 = mkdom(1, vcpus, max, false);
}

static void setup(void)
{
    setup_max(1, RAM);
}

/* Every page comes back when the domain goes. */
static void teardown(void)
{
    domain_destroy(d1);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

static long memop(struct domain *d, uint32_t op, uint64_t start, void *arg)
{
    uint64_t args[5] = { op | (start << 6), (uint64_t)(uintptr_t)arg, 0, 0, 0 };

    return do_memory_op(d->vcpus[0], args);
}

static long resv(struct domain *d, uint32_t op, xen_pfn_t *list, uint64_t n, uint32_t order,
                 domid_t domid, uint64_t start)
{
    struct xen_memory_reservation r = { .nr_extents = n, .extent_order = order, .domid = domid };
    long rc;

    set_xen_guest_handle(r.extent_start, list);
    rc = memop(d, op, start, &r);
    /* Never more host memory than the guest may have. */
    CHECK(d->tot_pages + d->nr_held <= d->max_pages);
    return rc;
}

static long decrease(xen_pfn_t gfn, uint32_t order)
{
    return resv(d1, XENMEM_decrease_reservation, &gfn, 1, order, DOMID_SELF, 0);
}

static long populate(xen_pfn_t gfn, uint32_t order)
{
    return resv(d1, XENMEM_populate_physmap, &gfn, 1, order, DOMID_SELF, 0);
}

static bool mapped(struct domain *d, gfn_t gfn, mfn_t *mfn)
{
    enum p2m_type t;
    mfn_t m;

    if (p2m_get_entry(&d->p2m, gfn, &m, &t, NULL) < 0)
        return false;
    if (mfn)
        *mfn = m;
    return t == p2m_ram_rw;
}

static uint8_t *page_of(struct domain *d, gfn_t gfn)
{
    mfn_t mfn;

    CHECK(mapped(d, gfn, &mfn));
    return pfn_to_virt(mfn);
}

/* Free frames, counting d1's p2m table pages as free: splitting or
 * folding a superpage mapping takes or gives back a table page, which is
 * not the domain's memory. */
static pfn_t free_frames(void)
{
    return mm_fix_free_pages() + d1->p2m.table_pages;
}

static bool zero(const uint8_t *p)
{
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        if (p[i])
            return false;
    return true;
}

/* ---- current / maximum reservation ---------------------------------- */

TEST(reservation_queries)
{
    domid_t id;
    struct domain *d0, *d2;

    setup_max(1, RAM + 100);
    id = DOMID_SELF;
    CHECK_EQ(memop(d1, XENMEM_current_reservation, 0, &id), RAM);
    CHECK_EQ(memop(d1, XENMEM_maximum_reservation, 0, &id), RAM + 100);
    id = 1;
    CHECK_EQ(memop(d1, XENMEM_current_reservation, 0, &id), RAM);
    d2 = domain_create(2, "d2", 1, 10, false);
    id = 2;
    CHECK_EQ(memop(d1, XENMEM_current_reservation, 0, &id), -EPERM);
    CHECK_EQ(memop(d1, XENMEM_maximum_reservation, 0, &id), -EPERM);
    id = 9;
    CHECK_EQ(memop(d1, XENMEM_current_reservation, 0, &id), -ESRCH);
    d0 = domain_create(0, "d0", 1, 10, true);
    id = 2;
    CHECK_EQ(memop(d0, XENMEM_current_reservation, 0, &id), 0);
    CHECK_EQ(memop(d0, XENMEM_maximum_reservation, 0, &id), 10);
    CHECK_EQ(memop(d1, XENMEM_current_reservation, 0, NULL), -EFAULT);
    CHECK_EQ(memop(d1, XENMEM_maximum_reservation, 0, NULL), -EFAULT);
    id = DOMID_SELF;
    CHECK_EQ(memop(d1, XENMEM_current_reservation, 1, &id), -EINVAL);   /* no start extent */
    domain_destroy(d0);
    domain_destroy(d2);
    teardown();
}

TEST(unknown_sub_ops)
{
    static const uint32_t ops[] = { 2 /* maximum_ram_page */, 5, 8, 10, 11 /* exchange */,
                                    12, 16, 17 /* pod target */, 63 };
    setup();
    for (uint32_t i = 0; i < ARRAY_SIZE(ops); i++) {
        CHECK_EQ(memop(d1, ops[i], 0, NULL), -ENOSYS);
        CHECK_EQ(memop(d1, ops[i], 3, NULL), -EINVAL);
    }
    teardown();
}

/* ---- decrease_reservation and populate_physmap --------------------------- */

TEST(decrease_and_populate_a_4k_chunk)
{
    pfn_t before;
    uint8_t *p;

    setup();
    p = page_of(d1, GFN_4K + 3);
    memset(p, 0x5a, PAGE_SIZE);
    before = free_frames();
    CHECK_EQ(decrease(GFN_4K + 3, 0), 1);
    CHECK(!mapped(d1, GFN_4K + 3, NULL));
    CHECK_EQ(d1->tot_pages, RAM - 1);
    CHECK_EQ(free_frames(), before + 1);      /* a 4 KiB chunk is freed at once */
    CHECK_EQ(populate(GFN_4K + 3, 0), 1);
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK(zero(page_of(d1, GFN_4K + 3)));          /* scrubbed */
    CHECK_EQ(free_frames(), before);
    CHECK_EQ(pfn_to_page(virt_to_pfn(page_of(d1, GFN_4K + 3)))->owner, 1);
    teardown();
}

TEST(frames_of_a_2m_chunk_are_held_and_reused)
{
    pfn_t before;
    mfn_t mfn, again;

    setup();
    CHECK(mapped(d1, 5, &mfn));
    memset(pfn_to_virt(mfn), 0x77, PAGE_SIZE);
    before = free_frames();
    CHECK_EQ(decrease(5, 0), 1);
    CHECK_EQ(d1->tot_pages, RAM - 1);
    CHECK_EQ(d1->nr_held, 1);
    CHECK_EQ(free_frames(), before);          /* held, not freed */
    CHECK_EQ(pfn_to_page(mfn)->owner, DOMID_KEEL);
    /* At the maximum with a held frame: populate takes the held frame
     * (zeroed) wherever the guest asks, and nothing new. */
    CHECK_EQ(populate(HOLE, 0), 1);
    CHECK(mapped(d1, HOLE, &again));
    CHECK_EQ(again, mfn);
    CHECK(zero(pfn_to_virt(mfn)));
    CHECK_EQ(d1->nr_held, 0);
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK_EQ(free_frames(), before);
    /* Nothing held, at the maximum: nothing more. */
    CHECK_EQ(populate(5, 0), 0);
    CHECK(!mapped(d1, 5, NULL));
    teardown();
}

TEST(whole_2m_chunk_back_is_freed)
{
    xen_pfn_t list[512];
    pfn_t before;

    setup();
    before = free_frames();
    CHECK_EQ(decrease(512, 9), 1);                  /* one 2 MiB extent */
    CHECK_EQ(d1->tot_pages, RAM - 512);
    CHECK_EQ(d1->nr_held, 0);
    CHECK_EQ(free_frames(), before + 512);
    for (uint32_t i = 0; i < 512; i++)
        CHECK(!mapped(d1, 512 + i, NULL));
    CHECK_EQ(populate(512, 9), 1);
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK(zero(page_of(d1, 1000)));
    /* The same chunk page by page: held until the last comes back. */
    for (uint32_t i = 0; i < 512; i++)
        list[i] = i;
    before = free_frames();
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, list, 511, 0, DOMID_SELF, 0), 511);
    CHECK_EQ(d1->nr_held, 511);
    CHECK_EQ(free_frames(), before);
    CHECK_EQ(decrease(511, 0), 1);
    CHECK_EQ(d1->nr_held, 0);
    CHECK_EQ(free_frames(), before + 512);
    CHECK_EQ(d1->tot_pages, RAM - 512);
    teardown();
}

TEST(many_chunks_freed_in_batches)
{
    xen_pfn_t list[RAM_4K];
    pfn_t before;

    setup();
    for (uint32_t i = 0; i < RAM_4K; i++)
        list[i] = GFN_4K + i;
    before = free_frames();
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, list, RAM_4K, 0, DOMID_SELF, 0), RAM_4K);
    CHECK_EQ(free_frames(), before + RAM_4K);
    CHECK_EQ(d1->tot_pages, RAM_2M);
    CHECK_EQ(resv(d1, XENMEM_populate_physmap, list, RAM_4K, 0, DOMID_SELF, 0), RAM_4K);
    CHECK_EQ(d1->tot_pages, RAM);
    teardown();
}

TEST(stops_at_the_first_failing_extent)
{
    xen_pfn_t list[4] = { GFN_4K, GFN_4K + 1, HOLE, GFN_4K + 2 };

    setup();
    /* Decrease: a hole ends it; the extents before it are done. */
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, list, 4, 0, DOMID_SELF, 0), 2);
    CHECK(mapped(d1, GFN_4K + 2, NULL));
    CHECK_EQ(d1->tot_pages, RAM - 2);
    /* Populate beyond the maximum: the third extent has no room. */
    list[2] = HOLE;
    list[3] = HOLE + 1;
    list[0] = GFN_4K;
    list[1] = GFN_4K + 1;
    CHECK_EQ(resv(d1, XENMEM_populate_physmap, list, 4, 0, DOMID_SELF, 0), 2);
    CHECK(!mapped(d1, HOLE, NULL));
    CHECK_EQ(d1->tot_pages, RAM);
    /* A 2 MiB extent with a page missing: the pages before it are gone, the
     * extent does not count. */
    CHECK_EQ(decrease(700, 0), 1);
    CHECK_EQ(decrease(512, 9), 0);
    CHECK_EQ(d1->tot_pages, RAM - 1 - (700 - 512));
    CHECK(!mapped(d1, 699, NULL));
    CHECK(mapped(d1, 701, NULL));
    /* Keel never replaces a mapping (docs/abi-coverage.md). */
    list[0] = 0;
    CHECK_EQ(resv(d1, XENMEM_populate_physmap, list, 1, 0, DOMID_SELF, 0), 0);
    teardown();
}

TEST(list_unreadable_part_way)
{
    xen_pfn_t list[4] = { GFN_4K, GFN_4K + 1, GFN_4K + 2, GFN_4K + 3 };

    setup();
    mm_fix_unreadable(&list[2], sizeof(list[2]));
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, list, 4, 0, DOMID_SELF, 0), 2);
    CHECK(mapped(d1, GFN_4K + 2, NULL));
    CHECK_EQ(resv(d1, XENMEM_populate_physmap, list, 4, 0, DOMID_SELF, 0), 2);
    mm_fix_unreadable(NULL, 0);
    CHECK_EQ(d1->tot_pages, RAM);
    teardown();
}

TEST(continuation_start_extent)
{
    xen_pfn_t list[3] = { GFN_4K, GFN_4K + 1, GFN_4K + 2 };

    setup();
    /* cmd bits 6 and up: the extent to start at; the return counts from 0. */
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, list, 3, 0, DOMID_SELF, 1), 3);
    CHECK(mapped(d1, GFN_4K, NULL));
    CHECK(!mapped(d1, GFN_4K + 1, NULL) && !mapped(d1, GFN_4K + 2, NULL));
    /* A start at or past the end: nothing, the start comes back. */
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, list, 3, 0, DOMID_SELF, 3), 3);
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, list, 3, 0, DOMID_SELF, 7), 7);
    CHECK(mapped(d1, GFN_4K, NULL));
    CHECK_EQ(resv(d1, XENMEM_populate_physmap, list, 3, 0, DOMID_SELF, 1), 3);
    CHECK_EQ(d1->tot_pages, RAM);
    teardown();
}

/* A bad request is refused whole: the start extent comes back. */
TEST(bad_requests_return_the_start_extent)
{
    static const uint32_t ops[] = { XENMEM_increase_reservation, XENMEM_decrease_reservation,
                                    XENMEM_populate_physmap };
    xen_pfn_t list[2] = { GFN_4K, GFN_4K + 1 };
    struct domain *d2;

    setup_max(1, RAM + 1024);
    d2 = domain_create(2, "d2", 1, 100, false);
    for (uint32_t i = 0; i < ARRAY_SIZE(ops); i++) {
        uint32_t op = ops[i];
        struct xen_memory_reservation r = { .nr_extents = 2, .domid = DOMID_SELF };
        CHECK_EQ(memop(d1, op, 0, NULL), 0);
        CHECK_EQ(memop(d1, op, 1, NULL), 1);
        CHECK_EQ(resv(d1, op, list, (UINT32_MAX >> 6) + 1, 0, DOMID_SELF, 0), 0);
        CHECK_EQ(resv(d1, op, list, 2, 10, DOMID_SELF, 0), 0);     /* order > 9 (domU) */
        CHECK_EQ(resv(d1, op, list, 2, 30, DOMID_SELF, 1), 1);
        CHECK_EQ(resv(d1, op, list, 2, 0, 9, 0), 0);               /* no such domain */
        CHECK_EQ(resv(d1, op, list, 2, 0, DOMID_INVALID, 0), 0);
        CHECK_EQ(resv(d1, op, list, 2, 0, 2, 0), 0);               /* not its own */
        CHECK_EQ(resv(d1, op, list, 0, 0, DOMID_SELF, 0), 0);
        set_xen_guest_handle(r.extent_start, list);
        mm_fix_readonly(&r, sizeof(r));         /* read-only is fine: only read */
        mm_fix_unreadable(&r.domid, sizeof(r.domid));
        CHECK_EQ(memop(d1, op, 0, &r), 0);
        mm_fix_unreadable(NULL, 0);
        mm_fix_readonly(NULL, 0);
    }
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK_EQ(d2->tot_pages, 0);
    CHECK(mapped(d1, GFN_4K, NULL) && mapped(d1, GFN_4K + 1, NULL));
    domain_destroy(d2);
    teardown();
}

TEST(extent_orders)
{
    xen_pfn_t gfn;

    setup_max(1, RAM + 520);
    /* Orders 1..9 are fine if the gfn is aligned to them. */
    CHECK_EQ(populate(4096, 3), 1);
    CHECK_EQ(d1->tot_pages, RAM + 8);
    for (uint32_t i = 0; i < 8; i++)
        CHECK(mapped(d1, 4096 + i, NULL));
    CHECK_EQ(decrease(4096, 3), 1);
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK_EQ(populate(4608, 9), 1);
    CHECK_EQ(d1->tot_pages, RAM + 512);
    /* Past the guest-physical space (48 bits). */
    gfn = 1ULL << 36;
    CHECK_EQ(resv(d1, XENMEM_populate_physmap, &gfn, 1, 0, DOMID_SELF, 0), 0);
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, &gfn, 1, 0, DOMID_SELF, 0), 0);
    gfn = (1ULL << 36) - 1;
    CHECK_EQ(resv(d1, XENMEM_populate_physmap, &gfn, 1, 0, DOMID_SELF, 0), 1);
    CHECK_EQ(decrease(gfn, 0), 1);
    teardown();
}

/* Held frames are Keel's cost of the guest's memory: they count against
 * the maximum for anything but a 4 KiB extent (which takes one). */
TEST(held_frames_count_against_the_maximum)
{
    setup_max(1, RAM + 7);
    CHECK_EQ(decrease(9, 0), 1);
    CHECK_EQ(d1->tot_pages, RAM - 1);
    CHECK_EQ(d1->nr_held, 1);
    CHECK_EQ(populate(4096, 3), 0);                 /* 8 more would cost RAM + 8 */
    CHECK_EQ(resv(d1, XENMEM_increase_reservation, NULL, 1, 3, DOMID_SELF, 0), 0);
    CHECK_EQ(populate(4096, 2), 1);                 /* 4 more: RAM + 4 */
    CHECK_EQ(d1->tot_pages, RAM + 3);
    CHECK_EQ(d1->nr_held, 1);
    teardown();
}

/* Xen: populate-on-demand concerns populate_physmap (refused for oneself);
 * decrease and increase ignore the flag. */
TEST(populate_on_demand_flag)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF,
                                        .mem_flags = XENMEMF_populate_on_demand };
    xen_pfn_t gfn = GFN_4K;

    setup();
    set_xen_guest_handle(r.extent_start, &gfn);
    CHECK_EQ(memop(d1, XENMEM_decrease_reservation, 0, &r), 1);
    CHECK(!mapped(d1, GFN_4K, NULL));
    CHECK_EQ(memop(d1, XENMEM_populate_physmap, 0, &r), 0);
    CHECK(!mapped(d1, GFN_4K, NULL));
    CHECK_EQ(memop(d1, XENMEM_increase_reservation, 0, &r), 1);
    CHECK_EQ(d1->tot_pages, RAM);
    teardown();
}

/* ---- increase_reservation ---------------------------------------------------- */

TEST(increase_reservation_up_to_the_maximum)
{
    xen_pfn_t list[5] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL, SENTINEL };
    xen_pfn_t gfns[3] = { GFN_4K, GFN_4K + 1, GFN_4K + 2 };
    pfn_t before;

    setup();
    CHECK_EQ(resv(d1, XENMEM_increase_reservation, list, 5, 0, DOMID_SELF, 0), 0);  /* at max */
    CHECK_EQ(resv(d1, XENMEM_decrease_reservation, gfns, 3, 0, DOMID_SELF, 0), 3);
    before = free_frames();
    /* Room for three: three extents done, the rest not. */
    CHECK_EQ(resv(d1, XENMEM_increase_reservation, list, 5, 0, DOMID_SELF, 0), 3);
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK_EQ(free_frames(), before - 3);
    /* A translated guest is told no frame numbers, and nothing is mapped. */
    for (uint32_t i = 0; i < 5; i++)
        CHECK_EQ(list[i], SENTINEL);
    for (uint32_t i = 0; i < 3; i++)
        CHECK(!mapped(d1, GFN_4K + i, NULL));
    CHECK_EQ(populate(GFN_4K, 0), 0);               /* the reservation is used up */
    /* No list at all is fine: Xen reads none. */
    CHECK_EQ(decrease(GFN_4K + 5, 0), 1);
    CHECK_EQ(resv(d1, XENMEM_increase_reservation, NULL, 1, 0, DOMID_SELF, 0), 1);
    CHECK_EQ(d1->tot_pages, RAM);
    teardown();                                     /* ... and all comes back */
}

TEST(increase_reservation_orders_and_held_frames)
{
    xen_pfn_t list[2] = { SENTINEL, SENTINEL };
    pfn_t before;

    setup_max(1, RAM + 520);
    before = free_frames();
    CHECK_EQ(resv(d1, XENMEM_increase_reservation, list, 2, 9, DOMID_SELF, 0), 1);
    CHECK_EQ(d1->tot_pages, RAM + 512);
    CHECK_EQ(free_frames(), before - 512);
    CHECK_EQ(resv(d1, XENMEM_increase_reservation, list, 2, 3, DOMID_SELF, 0), 1);
    CHECK_EQ(d1->tot_pages, RAM + 520);
    CHECK_EQ(list[0], SENTINEL);
    /* A frame given back from a 2 MiB chunk is held; a 4 KiB increase
     * takes it instead of new memory. */
    CHECK_EQ(decrease(7, 0), 1);
    before = free_frames();
    CHECK_EQ(resv(d1, XENMEM_increase_reservation, list, 2, 0, DOMID_SELF, 0), 1);
    CHECK_EQ(d1->nr_held, 0);
    CHECK_EQ(d1->tot_pages, RAM + 520);
    CHECK_EQ(free_frames(), before);
    CHECK(!mapped(d1, 7, NULL));
    /* That chunk's other frames still go back and are held. */
    CHECK_EQ(decrease(8, 0), 1);
    CHECK_EQ(d1->nr_held, 1);
    teardown();
}

/* ---- memory_map --------------------------------------------------------------- */

struct e820 {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

TEST(memory_map)
{
    struct xen_memory_map map = { .nr_entries = 8 };
    struct e820 e[8];

    setup();
    memset(e, 0xa5, sizeof(e));
    set_xen_guest_handle(map.buffer, e);
    CHECK_EQ(memop(d1, XENMEM_memory_map, 0, &map), -ENOSYS);     /* no map given */
    d1->memmap[0] = (struct hvm_memmap_table_entry){ 0, 0x400000, 1, 0 };
    d1->memmap[1] = (struct hvm_memmap_table_entry){ 0xfc000000, 0x1000, 2, 0 };
    d1->nr_memmap = 2;
    CHECK_EQ(memop(d1, XENMEM_memory_map, 0, &map), 0);
    CHECK_EQ(map.nr_entries, 2);
    CHECK_EQ(e[0].addr, 0);
    CHECK_EQ(e[0].size, 0x400000);
    CHECK_EQ(e[0].type, 1);
    CHECK_EQ(e[1].addr, 0xfc000000);
    CHECK_EQ(e[1].type, 2);
    CHECK_EQ(e[2].addr, SENTINEL);
    /* Bounded by the buffer the guest gives. */
    memset(e, 0xa5, sizeof(e));
    map.nr_entries = 1;
    CHECK_EQ(memop(d1, XENMEM_memory_map, 0, &map), 0);
    CHECK_EQ(map.nr_entries, 1);
    CHECK_EQ(e[0].size, 0x400000);
    CHECK_EQ(e[1].addr, SENTINEL);
    map.nr_entries = 0;
    CHECK_EQ(memop(d1, XENMEM_memory_map, 0, &map), 0);
    CHECK_EQ(map.nr_entries, 0);
    map.nr_entries = 8;
    set_xen_guest_handle(map.buffer, NULL);
    CHECK_EQ(memop(d1, XENMEM_memory_map, 0, &map), -EFAULT);
    CHECK_EQ(memop(d1, XENMEM_memory_map, 0, NULL), -EFAULT);
    set_xen_guest_handle(map.buffer, e);
    mm_fix_readonly(&map, sizeof(map));
    CHECK_EQ(memop(d1, XENMEM_memory_map, 0, &map), -EFAULT);
    mm_fix_readonly(NULL, 0);
    teardown();
}

/* ---- add_to_physmap ----------------------------------------------------------- */

static long add_to_physmap(struct domain *d, domid_t domid, uint32_t space, uint64_t idx,
                           uint64_t gfn, uint64_t start)
{
    struct xen_add_to_physmap x = { .domid = domid, .space = space, .idx = idx, .gpfn = gfn };

    return memop(d, XENMEM_add_to_physmap, start, &x);
}

TEST(add_to_physmap_shared_info)
{
    pfn_t before;
    mfn_t mfn;

    setup();
    before = free_frames();
    /* Over its own RAM: that frame is given back. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, GFN_4K, 0), 0);
    CHECK(mapped(d1, GFN_4K, &mfn));
    CHECK_EQ(mfn, d1->shared_info_mfn);
    CHECK_EQ(d1->shared_info_gfn, GFN_4K);
    CHECK_EQ(d1->tot_pages, RAM - 1);
    CHECK_EQ(free_frames(), before + 1);
    CHECK_EQ(denv.update_vcpu_time, 1);             /* the pvclock is written there */
    /* Again at the same gfn: nothing changes. */
    CHECK_EQ(add_to_physmap(d1, 1, XENMAPSPACE_shared_info, 0, GFN_4K, 0), 0);
    CHECK_EQ(d1->tot_pages, RAM - 1);
    /* Moved: the old gfn is a hole. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, HOLE, 0), 0);
    CHECK(!mapped(d1, GFN_4K, NULL));
    CHECK(mapped(d1, HOLE, &mfn));
    CHECK_EQ(mfn, d1->shared_info_mfn);
    CHECK_EQ(d1->tot_pages, RAM - 1);
    /* The shared_info frame is not RAM the guest can give back. */
    CHECK_EQ(decrease(HOLE, 0), 0);
    CHECK_EQ(populate(GFN_4K, 0), 1);
    teardown();
}

TEST(add_to_physmap_grant_frames)
{
    mfn_t mfn, first;

    setup();
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_grant_table, 0, GFN_4K, 0), 0);
    CHECK(mapped(d1, GFN_4K, &first));
    CHECK_EQ(pfn_to_page(first)->owner, DOMID_KEEL);
    CHECK_EQ(d1->tot_pages, RAM - 1);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_grant_table, 3, HOLE, 0), 0);
    CHECK(mapped(d1, HOLE, &mfn));
    CHECK(mfn != first);
    /* Frame 0 moves; its old gfn is a hole. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_grant_table, 0, HOLE + 1, 0), 0);
    CHECK(!mapped(d1, GFN_4K, NULL));
    CHECK(mapped(d1, HOLE + 1, &mfn));
    CHECK_EQ(mfn, first);
    /* v1 has no status frames: an index past the table's limit is -EINVAL. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_grant_table, 32, HOLE + 2, 0), -EINVAL);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_grant_table,
                            XENMAPIDX_grant_table_status, HOLE + 2, 0), -EINVAL);
    CHECK(!mapped(d1, HOLE + 2, NULL));
    teardown();
}

TEST(add_to_physmap_errors)
{
    struct domain *d0, *d2;
    mfn_t mfn;

    setup();
    d2 = domain_create(2, "d2", 1, 10, false);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 1, HOLE, 0), -EINVAL);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, 99, 0, HOLE, 0), -EINVAL);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_gmfn, 0, HOLE, 0), -ENOSYS);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_gmfn_range, 0, HOLE, 0), -ENOSYS);
    /* As Xen: foreign frames only through add_to_physmap_batch. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, HOLE, 0), -ENOSYS);
    CHECK_EQ(add_to_physmap(d1, 9, XENMAPSPACE_shared_info, 0, HOLE, 0), -ESRCH);
    CHECK_EQ(add_to_physmap(d1, 2, XENMAPSPACE_shared_info, 0, HOLE, 0), -EPERM);
    d0 = domain_create(0, "d0", 1, 10, true);
    /* Keel: into the caller's own p2m only, even for dom0. */
    CHECK_EQ(add_to_physmap(d0, 2, XENMAPSPACE_shared_info, 0, HOLE, 0), -EPERM);
    domain_destroy(d0);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, 1ULL << 36, 0), -EINVAL);
    /* The start extent must fit xatp.size (16 bits): -EDOM beyond. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, HOLE, 0x10000), -EDOM);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, HOLE, 0xffff), 0);
    CHECK_EQ(memop(d1, XENMEM_add_to_physmap, 0, NULL), -EFAULT);
    /* Keel keeps a frame it holds a reference to (a registered vcpu_info):
     * -EBUSY, where Xen would take it (docs/abi-coverage.md). */
    CHECK(mapped(d1, GFN_4K, &mfn));
    pfn_to_page(mfn)->count = 1;
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, GFN_4K, 0), -EBUSY);
    CHECK_EQ(decrease(GFN_4K, 0), 0);
    CHECK(mapped(d1, GFN_4K, NULL));
    pfn_to_page(mfn)->count = 0;
    CHECK_EQ(d1->tot_pages, RAM);
    domain_destroy(d2);
    teardown();
}

/* ---- Other vCPUs of the domain ---------------------------------------------- */

TEST(running_vcpus_on_other_cpus_are_made_to_exit)
{
    struct vcpu *v1;

    setup_max(2, RAM);
    v1 = d1->vcpus[1];
    /* Offline: nothing to wait for. */
    CHECK_EQ(decrease(GFN_4K, 0), 1);
    CHECK_EQ(denv.event_checks, 0);
    /* Running in the guest on CPU 1: an event check makes it exit (it is
     * past the change once it is in the guest). */
    v1->state = VCPU_RUNNING;
    v1->processor = 1;
    v1->hvm.in_guest = true;
    CHECK_EQ(decrease(GFN_4K + 1, 0), 1);
    CHECK_EQ(denv.event_checks, 1);
    CHECK_EQ(denv.event_check_cpu, 1);
    /* On this CPU (it cannot be running now): no IPI. */
    v1->processor = 0;
    CHECK_EQ(decrease(GFN_4K + 2, 0), 1);
    CHECK_EQ(denv.event_checks, 1);
    v1->state = VCPU_OFFLINE;
    v1->hvm.in_guest = false;
    teardown();
}

/* ---- On behalf of another domain (dom0) ------------------------------------- */

#define D0_RAM      16          /* dom0's own RAM: gfns 0..15, 4 KiB chunks */
#define SCRATCH     6000        /* dom0's gfns for foreign mappings (holes) */

static struct domain *d0;

static void setup_dom0(void)
{
    d0 = domain_create(0, "d0", 1, 64, true);
    CHECK(d0 != NULL);
    CHECK_EQ(domain_populate_ram(d0, 0, D0_RAM, 0), 0);
}

static long resv_on(struct domain *caller, uint32_t op, xen_pfn_t gfn, uint64_t n,
                    uint32_t order, domid_t domid)
{
    xen_pfn_t list[4] = { gfn, gfn + 1, gfn + 2, gfn + 3 };

    return resv(caller, op, list, n, order, domid, 0);
}

static long query(struct domain *caller, uint32_t op, domid_t id)
{
    return memop(caller, op, 0, &id);
}

static enum p2m_type type_at(struct domain *d, gfn_t gfn, mfn_t *mfn)
{
    enum p2m_type t;

    p2m_get_entry(&d->p2m, gfn, mfn, &t, NULL);
    return t;
}

TEST(reservation_ops_for_another_domain)
{
    struct domain *d2;

    setup_max(1, RAM + 100);
    setup_dom0();
    d2 = domain_create(2, "d2", 1, 2048, false);
    /* dom0 gives d1 a page, takes it back, gives it one unmapped. */
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, HOLE, 1, 0, 1), 1);
    CHECK(mapped(d1, HOLE, NULL));
    CHECK(!mapped(d0, HOLE, NULL));
    CHECK_EQ(d1->tot_pages, RAM + 1);
    CHECK_EQ(resv_on(d0, XENMEM_decrease_reservation, HOLE, 1, 0, 1), 1);
    CHECK(!mapped(d1, HOLE, NULL));
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK_EQ(resv_on(d0, XENMEM_increase_reservation, 0, 2, 0, 1), 2);
    CHECK_EQ(d1->tot_pages, RAM + 2);
    CHECK_EQ(d0->tot_pages, D0_RAM);
    /* Within the target's max_pages. */
    CHECK_EQ(resv_on(d0, XENMEM_increase_reservation, 0, 1, 7, 1), 0);
    /* The control domain's extents go up to order 18 (as Xen); 10 here. */
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, 0, 1, 10, 2), 1);
    CHECK_EQ(d2->tot_pages, 1024);
    CHECK(mapped(d2, 1023, NULL));
    CHECK_EQ(resv_on(d0, XENMEM_decrease_reservation, 1024, 1, 19, 2), 0);
    CHECK_EQ(resv_on(d1, XENMEM_increase_reservation, 0, 1, 10, DOMID_SELF), 0);
    /* Bad domids: the start extent, nothing done. */
    CHECK_EQ(resv_on(d1, XENMEM_populate_physmap, HOLE, 1, 0, 2), 0);    /* not dom0 */
    CHECK_EQ(resv_on(d1, XENMEM_increase_reservation, 0, 1, 0, 0), 0);
    CHECK_EQ(d0->tot_pages, D0_RAM);
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, HOLE, 1, 0, 9), 0);    /* unused */
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, HOLE, 1, 0, DOMID_IO), 0);
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, HOLE, 1, 0, DOMID_XEN), 0);
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, HOLE, 1, 0, DOMID_INVALID), 0);
    d2->is_dying = true;                                                  /* dying */
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, 1024, 1, 0, 2), 0);
    CHECK_EQ(query(d0, XENMEM_current_reservation, 2), -ESRCH);
    d2->is_dying = false;
    CHECK_EQ(d2->tot_pages, 1024);
    /* dom0 on itself by its id. */
    CHECK_EQ(resv_on(d0, XENMEM_populate_physmap, 100, 1, 0, 0), 1);
    CHECK_EQ(d0->tot_pages, D0_RAM + 1);
    /* Every op let go of its targets (domain_destroy waits for them). */
    CHECK_EQ(d1->memop_users, 0);
    CHECK_EQ(d2->memop_users, 0);
    CHECK_EQ(d2->refcnt, 1);
    domain_destroy(d2);
    domain_destroy(d0);
    teardown();
}

TEST(maximum_gpfn)
{
    struct domain *d2;

    setup();
    setup_dom0();
    d2 = domain_create(2, "d2", 1, 10, false);
    CHECK_EQ(query(d1, XENMEM_maximum_gpfn, DOMID_SELF), RAM - 1);
    CHECK_EQ(query(d0, XENMEM_maximum_gpfn, 1), RAM - 1);
    CHECK_EQ(query(d0, XENMEM_maximum_gpfn, 2), 0);          /* nothing mapped */
    CHECK_EQ(query(d0, XENMEM_maximum_gpfn, DOMID_SELF), D0_RAM - 1);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, HOLE, 0), 0);
    CHECK_EQ(query(d1, XENMEM_maximum_gpfn, 1), HOLE);
    CHECK_EQ(query(d1, XENMEM_maximum_gpfn, 2), -EPERM);
    CHECK_EQ(query(d0, XENMEM_maximum_gpfn, 9), -ESRCH);
    CHECK_EQ(query(d0, XENMEM_maximum_gpfn, DOMID_XEN), -ESRCH);
    CHECK_EQ(memop(d0, XENMEM_maximum_gpfn, 0, NULL), -EFAULT);
    CHECK_EQ(memop(d0, XENMEM_maximum_gpfn, 1, &(domid_t){ 1 }), -EINVAL);
    domain_destroy(d2);
    domain_destroy(d0);
    teardown();
}

static long claim(struct domain *caller, domid_t domid, uint64_t pages)
{
    struct xen_memory_reservation r = { .nr_extents = pages, .domid = domid };

    return memop(caller, XENMEM_claim_pages, 0, &r);
}

TEST(claim_pages)
{
    struct domain *d2;
    struct xen_memory_reservation r = { .nr_extents = 10, .domid = 2 };
    pfn_t free;

    setup_max(1, RAM + 100);
    setup_dom0();
    d2 = domain_create(2, "d2", 1, 4096, false);
    /* Xen's argument checks. */
    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)&r);
    CHECK_EQ(memop(d0, XENMEM_claim_pages, 0, &r), -EINVAL);
    set_xen_guest_handle(r.extent_start, NULL);
    r.extent_order = 1;
    CHECK_EQ(memop(d0, XENMEM_claim_pages, 0, &r), -EINVAL);
    r.extent_order = 0;
    r.mem_flags = 1;
    CHECK_EQ(memop(d0, XENMEM_claim_pages, 0, &r), -EINVAL);
    CHECK_EQ(memop(d0, XENMEM_claim_pages, 0, NULL), -EFAULT);
    CHECK_EQ(memop(d0, XENMEM_claim_pages, 1, &r), -EINVAL);
    CHECK_EQ(claim(d0, DOMID_SELF, 10), -EINVAL);            /* by id only */
    CHECK_EQ(claim(d0, 9, 10), -EINVAL);
    CHECK_EQ(claim(d1, 2, 10), -EPERM);
    CHECK_EQ(claim(d1, 1, RAM + 10), -EPERM);                /* itself too */
    CHECK_EQ(claim(d0, 1, RAM), -EINVAL);                    /* not above tot_pages */
    CHECK_EQ(claim(d0, 1, RAM + 101), -EINVAL);              /* above max_pages */
    CHECK_EQ(claim(d0, 2, 4096), -ENOMEM);                   /* more than is free */
    CHECK_EQ(claim_outstanding(), 0);
    /* Claim all but 8 free pages for d2: d1 may take only those 8. */
    free = mm_fix_free_pages();
    CHECK_EQ(claim(d0, 2, free - 8), 0);
    CHECK_EQ(claim_outstanding(), free - 8);
    CHECK_EQ(claim(d0, 2, 20), -EINVAL);                     /* one at a time */
    CHECK_EQ(claim(d0, 1, RAM + 50), -ENOMEM);
    CHECK_EQ(resv_on(d1, XENMEM_increase_reservation, 0, 1, 3, DOMID_SELF), 1);
    CHECK_EQ(resv_on(d1, XENMEM_increase_reservation, 0, 1, 0, DOMID_SELF), 0);
    CHECK_EQ(d1->tot_pages, RAM + 8);
    /* d2's own allocations use its claim up. */
    CHECK_EQ(resv_on(d0, XENMEM_increase_reservation, 0, 1, 4, 2), 1);
    CHECK_EQ(d2->claimed_pages, free - 8 - 16);
    CHECK_EQ(claim_outstanding(), free - 8 - 16);
    /* 0 cancels; then d1 may allocate again. */
    CHECK_EQ(claim(d0, 2, 0), 0);
    CHECK_EQ(claim_outstanding(), 0);
    CHECK_EQ(resv_on(d1, XENMEM_increase_reservation, 0, 1, 0, DOMID_SELF), 1);
    /* A claim goes with its domain. */
    CHECK_EQ(claim(d0, 2, 100), 0);
    domain_destroy(d2);
    CHECK_EQ(claim_outstanding(), 0);
    domain_destroy(d0);
    teardown();
}

static long set_map(struct domain *caller, domid_t domid, uint32_t n, void *buf)
{
    struct xen_foreign_memory_map f = { .domid = domid, .map = { .nr_entries = n } };

    set_xen_guest_handle(f.map.buffer, buf);
    return memop(caller, XENMEM_set_memory_map, 0, &f);
}

TEST(set_memory_map)
{
    struct domain *d2;
    uint8_t in[20 * 17], out[20 * 4];
    struct xen_memory_map m = { .nr_entries = 4 };

    setup();
    setup_dom0();
    d2 = domain_create(2, "d2", 1, 10, false);
    for (uint32_t i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 7 + 1);
    set_xen_guest_handle(m.buffer, out);
    CHECK_EQ(memop(d2, XENMEM_memory_map, 0, &m), -ENOSYS);    /* none yet */
    CHECK_EQ(set_map(d0, 2, 3, in), 0);
    CHECK_EQ(memop(d2, XENMEM_memory_map, 0, &m), 0);
    CHECK_EQ(m.nr_entries, 3);
    CHECK(memcmp(in, out, 60) == 0);
    /* Bounded; bad buffer; not dom0's to set; no such domain. */
    CHECK_EQ(set_map(d0, 2, DOMAIN_MEMMAP_MAX + 1, in), -EINVAL);
    CHECK_EQ(set_map(d0, 2, 2, (void *)0x100), -EFAULT);
    CHECK_EQ(memop(d0, XENMEM_set_memory_map, 0, NULL), -EFAULT);
    CHECK_EQ(set_map(d1, 2, 1, in), -EPERM);
    CHECK_EQ(set_map(d0, 9, 1, in), -ESRCH);
    CHECK_EQ(set_map(d0, DOMID_IO, 1, in), -ESRCH);
    m.nr_entries = 4;
    CHECK_EQ(memop(d2, XENMEM_memory_map, 0, &m), 0);
    CHECK_EQ(m.nr_entries, 3);                                /* unchanged */
    /* As Xen, a domain may set its own; all 16 entries. */
    CHECK_EQ(set_map(d2, DOMID_SELF, DOMAIN_MEMMAP_MAX, in + 20), 0);
    m.nr_entries = 4;
    CHECK_EQ(memop(d2, XENMEM_memory_map, 0, &m), 0);
    CHECK_EQ(m.nr_entries, 4);
    CHECK(memcmp(in + 20, out, 80) == 0);
    CHECK_EQ(d2->nr_memmap, DOMAIN_MEMMAP_MAX);
    domain_destroy(d2);
    domain_destroy(d0);
    teardown();
}

/* ---- Foreign mappings ------------------------------------------------------- */

static long batch(struct domain *caller, domid_t domid, uint16_t space, domid_t fdom,
                  uint16_t size, xen_ulong_t *idxs, xen_pfn_t *gpfns, int *errs, uint64_t start)
{
    struct xen_add_to_physmap_batch x = { .domid = domid, .space = space, .size = size };

    x.u.foreign_domid = fdom;
    set_xen_guest_handle(x.idxs, idxs);
    set_xen_guest_handle(x.gpfns, gpfns);
    set_xen_guest_handle(x.errs, errs);
    return memop(caller, XENMEM_add_to_physmap_batch, start, &x);
}

static long map1(struct domain *caller, domid_t fdom, xen_ulong_t fgfn, xen_pfn_t gfn)
{
    int err = 12345;
    long rc = batch(caller, DOMID_SELF, XENMAPSPACE_gmfn_foreign, fdom, 1, &fgfn, &gfn, &err, 0);

    return rc ? rc : err;
}

static long unmap1(struct domain *caller, domid_t domid, xen_pfn_t gfn)
{
    struct xen_remove_from_physmap x = { .domid = domid, .gpfn = gfn };

    return memop(caller, XENMEM_remove_from_physmap, 0, &x);
}

TEST(foreign_batch_maps_and_references)
{
    xen_ulong_t idxs[6] = { GFN_4K, 5, HOLE, GFN_4K + 1, 1ULL << 36, GFN_4K + 2 };
    xen_pfn_t gpfns[6] = { SCRATCH, SCRATCH + 1, SCRATCH + 2, SCRATCH + 3, SCRATCH + 4,
                           1ULL << 36 };
    int errs[6];
    mfn_t m1, m2, m;
    pfn_t free;

    setup();
    setup_dom0();
    CHECK(mapped(d1, GFN_4K, &m1));
    CHECK(mapped(d1, 5, &m2));
    free = mm_fix_free_pages();
    memset(errs, 0x55, sizeof(errs));
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, 6, idxs, gpfns, errs, 0), 0);
    CHECK_EQ(errs[0], 0);
    CHECK_EQ(errs[1], 0);
    CHECK_EQ(errs[2], -EINVAL);                 /* not RAM of d1 */
    CHECK_EQ(errs[3], 0);
    CHECK_EQ(errs[4], -EINVAL);                 /* foreign gfn out of range */
    CHECK_EQ(errs[5], -EINVAL);                 /* own gfn out of range */
    CHECK_EQ(type_at(d0, SCRATCH, &m), p2m_foreign);
    CHECK_EQ(m, m1);
    CHECK_EQ(type_at(d0, SCRATCH + 1, &m), p2m_foreign);
    CHECK_EQ(m, m2);
    CHECK_EQ(type_at(d0, SCRATCH + 2, NULL), p2m_invalid);
    CHECK_EQ(pfn_to_page(m1)->count, 1);
    CHECK_EQ(pfn_to_page(m2)->count, 1);
    CHECK_EQ(d0->tot_pages, D0_RAM);            /* not dom0's memory */
    CHECK_EQ(d0->p2m.nr_entries[p2m_foreign], 3);
    /* The same frame twice: two references. */
    CHECK_EQ(map1(d0, 1, GFN_4K, SCRATCH + 10), 0);
    CHECK_EQ(pfn_to_page(m1)->count, 2);
    /* The owner cannot give back a frame someone maps (Keel's rule). */
    CHECK_EQ(resv_on(d1, XENMEM_decrease_reservation, GFN_4K, 1, 0, DOMID_SELF), 0);
    CHECK(mapped(d1, GFN_4K, NULL));
    /* Unmap: the reference goes; twice is -ENOENT. */
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH + 10), 0);
    CHECK_EQ(pfn_to_page(m1)->count, 1);
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH + 10), -ENOENT);
    CHECK_EQ(pfn_to_page(m1)->count, 1);
    /* Mapping over a foreign entry replaces it (old reference dropped). */
    CHECK_EQ(map1(d0, 1, 5, SCRATCH), 0);
    CHECK_EQ(pfn_to_page(m1)->count, 0);
    CHECK_EQ(pfn_to_page(m2)->count, 2);
    /* Mapping over dom0's own RAM gives that RAM back (freed). */
    CHECK_EQ(map1(d0, 1, GFN_4K, 3), 0);
    CHECK_EQ(d0->tot_pages, D0_RAM - 1);
    CHECK_EQ(type_at(d0, 3, &m), p2m_foreign);
    CHECK_EQ(m, m1);
    /* ... but not over shared_info (Keel's frame). */
    CHECK_EQ(add_to_physmap(d0, DOMID_SELF, XENMAPSPACE_shared_info, 0, SCRATCH + 20, 0), 0);
    CHECK_EQ(map1(d0, 1, GFN_4K, SCRATCH + 20), -EPERM);
    /* shared_info of d1 is not its RAM: -EINVAL. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, HOLE, 0), 0);
    CHECK_EQ(map1(d0, 1, HOLE, SCRATCH + 21), -EINVAL);
    /* Nor a foreign entry of the foreign domain: dom0's own foreign map via d1? d1 has
     * none; dom0 mapping its own foreign entry is "self": -EINVAL. */
    CHECK_EQ(map1(d0, DOMID_SELF, SCRATCH, SCRATCH + 22), -EINVAL);
    CHECK_EQ(map1(d0, 0, SCRATCH, SCRATCH + 22), -EINVAL);
    /* Everything unmapped: every reference gone, nothing leaked. */
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH), 0);
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH + 1), 0);
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH + 3), 0);
    CHECK_EQ(unmap1(d0, DOMID_SELF, 3), 0);
    CHECK_EQ(pfn_to_page(m1)->count, 0);
    CHECK_EQ(pfn_to_page(m2)->count, 0);
    CHECK_EQ(d0->p2m.nr_entries[p2m_foreign], 0);
    CHECK_EQ(d1->memop_users, 0);
    CHECK_EQ(d1->refcnt, 1);
    CHECK_EQ(resv_on(d1, XENMEM_decrease_reservation, GFN_4K, 1, 0, DOMID_SELF), 1);
    CHECK(mm_fix_free_pages() + d0->p2m.table_pages + d1->p2m.table_pages >= free);
    domain_destroy(d0);
    teardown();
}

TEST(foreign_batch_errors)
{
    struct domain *d2;
    xen_ulong_t idxs[3] = { GFN_4K, GFN_4K + 1, GFN_4K + 2 };
    xen_pfn_t gpfns[3] = { SCRATCH, SCRATCH + 1, SCRATCH + 2 };
    int errs[3];

    setup();
    setup_dom0();
    d2 = domain_create(2, "d2", 1, 10, false);
    /* Requests: Xen's codes. */
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_range, 1, 3, idxs, gpfns, errs, 0),
             -EOPNOTSUPP);
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, 3, idxs, gpfns, errs, 0x10000),
             -EDOM);
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, 3, idxs, gpfns, errs, 4),
             -EILSEQ);
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, 3, idxs, gpfns, errs, 3),
             -EILSEQ);
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, 0, idxs, gpfns, errs, 0), 0);
    CHECK_EQ(memop(d0, XENMEM_add_to_physmap_batch, 0, NULL), -EFAULT);
    /* Only into the caller's own p2m. */
    CHECK_EQ(batch(d0, 2, XENMAPSPACE_gmfn_foreign, 1, 3, idxs, gpfns, errs, 0), -EPERM);
    CHECK_EQ(batch(d0, 9, XENMAPSPACE_gmfn_foreign, 1, 3, idxs, gpfns, errs, 0), -ESRCH);
    /* Per entry: bad foreign domids. */
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 9, 3, idxs, gpfns, errs, 0), 0);
    CHECK_EQ(errs[0], -ESRCH);
    CHECK_EQ(errs[2], -ESRCH);
    CHECK_EQ(map1(d0, DOMID_XEN, 0, SCRATCH), -ESRCH);
    CHECK_EQ(map1(d0, DOMID_IO, 0, SCRATCH), -ESRCH);
    d2->is_dying = true;
    CHECK_EQ(map1(d0, 2, 0, SCRATCH), -ESRCH);
    d2->is_dying = false;
    /* A domU may not map another's frames: -EPERM per entry. */
    CHECK_EQ(batch(d1, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, 3, idxs, gpfns, errs, 0), 0);
    CHECK_EQ(errs[0], -EPERM);
    CHECK_EQ(errs[1], -EPERM);
    CHECK_EQ(d1->p2m.nr_entries[p2m_foreign], 0);
    /* Continuation start: entries before it untouched. */
    errs[0] = 77;
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, 3, idxs, gpfns, errs, 1), 0);
    CHECK_EQ(errs[0], 77);
    CHECK_EQ(errs[1], 0);
    CHECK_EQ(errs[2], 0);
    CHECK_EQ(type_at(d0, SCRATCH, NULL), p2m_invalid);
    /* errs unwritable: -EFAULT after the first entry is done (and kept). */
    mm_fix_readonly(errs, sizeof(errs));
    CHECK_EQ(batch(d0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, 1, idxs, gpfns, errs, 0),
             -EFAULT);
    mm_fix_readonly(NULL, 0);
    CHECK_EQ(type_at(d0, SCRATCH, NULL), p2m_foreign);
    /* Other spaces through the batch: shared_info. */
    idxs[0] = 0;
    gpfns[0] = SCRATCH + 50;
    CHECK_EQ(batch(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, 1, idxs, gpfns, errs, 0), 0);
    CHECK_EQ(errs[0], 0);
    CHECK_EQ(d1->shared_info_gfn, SCRATCH + 50);
    /* The mapper goes: its references are dropped (exactly once). */
    domain_destroy(d0);
    for (uint32_t i = 0; i < 3; i++) {
        mfn_t m;
        CHECK(mapped(d1, GFN_4K + i, &m));
        CHECK_EQ(pfn_to_page(m)->count, 0);
    }
    domain_destroy(d2);
    teardown();
}

TEST(foreign_frame_outlives_its_owner)
{
    mfn_t m;
    pfn_t free;

    setup();
    setup_dom0();
    CHECK(mapped(d1, GFN_4K, &m));
    CHECK_EQ(map1(d0, 1, GFN_4K, SCRATCH), 0);
    free = mm_fix_free_pages();
    domain_destroy(d1);
    /* Every frame of d1 came back but the mapped one (its 4 KiB chunk). */
    CHECK_EQ(pfn_to_page(m)->count, 1);
    CHECK(pfn_to_page(m)->flags & PGF_ALLOCATED);
    CHECK(mm_fix_free_pages() > free);
    CHECK_EQ(type_at(d0, SCRATCH, NULL), p2m_foreign);
    /* dom0 unmaps it: the reference is dropped once, the frame not freed
     * here (i9-life's zombie domain frees it; this branch's placeholder
     * domain_page_put only drops the reference). */
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH), 0);
    CHECK_EQ(pfn_to_page(m)->count, 0);
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH), -ENOENT);
    CHECK_EQ(pfn_to_page(m)->count, 0);
    page_free(m, 0);                    /* what the zombie's end does */
    domain_destroy(d0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(remove_from_physmap)
{
    struct domain *d2;
    pfn_t free;

    setup();
    setup_dom0();
    d2 = domain_create(2, "d2", 1, 10, false);
    free = free_frames();
    /* Own RAM: unmapped, still the domain's (as Xen). */
    CHECK_EQ(unmap1(d1, DOMID_SELF, GFN_4K), 0);
    CHECK(!mapped(d1, GFN_4K, NULL));
    CHECK_EQ(d1->tot_pages, RAM);
    CHECK_EQ(free_frames(), free);
    CHECK_EQ(unmap1(d1, DOMID_SELF, GFN_4K), -ENOENT);
    CHECK_EQ(unmap1(d1, DOMID_SELF, HOLE), -ENOENT);
    CHECK_EQ(unmap1(d1, DOMID_SELF, 1ULL << 36), -ENOENT);
    CHECK_EQ(unmap1(d1, DOMID_SELF, ~0ULL), -ENOENT);
    /* Keel's frames stay: -EPERM. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_shared_info, 0, HOLE, 0), 0);
    CHECK_EQ(unmap1(d1, DOMID_SELF, HOLE), -EPERM);
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_grant_table, 0, HOLE + 1, 0), 0);
    CHECK_EQ(unmap1(d1, DOMID_SELF, HOLE + 1), -EPERM);
    /* Another domain's: dom0 only. */
    CHECK_EQ(unmap1(d1, 2, 0), -EPERM);
    CHECK_EQ(unmap1(d1, 9, 0), -ESRCH);
    CHECK_EQ(unmap1(d0, 1, GFN_4K + 1), 0);
    CHECK(!mapped(d1, GFN_4K + 1, NULL));
    CHECK_EQ(unmap1(d0, DOMID_XEN, 0), -ESRCH);
    CHECK_EQ(memop(d0, XENMEM_remove_from_physmap, 0, NULL), -EFAULT);
    CHECK_EQ(memop(d0, XENMEM_remove_from_physmap, 1, &(struct xen_remove_from_physmap){ 0 }),
             -EINVAL);
    domain_destroy(d2);
    domain_destroy(d0);
    teardown();
}

/* ---- acquire_resource: grant-table frames ------------------------------------ */

static long acquire(struct domain *caller, domid_t domid, uint16_t type, uint32_t id,
                    uint64_t frame, uint32_t n, xen_pfn_t *list, uint32_t *nr_out)
{
    struct xen_mem_acquire_resource x = { .domid = domid, .type = type, .id = id,
                                          .frame = frame, .nr_frames = n };
    long rc;

    set_xen_guest_handle(x.frame_list, list);
    rc = memop(caller, XENMEM_acquire_resource, 0, &x);
    if (nr_out)
        *nr_out = x.nr_frames;
    return rc;
}

TEST(acquire_resource_grant_frames)
{
    xen_pfn_t gfns[3] = { SCRATCH, SCRATCH + 1, 1ULL << 36 };
    struct xen_mem_acquire_resource x = { .domid = 1, .type = XENMEM_resource_grant_table };
    uint32_t nr = 0;
    mfn_t f0, f1, m;
    pfn_t free;

    setup();
    setup_dom0();
    /* Size query. */
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, 0, 0, NULL, &nr), 0);
    CHECK_EQ(nr, GNTTAB_MAX_FRAMES);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, 0, 1, NULL, NULL), -EINVAL);
    /* Errors, as Xen. */
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 1, 0, 0, NULL, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 1, 0, 1, gfns, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 7, 0, 1, gfns, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_ioreq_server, 0, 0, 1, gfns, NULL), -EOPNOTSUPP);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_vmtrace_buf, 0, 0, 1, gfns, NULL), -EOPNOTSUPP);
    CHECK_EQ(acquire(d0, 1, 99, 0, 0, 1, gfns, NULL), -EOPNOTSUPP);
    CHECK_EQ(acquire(d0, 9, XENMEM_resource_grant_table, 0, 0, 1, gfns, NULL), -ESRCH);
    CHECK_EQ(acquire(d0, DOMID_XEN, XENMEM_resource_grant_table, 0, 0, 1, gfns, NULL), -ESRCH);
    CHECK_EQ(acquire(d1, 0, XENMEM_resource_grant_table, 0, 0, 1, gfns, NULL), -EPERM);
    CHECK_EQ(acquire(d1, DOMID_SELF, XENMEM_resource_grant_table, 0, 0, 1, gfns, NULL), -EPERM);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, 32, 1, gfns, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, 31, 2, gfns, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, ~0ULL, 2, gfns, NULL), -EINVAL);
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, 0, 1, (void *)0x100, NULL), -EFAULT);
    x.pad = 1;
    CHECK_EQ(memop(d0, XENMEM_acquire_resource, 0, &x), -EINVAL);
    CHECK_EQ(memop(d0, XENMEM_acquire_resource, 0, NULL), -EFAULT);
    CHECK_EQ(d0->p2m.nr_entries[p2m_foreign], 0);
    /* Frames 0 and 1 of d1's table (grown) at dom0's gfns. */
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, 0, 2, gfns, NULL), 0);
    CHECK_EQ(type_at(d0, SCRATCH, &f0), p2m_foreign);
    CHECK_EQ(type_at(d0, SCRATCH + 1, &f1), p2m_foreign);
    CHECK_EQ(pfn_to_page(f0)->owner, DOMID_KEEL);
    CHECK_EQ(pfn_to_page(f0)->count, 1);
    CHECK_EQ(pfn_to_page(f1)->count, 1);
    /* d1 sees the same frame at its own gfn. */
    CHECK_EQ(add_to_physmap(d1, DOMID_SELF, XENMAPSPACE_grant_table, 0, HOLE, 0), 0);
    CHECK(mapped(d1, HOLE, &m));
    CHECK_EQ(m, f0);
    /* A failure after the first frame: -EIO (frame 2 was mapped). */
    CHECK_EQ(acquire(d0, 1, XENMEM_resource_grant_table, 0, 2, 2, gfns + 1, NULL), -EIO);
    CHECK_EQ(type_at(d0, SCRATCH + 1, &m), p2m_foreign);
    CHECK(m != f1);
    CHECK_EQ(pfn_to_page(f1)->count, 0);        /* replaced: dropped */
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH + 1), 0);
    CHECK_EQ(pfn_to_page(m)->count, 0);
    /* dom0's own table too. */
    CHECK_EQ(acquire(d0, DOMID_SELF, XENMEM_resource_grant_table, 0, 0, 1, gfns + 1, NULL), 0);
    CHECK_EQ(type_at(d0, SCRATCH + 1, NULL), p2m_foreign);
    /* d1 goes: its mapped frame stays until dom0 unmaps it, then is freed. */
    domain_destroy(d1);
    free = mm_fix_free_pages();
    CHECK_EQ(pfn_to_page(f0)->count, 1);
    CHECK(pfn_to_page(f0)->flags & PGF_ALLOCATED);
    CHECK_EQ(unmap1(d0, DOMID_SELF, SCRATCH), 0);
    CHECK(!(pfn_to_page(f0)->flags & PGF_ALLOCATED));
    CHECK(mm_fix_free_pages() >= free + 1);
    /* dom0 goes with its own table's frame mapped: all returned. */
    domain_destroy(d0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}
