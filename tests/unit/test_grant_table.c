// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of grant tables (hypervisor/common/grant_table.c): it owns
 * HYPERVISOR_grant_table_op as a guest sees it -- query_size, setup_table,
 * set_version, get_version, copy with every GNTCOPY flag combination,
 * map_grant_ref/unmap_grant_ref/unmap_and_replace (maptrack, pins, page
 * references, GTF_reading/writing), swap_grant_ref, transfer, cache_flush, batches continued through
 * hypercall_create_continuation -- and the add_to_physmap hooks and
 * teardown of a domain's table (the mapper's, the granter's).  Expected
 * results are Xen 4.17's for the same input (public/grant_table.h codes):
 * GNTST_* in each op's status for problems with one op, -EINVAL/-EFAULT/
 * -ENOSYS/-ESRCH/-EPERM from the hypercall for problems with the call; the
 * grant entry's GTF_reading/GTF_writing flags are put back after every copy,
 * whatever its outcome.  Keel's own documented limits (docs/abi-coverage.md:
 * 32 frames, mapping only onto unmapped gfns) are checked as such.
 *
 * The rest of Keel is faked: domains with the real p2m and page allocator
 * (tests/unit/mm_fixture.h) and RAM mapped at gfn RAM_GFN.., a registry for
 * domain_get(), guest addresses that are host pointers, continuations
 * recorded as the dispatcher would (hypercall.c is tested on its own).
 */
#include "ktest.h"
#include "mm_fixture.h"

#include <string.h>

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/hypercall.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/xmalloc.h>
#include <public/grant_table.h>

#define RAM_GFN         0x100       /* each fake domain's RAM starts here */
#define RAM_PAGES       8
#define HOLE_GFN        0x80        /* never mapped */
#define ENTRIES         512         /* v1 entries per 4 KiB frame */
#define INVALID_GFN     (~(xen_pfn_t)0)

/* ---- The fake rest of Keel ------------------------------------------- */

void *xzalloc(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

#define NR_TEST_DOMS 64

/* Continuations, as common/hypercall.c records them. */
static bool preempt_now;                /* hypercall_preempt_check() says */
static uint32_t page_puts;              /* domain_page_put() calls */

long hypercall_create_continuation(struct vcpu *v, const uint64_t args[5])
{
    memcpy(v->hcall_args, args, sizeof(v->hcall_args));
    v->hcall_preempted = true;
    return -ERESTART;
}

bool hypercall_preempt_check(void)
{
    return preempt_now;
}

void domain_page_put(mfn_t mfn)
{
    page_puts++;
    page_ref_put(mfn);
}

static struct domain *doms[NR_TEST_DOMS];

/* Lookups with references (keel/domain.h): the table above; a reference
 * is counted so that each test can check every one was dropped. */
static int32_t domain_refs;

struct domain *domain_get(domid_t domid)
{
    struct domain *d = domid < NR_TEST_DOMS ? doms[domid] : NULL;

    if (d && !d->is_dying) {
        domain_refs++;
        return d;
    }
    return NULL;
}

void domain_put(struct domain *d)
{
    (void)d;
    domain_refs--;
}

/* A domain with RAM_PAGES frames of RAM at RAM_GFN and its grant table. */
static struct domain *mkdom(uint16_t domid, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domid = domid;
    d->privileged = privileged;
    d->nr_vcpus = 1;
    d->vcpus[0] = v;
    v->domain = d;
    spin_lock_init(&d->mem_lock, "domain-mem", 0);
    CHECK_EQ(p2m_init(&d->p2m), 0);
    for (uint32_t i = 0; i < RAM_PAGES; i++) {
        pfn_t mfn = page_alloc(0);
        CHECK(mfn != PFN_INVALID);
        pfn_to_page(mfn)->owner = domid;
        CHECK_EQ(p2m_set_entry(&d->p2m, RAM_GFN + i, mfn, P2M_ORDER_4K, p2m_ram_rw), 0);
    }
    CHECK_EQ(gnttab_domain_init(d), 0);
    doms[domid] = d;
    return d;
}

static void rmdom(struct domain *d)
{
    doms[d->domid] = NULL;
    gnttab_domain_destroy(d);
    CHECK(d->grant_table == NULL);
    for (uint32_t i = 0; i < RAM_PAGES; i++) {
        mfn_t mfn;
        if (p2m_get_entry(&d->p2m, RAM_GFN + i, &mfn, NULL, NULL) == 0 &&
            pfn_to_page(mfn)->owner == d->domid)
            page_free(mfn, 0);
    }
    p2m_teardown(&d->p2m);
    free(d->vcpus[0]);
    free(d);
}

/* The host address of d's RAM page i. */
static uint8_t *ram(struct domain *d, uint32_t i)
{
    mfn_t mfn;

    CHECK_EQ(p2m_get_entry(&d->p2m, RAM_GFN + i, &mfn, NULL, NULL), 0);
    return pfn_to_virt(mfn);
}

/* d's grant entry ref, through the frame add_to_physmap would map. */
static volatile struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref)
{
    mfn_t mfn;
    gfn_t old;

    CHECK_EQ(gnttab_physmap_frame(d, ref / ENTRIES, &mfn, &old), 0);
    return (struct grant_entry_v1 *)pfn_to_virt(mfn) + ref % ENTRIES;
}

static void grant(struct domain *d, grant_ref_t ref, domid_t to, uint32_t gfn, uint16_t flags)
{
    volatile struct grant_entry_v1 *e = entry(d, ref);

    e->domid = to;
    e->frame = gfn;
    e->flags = flags;
}

static long gnttab_op(struct domain *d, uint64_t cmd, void *uop, uint64_t count)
{
    uint64_t args[5] = { cmd, (uint64_t)(uintptr_t)uop, count, 0, 0 };

    return do_grant_table_op(d->vcpus[0], args);
}

/* As the guest sees it: the hypercall run again with the arguments of
 * each continuation until it ends; *restarts counts them. */
static long gnttab_op_all(struct domain *d, uint64_t cmd, void *uop, uint64_t count,
                          uint32_t *restarts)
{
    struct vcpu *v = d->vcpus[0];
    uint64_t args[5] = { cmd, (uint64_t)(uintptr_t)uop, count, 0, 0 };
    long rc;

    *restarts = 0;
    for (;;) {
        v->hcall_preempted = false;
        rc = do_grant_table_op(v, args);
        if (rc != -ERESTART)
            break;
        CHECK(v->hcall_preempted);
        CHECK_EQ(v->hcall_args[0], cmd);                    /* same op */
        CHECK(v->hcall_args[2] < args[2]);                  /* progress made */
        memcpy(args, v->hcall_args, sizeof(args));
        ++*restarts;
    }
    CHECK(!v->hcall_preempted);
    return rc;
}

/* ---- A copy op ----------------------------------------------------------- */

struct side {
    bool gref;
    uint64_t n;         /* ref or gmfn */
    domid_t domid;
    uint16_t offset;
};

static struct side local(uint64_t gmfn, uint16_t offset)
{
    return (struct side){ false, gmfn, DOMID_SELF, offset };
}

static struct side ref(domid_t domid, grant_ref_t r, uint16_t offset)
{
    return (struct side){ true, r, domid, offset };
}

static struct gnttab_copy mkcopy(struct side s, struct side d, uint16_t len)
{
    struct gnttab_copy op;

    memset(&op, 0, sizeof(op));
    if (s.gref)
        op.source.u.ref = (grant_ref_t)s.n;
    else
        op.source.u.gmfn = s.n;
    op.source.domid = s.domid;
    op.source.offset = s.offset;
    if (d.gref)
        op.dest.u.ref = (grant_ref_t)d.n;
    else
        op.dest.u.gmfn = d.n;
    op.dest.domid = d.domid;
    op.dest.offset = d.offset;
    op.len = len;
    op.flags = (s.gref ? GNTCOPY_source_gref : 0) | (d.gref ? GNTCOPY_dest_gref : 0);
    op.status = 0x5a5a;     /* overwritten by every op */
    return op;
}

/* One copy op by d: its status (the hypercall itself must return 0). */
static int16_t copy1(struct domain *d, struct side s, struct side dst, uint16_t len)
{
    struct gnttab_copy op = mkcopy(s, dst, len);

    CHECK_EQ(gnttab_op(d, GNTTABOP_copy, &op, 1), 0);
    return op.status;
}

static void fill(uint8_t *p, uint8_t seed)
{
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

static bool all(const uint8_t *p, uint32_t n, uint8_t val)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != val)
            return false;
    return true;
}

/* Two domains: d1 (the copier, unprivileged) and d2 (the granter). */
static struct domain *d1, *d2;
static pfn_t free_at_start;

