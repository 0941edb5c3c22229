// SPDX-License-Identifier: MIT
/*
 * test-hcfuzz as dom0 (role=dom0): the control domain's hypercalls with
 * hostile arguments, beside a live test-dom0peer domU (peer=N, default 1,
 * booted with foreign=0: it grants refs 8 and 9 to dom0 and idles until
 * dom0 replies through ref 8 and has unmapped its grants).
 *
 * It creates two domains and destroys the first, so that a destroyed id
 * is among the targets, then makes calls=N (default 3000) calls: every
 * domctl and sysctl (random cmd, version, domid, union bytes, handles that
 * cannot be written), memory ops on other domains (reservations with huge
 * counts and orders, claims, memory maps, gmfn_foreign batches at
 * overlapping and out-of-range gfns of its own window, removes, resource
 * acquisition) and grant maps and unmaps with real and invented handles.
 * Ops that would legitimately end or stall a live domain (dom0, the peer)
 * or rewrite its memory are aimed at the other targets instead.
 *
 * At the end it unmaps every handle and window gfn, destroys every domain
 * but itself and the peer, checks that sysctl physinfo's free pages are
 * back to their value before the fuzzing, replies to the peer, and waits
 * for it to end.
 */
#include <public/domctl.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include "guest.h"
#include "guest_opts.h"
#include "hcfuzz.h"
#include "../dom0peer/dom0peer.h"

#define DEFAULT_CALLS   3000u
#define WINDOW_GFN      0x80000ull      /* 2 GiB: far above dom0's RAM */
#define WINDOW          16u
#define PIN_GFN         (WINDOW_GFN + WINDOW)   /* beside the window, never fuzzed */
#define MAX_HANDLES     32u
#define SPIN_LIMIT      2000000u
#define LIST_MAX        64u             /* entries of a gfn list */

#define GT_OP(cmd, arg, n) hypercall3(__HYPERVISOR_grant_table_op, (cmd), (unsigned long)(arg), (n))
#define MEM_OP(cmd, arg)   hypercall2(__HYPERVISOR_memory_op, (cmd), (unsigned long)(arg))
#define SET_HANDLE(h, v)   ((h).p = (void *)(uintptr_t)(v))

static domid_t peer, created, destroyed;

struct mapping { uint32_t handle; uint64_t addr; };
static struct mapping maps[MAX_HANDLES];
static unsigned int nr_maps;

static uint64_t reply[DOM0PEER_WORDS] __attribute__((aligned(PAGE)));

static long domctl(struct xen_domctl *op)
{
    return hypercall1(__HYPERVISOR_domctl, (unsigned long)op);
}

static long sysctl(struct xen_sysctl *op)
{
    return hypercall1(__HYPERVISOR_sysctl, (unsigned long)op);
}

static uint64_t free_pages(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
    long rc = sysctl(&op);

    if (rc)
        test_abort("sysctl physinfo: %ld", rc);
    return op.u.physinfo.free_pages;
}

static long create_domain(domid_t *domid)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_createdomain,
                             .interface_version = XEN_DOMCTL_INTERFACE_VERSION };

    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = 4;
    op.u.createdomain.max_maptrack_frames = 16;
    op.u.createdomain.grant_opts = 1;
    op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    long rc = domctl(&op);
    *domid = op.domain;
    return rc;
}

static long simple_domctl(uint32_t cmd, domid_t domid)
{
    struct xen_domctl op = { .cmd = cmd, .domain = domid,
                             .interface_version = XEN_DOMCTL_INTERFACE_VERSION };
    long rc;
    unsigned int n = 0;

    do
        rc = domctl(&op);
    while (rc == -XEN_ERESTART && ++n < SPIN_LIMIT);
    return rc;
}

/* The first domain with an id >= from, or -1. */
static int next_domain(domid_t from)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = from,
                             .interface_version = XEN_DOMCTL_INTERFACE_VERSION };

    return domctl(&op) ? -1 : op.domain;
}

static bool is_live(uint64_t d)
{
    return d == 0 || d == DOMID_SELF || d == peer;
}

static domid_t any_domid(void)
{
    static const uint64_t special[] = { DOMID_SELF, DOMID_IO, DOMID_XEN, DOMID_COW,
                                        DOMID_INVALID, DOMID_IDLE, 0x7fef, 0xffff };
    switch (rnd() % 6) {
    case 0:  return 0;
    case 1:  return peer;
    case 2:  return created;
    case 3:  return destroyed;
    case 4:  return (domid_t)(0x100 + rnd() % 0x100);        /* unused */
    default: return (domid_t)pick(special, ARRAY_SIZE(special));
    }
}

