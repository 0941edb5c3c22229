// SPDX-License-Identifier: MIT
/*
 * test-memop: HYPERVISOR_memory_op and the shared_info page, as a PVH guest
 * (Linux's boot and balloon paths) uses them:
 *   - XENMEM_memory_map equals the start info's map (when the start info
 *     has one: Xen's PVH dom0 gets none and asks, as Linux does), and is
 *     bounded by the buffer size the guest gives;
 *   - XENMEM_add_to_physmap places shared_info over one of our own RAM
 *     pages, and moves it; the wall clock is set and the pvclock of vCPU 0
 *     is valid, monotonic, and advances like the TSC (within 1%, rate taken
 *     from the pvclock's own mul/shift);
 *   - current/maximum_reservation, and decrease_reservation then
 *     populate_physmap of a 4 KiB page and of a 2 MiB extent: the counts
 *     move and the new memory reads zero;
 *   - increase_reservation up to the maximum: the count of extents done,
 *     current_reservation grows by it, the extent list is not written
 *     (a translated guest is given no frame numbers) and nothing is mapped;
 *   - hostile arguments (bad pointers, huge nr_extents, big orders, unknown
 *     ids and spaces) get Xen's errors.
 * Every check holds on Keel and on Xen 4.17 booted with scrub-domheap:
 *     tools/xen-peer/boot-xen.py --xen-cmdline "dom0=pvh console=com1
 *         com1=115200,8n1 loglvl=all guest_loglvl=all noreboot scrub-domheap"
 * (without it Xen scrubs only the memory of dying domains, so a frame a
 * live domain gives back can come back to it unscrubbed; Keel always
 * scrubs).
 */
#include <public/memory.h>
#include "guest.h"

const char test_title[] = "memop";

#define PAGE_SIZE       4096ul
#define MEMOP(op, arg)  hypercall2(__HYPERVISOR_memory_op, (op), (unsigned long)(arg))
#define MIN_WALLCLOCK   1577836800u     /* 2020-01-01: a clock that was set */

struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static uint8_t pages[3][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct e820_entry e820[32];      /* XENMEM_memory_map's answer */
static uint32_t nr_e820;

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t gfn_of(const void *p)
{
    return (uint64_t)(uintptr_t)p / PAGE_SIZE;    /* identity-mapped */
}

static void expect_rc(const char *what, long rc, long want)
{
    printf("  %-52s -> %ld\n", what, rc);
    CHECK(rc == want, "%s returned %ld, expected %ld", what, rc, want);
}

/* ---- memory map ------------------------------------------------------------ */

static void check_memory_map(void)
{
    static struct e820_entry scratch[2];
    const struct e820_entry *e = e820;
    struct xen_memory_map map = { .nr_entries = ARRAY_SIZE(e820) };
    const struct hvm_memmap_table_entry *si =
        (const void *)(uintptr_t)start_info->memmap_paddr;
    long rc;

    set_xen_guest_handle(map.buffer, e820);
    rc = MEMOP(XENMEM_memory_map, &map);
    expect_rc("memory_map(32 entries)", rc, 0);
    printf("  %u entries (start info: %u)\n", map.nr_entries, start_info->memmap_entries);
    nr_e820 = map.nr_entries;
    CHECK(map.nr_entries > 0 && map.nr_entries <= ARRAY_SIZE(e820),
          "memory_map gave %u entries", map.nr_entries);
    CHECK(!start_info->memmap_entries || map.nr_entries == start_info->memmap_entries,
          "memory_map gave %u entries, the start info %u", map.nr_entries,
          start_info->memmap_entries);
    for (uint32_t i = 0; i < nr_e820; i++) {
        printf("    %016lx-%016lx type %u\n", e[i].addr, e[i].addr + e[i].size, e[i].type);
        CHECK(i >= start_info->memmap_entries || (e[i].addr == si[i].addr &&
              e[i].size == si[i].size && e[i].type == si[i].type),
              "entry %u differs from the start info's", i);
    }

    memset(scratch, 0xa5, sizeof(scratch));
    set_xen_guest_handle(map.buffer, scratch);
    map.nr_entries = 1;
    expect_rc("memory_map(1 entry)", MEMOP(XENMEM_memory_map, &map), 0);
    CHECK(map.nr_entries == 1 && !memcmp(&scratch[0], &e820[0], sizeof(scratch[0])),
          "memory_map(1) gave %u entries", map.nr_entries);
    CHECK(scratch[1].addr == 0xa5a5a5a5a5a5a5a5ul, "memory_map(1) wrote past its buffer");

    map.nr_entries = 4;
    set_xen_guest_handle(map.buffer, window_unmapped());
    expect_rc("memory_map(bad buffer)", MEMOP(XENMEM_memory_map, &map), -XEN_EFAULT);
    expect_rc("memory_map(bad argument)", MEMOP(XENMEM_memory_map, window_unmapped()),
              -XEN_EFAULT);
}

/* The highest 2 MiB-aligned 2 MiB of RAM below 4 GiB (identity-mapped), or 0. */
static uint64_t free_2m_region(void)
{
    uint64_t best = 0;

    for (uint32_t i = 0; i < nr_e820; i++) {
        uint64_t end = e820[i].addr + e820[i].size, top;
        if (e820[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        if (end > 0x100000000ul)
            end = 0x100000000ul;
        top = end & ~0x1ffffful;
        if (top >= 0x200000 && top - 0x200000 >= e820[i].addr && top - 0x200000 > best)
            best = top - 0x200000;
    }
    return best > (uint64_t)(uintptr_t)pages[2] ? best : 0;
}

/* ---- shared_info and time ---------------------------------------------------- */

static long place_shared_info(uint64_t gfn, uint32_t space, uint64_t idx, domid_t domid)
{
    struct xen_add_to_physmap x = { .domid = domid, .space = space, .idx = idx, .gpfn = gfn };
    return MEMOP(XENMEM_add_to_physmap, &x);
}

static void bad_add_to_physmap(void)
{
    uint64_t gfn = gfn_of(pages[0]);

    expect_rc("add_to_physmap(shared_info, idx 1)",
              place_shared_info(gfn, XENMAPSPACE_shared_info, 1, DOMID_SELF), -XEN_EINVAL);
    expect_rc("add_to_physmap(space 99)", place_shared_info(gfn, 99, 0, DOMID_SELF),
              -XEN_EINVAL);
    expect_rc("add_to_physmap(domain 0x7ff4)",
              place_shared_info(gfn, XENMAPSPACE_shared_info, 0, DOMID_INVALID), -XEN_ESRCH);
    expect_rc("add_to_physmap(bad argument)", MEMOP(XENMEM_add_to_physmap, window_unmapped()),
              -XEN_EFAULT);
}

struct pvclock {
    uint64_t tsc_timestamp, system_time;
    uint32_t mul;
    int8_t shift;
};

static struct pvclock read_pvclock(const volatile struct vcpu_time_info *t)
{
    struct pvclock c;
    uint32_t v;

    do {
        while ((v = t->version) & 1)
            ;
        asm volatile("" ::: "memory");
        c = (struct pvclock){ t->tsc_timestamp, t->system_time, t->tsc_to_system_mul,
                              t->tsc_shift };
        asm volatile("" ::: "memory");
    } while (t->version != v);
    return c;
}

static uint64_t pvclock_ns(const struct pvclock *c, uint64_t tsc)
{
    uint64_t d = tsc - c->tsc_timestamp;

    d = c->shift >= 0 ? d << c->shift : d >> -c->shift;
    return c->system_time + (uint64_t)(((unsigned __int128)d * c->mul) >> 32);
}

static uint64_t pvclock_khz(const struct pvclock *c)
{
    uint64_t khz = (1000000ull << 32) / c->mul;

    return c->shift >= 0 ? khz >> c->shift : khz << -c->shift;
}

static uint64_t now_ns(const volatile struct vcpu_time_info *t, uint64_t *tsc)
{
    struct pvclock c;
    uint64_t ns;

    do {
        c = read_pvclock(t);
        *tsc = rdtsc();
        ns = pvclock_ns(&c, *tsc);
    } while (read_pvclock(t).system_time != c.system_time);
    return ns;
}

static void check_time(const volatile struct shared_info *s)
{
    const volatile struct vcpu_time_info *t = &s->vcpu_info[0].time;
    struct pvclock c = read_pvclock(t);
    uint64_t khz, tsc0, tsc1, ns0, ns1, prev, want, bad = 0;

    printf("  wall clock: version %u, %u s + %u ns\n", s->wc_version, s->wc_sec, s->wc_nsec);
    CHECK(!(s->wc_version & 1) && s->wc_sec > MIN_WALLCLOCK && s->wc_nsec < 1000000000u,
          "the wall clock is not set");
    printf("  pvclock: version %u, tsc %lu, system %lu ns, mul %u, shift %d\n",
           t->version, c.tsc_timestamp, c.system_time, c.mul, c.shift);
    CHECK(c.mul != 0 && c.system_time != 0, "the pvclock is not set");
    if (!c.mul)
        return;
    khz = pvclock_khz(&c);
    printf("  TSC %lu kHz by the pvclock\n", khz);

    prev = now_ns(t, &tsc0);
    for (uint32_t i = 0; i < 100000; i++) {
        uint64_t tsc, ns = now_ns(t, &tsc);
        bad += ns < prev;
        prev = ns;
    }
    CHECK(bad == 0, "pvclock went backwards %lu times in 100000 reads", bad);

    ns0 = now_ns(t, &tsc0);
    while (rdtsc() - tsc0 < khz * 100)        /* 100 ms of TSC ticks */
        ;
    ns1 = now_ns(t, &tsc1);
    want = (tsc1 - tsc0) * 1000000ull / khz;
    printf("  %lu TSC ticks: pvclock +%lu ns, expected %lu ns\n", tsc1 - tsc0, ns1 - ns0, want);
    CHECK(ns1 - ns0 >= want - want / 100 && ns1 - ns0 <= want + want / 100,
          "pvclock advanced %lu ns over %lu ns of TSC ticks", ns1 - ns0, want);
}

/* ---- reservations ------------------------------------------------------------ */

static long reservation(unsigned int op, uint64_t *gfns, uint64_t n, uint32_t order,
                        domid_t domid)
{
    struct xen_memory_reservation r = {
        .nr_extents = n, .extent_order = order, .domid = domid,
    };

    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)gfns);
    return MEMOP(op, &r);
}

static long current_pages(void)
{
    domid_t self = DOMID_SELF;
    return MEMOP(XENMEM_current_reservation, &self);
}

static bool all_zero(const volatile uint8_t *p, uint64_t len)
{
    for (uint64_t i = 0; i < len; i += 8)
        if (*(const volatile uint64_t *)(p + i))
            return false;
    return true;
}

/* Give the extent at p back, take it again: counts move, it reads zero. */
static void balloon(const char *what, volatile uint8_t *p, uint32_t order)
{
    uint64_t gfn = gfn_of((const void *)p), len = PAGE_SIZE << order;
    long before, rc;

    for (uint64_t i = 0; i < len; i += 8)
        *(volatile uint64_t *)(p + i) = 0x5a5a5a5a5a5a5a5aul;
    before = current_pages();
    rc = reservation(XENMEM_decrease_reservation, &gfn, 1, order, DOMID_SELF);
    printf("  decrease_reservation(%s at gfn 0x%lx) -> %ld\n", what, gfn, rc);
    CHECK(rc == 1, "decrease_reservation(%s) returned %ld", what, rc);
    CHECK(current_pages() == before - (1l << order), "current_reservation did not drop "
          "by %lu after the decrease", 1ul << order);
    rc = reservation(XENMEM_populate_physmap, &gfn, 1, order, DOMID_SELF);
    printf("  populate_physmap(%s at gfn 0x%lx) -> %ld\n", what, gfn, rc);
    if (rc != 1)
        test_abort("populate_physmap(%s) returned %ld: that memory is gone", what, rc);
    CHECK(current_pages() == before, "current_reservation did not come back");
    CHECK(all_zero(p, len), "the repopulated %s does not read zero", what);
}

static void check_reservations(void)
{
    domid_t self = DOMID_SELF, invalid = DOMID_INVALID;
    long cur = current_pages(), max = MEMOP(XENMEM_maximum_reservation, &self);
    uint64_t region = free_2m_region(), gfn = gfn_of(pages[2]);

    printf("  current_reservation %ld, maximum_reservation %ld\n", cur, max);
    CHECK(cur > 0 && max >= cur, "bad reservation counts %ld/%ld", cur, max);
    expect_rc("current_reservation(domain 0x7ff4)",
              MEMOP(XENMEM_current_reservation, &invalid), -XEN_ESRCH);
    expect_rc("maximum_reservation(bad pointer)",
              MEMOP(XENMEM_maximum_reservation, window_unmapped()), -XEN_EFAULT);

    balloon("a 4 KiB page", pages[2], 0);
    if (region)
        balloon("a 2 MiB extent", (volatile uint8_t *)(uintptr_t)region, 9);
    else
        test_fail("no free 2 MiB of RAM found in the memory map");

    /* Hostile requests: nothing done, nothing crashes. */
    expect_rc("decrease(nr_extents 2^40)",
              reservation(XENMEM_decrease_reservation, &gfn, 1ul << 40, 0, DOMID_SELF), 0);
    expect_rc("decrease(bad extent list)",
              reservation(XENMEM_decrease_reservation, window_unmapped(), 4, 0, DOMID_SELF), 0);
    expect_rc("decrease(bad argument)",
              MEMOP(XENMEM_decrease_reservation, window_unmapped()), 0);
    expect_rc("populate(order 30)",
              reservation(XENMEM_populate_physmap, &gfn, 1, 30, DOMID_SELF), 0);
    expect_rc("decrease(domain 0x7ff4)",
              reservation(XENMEM_decrease_reservation, &gfn, 1, 0, DOMID_INVALID), 0);
    gfn = unbacked_gpa() >> 12;
    expect_rc("decrease(unbacked gfn)",
              reservation(XENMEM_decrease_reservation, &gfn, 1, 0, DOMID_SELF), 0);
    CHECK(current_pages() == cur, "current_reservation changed: %ld, was %ld",
          current_pages(), cur);
    expect_rc("memory_op(63)", MEMOP(63, 0), -XEN_ENOSYS);
}

/* XENMEM_increase_reservation, as Xen does it for a translated guest:
 * extents become ours up to the maximum, counted in current_reservation,
 * mapped nowhere, the list not written.  Last: it leaves pages[2] a hole. */
static void check_increase_reservation(void)
{
    domid_t self = DOMID_SELF;
    uint64_t list[3] = { 0x5a5aul, 0x5a5aul, 0x5a5aul }, gfn = gfn_of(pages[2]);
    long max = MEMOP(XENMEM_maximum_reservation, &self), cur, rc, want;

    expect_rc("increase(order 10)", reservation(XENMEM_increase_reservation, list, 1, 10,
                                                DOMID_SELF), 0);
    expect_rc("increase(domain 0x7ff4)", reservation(XENMEM_increase_reservation, list, 1, 0,
                                                     DOMID_INVALID), 0);
    expect_rc("increase(nr_extents 2^40)", reservation(XENMEM_increase_reservation, list,
                                                       1ul << 40, 0, DOMID_SELF), 0);
    expect_rc("increase(bad argument)", MEMOP(XENMEM_increase_reservation, window_unmapped()),
              0);
    /* Make room for one page (Keel's boot domains start at their maximum). */
    expect_rc("decrease_reservation(pages[2])",
              reservation(XENMEM_decrease_reservation, &gfn, 1, 0, DOMID_SELF), 1);
    cur = current_pages();
    want = max - cur < 3 ? max - cur : 3;
    rc = reservation(XENMEM_increase_reservation, list, 3, 0, DOMID_SELF);
    printf("  increase_reservation(3 extents) -> %ld (room for %ld)\n", rc, max - cur);
    CHECK(rc == want, "increase_reservation returned %ld, expected %ld", rc, want);
    CHECK(current_pages() == cur + rc, "current_reservation %ld after %ld extents from %ld",
          current_pages(), rc, cur);
    CHECK(list[0] == 0x5a5aul && list[1] == 0x5a5aul && list[2] == 0x5a5aul,
          "the extent list was written: %lx %lx %lx", list[0], list[1], list[2]);
    /* The memory is ours but mapped nowhere: pages[2] stays a hole, and
     * populating it needs room the increase took. */
    rc = reservation(XENMEM_populate_physmap, &gfn, 1, 0, DOMID_SELF);
    CHECK(rc == (current_pages() < max ? 1 : 0), "populate_physmap after the increase: %ld", rc);
    if (rc == 0)
        printf("increase_reservation: %ld of 3 extents, current_reservation at the maximum, "
               "list untouched, no room to populate\n", want);
    else
        printf("increase_reservation: %ld of 3 extents, list untouched\n", want);
}

void test_main(void)
{
    volatile struct shared_info *s;
    uint64_t gfn0 = gfn_of(pages[0]);
    long rc;

    if (hypercall_get_mode() == HYPERCALL_NONE)
        test_abort("no Xen CPUID leaves: cannot make hypercalls");
    printf("Memory map:\n");
    check_memory_map();
    printf("shared_info:\n");
    bad_add_to_physmap();
    rc = place_shared_info(gfn0, XENMAPSPACE_shared_info, 0, DOMID_SELF);
    expect_rc("add_to_physmap(shared_info) at pages[0]", rc, 0);
    if (rc)
        test_abort("no shared_info");
    check_time((volatile struct shared_info *)pages[0]);

    /* Move it; the old gfn is a hole now: populate it again. */
    expect_rc("add_to_physmap(shared_info) at pages[1]",
              place_shared_info(gfn_of(pages[1]), XENMAPSPACE_shared_info, 0, DOMID_SELF), 0);
    s = (volatile struct shared_info *)pages[1];
    CHECK(s->wc_sec > MIN_WALLCLOCK && s->vcpu_info[0].time.tsc_to_system_mul,
          "shared_info did not move");
    expect_rc("populate_physmap(the old gfn)",
              reservation(XENMEM_populate_physmap, &gfn0, 1, 0, DOMID_SELF), 1);
    CHECK(all_zero(pages[0], PAGE_SIZE), "the old shared_info gfn does not read zero");

    printf("Reservations:\n");
    check_reservations();
    check_increase_reservation();
}