static void setup(void)
{
    mm_fix_init();
    free_at_start = mm_fix_free_pages();
    d1 = mkdom(1, false);
    d2 = mkdom(2, false);
    memset(ram(d1, 0), 0, PAGE_SIZE);
    memset(ram(d2, 0), 0, PAGE_SIZE);
}

static void teardown(void)
{
    rmdom(d2);
    rmdom(d1);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* ---- query_size ------------------------------------------------------------ */

TEST(query_size_of_own_table)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF, .status = 0x55 };

    setup();
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ(q.status, GNTST_okay);
    CHECK_EQ(q.nr_frames, 1);               /* Xen 4.17 starts with one frame */
    CHECK_EQ(q.max_nr_frames, 32);          /* Keel's limit (Xen's default: 64) */
    q = (struct gnttab_query_size){ .dom = 1 };     /* its own id works too */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ(q.status, GNTST_okay);
    CHECK_EQ(q.nr_frames, 1);
    teardown();
}

TEST(query_size_errors)
{
    struct gnttab_query_size q = { .dom = 2 };
    struct domain *d0;

    setup();
    /* Another domain's table: only for a privileged caller (XSM_TARGET). */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ((int16_t)q.status, GNTST_permission_denied);
    d0 = mkdom(0, true);
    q = (struct gnttab_query_size){ .dom = 2 };
    CHECK_EQ(gnttab_op(d0, GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ(q.status, GNTST_okay);
    CHECK_EQ(q.nr_frames, 1);
    q = (struct gnttab_query_size){ .dom = 7 };     /* no such domain */
    CHECK_EQ(gnttab_op(d0, GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ((int16_t)q.status, GNTST_bad_domain);
    q = (struct gnttab_query_size){ .dom = DOMID_INVALID };
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ((int16_t)q.status, GNTST_bad_domain);
    /* The call itself: exactly one op, readable, writable. */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 0), -EINVAL);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 2), -EINVAL);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, NULL, 1), -EFAULT);
    q = (struct gnttab_query_size){ .dom = DOMID_SELF };
    mm_fix_readonly(&q, sizeof(q));
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 1), -EFAULT);
    mm_fix_readonly(NULL, 0);
    rmdom(d0);
    teardown();
}

/* ---- setup_table ------------------------------------------------------------ */

static long setup_table(struct domain *d, domid_t dom, uint32_t nr, xen_pfn_t *list,
                        int16_t *status)
{
    struct gnttab_setup_table s = { .dom = dom, .nr_frames = nr, .status = 0x55 };
    long rc;

    set_xen_guest_handle(s.frame_list, list);
    rc = gnttab_op(d, GNTTABOP_setup_table, &s, 1);
    *status = s.status;
    return rc;
}

static uint32_t nr_frames(struct domain *d)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };

    CHECK_EQ(gnttab_op(d, GNTTABOP_query_size, &q, 1), 0);
    return q.nr_frames;
}

TEST(setup_table_grows_and_lists_gfns)
{
    xen_pfn_t list[33];
    int16_t st;

    setup();
    memset(list, 0xa5, sizeof(list));
    CHECK_EQ(setup_table(d1, DOMID_SELF, 4, list, &st), 0);
    CHECK_EQ(st, GNTST_okay);
    CHECK_EQ(nr_frames(d1), 4);
    /* A translated guest gets each frame's gfn: none is mapped yet. */
    for (uint32_t i = 0; i < 4; i++)
        CHECK_EQ(list[i], INVALID_GFN);
    CHECK_EQ(list[4], 0xa5a5a5a5a5a5a5a5ULL);      /* nothing past nr_frames */

    gnttab_physmap_placed(d1, 2, 0x4321);          /* add_to_physmap put it there */
    CHECK_EQ(setup_table(d1, DOMID_SELF, 3, list, &st), 0);
    CHECK_EQ(st, GNTST_okay);
    CHECK_EQ(list[1], INVALID_GFN);
    CHECK_EQ(list[2], 0x4321);
    CHECK_EQ(nr_frames(d1), 4);                    /* never shrinks */

    /* Zero frames: nothing to do, nothing written. */
    list[0] = 77;
    CHECK_EQ(setup_table(d1, DOMID_SELF, 0, list, &st), 0);
    CHECK_EQ(st, GNTST_okay);
    CHECK_EQ(list[0], 77);

    /* Up to the limit, and one past it. */
    CHECK_EQ(setup_table(d1, DOMID_SELF, 32, list, &st), 0);
    CHECK_EQ(st, GNTST_okay);
    CHECK_EQ(nr_frames(d1), 32);
    CHECK_EQ(setup_table(d2, DOMID_SELF, 33, list, &st), 0);
    CHECK_EQ(st, GNTST_general_error);
    CHECK_EQ(nr_frames(d2), 1);
    teardown();
}

TEST(setup_table_errors)
{
    xen_pfn_t list[4];
    struct domain *d0;
    int16_t st;

    setup();
    CHECK_EQ(setup_table(d1, 2, 1, list, &st), 0);
    CHECK_EQ(st, GNTST_permission_denied);
    CHECK_EQ(setup_table(d1, 9, 1, list, &st), 0);
    CHECK_EQ(st, GNTST_bad_domain);
    d0 = mkdom(0, true);
    CHECK_EQ(setup_table(d0, 2, 2, list, &st), 0);  /* dom0 may grow another's */
    CHECK_EQ(st, GNTST_okay);
    CHECK_EQ(nr_frames(d2), 2);
    rmdom(d0);
    /* A frame list it cannot write: GNTST_bad_virt_addr, still 0. */
    CHECK_EQ(setup_table(d1, DOMID_SELF, 2, NULL, &st), 0);
    CHECK_EQ(st, GNTST_bad_virt_addr);
    mm_fix_readonly(list, sizeof(list));
    CHECK_EQ(setup_table(d1, DOMID_SELF, 2, list, &st), 0);
    CHECK_EQ(st, GNTST_bad_virt_addr);
    mm_fix_readonly(NULL, 0);

    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1 };
    set_xen_guest_handle(s.frame_list, list);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_setup_table, &s, 0), -EINVAL);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_setup_table, &s, 2), -EINVAL);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_setup_table, NULL, 1), -EFAULT);
    mm_fix_readonly(&s.status, sizeof(s.status));
    CHECK_EQ(gnttab_op(d1, GNTTABOP_setup_table, &s, 1), -EFAULT);
    mm_fix_readonly(NULL, 0);
    teardown();
}

TEST(setup_table_out_of_memory)
{
    pfn_t hoard[MM_FIX_FRAMES];
    uint32_t n = 0;
    xen_pfn_t list[8];
    int16_t st;
    pfn_t p;

    setup();
    while ((p = page_alloc(0)) != PFN_INVALID)
        hoard[n++] = p;
    CHECK_EQ(setup_table(d1, DOMID_SELF, 3, list, &st), 0);
    CHECK_EQ(st, GNTST_general_error);
    while (n)
        page_free(hoard[--n], 0);
    CHECK_EQ(setup_table(d1, DOMID_SELF, 3, list, &st), 0);
    CHECK_EQ(st, GNTST_okay);
    teardown();
}

/* ---- set_version / get_version ------------------------------------------ */

TEST(set_version)
{
    struct gnttab_set_version s;

    setup();
    s.version = 1;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_set_version, &s, 1), 0);
    CHECK_EQ(s.version, 1);
    s.version = 2;          /* as a Xen whose max version is 1 */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_set_version, &s, 1), -ENOSYS);
    CHECK_EQ(s.version, 1);
    s.version = 0;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_set_version, &s, 1), -EINVAL);
    CHECK_EQ(s.version, 1);
    s.version = 3;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_set_version, &s, 1), -EINVAL);
    CHECK_EQ(s.version, 1);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_set_version, NULL, 1), -EFAULT);
    s.version = 1;
    mm_fix_readonly(&s, sizeof(s));
    CHECK_EQ(gnttab_op(d1, GNTTABOP_set_version, &s, 1), -EFAULT);
    mm_fix_readonly(NULL, 0);
    teardown();
}

TEST(get_version)
{
    struct gnttab_get_version g = { .dom = DOMID_SELF, .version = 9 };
    struct domain *d0;

    setup();
    CHECK_EQ(gnttab_op(d1, GNTTABOP_get_version, &g, 1), 0);
    CHECK_EQ(g.version, 1);
    g = (struct gnttab_get_version){ .dom = 2, .version = 9 };
    CHECK_EQ(gnttab_op(d1, GNTTABOP_get_version, &g, 1), -EPERM);
    CHECK_EQ(g.version, 9);
    g.dom = 33;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_get_version, &g, 1), -ESRCH);
    d0 = mkdom(0, true);
    g = (struct gnttab_get_version){ .dom = 2, .version = 9 };
    CHECK_EQ(gnttab_op(d0, GNTTABOP_get_version, &g, 1), 0);
    CHECK_EQ(g.version, 1);
    rmdom(d0);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_get_version, NULL, 1), -EFAULT);
    g = (struct gnttab_get_version){ .dom = DOMID_SELF };
    mm_fix_readonly(&g.version, sizeof(g.version));
    CHECK_EQ(gnttab_op(d1, GNTTABOP_get_version, &g, 1), -EFAULT);
    mm_fix_readonly(NULL, 0);
    teardown();
}