/* A domid that is neither dom0 nor the peer. */
static domid_t other_domid(void)
{
    domid_t d;

    do
        d = any_domid();
    while (is_live(d));
    return d;
}

/* A guest handle Keel can neither read nor write through: unmapped,
 * non-canonical, unaligned ones.  (Not null: this kernel's page 0 is mapped,
 * and a list read from it would name dom0's own RAM.) */
static uint64_t bad_handle(void)
{
    static const uint64_t bad[] = { 0x8000000000000000ull, 0xfffffffffffff000ull,
                                    0xffff800000000000ull, 0xffffffff80000001ull };
    if (rnd() % 4 == 0)
        return (uint64_t)window_unmapped() + rnd() % 8;
    return pick(bad, ARRAY_SIZE(bad));
}

/* A gfn of dom0's own window (overlapping), or out of range. */
static uint64_t window_gfn(void)
{
    static const uint64_t far[] = { 1ull << 36, 1ull << 40, 0xffffffffffull, ~0ull,
                                    (1ull << 52) - 1 };
    return rnd() % 4 ? WINDOW_GFN + rnd() % WINDOW : pick(far, ARRAY_SIZE(far));
}

/* Random union bytes (the scratch area's), some words replaced by bad handles. */
static void garble_union(uint8_t *u, unsigned int len)
{
    for (unsigned int i = 0; i + 8 <= len; i += 8)
        if (rnd() % 4 == 0) {
            uint64_t h = bad_handle();
            memcpy(u + i, &h, 8);
        }
}

static long fuzz_domctl(void)
{
    /* Ops that end, stall or reconfigure a running domain. */
    static const uint64_t harmful[] = {
        XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain, XEN_DOMCTL_max_mem,
        XEN_DOMCTL_max_vcpus, XEN_DOMCTL_scheduler_op, XEN_DOMCTL_settimeoffset,
        XEN_DOMCTL_settscinfo, XEN_DOMCTL_set_paging_mempool_size, XEN_DOMCTL_sethvmcontext,
    };
    struct xen_domctl *op = (void *)scratch;

    op->cmd = rnd() % 8 ? (uint32_t)(rnd() % 96) : (uint32_t)rnd();
    op->interface_version = rnd() % 8 ? XEN_DOMCTL_INTERFACE_VERSION : (uint32_t)rnd();
    op->domain = any_domid();
    for (unsigned int i = 0; i < ARRAY_SIZE(harmful); i++)
        if (op->cmd == harmful[i] && is_live(op->domain))
            op->domain = other_domid();
    garble_union((uint8_t *)&op->u, sizeof(op->u));
    return domctl(op);
}

static long fuzz_sysctl(void)
{
    struct xen_sysctl *op = (void *)scratch;

    op->cmd = rnd() % 8 ? (uint32_t)(rnd() % 40) : (uint32_t)rnd();
    op->interface_version = rnd() % 8 ? XEN_SYSCTL_INTERFACE_VERSION : (uint32_t)rnd();
    garble_union((uint8_t *)&op->u, sizeof(op->u));
    return sysctl(op);
}

/* An array of LIST_MAX gfns in the scratch area at offset off (a call
 * given a larger count than it was told reads the rest, so all are
 * filled), or a bad handle. */
static uint64_t gfn_list(unsigned int off, bool own_window)
{
    uint64_t *l = (uint64_t *)(scratch + off);

    if (rnd() % 8 == 0)
        return bad_handle();
    for (unsigned int i = 0; i < LIST_MAX; i++)
        l[i] = own_window ? window_gfn() : (rnd() % 2 ? rnd() % 0x3000 : rnd());
    return (uint64_t)l;
}

static uint64_t huge_or_small(uint64_t small)
{
    static const uint64_t huge[] = { 0xffffffffull, 0x80000000ull, 0x100000ull, 1ull << 63 };
    return rnd() % 4 ? rnd() % (small + 1) : pick(huge, ARRAY_SIZE(huge));
}

