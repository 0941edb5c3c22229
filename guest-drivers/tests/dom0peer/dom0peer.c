// SPDX-License-Identifier: MIT
/*
 * test-dom0peer: a domU whose memory and grants dom0 maps.  It writes the
 * pattern of dom0peer.h into DOM0PEER_PAGES pages at fixed gfns, grants
 * the first to domain 0 read-write (ref 8) and the second read-only
 * (ref 9) in its v1 table, prints them, then sleeps (SCHEDOP_poll with a
 * timeout, no port) until dom0 has written its reply over the read-write
 * page (through gntdev) and over the reply page (through privcmd
 * MMAPBATCH), and has unmapped the grants; it checks both replies word by
 * word and that the other pages are untouched.  Options:
 *   foreign=0   do not wait for a reply in the MMAPBATCH page (a dom0 that
 *               has only grant copies, as role=dom0 below);
 *   wait=S      give up after S seconds (default 1200: Linux dom0 boots
 *               slowly under TCG).
 * With role=dom0 it is instead a test-kernel dom0 for that domU: checks it
 * is the privileged initial domain, copies peer=N's refs 8 and 9
 * (GNTTABOP_copy), checks the pattern, is refused a write to ref 9, writes
 * the reply into ref 8, then waits until domains 1..domus=M have all ended
 * (query_size says GNTST_bad_domain) before it powers off.
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include "dom0peer.h"
#include "guest.h"
#include "guest_opts.h"

const char test_title[] = "dom0peer";

#define PAGE_SIZE       4096ul
#define MS              1000000ull
#define GT_OP(cmd, arg, n) hypercall3(__HYPERVISOR_grant_table_op, (cmd), (unsigned long)(arg), (n))
#define DEFAULT_WAIT_S  1200u

uint8_t shinfo_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct grant_entry_v1 *table;
static domid_t self_id;

static uint64_t *page_of(uint64_t gfn)
{
    return (uint64_t *)(uintptr_t)(gfn * PAGE_SIZE);      /* identity-mapped */
}

static domid_t own_domid(void)
{
    struct cpuid_regs r = cpuid(xen_cpuid.base + 4);

    if (xen_cpuid.max_leaf < xen_cpuid.base + 4 || !(r.eax & (1u << 3)))
        test_abort("the hypervisor does not tell the domain ID");
    return (domid_t)r.ecx;
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

/* ---- Time: shared_info's pvclock, and sleeping in SCHEDOP_poll ---------- */

static void map_shared_info(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = (uint64_t)(uintptr_t)shinfo_page / PAGE_SIZE,
    };
    long rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x);

    if (rc != 0)
        test_abort("add_to_physmap(shared_info): %ld", rc);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t now_ns(void)
{
    volatile struct vcpu_time_info *t = &((struct shared_info *)shinfo_page)->vcpu_info[0].time;
    uint32_t ver;
    uint64_t ns;

    do {
        ver = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t d = rdtsc() - t->tsc_timestamp;
        d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((ver & 1) || ver != t->version);
    return ns;
}

/* Block for about ms milliseconds: a poll on no port ends at its timeout. */
static void sleep_ms(uint64_t ms)
{
    struct sched_poll p = { .nr_ports = 0, .timeout = now_ns() + ms * MS };
    long rc = hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, (unsigned long)&p);

    if (rc != 0)
        test_abort("SCHEDOP_poll with a timeout: %ld", rc);
}

/* ---- Pages and grants -------------------------------------------------- */

static void write_pattern(uint64_t gfn)
{
    uint64_t *w = page_of(gfn);

    for (uint32_t i = 0; i < DOM0PEER_WORDS; i++)
        w[i] = dom0peer_word(self_id, gfn, i);
}

/* The first word of page gfn that is not what is wanted; DOM0PEER_WORDS if
 * none.  reply: dom0's reply words, else the pattern. */
static uint32_t first_wrong(domid_t owner, uint64_t gfn, const uint64_t *w, bool reply)
{
    for (uint32_t i = 0; i < DOM0PEER_WORDS; i++) {
        uint64_t want = reply ? dom0peer_reply(owner, gfn, i) : dom0peer_word(owner, gfn, i);
        if (__atomic_load_n(&w[i], __ATOMIC_ACQUIRE) != want)
            return i;
    }
    return DOM0PEER_WORDS;
}