/* ---- The hypercall's own checks ------------------------------------------- */

TEST(hypercall_rejects_bad_cmd_and_count)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    static const uint32_t unsupported[] = {
        GNTTABOP_dump_table, GNTTABOP_get_status_frames, 13, 0xfff,
    };
    struct grant_table *gt;

    setup();
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 0x80000000u), -EINVAL);   /* (int)count < 0 */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 0xffffffffu), -EINVAL);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size | (1u << 12), &q, 1), -EINVAL); /* continuation bits */
    for (uint32_t i = 0; i < ARRAY_SIZE(unsupported); i++)
        CHECK_EQ(gnttab_op(d1, unsupported[i], &q, 1), -ENOSYS);
    /* A domain without a table (Keel never makes one; defensive): -ENOSYS. */
    gt = d1->grant_table;
    d1->grant_table = NULL;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_query_size, &q, 1), -ENOSYS);
    d1->grant_table = gt;
    teardown();
}

/* ---- copy: local frames ------------------------------------------------------ */

TEST(copy_local_to_local)
{
    uint8_t *src, *dst;

    setup();
    src = ram(d1, 1);
    dst = ram(d1, 2);
    fill(src, 3);
    memset(dst, 0, PAGE_SIZE);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 100), local(RAM_GFN + 2, 2000), 300), GNTST_okay);
    CHECK(memcmp(dst + 2000, src + 100, 300) == 0);
    CHECK(all(dst, 2000, 0) && all(dst + 2300, PAGE_SIZE - 2300, 0));
    /* The whole page, and the last byte. */
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 0), local(RAM_GFN + 2, 0), 4096), GNTST_okay);
    CHECK(memcmp(dst, src, PAGE_SIZE) == 0);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 4095), local(RAM_GFN + 3, 4095), 1), GNTST_okay);
    CHECK_EQ(ram(d1, 3)[4095], src[4095]);
    teardown();
}

TEST(copy_local_frames_only_by_domid_self)
{
    setup();
    /* "Only DOMID_SELF may reference via frame", even by one's own id. */
    struct side own_by_id = { false, RAM_GFN + 1, 1, 0 };
    struct side other = { false, RAM_GFN + 1, 2, 0 };

    CHECK_EQ(copy1(d1, own_by_id, local(RAM_GFN + 2, 0), 8), GNTST_permission_denied);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 2, 0), own_by_id, 8), GNTST_permission_denied);
    CHECK_EQ(copy1(d1, other, local(RAM_GFN + 2, 0), 8), GNTST_permission_denied);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 2, 0), other, 8), GNTST_permission_denied);
    teardown();
}

TEST(copy_bad_local_frames)
{
    gfn_t gt_gfn = RAM_GFN + RAM_PAGES;
    mfn_t mfn, ro;
    gfn_t old;

    setup();
    /* A hole, a gfn past the guest-physical space. */
    CHECK_EQ(copy1(d1, local(HOLE_GFN, 0), local(RAM_GFN, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), local(HOLE_GFN, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(1ULL << 36, 0), local(RAM_GFN, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), local(~0ULL, 0), 8), GNTST_bad_page);
    /* A frame that is mapped but not its own RAM (its grant-table frame). */
    CHECK_EQ(gnttab_physmap_frame(d1, 0, &mfn, &old), 0);
    CHECK_EQ(p2m_set_entry(&d1->p2m, gt_gfn, mfn, P2M_ORDER_4K, p2m_ram_rw), 0);
    CHECK_EQ(copy1(d1, local(gt_gfn, 0), local(RAM_GFN, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), local(gt_gfn, 0), 8), GNTST_bad_page);
    CHECK_EQ(p2m_set_entry(&d1->p2m, gt_gfn, 0, P2M_ORDER_4K, p2m_invalid), 0);
    /* Read-only RAM of its own can be copied from. */
    ro = page_alloc(0);
    pfn_to_page(ro)->owner = 1;
    memset(pfn_to_virt(ro), 0x3c, PAGE_SIZE);
    CHECK_EQ(p2m_set_entry(&d1->p2m, gt_gfn, ro, P2M_ORDER_4K, p2m_ram_ro), 0);
    CHECK_EQ(copy1(d1, local(gt_gfn, 0), local(RAM_GFN, 0), 16), GNTST_okay);
    CHECK(all(ram(d1, 0), 16, 0x3c));
    CHECK_EQ(p2m_set_entry(&d1->p2m, gt_gfn, 0, P2M_ORDER_4K, p2m_invalid), 0);
    page_free(ro, 0);
    teardown();
}

TEST(copy_beyond_the_page_is_bad_copy_arg)
{
    uint8_t *dst;

    setup();
    dst = ram(d1, 2);
    memset(dst, 0, PAGE_SIZE);
    fill(ram(d1, 1), 9);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 4000), local(RAM_GFN + 2, 0), 97), GNTST_bad_copy_arg);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 0), local(RAM_GFN + 2, 4095), 2), GNTST_bad_copy_arg);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 0), local(RAM_GFN + 2, 0), 4097), GNTST_bad_copy_arg);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 65535), local(RAM_GFN + 2, 0), 1), GNTST_bad_copy_arg);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 0), local(RAM_GFN + 2, 0), 65535), GNTST_bad_copy_arg);
    CHECK(all(dst, PAGE_SIZE, 0));
    /* Exactly to the end is fine. */
    CHECK_EQ(copy1(d1, local(RAM_GFN + 1, 4000), local(RAM_GFN + 2, 0), 96), GNTST_okay);
    CHECK(memcmp(dst, ram(d1, 1) + 4000, 96) == 0);
    teardown();
}

/* ---- copy: grant references ----------------------------------------------------- */

TEST(copy_from_a_grant)
{
    volatile struct grant_entry_v1 *e;
    uint8_t *src, *dst;

    setup();
    src = ram(d2, 3);
    dst = ram(d1, 0);
    fill(src, 0x11);
    memset(dst, 0, PAGE_SIZE);
    grant(d2, 5, 1, RAM_GFN + 3, GTF_permit_access);
    CHECK_EQ(copy1(d1, ref(2, 5, 16), local(RAM_GFN, 32), 512), GNTST_okay);
    CHECK(memcmp(dst + 32, src + 16, 512) == 0);
    CHECK(all(dst, 32, 0));
    e = entry(d2, 5);
    CHECK_EQ(e->flags, GTF_permit_access);         /* GTF_reading cleared again */
    CHECK_EQ(e->domid, 1);
    CHECK_EQ(e->frame, RAM_GFN + 3);
    /* A read-only grant can be read. */
    grant(d2, 6, 1, RAM_GFN + 3, GTF_permit_access | GTF_readonly);
    CHECK_EQ(copy1(d1, ref(2, 6, 0), local(RAM_GFN, 0), 4096), GNTST_okay);
    CHECK(memcmp(dst, src, PAGE_SIZE) == 0);
    CHECK_EQ(entry(d2, 6)->flags, GTF_permit_access | GTF_readonly);
    teardown();
}

TEST(copy_to_a_grant)
{
    uint8_t *src, *dst;

    setup();
    src = ram(d1, 4);
    dst = ram(d2, 4);
    fill(src, 0x42);
    memset(dst, 0, PAGE_SIZE);
    grant(d2, 9, 1, RAM_GFN + 4, GTF_permit_access);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 4, 0), ref(2, 9, 1024), 1024), GNTST_okay);
    CHECK(memcmp(dst + 1024, src, 1024) == 0);
    CHECK(all(dst, 1024, 0) && all(dst + 2048, 2048, 0));
    CHECK_EQ(entry(d2, 9)->flags, GTF_permit_access);  /* reading, writing cleared */
    /* Never into a read-only grant: GNTST_general_error, nothing written. */
    grant(d2, 10, 1, RAM_GFN + 5, GTF_permit_access | GTF_readonly);
    memset(ram(d2, 5), 0, PAGE_SIZE);
    CHECK_EQ(copy1(d1, local(RAM_GFN + 4, 0), ref(2, 10, 0), 64), GNTST_general_error);
    CHECK(all(ram(d2, 5), PAGE_SIZE, 0));
    CHECK_EQ(entry(d2, 10)->flags, GTF_permit_access | GTF_readonly);
    teardown();
}