static long fuzz_memory_op(void)
{
    switch (rnd() % 6) {
    case 0: {                               /* reservations of other domains */
        static const uint64_t ops[] = { XENMEM_populate_physmap, XENMEM_decrease_reservation,
                                        XENMEM_increase_reservation, XENMEM_claim_pages };
        struct xen_memory_reservation *r = (void *)scratch;
        unsigned int n = (unsigned int)(rnd() % 64);
        r->domid = other_domid();
        r->extent_order = (uint32_t)(rnd() % 3 ? rnd() % 10 : rnd());
        r->nr_extents = rnd() % 2 ? n : huge_or_small(64);
        SET_HANDLE(r->extent_start, gfn_list(1024, false));
        return MEM_OP(pick(ops, ARRAY_SIZE(ops)), r);
    }
    case 1: {
        struct xen_foreign_memory_map *f = (void *)scratch;
        f->domid = other_domid();
        f->map.nr_entries = (uint32_t)huge_or_small(128);
        SET_HANDLE(f->map.buffer, (rnd() % 2 ? bad_handle()
                                                         : (uint64_t)scratch + 1024));
        return MEM_OP(XENMEM_set_memory_map, f);
    }
    case 2: {                               /* foreign frames at window gfns */
        struct xen_add_to_physmap_batch *b = (void *)scratch;
        unsigned int n = (unsigned int)(rnd() % LIST_MAX);
        b->domid = rnd() % 2 ? DOMID_SELF : (rnd() % 2 ? 0 : other_domid());
        b->space = rnd() % 8 ? XENMAPSPACE_gmfn_foreign : (unsigned int)(rnd() % 8);
        if (b->domid != DOMID_SELF && b->domid != 0)
            ;
        else if (b->space == XENMAPSPACE_gmfn || b->space == XENMAPSPACE_gmfn_range ||
                 b->space == XENMAPSPACE_dev_mmio)
            b->space = XENMAPSPACE_gmfn_foreign;    /* would move or hide its own RAM */
        b->size = (uint16_t)(rnd() % 8 ? n : rnd());
        if (b->domid == DOMID_SELF || b->domid == 0)
            b->size = (uint16_t)n;      /* a longer batch would read gfns of its RAM */
        b->u.foreign_domid = any_domid();
        SET_HANDLE(b->idxs, gfn_list(1024, false));
        SET_HANDLE(b->gpfns, gfn_list(2048, true));
        SET_HANDLE(b->errs, (rnd() % 8 && b->size == n
                                                   ? (uint64_t)scratch + 3072 : bad_handle()));
        return MEM_OP(XENMEM_add_to_physmap_batch, b);
    }
    case 3: {
        struct xen_remove_from_physmap *x = (void *)scratch;
        x->domid = rnd() % 2 ? DOMID_SELF : other_domid();
        x->gpfn = x->domid == DOMID_SELF ? window_gfn() : rnd() % 0x3000;
        return MEM_OP(XENMEM_remove_from_physmap, x);
    }
    default: {
        struct xen_mem_acquire_resource *a = (void *)scratch;
        unsigned int n = (unsigned int)(rnd() % 8);     /* <= LIST_MAX: the list is read */
        a->domid = any_domid();
        a->type = (uint16_t)(rnd() % 4 ? rnd() % 3 : rnd());
        a->id = (uint32_t)(rnd() % 4 ? rnd() % 2 : rnd());
        a->nr_frames = rnd() % 2 ? n : (uint32_t)huge_or_small(64);
        a->pad = rnd() % 8 ? 0 : (uint32_t)rnd();
        a->frame = huge_or_small(8);
        SET_HANDLE(a->frame_list, (rnd() % 8 ? gfn_list(1024, true) : 0));
        return MEM_OP(XENMEM_acquire_resource, a);
    }
    }
}

static void remember(uint32_t handle, uint64_t addr)
{
    if (nr_maps < MAX_HANDLES)
        maps[nr_maps++] = (struct mapping){ handle, addr };
}

static int16_t map_ref(domid_t dom, grant_ref_t ref, uint64_t addr, uint32_t flags)
{
    struct gnttab_map_grant_ref m = { .host_addr = addr, .flags = flags, .ref = ref, .dom = dom };
    long rc = GT_OP(GNTTABOP_map_grant_ref, &m, 1);

    if (rc)
        return GNTST_general_error;
    if (m.status == GNTST_okay)
        remember(m.handle, addr);
    return m.status;
}

static int16_t unmap(uint32_t handle, uint64_t addr)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = addr, .handle = handle };
    long rc = GT_OP(GNTTABOP_unmap_grant_ref, &u, 1);

    return rc ? GNTST_general_error : u.status;
}

