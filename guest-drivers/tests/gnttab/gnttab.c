// SPDX-License-Identifier: MIT
/*
 * test-gnttab: grant tables version 1 as a PVH guest uses them.  Every run
 * checks query_size, set/get_version, maps grant-table frames with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table) at unbacked addresses (the
 * table grows), setup_table's frame list, and GNTTABOP_copy on grants to
 * itself: data both ways, GTF_reading/GTF_writing cleared afterwards, and
 * Xen's status codes for bad refs, read-only grants, grants to another
 * domain, crossing a page end, foreign frames by number and bad domains.
 *
 * The command line picks a role for a two-domain run (Keel dom0less):
 *   role=granter peer=N  grants page A (read-only) at ref 8 and page B
 *                        (writable) at ref 9 to domain N, waits for N to
 *                        write the reply into B;
 *   role=copier peer=N   copies ref 8 of domain N, checks the pattern, is
 *                        refused a write to it; maps ref 8 read-only and
 *                        reads the pattern, is refused a writable mapping
 *                        of it, maps ref 9 writable and writes through it
 *                        (checked by copying ref 9 back), unmaps both (a
 *                        second unmap is refused), copies ref 8 in one
 *                        batch of 3000 ops, writes the reply to ref 9.
 * Without role= only the self tests run (also on Xen 4.17 as dom0).
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include "guest.h"
#include "guest_opts.h"

const char test_title[] = "gnttab";

#define PAGE_SIZE       4096ul
#define GT_OP(cmd, arg, n) hypercall3(__HYPERVISOR_grant_table_op, (cmd), (unsigned long)(arg), (n))
#define REF_A           8u
#define REF_B           9u
#define REF_INVALID     10u
#define REF_OTHER       11u
#define WAIT_TRIES      200000u
#define MAP_AT          16u     /* grant mappings: pages 16.. of the table's slot */
#define BATCH           3000u

static uint8_t page_a[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t page_b[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t page_c[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint64_t frame_list[4];
static struct gnttab_copy batch[BATCH];
static uint64_t table_gpa;

static struct grant_entry_v1 *table;    /* frame 0 (and 1 after it) */
static domid_t self_id;

static uint64_t gfn_of(const void *p)
{
    return (uint64_t)(uintptr_t)p / PAGE_SIZE;    /* identity-mapped */
}

static void yield(void)
{
    hyp_sched_op(SCHEDOP_yield, NULL);
}

/* Our domain ID from Xen's HVM CPUID leaf (base + 4: ECX when EAX bit 3). */
static domid_t own_domid(void)
{
    struct cpuid_regs r = cpuid(xen_cpuid.base + 4);

    if (xen_cpuid.max_leaf < xen_cpuid.base + 4 || !(r.eax & (1u << 3)))
        test_abort("the hypervisor does not tell the domain ID");
    return (domid_t)r.ecx;
}

static unsigned int opt_number(const char *name)
{
    char buf[16];
    unsigned int n = 0;

    if (!guest_opt_value(name, buf, sizeof(buf)))
        return 0;
    for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (unsigned int)(*p - '0');
    return n;
}

/* Linux's order: frame and domid first, the flags word last. */
static void grant(grant_ref_t ref, domid_t to, const void *page, uint16_t flags)
{
    table[ref].frame = (uint32_t)gfn_of(page);
    table[ref].domid = to;
    __atomic_store_n(&table[ref].flags, flags, __ATOMIC_RELEASE);
}

static uint16_t flags_of(grant_ref_t ref)
{
    return __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
}

/* ---- query_size, versions -------------------------------------------------- */

static void test_query_and_version(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    struct gnttab_get_version g = { .dom = DOMID_SELF };
    struct gnttab_set_version s = { .version = 1 };
    long rc;

    rc = GT_OP(GNTTABOP_query_size, &q, 1);
    CHECK(rc == 0 && q.status == GNTST_okay, "query_size: rc %ld status %d", rc, q.status);
    CHECK(q.nr_frames >= 1 && q.nr_frames <= q.max_nr_frames && q.max_nr_frames >= 4,
          "query_size: %u of %u frames", q.nr_frames, q.max_nr_frames);
    printf("query_size: %u of %u frames\n", q.nr_frames, q.max_nr_frames);
    q = (struct gnttab_query_size){ .dom = 1000 };
    rc = GT_OP(GNTTABOP_query_size, &q, 1);
    CHECK(rc == 0 && q.status == GNTST_bad_domain, "query_size d1000: rc %ld status %d", rc,
          q.status);
    rc = GT_OP(GNTTABOP_query_size, &q, 2);
    CHECK(rc == -XEN_EINVAL, "query_size count 2: %ld", rc);

    rc = GT_OP(GNTTABOP_get_version, &g, 1);
    CHECK(rc == 0 && g.version == 1, "get_version: rc %ld version %u", rc, g.version);
    rc = GT_OP(GNTTABOP_set_version, &s, 1);
    CHECK(rc == 0 && s.version == 1, "set_version 1: rc %ld version %u", rc, s.version);
    s.version = 3;
    rc = GT_OP(GNTTABOP_set_version, &s, 1);
    CHECK(rc == -XEN_EINVAL && s.version == 1, "set_version 3: rc %ld version %u", rc, s.version);
    s.version = 2;
    rc = GT_OP(GNTTABOP_set_version, &s, 1);
    printf("set_version 2: %ld (version %u)\n", rc, s.version);
    CHECK(rc == -XEN_ENOSYS || rc == 0, "set_version 2: %ld", rc);
    if (rc == 0) {                  /* Xen allows v2 by default: go back */
        s.version = 1;
        CHECK(GT_OP(GNTTABOP_set_version, &s, 1) == 0, "back to version 1");
    }
    g = (struct gnttab_get_version){ .dom = 1000 };
    rc = GT_OP(GNTTABOP_get_version, &g, 1);
    CHECK(rc == -XEN_ESRCH, "get_version d1000: %ld", rc);
    printf("versions: 1 in force, 3 refused\n");
}

/* ---- Mapping the table ----------------------------------------------------- */

static long map_frame(uint64_t idx, uint64_t gfn)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx, .gpfn = gfn,
    };

    return hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x);
}