TEST(copy_grant_to_grant)
{
    struct domain *d3;
    uint8_t *src, *dst;

    setup();
    d3 = mkdom(3, false);
    src = ram(d2, 1);
    dst = ram(d3, 2);
    fill(src, 0x77);
    memset(dst, 0, PAGE_SIZE);
    grant(d2, 20, 1, RAM_GFN + 1, GTF_permit_access | GTF_readonly);
    grant(d3, 30, 1, RAM_GFN + 2, GTF_permit_access);
    CHECK_EQ(copy1(d1, ref(2, 20, 8), ref(3, 30, 4000), 96), GNTST_okay);
    CHECK(memcmp(dst + 4000, src + 8, 96) == 0);
    CHECK_EQ(entry(d2, 20)->flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(entry(d3, 30)->flags, GTF_permit_access);

    /* One ref as both sides: pinned for reading, then for writing too. */
    fill(dst, 1);
    CHECK_EQ(copy1(d1, ref(3, 30, 0), ref(3, 30, 2048), 2048), GNTST_okay);
    CHECK(memcmp(dst + 2048, dst, 2048) == 0);
    CHECK_EQ(entry(d3, 30)->flags, GTF_permit_access);
    CHECK_EQ(copy1(d1, ref(2, 20, 0), ref(2, 20, 2048), 16), GNTST_general_error);
    CHECK_EQ(entry(d2, 20)->flags, GTF_permit_access | GTF_readonly);
    rmdom(d3);
    teardown();
}

TEST(copy_can_fail_flag_changes_nothing)
{
    struct gnttab_copy op;

    setup();
    fill(ram(d2, 2), 5);
    grant(d2, 4, 1, RAM_GFN + 2, GTF_permit_access);
    op = mkcopy(ref(2, 4, 0), local(RAM_GFN, 0), 128);
    op.flags |= 1u << 2;            /* Xen's GNTCOPY_can_fail: for paged-out frames only */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_copy, &op, 1), 0);
    CHECK_EQ(op.status, GNTST_okay);
    CHECK(memcmp(ram(d1, 0), ram(d2, 2), 128) == 0);
    teardown();
}

TEST(copy_refused_grants)
{
    volatile struct grant_entry_v1 *e;

    setup();
    memset(ram(d1, 0), 0, PAGE_SIZE);
    fill(ram(d2, 0), 3);
    /* Granted to another domain, of the wrong type, or not at all. */
    grant(d2, 1, 3, RAM_GFN, GTF_permit_access);
    CHECK_EQ(copy1(d1, ref(2, 1, 0), local(RAM_GFN, 0), 8), GNTST_general_error);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), ref(2, 1, 0), 8), GNTST_general_error);
    grant(d2, 2, 1, RAM_GFN, GTF_invalid);
    CHECK_EQ(copy1(d1, ref(2, 2, 0), local(RAM_GFN, 0), 8), GNTST_general_error);
    grant(d2, 3, 1, RAM_GFN, GTF_accept_transfer);
    CHECK_EQ(copy1(d1, ref(2, 3, 0), local(RAM_GFN, 0), 8), GNTST_general_error);
    grant(d2, 4, 1, RAM_GFN, GTF_transitive);      /* v1 has no transitive grants */
    CHECK_EQ(copy1(d1, ref(2, 4, 0), local(RAM_GFN, 0), 8), GNTST_general_error);
    CHECK(all(ram(d1, 0), PAGE_SIZE, 0));
    e = entry(d2, 1);
    CHECK_EQ(e->flags, GTF_permit_access);
    CHECK_EQ(entry(d2, 2)->flags, GTF_invalid);
    CHECK_EQ(entry(d2, 3)->flags, GTF_accept_transfer);
    teardown();
}

TEST(copy_bad_refs_and_domains)
{
    struct domain *gone;

    setup();
    fill(ram(d2, 0), 3);
    grant(d2, ENTRIES - 1, 1, RAM_GFN, GTF_permit_access);
    CHECK_EQ(copy1(d1, ref(2, ENTRIES - 1, 0), local(RAM_GFN, 0), 8), GNTST_okay);
    /* One past the table (one frame: 512 entries), and far past. */
    CHECK_EQ(copy1(d1, ref(2, ENTRIES, 0), local(RAM_GFN, 0), 8), GNTST_bad_gntref);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), ref(2, ENTRIES, 0), 8), GNTST_bad_gntref);
    CHECK_EQ(copy1(d1, ref(2, 0xffffffffu, 0), local(RAM_GFN, 0), 8), GNTST_bad_gntref);
    /* Xen 4.17 checks a zero-length op like any other. */
    CHECK_EQ(copy1(d1, ref(2, ENTRIES, 0), local(RAM_GFN, 0), 0), GNTST_bad_gntref);
    /* Once the table has grown, the ref exists. */
    grant(d2, ENTRIES, 1, RAM_GFN, GTF_permit_access);
    CHECK_EQ(copy1(d1, ref(2, ENTRIES, 0), local(RAM_GFN, 0), 8), GNTST_okay);
    /* No such domain; a domain whose table is gone (torn down). */
    CHECK_EQ(copy1(d1, ref(9, 0, 0), local(RAM_GFN, 0), 8), GNTST_bad_domain);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), ref(DOMID_INVALID, 0, 0), 8), GNTST_bad_domain);
    gone = mkdom(4, false);
    grant(gone, 1, 1, RAM_GFN, GTF_permit_access);
    gnttab_domain_destroy(gone);
    CHECK_EQ(copy1(d1, ref(4, 1, 0), local(RAM_GFN, 0), 8), GNTST_bad_domain);
    CHECK_EQ(gnttab_op(gone, GNTTABOP_query_size, &(struct gnttab_query_size){ 0 }, 1), -ENOSYS);
    rmdom(gone);
    teardown();
}

TEST(copy_granted_frame_must_be_the_granters_ram)
{
    setup();
    memset(ram(d1, 0), 0, PAGE_SIZE);
    grant(d2, 1, 1, HOLE_GFN, GTF_permit_access);
    CHECK_EQ(copy1(d1, ref(2, 1, 0), local(RAM_GFN, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), ref(2, 1, 0), 8), GNTST_bad_page);
    CHECK_EQ(entry(d2, 1)->flags, GTF_permit_access);  /* unpinned after the failure */
    teardown();
}

/* An op with several faults gets the status of the first Xen 4.17 finds:
 * both domains first, then the source (ref, frame), then the destination,
 * then the offsets. */
TEST(copy_faults_reported_in_xens_order)
{
    struct side own_by_id = { false, RAM_GFN, 1, 0 };

    setup();
    grant(d2, 1, 1, HOLE_GFN, GTF_permit_access);          /* a hole */
    grant(d2, 2, 1, RAM_GFN, GTF_permit_access | GTF_readonly);
    CHECK_EQ(copy1(d1, ref(2, ENTRIES, 0), ref(9, 0, 0), 8), GNTST_bad_domain);
    CHECK_EQ(copy1(d1, ref(2, ENTRIES, 0), own_by_id, 8), GNTST_permission_denied);
    CHECK_EQ(copy1(d1, local(HOLE_GFN, 0), ref(2, ENTRIES, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, ref(2, 1, 0), ref(2, 2, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 0), ref(2, 2, 0), 8), GNTST_general_error);
    CHECK_EQ(copy1(d1, ref(2, 1, 4090), local(RAM_GFN, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 4090), ref(2, 1, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 4090), local(HOLE_GFN, 0), 8), GNTST_bad_page);
    CHECK_EQ(copy1(d1, local(RAM_GFN, 4090), ref(2, 2, 0), 8), GNTST_general_error);
    CHECK_EQ(entry(d2, 1)->flags, GTF_permit_access);      /* every pin undone */
    CHECK_EQ(entry(d2, 2)->flags, GTF_permit_access | GTF_readonly);
    teardown();
}

TEST(copy_batches)
{
    struct gnttab_copy ops[3];

    setup();
    fill(ram(d1, 1), 1);
    memset(ram(d1, 2), 0, PAGE_SIZE);
    /* Each op has its own status; a failed op does not stop the rest. */
    ops[0] = mkcopy(local(RAM_GFN + 1, 0), local(RAM_GFN + 2, 0), 10);
    ops[1] = mkcopy(local(HOLE_GFN, 0), local(RAM_GFN + 2, 100), 10);
    ops[2] = mkcopy(local(RAM_GFN + 1, 200), local(RAM_GFN + 2, 200), 10);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_copy, ops, 3), 0);
    CHECK_EQ(ops[0].status, GNTST_okay);
    CHECK_EQ((int16_t)ops[1].status, GNTST_bad_page);
    CHECK_EQ(ops[2].status, GNTST_okay);
    CHECK(memcmp(ram(d1, 2), ram(d1, 1), 10) == 0);
    CHECK(all(ram(d1, 2) + 100, 10, 0));
    CHECK(memcmp(ram(d1, 2) + 200, ram(d1, 1) + 200, 10) == 0);
    /* No op: nothing read. */
    mm_fix_copies_in = 0;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_copy, NULL, 0), 0);
    CHECK_EQ(mm_fix_copies_in, 0);
    /* The array unreadable, or a status unwritable: -EFAULT. */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_copy, NULL, 1), -EFAULT);
    mm_fix_readonly(&ops[1].status, sizeof(ops[1].status));
    CHECK_EQ(gnttab_op(d1, GNTTABOP_copy, ops, 3), -EFAULT);
    CHECK_EQ(ops[0].status, GNTST_okay);
    mm_fix_readonly(NULL, 0);
    teardown();
}