static void check_page(domid_t owner, uint64_t gfn, const uint64_t *w, bool reply,
                       const char *what)
{
    uint32_t i = first_wrong(owner, gfn, w, reply);

    if (i < DOM0PEER_WORDS)
        test_fail("%s: word %u is %lx, expected %lx", what, i, (unsigned long)w[i],
                  (unsigned long)(reply ? dom0peer_reply(owner, gfn, i)
                                        : dom0peer_word(owner, gfn, i)));
}

static void map_grant_table(void)
{
    uint64_t gpa = unbacked_gpa();
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = gpa / PAGE_SIZE,
    };
    long rc;

    table = window_map(0, gpa);
    rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&x);
    if (rc != 0)
        test_abort("add_to_physmap grant frame 0: %ld", rc);
}

/* Linux's order: frame and domid first, the flags word last. */
static void grant(grant_ref_t ref, domid_t to, uint64_t gfn, uint16_t flags)
{
    table[ref].frame = (uint32_t)gfn;
    table[ref].domid = to;
    __atomic_store_n(&table[ref].flags, flags, __ATOMIC_RELEASE);
}

static bool grant_in_use(grant_ref_t ref)
{
    return __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE) & (GTF_reading | GTF_writing);
}

/* ---- The domU ---------------------------------------------------------- */

static void run_domu(void)
{
    bool foreign = opt_number("foreign", 1) != 0;
    uint64_t deadline, start;
    bool rw_done = false, reply_done = !foreign, unmapped = false;

    CHECK(!(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)),
          "a domU with start info flags %x", start_info->flags);
    for (uint32_t p = 0; p < DOM0PEER_PAGES; p++)
        write_pattern(DOM0PEER_GFN + p);
    map_grant_table();
    grant(DOM0PEER_REF_RW, 0, DOM0PEER_GFN_RW, GTF_permit_access);
    grant(DOM0PEER_REF_RO, 0, DOM0PEER_GFN_RO, GTF_permit_access | GTF_readonly);
    printf("dom0peer: d%u pattern in gfns %x-%x; ref %u -> gfn %x (rw), ref %u -> gfn %x (ro) "
           "granted to d0; waiting for replies in gfns %x%s\n", self_id, DOM0PEER_GFN,
           DOM0PEER_GFN + DOM0PEER_PAGES - 1, DOM0PEER_REF_RW, DOM0PEER_GFN_RW,
           DOM0PEER_REF_RO, DOM0PEER_GFN_RO, DOM0PEER_GFN_RW,
           foreign ? " and 1002 (MMAPBATCH)" : "");
    map_shared_info();
    start = now_ns();
    deadline = start + opt_number("wait", DEFAULT_WAIT_S) * 1000 * MS;
    while (!(rw_done && reply_done && unmapped) && now_ns() < deadline) {
        sleep_ms(20);
        if (!rw_done && first_wrong(self_id, DOM0PEER_GFN_RW, page_of(DOM0PEER_GFN_RW),
                                    true) == DOM0PEER_WORDS) {
            rw_done = true;
            printf("dom0peer: reply in the granted page after %lu ms\n",
                   (unsigned long)((now_ns() - start) / MS));
        }
        if (!reply_done && first_wrong(self_id, DOM0PEER_GFN_REPLY,
                                       page_of(DOM0PEER_GFN_REPLY), true) == DOM0PEER_WORDS) {
            reply_done = true;
            printf("dom0peer: reply in the MMAPBATCH page after %lu ms\n",
                   (unsigned long)((now_ns() - start) / MS));
        }
        unmapped = rw_done && !grant_in_use(DOM0PEER_REF_RW) && !grant_in_use(DOM0PEER_REF_RO);
    }
    check_page(self_id, DOM0PEER_GFN_RW, page_of(DOM0PEER_GFN_RW), true,
               "the reply through ref 8");
    if (foreign)
        check_page(self_id, DOM0PEER_GFN_REPLY, page_of(DOM0PEER_GFN_REPLY), true,
                   "the reply through MMAPBATCH");
    check_page(self_id, DOM0PEER_GFN_RO, page_of(DOM0PEER_GFN_RO), false,
               "the read-only granted page");
    check_page(self_id, DOM0PEER_GFN + 3, page_of(DOM0PEER_GFN + 3), false,
               "the page nobody writes");
    CHECK(unmapped, "grant flags still in use: ref 8 %x, ref 9 %x", table[DOM0PEER_REF_RW].flags,
          table[DOM0PEER_REF_RO].flags);
    table[DOM0PEER_REF_RW].flags = 0;
    table[DOM0PEER_REF_RO].flags = 0;
    if (!test_failures())
        printf("dom0peer: dom0 replied both ways and unmapped the grants\n");
}