static void test_map_table(void)
{
    uint64_t gpa = unbacked_gpa();
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 2 };
    long rc;

    table_gpa = gpa;
    table = window_map(0, gpa);
    rc = map_frame(0, gpa / PAGE_SIZE);
    CHECK(rc == 0, "add_to_physmap grant frame 0: %ld", rc);
    rc = map_frame(1, gpa / PAGE_SIZE + 1);
    CHECK(rc == 0, "add_to_physmap grant frame 1: %ld", rc);
    if (rc != 0)
        test_abort("no grant table");
    CHECK(GT_OP(GNTTABOP_query_size, &q, 1) == 0 && q.nr_frames >= 2,
          "after mapping frame 1: %u frames", q.nr_frames);
    rc = map_frame(q.max_nr_frames, gpa / PAGE_SIZE + 2);
    CHECK(rc == -XEN_EINVAL, "add_to_physmap frame max_nr_frames: %ld", rc);
    set_xen_guest_handle(st.frame_list, frame_list);
    rc = GT_OP(GNTTABOP_setup_table, &st, 1);
    CHECK(rc == 0 && st.status == GNTST_okay, "setup_table: rc %ld status %d", rc, st.status);
    CHECK(frame_list[0] == gpa / PAGE_SIZE && frame_list[1] == gpa / PAGE_SIZE + 1,
          "setup_table frames %lx %lx", (unsigned long)frame_list[0],
          (unsigned long)frame_list[1]);
    for (uint32_t i = 0; i < 2 * PAGE_SIZE / sizeof(*table); i++)
        CHECK(table[i].flags == 0, "entry %u not empty", i);
    printf("table: 2 frames at %lx, setup_table lists them\n", (unsigned long)gpa);
}

/* ---- GNTTABOP_copy on grants to ourselves -------------------------------------- */