/* Any size: 5000 copies through several continuations, each op done once
 * with its status written; a pending softirq stops a batch after one op. */
TEST(copy_batches_continue)
{
    struct gnttab_copy *many = calloc(5000, sizeof(*many));
    uint32_t restarts;

    setup();
    fill(ram(d1, 1), 3);
    for (uint32_t i = 0; i < 5000; i++)
        many[i] = mkcopy(local(RAM_GFN + 1, (uint16_t)(i % 4096)),
                         local(RAM_GFN + 2, (uint16_t)(i % 4096)), 1);
    many[4321].source.u.gmfn = HOLE_GFN;            /* one bad op in a later part */
    mm_fix_copies_in = 0;
    CHECK_EQ(gnttab_op_all(d1, GNTTABOP_copy, many, 5000, &restarts), 0);
    CHECK_EQ(restarts, (5000 - 1) / GNTTAB_OPS_PER_CALL);
    CHECK_EQ(mm_fix_copies_in, 5000);               /* each op read once */
    for (uint32_t i = 0; i < 5000; i++)
        CHECK_EQ((int16_t)many[i].status, i == 4321 ? GNTST_bad_page : GNTST_okay);
    CHECK(memcmp(ram(d1, 2), ram(d1, 1), PAGE_SIZE) == 0);
    /* The first call alone stops after GNTTAB_OPS_PER_CALL ops. */
    d1->vcpus[0]->hcall_preempted = false;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_copy, many, 5000), -ERESTART);
    CHECK(d1->vcpus[0]->hcall_preempted);
    CHECK_EQ(d1->vcpus[0]->hcall_args[1],
             (uint64_t)(uintptr_t)(many + GNTTAB_OPS_PER_CALL));
    CHECK_EQ(d1->vcpus[0]->hcall_args[2], 5000 - GNTTAB_OPS_PER_CALL);
    /* Preempted by a softirq: one op per call, but never none. */
    preempt_now = true;
    CHECK_EQ(gnttab_op_all(d1, GNTTABOP_copy, many, 3, &restarts), 0);
    CHECK_EQ(restarts, 2);
    preempt_now = false;
    free(many);
    teardown();
}

/* ---- map_grant_ref / unmap_grant_ref ------------------------------------------ */

#define MAP_GFN     0x400       /* where d1 maps grants: nothing there */

static struct gnttab_map_grant_ref mkmap(domid_t dom, grant_ref_t r, gfn_t at, uint32_t flags)
{
    return (struct gnttab_map_grant_ref){ .host_addr = at << PAGE_SHIFT, .flags = flags,
                                          .ref = r, .dom = dom, .status = 0x5a5a,
                                          .handle = 0xdeadbeef };
}

/* One map op by d: its status, the handle in *h. */
static int16_t map1(struct domain *d, domid_t dom, grant_ref_t r, gfn_t at, uint32_t flags,
                    uint32_t *h)
{
    struct gnttab_map_grant_ref op = mkmap(dom, r, at, flags);

    CHECK_EQ(gnttab_op(d, GNTTABOP_map_grant_ref, &op, 1), 0);
    if (h)
        *h = op.handle;
    return op.status;
}

static int16_t unmap1(struct domain *d, gfn_t at, uint32_t h)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = at << PAGE_SHIFT, .handle = h,
                                         .status = 0x5a5a };

    CHECK_EQ(gnttab_op(d, GNTTABOP_unmap_grant_ref, &op, 1), 0);
    return op.status;
}

static enum p2m_type p2m_type_at(struct domain *d, gfn_t gfn, mfn_t *mfn)
{
    enum p2m_type t;

    if (p2m_get_entry(&d->p2m, gfn, mfn, &t, NULL) < 0)
        return p2m_invalid;
    return t;
}

static mfn_t ram_mfn(struct domain *d, uint32_t i)
{
    mfn_t mfn;

    CHECK_EQ(p2m_get_entry(&d->p2m, RAM_GFN + i, &mfn, NULL, NULL), 0);
    return mfn;
}

/* Nothing mapped, pinned or referenced is left of a failed map. */
static void check_nothing_mapped(grant_ref_t r, uint32_t granted_page)
{
    CHECK_EQ(gnttab_nr_mapped(d1), 0);
    CHECK(!page_ref_held(ram_mfn(d2, granted_page)));
    CHECK_EQ(entry(d2, r)->flags & (GTF_reading | GTF_writing), 0);
}

TEST(map_rw_and_ro_pins_flags_and_references)
{
    mfn_t granted, mfn;
    uint32_t hw, hr;
    struct gnttab_map_grant_ref op;

    setup();
    granted = ram_mfn(d2, 3);
    fill(ram(d2, 3), 9);
    grant(d2, 5, 1, RAM_GFN + 3, GTF_permit_access);
    op = mkmap(2, 5, MAP_GFN, GNTMAP_host_map);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_map_grant_ref, &op, 1), 0);
    CHECK_EQ(op.status, GNTST_okay);
    hw = op.handle;
    CHECK_EQ(op.dev_bus_addr, granted << PAGE_SHIFT);       /* as Xen 4.17 */
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, &mfn), p2m_grant_map_rw);
    CHECK_EQ(mfn, granted);
    CHECK_EQ(pfn_to_page(granted)->count, 1);
    CHECK_EQ(entry(d2, 5)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    /* The same grant again, read-only, elsewhere: a second handle. */
    CHECK_EQ(map1(d1, 2, 5, MAP_GFN + 1, GNTMAP_host_map | GNTMAP_readonly, &hr), GNTST_okay);
    CHECK(hr != hw);
    CHECK_EQ(p2m_type_at(d1, MAP_GFN + 1, &mfn), p2m_grant_map_ro);
    CHECK_EQ(mfn, granted);
    CHECK_EQ(pfn_to_page(granted)->count, 2);
    CHECK_EQ(gnttab_nr_mapped(d1), 2);
    /* While pinned by d1, another domain's copy of it is refused. */
    {
        struct domain *d3 = mkdom(3, false);
        CHECK_EQ(copy1(d3, ref(2, 5, 0), local(RAM_GFN, 0), 8), GNTST_general_error);
        rmdom(d3);
    }
    /* The rw mapping goes: GTF_writing with it, GTF_reading stays. */
    page_puts = 0;
    CHECK_EQ(unmap1(d1, MAP_GFN, hw), GNTST_okay);
    CHECK_EQ(page_puts, 1);
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, NULL), p2m_invalid);
    CHECK_EQ(entry(d2, 5)->flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(pfn_to_page(granted)->count, 1);
    CHECK_EQ(unmap1(d1, MAP_GFN + 1, hr), GNTST_okay);
    CHECK_EQ(p2m_type_at(d1, MAP_GFN + 1, NULL), p2m_invalid);
    check_nothing_mapped(5, 3);
    CHECK_EQ(entry(d2, 5)->flags, GTF_permit_access);
    /* Unmapped, the grant may be ended and its frame given back. */
    teardown();
}