static long fuzz_grant(void)
{
    if (rnd() % 2 && nr_maps < MAX_HANDLES) {      /* every handle is unmapped at the end */
        uint32_t flags = rnd() % 4 ? GNTMAP_host_map | (rnd() % 2 ? GNTMAP_readonly : 0)
                                   : (uint32_t)rnd();
        grant_ref_t ref = rnd() % 2 ? DOM0PEER_REF_RW + rnd() % 2 : (grant_ref_t)rnd() % 64;
        return map_ref(any_domid(), ref, window_gfn() * PAGE, flags);
    }
    if (nr_maps && rnd() % 2) {
        struct mapping *m = &maps[rnd() % nr_maps];         /* perhaps unmapped already */
        return unmap(m->handle, rnd() % 4 ? m->addr : window_gfn() * PAGE);
    }
    return unmap(rnd() % 2 ? (uint32_t)(rnd() % 16) : (uint32_t)rnd(), window_gfn() * PAGE);
}

/* Directed first: real handles of the peer's grants, unmapped twice. */
static void grant_handles(void)
{
    uint64_t a = WINDOW_GFN * PAGE;
    unsigned int n = 0;
    int16_t st;

    while ((st = map_ref(peer, DOM0PEER_REF_RW, a, GNTMAP_host_map)) != GNTST_okay &&
           ++n < SPIN_LIMIT)
        hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);     /* not granted yet */
    if (st != GNTST_okay)
        test_abort("d%u's ref 8 never became mappable: status %d", peer, st);
    CHECK(map_ref(peer, DOM0PEER_REF_RO, a + PAGE, GNTMAP_host_map | GNTMAP_readonly)
          == GNTST_okay, "read-only map of ref 9");
    CHECK(map_ref(peer, DOM0PEER_REF_RO, a + 2 * PAGE, GNTMAP_host_map) != GNTST_okay,
          "a writable map of read-only ref 9 succeeded");
    CHECK(unmap(maps[0].handle, maps[0].addr) == GNTST_okay, "unmap of ref 8");
    st = unmap(maps[0].handle, maps[0].addr);
    CHECK(st != GNTST_okay, "a second unmap of the same handle succeeded");
    CHECK(unmap(maps[1].handle + 1000, maps[1].addr) != GNTST_okay,
          "unmap of an invented handle succeeded");
    CHECK(unmap(maps[1].handle, maps[1].addr) == GNTST_okay, "unmap of ref 9");
    nr_maps = 0;        /* the window is empty again when the free pages are counted */
    printf("hcfuzz: dom0: mapped d%u's refs 8 and 9, second unmap refused (%d)\n", peer, st);
}

/* A domain's grant table grows (and keeps what it grew) when a frame is
 * acquired: grow dom0's and the peer's to their maximum before the free
 * pages are counted, so that the fuzzing cannot grow them.  The last
 * frame of the peer's stays mapped at PIN_GFN until the end, so that
 * dom0's p2m has the window's page tables throughout (Keel may keep or
 * free an empty table; either way is no leak). */
static void grow_grant_tables(void)
{
    static const domid_t doms[] = { DOMID_SELF, 0 };
    struct xen_mem_acquire_resource a = { .type = XENMEM_resource_grant_table };
    struct xen_remove_from_physmap x = { .domid = DOMID_SELF, .gpfn = WINDOW_GFN + WINDOW - 1 };
    xen_pfn_t gfn = x.gpfn;
    long rc;

    for (unsigned int i = 0; i < ARRAY_SIZE(doms); i++) {
        a.domid = i ? peer : doms[i];
        a.nr_frames = 0;
        a.frame = 0;
        SET_HANDLE(a.frame_list, 0);
        if ((rc = MEM_OP(XENMEM_acquire_resource, &a)) || !a.nr_frames)
            test_abort("acquire_resource size of d%u's grant table: %ld", a.domid, rc);
        a.frame = a.nr_frames - 1;
        a.nr_frames = 1;
        SET_HANDLE(a.frame_list, &gfn);
        CHECK((rc = MEM_OP(XENMEM_acquire_resource, &a)) == 0,
              "acquire_resource of d%u's grant frame %lu: %ld", a.domid,
              (unsigned long)a.frame, rc);
        CHECK((rc = MEM_OP(XENMEM_remove_from_physmap, &x)) == 0,
              "remove_from_physmap of the acquired frame: %ld", rc);
    }
    gfn = PIN_GFN;
    CHECK((rc = MEM_OP(XENMEM_acquire_resource, &a)) == 0, "pin at %lx: %ld",
          (unsigned long)gfn, rc);
}