/* ---- A test-kernel dom0 for it ---------------------------------------- */

static int16_t copy_page(uint16_t flags, domid_t peer, grant_ref_t ref, uint64_t own_gfn)
{
    struct gnttab_copy c = { .len = PAGE_SIZE, .flags = flags, .status = 99 };
    long rc;

    if (flags & GNTCOPY_source_gref) {
        c.source = (struct gnttab_copy_ptr){ .u.ref = ref, .domid = peer };
        c.dest = (struct gnttab_copy_ptr){ .u.gmfn = own_gfn, .domid = DOMID_SELF };
    } else {
        c.source = (struct gnttab_copy_ptr){ .u.gmfn = own_gfn, .domid = DOMID_SELF };
        c.dest = (struct gnttab_copy_ptr){ .u.ref = ref, .domid = peer };
    }
    rc = GT_OP(GNTTABOP_copy, &c, 1);
    CHECK(rc == 0, "copy: rc %ld", rc);
    return c.status;
}

static bool domain_exists(domid_t domid)
{
    struct gnttab_query_size q = { .dom = domid };
    long rc = GT_OP(GNTTABOP_query_size, &q, 1);

    return rc == 0 && q.status != GNTST_bad_domain;
}

static uint64_t buf[DOM0PEER_WORDS] __attribute__((aligned(PAGE_SIZE)));

static void run_dom0(void)
{
    domid_t peer = (domid_t)opt_number("peer", 1);
    unsigned int domus = opt_number("domus", 1);
    uint64_t own = (uint64_t)(uintptr_t)buf / PAGE_SIZE, deadline;
    int16_t st = GNTST_general_error;

    CHECK((start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) ==
          (SIF_PRIVILEGED | SIF_INITDOMAIN), "dom0 with start info flags %x", start_info->flags);
    CHECK(self_id == 0, "dom0 is d%u", self_id);
    map_shared_info();
    deadline = now_ns() + opt_number("wait", DEFAULT_WAIT_S) * 1000 * MS;
    while (st == GNTST_general_error && now_ns() < deadline) {
        st = copy_page(GNTCOPY_source_gref, peer, DOM0PEER_REF_RW, own);
        if (st == GNTST_general_error)
            sleep_ms(10);           /* not granted yet */
    }
    CHECK(st == GNTST_okay, "copy of d%u's ref 8: status %d", peer, st);
    check_page(peer, DOM0PEER_GFN_RW, buf, false, "d1's ref 8");
    st = copy_page(GNTCOPY_source_gref, peer, DOM0PEER_REF_RO, own);
    CHECK(st == GNTST_okay, "copy of d%u's ref 9: status %d", peer, st);
    check_page(peer, DOM0PEER_GFN_RO, buf, false, "d1's ref 9");
    st = copy_page(GNTCOPY_dest_gref, peer, DOM0PEER_REF_RO, own);
    CHECK(st == GNTST_general_error, "write to read-only ref 9: status %d", st);
    for (uint32_t i = 0; i < DOM0PEER_WORDS; i++)
        buf[i] = dom0peer_reply(peer, DOM0PEER_GFN_RW, i);
    st = copy_page(GNTCOPY_dest_gref, peer, DOM0PEER_REF_RW, own);
    CHECK(st == GNTST_okay, "reply into ref 8: status %d", st);
    printf("dom0peer: dom0 copied d%u's refs 8 and 9 and replied through ref 8\n", peer);
    for (domid_t d = 1; d <= domus; d++)
        while (domain_exists(d) && now_ns() < deadline)
            sleep_ms(20);
    for (domid_t d = 1; d <= domus; d++)
        CHECK(!domain_exists(d), "d%u has not ended", d);
    printf("dom0peer: domains 1..%u have ended\n", domus);
}

void test_main(void)
{
    self_id = own_domid();
    printf("domain %u, start info flags %x\n", self_id, start_info->flags);
    if (guest_opt_is("role", "dom0"))
        run_dom0();
    else
        run_domu();
}