TEST(map_readonly_grant)
{
    uint32_t h;

    setup();
    grant(d2, 6, 1, RAM_GFN + 2, GTF_permit_access | GTF_readonly);
    CHECK_EQ(map1(d1, 2, 6, MAP_GFN, GNTMAP_host_map, &h), GNTST_general_error);
    CHECK_EQ(h, 0xdeadbeef);                        /* no handle given */
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, NULL), p2m_invalid);
    check_nothing_mapped(6, 2);
    CHECK_EQ(map1(d1, 2, 6, MAP_GFN, GNTMAP_host_map | GNTMAP_readonly, &h), GNTST_okay);
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, NULL), p2m_grant_map_ro);
    CHECK_EQ(entry(d2, 6)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
    /* A write mapping while read-mapped: still refused, the pin kept. */
    CHECK_EQ(map1(d1, 2, 6, MAP_GFN + 1, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(entry(d2, 6)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(unmap1(d1, MAP_GFN, h), GNTST_okay);
    check_nothing_mapped(6, 2);
    teardown();
}

/* Flags, domains, refs and entries as Xen 4.17 judges them; nothing is
 * left mapped, pinned or referenced after any of them. */
TEST(map_refused)
{
    struct domain *d3;

    setup();
    d3 = mkdom(3, false);
    grant(d2, 1, 1, RAM_GFN + 1, GTF_permit_access);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, 0, NULL), GNTST_bad_gntref);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_readonly, NULL), GNTST_bad_gntref);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_device_map, NULL), GNTST_general_error);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map | GNTMAP_device_map, NULL),
             GNTST_general_error);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map | GNTMAP_application_map, NULL),
             GNTST_general_error);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map | GNTMAP_contains_pte, NULL),
             GNTST_general_error);
    CHECK_EQ(map1(d1, 9, 1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_domain);
    CHECK_EQ(map1(d1, DOMID_SELF, 1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_domain);
    CHECK_EQ(map1(d1, 0x7ff0, 1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_domain);
    CHECK_EQ(map1(d1, 0xffff, 1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_domain);
    CHECK_EQ(map1(d1, 2, ENTRIES, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_gntref);
    CHECK_EQ(map1(d1, 2, 0xffffffffu, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_gntref);
    /* Granted to someone else, not granted, a transfer entry: refused. */
    CHECK_EQ(map1(d3, 2, 1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(map1(d1, 2, 2, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
    grant(d2, 3, 1, RAM_GFN + 1, GTF_accept_transfer);
    CHECK_EQ(map1(d1, 2, 3, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
    /* The granted frame not the granter's RAM: bad_page, the flags put back. */
    grant(d2, 4, 1, HOLE_GFN, GTF_permit_access);
    CHECK_EQ(map1(d1, 2, 4, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_page);
    CHECK_EQ(entry(d2, 4)->flags, GTF_permit_access);
    grant(d2, 4, 1, 0xffffffffu, GTF_permit_access);
    CHECK_EQ(map1(d1, 2, 4, MAP_GFN, GNTMAP_host_map, NULL), GNTST_bad_page);
    CHECK_EQ(entry(d2, 4)->flags, GTF_permit_access);
    /* host_addr: the mapper's own RAM, beyond the guest-physical space. */
    CHECK_EQ(map1(d1, 2, 1, RAM_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK(ktest_log_contains("is not an unmapped guest frame"));
    CHECK_EQ(p2m_type_at(d1, RAM_GFN, NULL), p2m_ram_rw);
    CHECK_EQ(map1(d1, 2, 1, 1ULL << 36, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(map1(d1, 2, 1, (~0ULL) >> PAGE_SHIFT, GNTMAP_host_map, NULL), GNTST_general_error);
    check_nothing_mapped(1, 1);
    /* Where a grant is mapped already: refused, the first one intact. */
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_okay);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map | GNTMAP_readonly, NULL),
             GNTST_general_error);
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, NULL), p2m_grant_map_rw);
    CHECK_EQ(pfn_to_page(ram_mfn(d2, 1))->count, 1);
    CHECK_EQ(gnttab_nr_mapped(d1), 1);
    rmdom(d3);
    rmdom(d1);          /* d1's mapping goes with d1 */
    CHECK(!page_ref_held(ram_mfn(d2, 1)));
    rmdom(d2);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(unmap_checks_handle_and_host_addr)
{
    struct domain *d3;
    uint32_t h;
    struct gnttab_unmap_and_replace r;

    setup();
    d3 = mkdom(3, false);
    grant(d2, 1, 1, RAM_GFN + 1, GTF_permit_access);
    CHECK_EQ(unmap1(d1, MAP_GFN, 0), GNTST_bad_handle);             /* none yet */
    CHECK_EQ(unmap1(d1, MAP_GFN, 0xffffffffu), GNTST_bad_handle);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
    CHECK_EQ(unmap1(d1, MAP_GFN, h + 1), GNTST_bad_handle);         /* free handle */
    CHECK_EQ(unmap1(d3, MAP_GFN, h), GNTST_bad_handle);             /* not d3's */
    CHECK_EQ(unmap1(d1, MAP_GFN + 1, h), GNTST_general_error);      /* elsewhere */
    CHECK_EQ(unmap1(d1, 0, h), GNTST_general_error);
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, NULL), p2m_grant_map_rw);     /* still mapped */
    /* unmap_and_replace: a translated caller may not replace (Xen). */
    r = (struct gnttab_unmap_and_replace){ .host_addr = MAP_GFN << PAGE_SHIFT,
                                           .new_addr = RAM_GFN << PAGE_SHIFT, .handle = h };
    CHECK_EQ(gnttab_op(d1, GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK_EQ(r.status, GNTST_general_error);
    CHECK_EQ(gnttab_nr_mapped(d1), 1);
    r.new_addr = 0;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK_EQ(r.status, GNTST_okay);
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, NULL), p2m_invalid);
    /* Twice: the handle is gone. */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK_EQ(r.status, GNTST_bad_handle);
    CHECK_EQ(unmap1(d1, MAP_GFN, h), GNTST_bad_handle);
    check_nothing_mapped(1, 1);
    /* A status unwritable: -EFAULT. */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_unmap_grant_ref, NULL, 1), -EFAULT);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_map_grant_ref, NULL, 1), -EFAULT);
    rmdom(d3);
    teardown();
}

TEST(maptrack_full_is_no_space)
{
    uint32_t h[GNTTAB_MAPTRACK_PER_FRAME + 1];

    setup();
    grant(d2, 1, 1, RAM_GFN + 1, GTF_permit_access);
    gnttab_set_max_maptrack_frames(d1, 1);
    for (uint32_t i = 0; i < GNTTAB_MAPTRACK_PER_FRAME; i++)
        CHECK_EQ(map1(d1, 2, 1, MAP_GFN + i, GNTMAP_host_map | GNTMAP_readonly, &h[i]),
                 GNTST_okay);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN + 1000, GNTMAP_host_map | GNTMAP_readonly, NULL),
             GNTST_no_space);
    CHECK(ktest_log_contains("no maptrack handle left"));
    CHECK_EQ(pfn_to_page(ram_mfn(d2, 1))->count, GNTTAB_MAPTRACK_PER_FRAME);
    /* One back, one more. */
    CHECK_EQ(unmap1(d1, MAP_GFN + 7, h[7]), GNTST_okay);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN + 1000, GNTMAP_host_map | GNTMAP_readonly, &h[7]),
             GNTST_okay);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN + 1001, GNTMAP_host_map | GNTMAP_readonly, NULL),
             GNTST_no_space);
    for (uint32_t i = 0; i < GNTTAB_MAPTRACK_PER_FRAME; i++)
        CHECK_EQ(unmap1(d1, i == 7 ? MAP_GFN + 1000 : MAP_GFN + i, h[i]), GNTST_okay);
    check_nothing_mapped(1, 1);
    /* A domain allowed no maptrack frame maps nothing. */
    {
        struct domain *d3 = mkdom(3, false);
        grant(d2, 2, 3, RAM_GFN + 1, GTF_permit_access);
        gnttab_set_max_maptrack_frames(d3, 0);
        CHECK_EQ(map1(d3, 2, 2, MAP_GFN, GNTMAP_host_map, NULL), GNTST_no_space);
        rmdom(d3);
    }
    teardown();
}

/* Batches of maps and unmaps of any size, through continuations. */
TEST(map_unmap_batches_continue)
{
    enum { N = 600 };
    struct gnttab_map_grant_ref *m = calloc(N, sizeof(*m));
    struct gnttab_unmap_grant_ref *u = calloc(N, sizeof(*u));
    uint32_t restarts;

    setup();
    grant(d2, 1, 1, RAM_GFN + 1, GTF_permit_access);
    for (uint32_t i = 0; i < N; i++)
        m[i] = mkmap(2, 1, MAP_GFN + i, GNTMAP_host_map);
    m[599].ref = 9999;
    CHECK_EQ(gnttab_op_all(d1, GNTTABOP_map_grant_ref, m, N, &restarts), 0);
    CHECK_EQ(restarts, (N - 1) / GNTTAB_OPS_PER_CALL);
    for (uint32_t i = 0; i < N; i++)
        CHECK_EQ(m[i].status, i == 599 ? GNTST_bad_gntref : GNTST_okay);
    CHECK_EQ(gnttab_nr_mapped(d1), N - 1);
    for (uint32_t i = 0; i < N; i++)
        u[i] = (struct gnttab_unmap_grant_ref){ .host_addr = m[i].host_addr,
                                                .handle = m[i].handle, .status = 0x5a5a };
    CHECK_EQ(gnttab_op_all(d1, GNTTABOP_unmap_grant_ref, u, N, &restarts), 0);
    CHECK_EQ(restarts, (N - 1) / GNTTAB_OPS_PER_CALL);
    for (uint32_t i = 0; i < N; i++)
        CHECK_EQ(u[i].status, i == 599 ? GNTST_bad_handle : GNTST_okay);
    check_nothing_mapped(1, 1);
    free(m);
    free(u);
    teardown();
}