static void clean_up(void)
{
    struct xen_remove_from_physmap x = { .domid = DOMID_SELF };

    for (unsigned int i = 0; i < nr_maps; i++)
        unmap(maps[i].handle, maps[i].addr);
    for (uint64_t g = WINDOW_GFN; g < WINDOW_GFN + WINDOW; g++) {
        x.gpfn = g;
        MEM_OP(XENMEM_remove_from_physmap, &x);
    }
    for (int d = next_domain(1); d > 0; d = next_domain((domid_t)(d + 1))) {
        if (d == peer)
            continue;
        long rc = simple_domctl(XEN_DOMCTL_destroydomain, (domid_t)d);
        CHECK(rc == 0, "destroydomain d%d: %ld", d, rc);
        printf("hcfuzz: dom0: destroyed d%d\n", d);
    }
}

static bool peer_exists(void)
{
    struct gnttab_query_size q = { .dom = peer };

    return GT_OP(GNTTABOP_query_size, &q, 1) == 0 && q.status != GNTST_bad_domain;
}

static void reply_to_peer(void)
{
    struct gnttab_copy c = { .len = PAGE, .flags = GNTCOPY_dest_gref, .status = 99 };
    unsigned int n = 0;

    for (uint32_t i = 0; i < DOM0PEER_WORDS; i++)
        reply[i] = dom0peer_reply(peer, DOM0PEER_GFN_RW, i);
    c.source = (struct gnttab_copy_ptr){ .u.gmfn = (uint64_t)(uintptr_t)reply / PAGE,
                                         .domid = DOMID_SELF };
    c.dest = (struct gnttab_copy_ptr){ .u.ref = DOM0PEER_REF_RW, .domid = peer };
    CHECK(GT_OP(GNTTABOP_copy, &c, 1) == 0 && c.status == GNTST_okay,
          "reply into d%u's ref 8: status %d", peer, c.status);
    while (peer_exists() && ++n < SPIN_LIMIT * 8)
        hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    CHECK(!peer_exists(), "d%u has not ended", peer);
    printf("hcfuzz: dom0: d%u has ended\n", peer);
}

static unsigned int opt_number(const char *name, unsigned int dflt)
{
    char buf[16];
    unsigned int n = 0;

    if (!guest_opt_value(name, buf, sizeof(buf)))
        return dflt;
    for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (unsigned int)(*p - '0');
    return n;
}

static long (*const fuzzers[])(void) = { fuzz_domctl, fuzz_sysctl, fuzz_memory_op, fuzz_grant };

void hcfuzz_dom0(void)
{
    unsigned int calls = opt_number("calls", DEFAULT_CALLS), ok = 0, refused = 0;
    uint64_t before, after;
    long rc;

    CHECK((start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) ==
          (SIF_PRIVILEGED | SIF_INITDOMAIN), "dom0 with start info flags %x", start_info->flags);
    peer = (domid_t)opt_number("peer", 1);
    grant_handles();
    grow_grant_tables();
    before = free_pages();
    if ((rc = create_domain(&destroyed)) || (rc = create_domain(&created)))
        test_abort("createdomain: %ld", rc);
    CHECK(simple_domctl(XEN_DOMCTL_destroydomain, destroyed) == 0, "destroy d%u", destroyed);
    printf("hcfuzz: dom0: %lu free pages; d%u created, d%u destroyed; %u calls\n",
           (unsigned long)before, created, destroyed, calls);
    for (unsigned int i = 0; i < calls; i++) {
        if (i % 32 == 0)
            refill_scratch();
        rc = fuzzers[rnd() % ARRAY_SIZE(fuzzers)]();
        if (rc >= 0)
            ok++;
        else
            refused++;
        CHECK(rc >= -MAX_ERRNO, "call %u returned %ld: not an error code", i, rc);
    }
    printf("hcfuzz: dom0: %u calls, %u succeeded, %u refused\n", calls, ok, refused);
    clean_up();
    after = free_pages();
    printf("hcfuzz: dom0: free pages %lu before, %lu after\n", (unsigned long)before,
           (unsigned long)after);
    CHECK(after == before, "%ld pages not given back", (long)(before - after));
    struct xen_remove_from_physmap x = { .domid = DOMID_SELF, .gpfn = PIN_GFN };
    CHECK((rc = MEM_OP(XENMEM_remove_from_physmap, &x)) == 0, "unpin: %ld", rc);
    reply_to_peer();
}