static int16_t copy1(uint16_t flags, uint64_t src, domid_t sdom, uint16_t soff,
                     uint64_t dst, domid_t ddom, uint16_t doff, uint16_t len)
{
    struct gnttab_copy c = {
        .source = { .domid = sdom, .offset = soff }, .dest = { .domid = ddom, .offset = doff },
        .len = len, .flags = flags, .status = 99,
    };
    long rc;

    if (flags & GNTCOPY_source_gref)
        c.source.u.ref = (grant_ref_t)src;
    else
        c.source.u.gmfn = src;
    if (flags & GNTCOPY_dest_gref)
        c.dest.u.ref = (grant_ref_t)dst;
    else
        c.dest.u.gmfn = dst;
    rc = GT_OP(GNTTABOP_copy, &c, 1);
    CHECK(rc == 0, "copy: rc %ld", rc);
    return c.status;
}

static void expect_status(const char *what, int16_t got, int16_t want)
{
    printf("  %-46s -> %d\n", what, got);
    CHECK(got == want, "%s: status %d, expected %d", what, got, want);
}

static void test_self_copy_data(void)
{
    const uint16_t SG = GNTCOPY_source_gref, DG = GNTCOPY_dest_gref;
    int16_t st;

    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        page_a[i] = (uint8_t)(i * 7 + 3);
    memset(page_c, 0, PAGE_SIZE);
    grant(REF_A, self_id, page_a, GTF_permit_access);
    grant(REF_B, self_id, page_b, GTF_permit_access | GTF_readonly);

    st = copy1(SG, REF_A, DOMID_SELF, 0, gfn_of(page_c), DOMID_SELF, 0, PAGE_SIZE);
    expect_status("copy from self-grant to own frame", st, GNTST_okay);
    CHECK(memcmp(page_a, page_c, PAGE_SIZE) == 0, "copied page differs");
    CHECK(flags_of(REF_A) == GTF_permit_access, "flags after read copy: %x", flags_of(REF_A));

    memset(page_c, 0x5a, PAGE_SIZE);
    st = copy1(DG, gfn_of(page_c), DOMID_SELF, 100, REF_A, self_id, 1000, 200);
    expect_status("copy into self-grant (own domid), offsets", st, GNTST_okay);
    CHECK(page_a[999] == (uint8_t)(999 * 7 + 3) && page_a[1000] == 0x5a &&
          page_a[1199] == 0x5a && page_a[1200] == (uint8_t)(1200 * 7 + 3),
          "write through the grant landed wrong");
    CHECK(flags_of(REF_A) == GTF_permit_access, "flags after write copy: %x", flags_of(REF_A));

    st = copy1(SG | DG, REF_A, DOMID_SELF, 0, REF_A, DOMID_SELF, 2048, 1024);
    expect_status("grant to grant, same page", st, GNTST_okay);
    CHECK(memcmp(page_a + 2048, page_a, 1024) == 0 || page_a[1000] == 0x5a,
          "grant to grant copy");
    st = copy1(SG, REF_B, DOMID_SELF, 0, gfn_of(page_c), DOMID_SELF, 0, 16);
    expect_status("copy from read-only grant", st, GNTST_okay);
    printf("self copy: data both ways, flags cleared after\n");
}