/* The mapper destroyed while it maps grants: each is unmapped, its pin
 * and page reference dropped; the granter can take its pages back. */
TEST(mapper_destroyed_unmaps_everything)
{
    mfn_t a, b;

    setup();
    a = ram_mfn(d2, 1);
    b = ram_mfn(d2, 2);
    grant(d2, 1, 1, RAM_GFN + 1, GTF_permit_access);
    grant(d2, 2, 1, RAM_GFN + 2, GTF_permit_access | GTF_readonly);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map, NULL), GNTST_okay);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN + 1, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_okay);
    CHECK_EQ(map1(d1, 2, 2, MAP_GFN + 2, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_okay);
    CHECK_EQ(pfn_to_page(a)->count, 2);
    CHECK_EQ(pfn_to_page(b)->count, 1);
    page_puts = 0;
    rmdom(d1);
    CHECK_EQ(page_puts, 3);
    CHECK_EQ(pfn_to_page(a)->count, 0);
    CHECK_EQ(pfn_to_page(b)->count, 0);
    CHECK_EQ(entry(d2, 1)->flags, GTF_permit_access);
    CHECK_EQ(entry(d2, 2)->flags, GTF_permit_access | GTF_readonly);
    rmdom(d2);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* The granter destroyed while its frame is mapped: the frame stays (a
 * page reference), the mapper still reads it, and its unmap still works. */
TEST(granter_destroyed_while_mapped)
{
    uint32_t h;
    mfn_t granted;

    setup();
    granted = ram_mfn(d2, 4);
    fill(ram(d2, 4), 5);
    grant(d2, 1, 1, RAM_GFN + 4, GTF_permit_access);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
    rmdom(d2);                          /* its other frames are freed */
    CHECK(page_ref_held(granted));
    CHECK(pfn_to_page(granted)->flags & PGF_ALLOCATED);     /* not freed */
    CHECK_EQ(p2m_type_at(d1, MAP_GFN, NULL), p2m_grant_map_rw);
    CHECK_EQ(((uint8_t *)pfn_to_virt(granted))[1], (uint8_t)(5 + 7));
    CHECK_EQ(unmap1(d1, MAP_GFN, h), GNTST_okay);
    CHECK(!page_ref_held(granted));
    CHECK_EQ(gnttab_nr_mapped(d1), 0);
    page_free(granted, 0);              /* what the zombie's end does */
    rmdom(d1);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* ---- swap_grant_ref, transfer, cache_flush ------------------------------------------ */

TEST(swap_grant_ref_swaps_and_refuses)
{
    struct gnttab_swap_grant_ref ops[6] = {
        { .ref_a = 1, .ref_b = 2, .status = 0x55 },
        { .ref_a = 3, .ref_b = 3, .status = 0x55 },         /* same: a no-op */
        { .ref_a = 1, .ref_b = ENTRIES, .status = 0x55 },   /* past the table */
        { .ref_a = 0xffffffffu, .ref_b = 1, .status = 0x55 },
        { .ref_a = 1, .ref_b = 4, .status = 0x55 },         /* 4 is pinned */
        { .ref_a = 4, .ref_b = 1, .status = 0x55 },
    };
    uint32_t h;

    setup();
    grant(d1, 1, 2, RAM_GFN + 1, GTF_permit_access);
    grant(d1, 2, 3, RAM_GFN + 2, GTF_permit_access | GTF_readonly);
    grant(d1, 3, 2, RAM_GFN + 3, GTF_permit_access);
    grant(d1, 4, 2, RAM_GFN + 4, GTF_permit_access);
    CHECK_EQ(map1(d2, 1, 4, MAP_GFN, GNTMAP_host_map | GNTMAP_readonly, &h), GNTST_okay);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_swap_grant_ref, ops, 6), 0);
    CHECK_EQ(ops[0].status, GNTST_okay);
    CHECK_EQ(entry(d1, 1)->domid, 3);
    CHECK_EQ(entry(d1, 1)->frame, RAM_GFN + 2);
    CHECK_EQ(entry(d1, 1)->flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(entry(d1, 2)->domid, 2);
    CHECK_EQ(entry(d1, 2)->frame, RAM_GFN + 1);
    CHECK_EQ(entry(d1, 2)->flags, GTF_permit_access);
    CHECK_EQ(ops[1].status, GNTST_okay);
    CHECK_EQ(entry(d1, 3)->frame, RAM_GFN + 3);
    CHECK_EQ(ops[2].status, GNTST_bad_gntref);
    CHECK_EQ(ops[3].status, GNTST_bad_gntref);
    CHECK_EQ(ops[4].status, GNTST_eagain);
    CHECK_EQ(ops[5].status, GNTST_eagain);
    CHECK_EQ(entry(d1, 4)->frame, RAM_GFN + 4);         /* untouched */
    CHECK_EQ(entry(d1, 4)->flags, GTF_permit_access | GTF_reading);
    /* Unmapped, it swaps. */
    CHECK_EQ(unmap1(d2, MAP_GFN, h), GNTST_okay);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_swap_grant_ref, &ops[5], 1), 0);
    CHECK_EQ(ops[5].status, GNTST_okay);
    CHECK_EQ(entry(d1, 4)->domid, 3);
    CHECK_EQ(entry(d1, 1)->frame, RAM_GFN + 4);
    /* The call: unreadable op -EFAULT, unwritable status -EFAULT. */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_swap_grant_ref, NULL, 1), -EFAULT);
    mm_fix_readonly(ops, sizeof(ops));
    CHECK_EQ(gnttab_op(d1, GNTTABOP_swap_grant_ref, ops, 1), -EFAULT);
    mm_fix_readonly(NULL, 0);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_swap_grant_ref, NULL, 0), 0);
    teardown();
}

TEST(swap_grant_ref_batch_continues)
{
    uint32_t n = 600, restarts;
    struct gnttab_swap_grant_ref *many = calloc(n, sizeof(*many));

    setup();
    grant(d1, 1, 2, RAM_GFN + 1, GTF_permit_access);
    for (uint32_t i = 0; i < n; i++)
        many[i] = (struct gnttab_swap_grant_ref){ .ref_a = 1, .ref_b = 2, .status = 0x55 };
    CHECK_EQ(gnttab_op_all(d1, GNTTABOP_swap_grant_ref, many, n, &restarts), 0);
    CHECK_EQ(restarts, 2);                  /* 256 ops a call */
    for (uint32_t i = 0; i < n; i++)
        CHECK_EQ(many[i].status, GNTST_okay);
    CHECK_EQ(entry(d1, 1)->frame, RAM_GFN + 1);   /* an even number of swaps */
    CHECK_EQ(entry(d1, 2)->flags, 0);
    free(many);
    teardown();
}

TEST(transfer_refused_for_translated_guest)
{
    struct gnttab_transfer ops[4] = {
        { .mfn = RAM_GFN, .domid = 2, .ref = 1, .status = 0x55 },      /* RAM */
        { .mfn = HOLE_GFN, .domid = 2, .ref = 1, .status = 0x55 },     /* nothing */
        { .mfn = MAP_GFN, .domid = 2, .ref = 1, .status = 0x55 },      /* a grant map */
        { .mfn = ~0ULL, .domid = 2, .ref = 1, .status = 0x55 },
    };
    uint32_t h;
    mfn_t before;

    setup();
    before = ram_mfn(d1, 0);
    grant(d2, 1, 1, RAM_GFN + 1, GTF_permit_access);
    CHECK_EQ(map1(d1, 2, 1, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
    grant(d2, 2, 1, 0, GTF_accept_transfer);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_transfer, ops, 4), 0);
    CHECK_EQ(ops[0].status, GNTST_general_error);
    CHECK_EQ(ops[1].status, GNTST_bad_page);
    CHECK_EQ(ops[2].status, GNTST_bad_page);
    CHECK_EQ(ops[3].status, GNTST_bad_page);
    CHECK_EQ(ram_mfn(d1, 0), before);                   /* nothing moved */
    CHECK_EQ(pfn_to_page(before)->owner, 1);
    CHECK_EQ(entry(d2, 2)->flags, GTF_accept_transfer);
    CHECK_EQ(unmap1(d1, MAP_GFN, h), GNTST_okay);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_transfer, NULL, 1), -EFAULT);
    mm_fix_readonly(ops, sizeof(ops));
    CHECK_EQ(gnttab_op(d1, GNTTABOP_transfer, ops, 1), -EFAULT);
    mm_fix_readonly(NULL, 0);
    teardown();
}

static struct gnttab_cache_flush mkflush(mfn_t mfn, uint16_t off, uint16_t len, uint32_t op)
{
    return (struct gnttab_cache_flush){ .a.dev_bus_addr = mfn << PAGE_SHIFT, .offset = off,
                                        .length = len, .op = op };
}