static void test_self_copy_errors(void)
{
    const uint16_t SG = GNTCOPY_source_gref, DG = GNTCOPY_dest_gref;
    uint64_t c = gfn_of(page_c), nowhere = unbacked_gpa() / PAGE_SIZE + 64;

    grant(REF_OTHER, (domid_t)(self_id + 7), page_a, GTF_permit_access);
    expect_status("write to read-only grant", copy1(DG, c, DOMID_SELF, 0, REF_B, DOMID_SELF,
                  0, 16), GNTST_general_error);
    CHECK(flags_of(REF_B) == (GTF_permit_access | GTF_readonly), "read-only flags now %x",
          flags_of(REF_B));
    expect_status("invalid entry", copy1(SG, REF_INVALID, DOMID_SELF, 0, c, DOMID_SELF, 0, 16),
                  GNTST_general_error);
    expect_status("grant meant for another domain", copy1(SG, REF_OTHER, DOMID_SELF, 0, c,
                  DOMID_SELF, 0, 16), GNTST_general_error);
    expect_status("ref beyond the table", copy1(SG, 1000000, DOMID_SELF, 0, c, DOMID_SELF, 0,
                  16), GNTST_bad_gntref);
    expect_status("ref 0xffffffff", copy1(DG, c, DOMID_SELF, 0, 0xffffffffu, DOMID_SELF, 0, 16),
                  GNTST_bad_gntref);
    expect_status("crossing the page end", copy1(SG, REF_A, DOMID_SELF, 4000, c, DOMID_SELF, 0,
                  200), GNTST_bad_copy_arg);
    expect_status("dest crossing the page end", copy1(SG, REF_A, DOMID_SELF, 0, c, DOMID_SELF,
                  4095, 2), GNTST_bad_copy_arg);
    expect_status("own frame named by domid, not SELF", copy1(0, c, self_id, 0, c, DOMID_SELF,
                  0, 16), GNTST_permission_denied);
    expect_status("unbacked own frame", copy1(SG, REF_A, DOMID_SELF, 0, nowhere, DOMID_SELF, 0,
                  16), GNTST_bad_page);
    expect_status("unknown domain", copy1(SG, REF_A, 1000, 0, c, DOMID_SELF, 0, 16),
                  GNTST_bad_domain);
    expect_status("zero length", copy1(SG, REF_A, DOMID_SELF, 0, c, DOMID_SELF, 0, 0),
                  GNTST_okay);
    expect_status("zero length, unknown domain (as Xen 4.17)", copy1(SG, REF_A, 1000, 0, c,
                  DOMID_SELF, 0, 0), GNTST_bad_domain);
    CHECK(flags_of(REF_A) == GTF_permit_access, "flags after errors: %x", flags_of(REF_A));
    printf("self copy errors: Xen's status codes\n");
}

static void test_copy_batch(void)
{
    struct gnttab_copy ops[3] = {
        { .source = { .u.ref = REF_A, .domid = DOMID_SELF }, .dest = { .domid = DOMID_SELF },
          .len = 64, .flags = GNTCOPY_source_gref },
        { .source = { .u.ref = 1000000, .domid = DOMID_SELF }, .dest = { .domid = DOMID_SELF },
          .len = 64, .flags = GNTCOPY_source_gref },
        { .source = { .u.ref = REF_A, .domid = DOMID_SELF }, .dest = { .domid = DOMID_SELF },
          .len = 64, .flags = GNTCOPY_source_gref },
    };
    long rc;

    for (uint32_t i = 0; i < 3; i++) {
        ops[i].dest.u.gmfn = gfn_of(page_c);
        ops[i].status = 99;
    }
    rc = GT_OP(GNTTABOP_copy, ops, 3);
    CHECK(rc == 0 && ops[0].status == GNTST_okay && ops[1].status == GNTST_bad_gntref &&
          ops[2].status == GNTST_okay, "batch: rc %ld statuses %d %d %d", rc, ops[0].status,
          ops[1].status, ops[2].status);
    printf("batch: each op its own status\n");
}

/* ---- Two domains ------------------------------------------------------------- */

static void run_granter(domid_t peer)
{
    uint32_t tries;

    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        page_a[i] = (uint8_t)(i ^ 0xa5);
    memset(page_b, 0, PAGE_SIZE);
    grant(REF_A, peer, page_a, GTF_permit_access | GTF_readonly);
    grant(REF_B, peer, page_b, GTF_permit_access);
    printf("granter: refs 8 (read-only) and 9 granted to d%u\n", peer);
    for (tries = 0; tries < WAIT_TRIES && __atomic_load_n(&page_b[PAGE_SIZE - 1],
                                                          __ATOMIC_ACQUIRE) != 0x77; tries++)
        yield();
    CHECK(tries < WAIT_TRIES, "d%u never wrote its reply", peer);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        if (page_b[i] != 0x77) {
            test_fail("reply byte %u is %x", i, page_b[i]);
            break;
        }
    CHECK(page_a[10] == (uint8_t)(10 ^ 0xa5), "read-only page changed");
    CHECK(!(flags_of(REF_A) & (GTF_reading | GTF_writing)) &&
          !(flags_of(REF_B) & (GTF_reading | GTF_writing)), "flags left set: %x %x",
          flags_of(REF_A), flags_of(REF_B));
    table[REF_A].flags = 0;
    table[REF_B].flags = 0;
    printf("granter: d%u wrote its reply through ref 9\n", peer);
}