static long flush1(struct domain *d, mfn_t mfn, uint16_t off, uint16_t len, uint32_t op)
{
    struct gnttab_cache_flush f = mkflush(mfn, off, len, op);

    return gnttab_op(d, GNTTABOP_cache_flush, &f, 1);
}

TEST(cache_flush_checks)
{
    mfn_t own, other, gframe;
    gfn_t old;
    uint32_t h;

    setup();
    own = ram_mfn(d1, 0);
    other = ram_mfn(d2, 3);
    /* Own RAM: clean, clean+invalidate; invalidate alone -EOPNOTSUPP (x86). */
    CHECK_EQ(flush1(d1, own, 0, PAGE_SIZE, GNTTAB_CACHE_CLEAN), 0);
    CHECK_EQ(flush1(d1, own, 100, 200, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL), 0);
    CHECK_EQ(flush1(d1, own, 0, 64, GNTTAB_CACHE_INVAL), -EOPNOTSUPP);
    /* Argument checks, before the frame is looked at. */
    CHECK_EQ(flush1(d1, own, PAGE_SIZE, 0, GNTTAB_CACHE_CLEAN), -EINVAL);
    CHECK_EQ(flush1(d1, own, 0, PAGE_SIZE + 1, GNTTAB_CACHE_CLEAN), -EINVAL);
    CHECK_EQ(flush1(d1, own, 1, PAGE_SIZE, GNTTAB_CACHE_CLEAN), -EINVAL);
    CHECK_EQ(flush1(d1, own, 0, 8, 4), -EINVAL);
    CHECK_EQ(flush1(d1, own, 0, 8, GNTTAB_CACHE_SOURCE_GREF | GNTTAB_CACHE_CLEAN), -EINVAL);
    /* Nothing to do: 0 whatever the frame. */
    CHECK_EQ(flush1(d1, ~0ULL >> PAGE_SHIFT, 0, 0, GNTTAB_CACHE_CLEAN), 0);
    CHECK_EQ(flush1(d1, own, 0, 8, 0), 0);
    /* Not a frame: -EINVAL; a free frame, Keel's own: -EPERM. */
    CHECK_EQ(flush1(d1, ~0ULL >> PAGE_SHIFT, 0, 8, GNTTAB_CACHE_CLEAN), -EINVAL);
    {
        pfn_t f = page_alloc(0);
        page_free(f, 0);
        CHECK_EQ(flush1(d1, f, 0, 8, GNTTAB_CACHE_CLEAN), -EPERM);
    }
    CHECK_EQ(gnttab_physmap_frame(d1, 0, &gframe, &old), 0);
    CHECK_EQ(flush1(d1, gframe, 0, 8, GNTTAB_CACHE_CLEAN), -EPERM);
    /* Another domain's frame: only while the caller has it pinned. */
    CHECK_EQ(flush1(d1, other, 0, 8, GNTTAB_CACHE_CLEAN), -EINVAL);
    grant(d2, 700, 1, RAM_GFN + 3, GTF_permit_access);     /* in frame 1 */
    CHECK_EQ(map1(d1, 2, 700, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
    CHECK_EQ(flush1(d1, other, 0, 8, GNTTAB_CACHE_CLEAN), 0);
    CHECK_EQ(flush1(d1, ram_mfn(d2, 2), 0, 8, GNTTAB_CACHE_CLEAN), -EINVAL);
    {
        struct domain *d3 = mkdom(3, false);
        CHECK_EQ(flush1(d3, other, 0, 8, GNTTAB_CACHE_CLEAN), -EINVAL);  /* not its pin */
        rmdom(d3);
    }
    CHECK_EQ(unmap1(d1, MAP_GFN, h), GNTST_okay);
    CHECK_EQ(flush1(d1, other, 0, 8, GNTTAB_CACHE_CLEAN), -EINVAL);
    /* The call. */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_cache_flush, NULL, 1), -EFAULT);
    CHECK_EQ(gnttab_op(d1, GNTTABOP_cache_flush, NULL, 0), 0);
    CHECK_EQ(domain_refs, 0);
    teardown();
}

/* The search of a big table is cut into steps of 4096 refs; a pending
 * softirq continues the hypercall with the position in the command's
 * upper bits, as Xen; those bits belong to cache_flush only. */
TEST(cache_flush_search_continues)
{
    struct gnttab_cache_flush f[2];
    struct vcpu *v;
    uint32_t h;
    mfn_t other;
    long rc;

    setup();
    v = d1->vcpus[0];
    other = ram_mfn(d2, 5);
    grant(d2, 3 * 4096 + 7, 1, RAM_GFN + 5, GTF_permit_access);   /* the table grows */
    CHECK_EQ(map1(d1, 2, 3 * 4096 + 7, MAP_GFN, GNTMAP_host_map, &h), GNTST_okay);
    f[0] = mkflush(ram_mfn(d1, 1), 0, 8, GNTTAB_CACHE_CLEAN);
    f[1] = mkflush(other, 8, 8, GNTTAB_CACHE_CLEAN);
    preempt_now = true;
    v->hcall_preempted = false;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_cache_flush, f, 2), -ERESTART);
    CHECK_EQ(v->hcall_args[0], GNTTABOP_cache_flush);       /* op 0 done */
    CHECK_EQ(v->hcall_args[1], (uint64_t)(uintptr_t)&f[1]);
    CHECK_EQ(v->hcall_args[2], 1);
    for (uint32_t step = 1; step <= 4; step++) {     /* refs 0-4095, ..., found in 12288- */
        v->hcall_preempted = false;
        rc = do_grant_table_op(v, v->hcall_args);
        CHECK_EQ(rc, step < 4 ? -ERESTART : 0);
        if (step < 4) {
            CHECK_EQ(v->hcall_args[0], GNTTABOP_cache_flush | (step * 4096));
            CHECK_EQ(v->hcall_args[1], (uint64_t)(uintptr_t)&f[1]);
            CHECK_EQ(v->hcall_args[2], 1);
        }
    }
    /* The same search unpreempted: one call. */
    preempt_now = false;
    v->hcall_preempted = false;
    CHECK_EQ(gnttab_op(d1, GNTTABOP_cache_flush, f, 2), 0);
    CHECK(!v->hcall_preempted);
    /* A position with a no-op: -EILSEQ; past the table: -EINVAL. */
    {
        uint64_t args[5] = { GNTTABOP_cache_flush | 4096, (uint64_t)(uintptr_t)f, 1, 0, 0 };
        f[0] = mkflush(other, 0, 0, GNTTAB_CACHE_CLEAN);
        CHECK_EQ(do_grant_table_op(v, args), -EILSEQ);
        f[0] = mkflush(other, 0, 8, GNTTAB_CACHE_CLEAN);
        args[0] = GNTTABOP_cache_flush | 0xfffff000u;
        CHECK_EQ(do_grant_table_op(v, args), -EINVAL);
        args[0] = GNTTABOP_cache_flush | 0x7000u;               /* 28672 > 16384 refs */
        CHECK_EQ(do_grant_table_op(v, args), -EINVAL);
    }
    /* Upper bits on any other op: -EINVAL. */
    CHECK_EQ(gnttab_op(d1, GNTTABOP_swap_grant_ref | 0x1000u, f, 1), -EINVAL);
    CHECK_EQ(unmap1(d1, MAP_GFN, h), GNTST_okay);
    teardown();
}

/* ---- add_to_physmap hooks and teardown ----------------------------------------- */

TEST(physmap_frames)
{
    mfn_t mfn, again;
    gfn_t old;

    setup();
    CHECK_EQ(gnttab_physmap_frame(d1, 32, &mfn, &old), -EINVAL);  /* past the limit */
    CHECK_EQ(gnttab_physmap_frame(d1, 1ULL << 32, &mfn, &old), -EINVAL);
    CHECK_EQ(nr_frames(d1), 1);
    CHECK_EQ(gnttab_physmap_frame(d1, 5, &mfn, &old), 0);        /* grows to hold it */
    CHECK_EQ(old, GNTTAB_GFN_NONE);
    CHECK_EQ(nr_frames(d1), 6);
    CHECK_EQ(pfn_to_page(mfn)->owner, DOMID_KEEL);                /* Keel's frame */
    CHECK(all(pfn_to_virt(mfn), PAGE_SIZE, 0));                    /* every entry invalid */
    gnttab_physmap_placed(d1, 5, 0x999);
    CHECK_EQ(gnttab_physmap_frame(d1, 5, &again, &old), 0);
    CHECK_EQ(again, mfn);
    CHECK_EQ(old, 0x999);
    CHECK_EQ(gnttab_physmap_frame(d1, 31, &mfn, &old), 0);
    CHECK_EQ(nr_frames(d1), 32);
    teardown();         /* the 32 frames are freed: the page count checks it */
}