/* ---- Grant mappings (GNTMAP_host_map at an unbacked gfn) ------------------------ */

/* Map at gpa; at_page(n): page n of the table's unbacked slot. */
static uint64_t at_page(uint32_t n)
{
    return table_gpa + n * PAGE_SIZE;
}

static int16_t map1(domid_t dom, grant_ref_t ref, uint64_t gpa, uint32_t flags, uint32_t *h)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = gpa, .flags = flags, .ref = ref, .dom = dom,
        .status = 99,
    };
    long rc = GT_OP(GNTTABOP_map_grant_ref, &m, 1);

    CHECK(rc == 0, "map_grant_ref: rc %ld", rc);
    *h = m.handle;
    return m.status;
}

static int16_t unmap1(uint64_t gpa, uint32_t h)
{
    struct gnttab_unmap_grant_ref u = {
        .host_addr = gpa, .handle = h, .status = 99,
    };
    long rc = GT_OP(GNTTABOP_unmap_grant_ref, &u, 1);

    CHECK(rc == 0, "unmap_grant_ref: rc %ld", rc);
    return u.status;
}

static void map_peer(domid_t peer)
{
    const uint8_t *ro = (const uint8_t *)table + MAP_AT * PAGE_SIZE;
    uint8_t *rw = (uint8_t *)table + (MAP_AT + 1) * PAGE_SIZE;
    uint64_t c = gfn_of(page_c);
    uint32_t hr, hw, h;

    expect_status("map the peer's ref 8 read-only", map1(peer, REF_A, at_page(MAP_AT),
                  GNTMAP_host_map | GNTMAP_readonly, &hr), GNTST_okay);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        if (ro[i] != (uint8_t)(i ^ 0xa5)) {
            test_fail("mapped peer byte %u is %x", i, ro[i]);
            break;
        }
    expect_status("map the peer's read-only ref 8 writable",
                  map1(peer, REF_A, at_page(MAP_AT + 2), GNTMAP_host_map, &h),
                  GNTST_general_error);
    expect_status("map over a mapped grant",
                  map1(peer, REF_B, at_page(MAP_AT), GNTMAP_host_map, &h), GNTST_general_error);
    expect_status("map over own RAM", map1(peer, REF_B, gfn_of(page_c) * PAGE_SIZE,
                  GNTMAP_host_map, &h), GNTST_general_error);
    expect_status("map with device_map", map1(peer, REF_B, at_page(MAP_AT + 1),
                  GNTMAP_host_map | GNTMAP_device_map, &h), GNTST_general_error);
    expect_status("map the peer's ref 9 writable", map1(peer, REF_B, at_page(MAP_AT + 1),
                  GNTMAP_host_map, &hw), GNTST_okay);
    for (uint32_t i = 0; i < PAGE_SIZE / 2; i++)
        rw[i] = 0x66;
    memset(page_c, 0, PAGE_SIZE);
    expect_status("copy the peer's ref 9 back", copy1(GNTCOPY_source_gref, REF_B, peer, 0, c,
                  DOMID_SELF, 0, PAGE_SIZE), GNTST_okay);
    CHECK(page_c[0] == 0x66 && page_c[PAGE_SIZE / 2 - 1] == 0x66 && page_c[PAGE_SIZE / 2] == 0,
          "write through the mapping: %x %x %x", page_c[0], page_c[PAGE_SIZE / 2 - 1],
          page_c[PAGE_SIZE / 2]);
    expect_status("unmap at the wrong address", unmap1(at_page(MAP_AT), hw),
                  GNTST_general_error);
    expect_status("unmap ref 9", unmap1(at_page(MAP_AT + 1), hw), GNTST_okay);
    expect_status("unmap ref 8", unmap1(at_page(MAP_AT), hr), GNTST_okay);
    expect_status("unmap ref 8 again", unmap1(at_page(MAP_AT), hr), GNTST_bad_handle);
    expect_status("unmap a handle never given", unmap1(at_page(MAP_AT), 123456),
                  GNTST_bad_handle);
    printf("copier: mapped refs 8 (ro) and 9 (rw), data both ways, unmapped\n");
}

/* One hypercall, many ops: Keel continues it; each op gets its status. */
static void copy_batch_from_peer(domid_t peer)
{
    long rc;

    memset(page_c, 0, PAGE_SIZE);
    for (uint32_t i = 0; i < BATCH; i++)
        batch[i] = (struct gnttab_copy){
            .source = { .u.ref = REF_A, .domid = peer, .offset = (uint16_t)(i % PAGE_SIZE) },
            .dest = { .u.gmfn = gfn_of(page_c), .domid = DOMID_SELF,
                      .offset = (uint16_t)(i % PAGE_SIZE) },
            .len = 1, .flags = GNTCOPY_source_gref, .status = 99,
        };
    rc = GT_OP(GNTTABOP_copy, batch, BATCH);
    CHECK(rc == 0, "copy batch of %u: rc %ld", BATCH, rc);
    for (uint32_t i = 0; i < BATCH; i++)
        if (batch[i].status != GNTST_okay) {
            test_fail("batch op %u: status %d", i, batch[i].status);
            break;
        }
    for (uint32_t i = 0; i < BATCH; i++)
        if (page_c[i] != (uint8_t)(i ^ 0xa5)) {
            test_fail("batch byte %u is %x", i, page_c[i]);
            break;
        }
    printf("copier: a batch of %u copies done\n", BATCH);
}

static void run_copier(domid_t peer)
{
    uint64_t c = gfn_of(page_c);
    int16_t st = GNTST_general_error;
    uint32_t tries;

    for (tries = 0; tries < WAIT_TRIES && st == GNTST_general_error; tries++) {
        st = copy1(GNTCOPY_source_gref, REF_A, peer, 0, c, DOMID_SELF, 0, PAGE_SIZE);
        if (st == GNTST_general_error)
            yield();            /* not granted yet */
    }
    expect_status("copy ref 8 of the peer", st, GNTST_okay);
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        if (page_c[i] != (uint8_t)(i ^ 0xa5)) {
            test_fail("peer byte %u is %x", i, page_c[i]);
            break;
        }
    printf("copier: d%u's ref 8 copied, pattern checked\n", peer);
    expect_status("write to the peer's read-only ref 8", copy1(GNTCOPY_dest_gref, c, DOMID_SELF,
                  0, REF_A, peer, 0, 16), GNTST_general_error);
    expect_status("peer frame by number", copy1(0, c, peer, 0, c, DOMID_SELF, 0, 16),
                  GNTST_permission_denied);
    expect_status("peer ref beyond its table", copy1(GNTCOPY_source_gref, 1u << 30, peer, 0, c,
                  DOMID_SELF, 0, 16), GNTST_bad_gntref);
    map_peer(peer);
    copy_batch_from_peer(peer);
    memset(page_c, 0x77, PAGE_SIZE);
    expect_status("reply into the peer's ref 9", copy1(GNTCOPY_dest_gref, c, DOMID_SELF, 0,
                  REF_B, peer, 0, PAGE_SIZE), GNTST_okay);
    printf("copier: read-only refused, reply written\n");
}

void test_main(void)
{
    unsigned int peer = opt_number("peer");

    self_id = own_domid();
    printf("domain %u\n", self_id);
    test_query_and_version();
    test_map_table();
    test_self_copy_data();
    test_self_copy_errors();
    test_copy_batch();
    memset(table, 0, 2 * PAGE_SIZE);
    if (guest_opt_is("role", "granter"))
        run_granter((domid_t)peer);
    else if (guest_opt_is("role", "copier"))
        run_copier((domid_t)peer);
}
