// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the domain lifecycle (hypervisor/common/domain.c): it owns
 * domain_create (IDs, vCPUs, the per-domain parts, refusal of bad settings,
 * undoing a half-made domain), the accounting of a domain's memory
 * (domain_populate_ram in 2 MiB and 4 KiB chunks, domain_alloc_unmapped,
 * max_pages), domain_destroy (teardown order, every frame back), shutdown
 * and crash (state, reason, the scheduler told once, the log), and the end
 * of the boot domains (domains_all_ended, clean or not).  Expected values
 * come from keel/domain.h and Xen's SHUTDOWN_* codes.
 *
 * Runs the real domain.c, p2m, page allocator and spinlocks
 * (tests/unit/mm_fixture.h) with the rest of Keel faked
 * (tests/unit/domain_env.h) and the grant table faked here.
 */
#include "ktest.h"
#include "domain_env.h"
#include "mm_fixture.h"

#include <string.h>

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/page_alloc.h>
#include <keel/shared_info.h>
#include <keel/xmalloc.h>
#include <public/sched.h>

static uint32_t gnttab_inits, gnttab_destroys;
static bool gnttab_fail;

int gnttab_domain_init(struct domain *d)
{
    (void)d;
    gnttab_inits++;
    return gnttab_fail ? -ENOMEM : 0;
}

bool gnttab_frame_put(mfn_t mfn)
{
    (void)mfn;
    return false;           /* no grant frames here: a domain's frame */
}

void gnttab_domain_destroy(struct domain *d)
{
    (void)d;
    gnttab_destroys++;
    denv_note("gnttab_destroy");
}

static pfn_t free_at_start;

/* The domain domain_get() finds for id, its reference dropped at once. */
static struct domain *lookup(domid_t id)
{
    struct domain *d = domain_get(id);

    if (d)
        domain_put(d);
    return d;
}

/* Put d's vCPUs on CPUs: a stop then waits for denv_cpus_exit(). */
static void on_cpus(struct domain *d)
{
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        d->vcpus[i]->on_cpu = true;
}

static void setup(void)
{
    mm_fix_init();
    denv_reset();
    free_at_start = mm_fix_free_pages();
}

static bool mapped(struct domain *d, gfn_t gfn, mfn_t *mfn, unsigned int *order)
{
    enum p2m_type t;

    return p2m_get_entry(&d->p2m, gfn, mfn, &t, order) == 0 && t == p2m_ram_rw;
}

/* ---- create ------------------------------------------------------------- */

TEST(create_makes_a_running_domain_of_offline_vcpus)
{
    struct domain *d;

    setup();
    d = domain_create(5, "a-name-longer-than-thirty-one-characters", 3, 1000, true);
    CHECK(d != NULL);
    CHECK_EQ(d->domid, 5);
    CHECK(strcmp(d->name, "a-name-longer-than-thirty-one-c") == 0);    /* 31 + NUL */
    CHECK(d->privileged);
    CHECK_EQ(d->state, DOMAIN_RUNNING);
    CHECK_EQ(d->max_pages, 1000);
    CHECK_EQ(d->tot_pages, 0);
    CHECK_EQ(d->nr_vcpus, 3);
    CHECK_EQ(d->live_vcpus, 3);
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_EQ(d->vcpus[i]->vcpu_id, i);
        CHECK(d->vcpus[i]->domain == d);
        CHECK_EQ(d->vcpus[i]->state, VCPU_OFFLINE);
        CHECK_EQ(d->vcpus[i]->processor, i % 2);    /* spread over nr_cpu_ids (2) */
    }
    CHECK(d->vcpus[3] == NULL);
    CHECK_EQ(d->hypercall_page_gfn, ~0ULL);
    CHECK_EQ(d->shared_info_gfn, SHARED_INFO_UNMAPPED);
    CHECK(d->shared_info != NULL);
    CHECK(d->p2m.owner == d);
    CHECK(d->p2m.flush != NULL);
    CHECK_EQ(denv.hvm_vcpu_init, 3);
    CHECK_EQ(denv.vcpu_time_init, 3);
    CHECK_EQ(denv.hvm_domain_init, 1);
    CHECK_EQ(denv.evtchn_init, 1);
    CHECK_EQ(denv.shinfo_init, 1);
    CHECK_EQ(gnttab_inits, 1);
    CHECK(lookup(5) == d);
    CHECK(lookup(4) == NULL);
    CHECK(lookup(64) == NULL);
    CHECK(lookup(0xffff) == NULL);
    CHECK_EQ(domains_alive(), 1);
    domain_destroy(d);
    CHECK_EQ(domains_alive(), 0);
    CHECK(lookup(5) == NULL);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(create_refuses_bad_settings)
{
    struct domain *d;

    setup();
    d = domain_create(1, "one", 1, 10, false);
    CHECK(d != NULL);
    ktest_log_clear();
    CHECK(domain_create(1, "again", 1, 10, false) == NULL);            /* id in use */
    CHECK(ktest_log_contains("cannot create d1: id in use"));
    CHECK(domain_create(DOMID_FIRST_RESERVED, "big", 1, 10, false) == NULL);
    CHECK(ktest_log_contains("cannot create d32752: bad id"));
    CHECK(domain_create(0xffff, "huge", 1, 10, false) == NULL);
    CHECK(domain_create(2, "none", 0, 10, false) == NULL);             /* no vCPU */
    CHECK(domain_create(2, "many", MAX_VCPUS + 1, 10, false) == NULL);
    CHECK(ktest_log_contains("cannot create d2 with 65 vCPUs"));
    CHECK_EQ(denv.hvm_vcpu_init, 1);                /* nothing was started */
    CHECK_EQ(domains_alive(), 1);
    CHECK(lookup(1) == d);
    CHECK(lookup(2) == NULL);
    /* The limits themselves are fine. */
    struct domain *big = domain_create(DOMID_FIRST_RESERVED - 1, "last", MAX_VCPUS, 10, false);
    CHECK(big != NULL);
    CHECK_EQ(big->nr_vcpus, MAX_VCPUS);
    domain_destroy(big);
    domain_destroy(d);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* Each part failing: NULL, logged, nothing left behind. */
TEST(create_undoes_a_half_made_domain)
{
    setup();
    denv.fail_hvm_vcpu_init = 2;                    /* the second vCPU */
    CHECK(domain_create(3, "x", 3, 10, false) == NULL);
    CHECK(ktest_log_contains("out of memory for the vCPUs or event channels of d3"));
    CHECK_EQ(denv.hvm_vcpu_destroy, 2);             /* both made are undone */
    denv.fail_evtchn_init = 1;
    CHECK(domain_create(3, "x", 2, 10, false) == NULL);
    denv.fail_shinfo_init = 1;
    CHECK(domain_create(3, "x", 2, 10, false) == NULL);
    gnttab_fail = true;
    CHECK(domain_create(3, "x", 2, 10, false) == NULL);
    gnttab_fail = false;
    CHECK_EQ(domains_alive(), 0);
    CHECK(lookup(3) == NULL);
    CHECK_EQ(denv.all_ended, 0);                    /* never registered */
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
    /* No memory for the p2m's root. */
    pfn_t hoard[MM_FIX_FRAMES], p;
    uint32_t n = 0;
    while ((p = page_alloc(0)) != PFN_INVALID)
        hoard[n++] = p;
    ktest_log_clear();
    CHECK(domain_create(3, "x", 1, 10, false) == NULL);
    CHECK(ktest_log_contains("out of memory creating d3"));
    while (n)
        page_free(hoard[--n], 0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
    /* And it works once nothing fails. */
    struct domain *d = domain_create(3, "x", 1, 10, false);
    CHECK(d != NULL);
    domain_destroy(d);
}

/* ---- memory ---------------------------------------------------------------- */

TEST(populate_ram_in_2m_and_4k_chunks)
{
    struct domain *d;
    unsigned int order;
    mfn_t mfn;

    setup();
    d = domain_create(1, "ram", 1, 2000, false);
    /* 0..1023 in two 2 MiB chunks, 1024..1199 in 4 KiB ones. */
    CHECK_EQ(domain_populate_ram(d, 0, 1200, 0), 0);
    CHECK_EQ(d->tot_pages, 1200);
    CHECK_EQ(d->nr_chunks, 2 + 176);
    CHECK(mapped(d, 0, &mfn, &order));
    CHECK_EQ(order, 9);
    CHECK(mapped(d, 1023, &mfn, &order));
    CHECK_EQ(order, 9);
    CHECK(mapped(d, 1024, &mfn, &order));
    CHECK_EQ(order, 0);
    CHECK(mapped(d, 1199, &mfn, NULL));
    CHECK(!mapped(d, 1200, &mfn, NULL));
    for (gfn_t g = 0; g < 1200; g += 37) {
        CHECK(mapped(d, g, &mfn, NULL));
        CHECK_EQ(pfn_to_page(mfn)->owner, 1);
    }
    /* Not 2 MiB-aligned: 4 KiB chunks up to the boundary. */
    CHECK_EQ(domain_populate_ram(d, 0x1001, 600, 0), 0);
    CHECK(mapped(d, 0x1200, &mfn, &order));
    CHECK_EQ(order, 0);
    CHECK_EQ(d->tot_pages, 1800);
    CHECK_EQ(d->nr_chunks, 178 + 600);
    /* Up to the maximum exactly, and not a page more: nothing done. */
    CHECK_EQ(domain_populate_ram(d, 0x3000, 201, 0), -ENOMEM);
    CHECK_EQ(d->tot_pages, 1800);
    CHECK(!mapped(d, 0x3000, &mfn, NULL));
    CHECK_EQ(domain_populate_ram(d, 0x3000, 200, 0), 0);
    CHECK_EQ(d->tot_pages, 2000);
    domain_destroy(d);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(populate_ram_falls_back_to_4k_and_runs_out)
{
    pfn_t hoard[MM_FIX_FRAMES], p;
    uint32_t n = 0, kept = 0;
    struct domain *d;
    unsigned int order;

    setup();
    d = domain_create(1, "frag", 1, 100000, false);
    /* Fragment the heap: no free 2 MiB block, 600 single pages. */
    while ((p = page_alloc(0)) != PFN_INVALID)
        hoard[n++] = p;
    for (uint32_t i = 0; i < n && kept < 600; i += 2, kept++)
        page_free(hoard[i], 0);
    CHECK_EQ(page_alloc_free_blocks(9), 0);
    CHECK_EQ(domain_populate_ram(d, 0, 512, 0), 0);
    CHECK(mapped(d, 0, NULL, &order));
    CHECK_EQ(order, 0);
    CHECK_EQ(d->tot_pages, 512);
    /* 88 pages left: 100 more fail part-way (the caller destroys it). */
    CHECK_EQ(domain_populate_ram(d, 1024, 100, 0), -ENOMEM);
    domain_destroy(d);
    for (uint32_t i = 0, k = 0; i < n; i++) {
        if (!(i % 2 == 0 && k < 600))
            page_free(hoard[i], 0);
        else
            k++;
    }
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(alloc_unmapped_counts_but_maps_nothing)
{
    struct domain *d;
    pfn_t before;

    setup();
    d = domain_create(1, "inc", 1, 600, false);
    before = mm_fix_free_pages();
    CHECK_EQ(domain_alloc_unmapped(d, 9), 0);
    CHECK_EQ(domain_alloc_unmapped(d, 0), 0);
    CHECK_EQ(d->tot_pages, 513);
    CHECK_EQ(mm_fix_free_pages(), before - 513);
    CHECK_EQ(d->p2m.nr_pages[p2m_ram_rw], 0);
    CHECK_EQ(pfn_to_page(d->chunks[0].mfn)->owner, 1);
    CHECK_EQ(pfn_to_page(d->chunks[0].mfn + 511)->owner, 1);
    CHECK_EQ(domain_alloc_unmapped(d, 7), -ENOMEM);    /* 513 + 128 > 600 */
    CHECK_EQ(domain_alloc_unmapped(d, 6), 0);           /* 513 + 64 */
    CHECK_EQ(d->tot_pages, 577);
    domain_destroy(d);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* ---- destroy ------------------------------------------------------------------ */

TEST(destroy_tears_down_in_order_and_returns_every_frame)
{
    struct domain *d;

    setup();
    d = domain_create(2, "td", 2, 2000, false);
    CHECK_EQ(domain_populate_ram(d, 0, 1100, 0), 0);
    CHECK_EQ(domain_alloc_unmapped(d, 3), 0);
    d->held = xmalloc(16);          /* memory_op's held-frame list goes too */
    denv_reset();
    ktest_log_clear();
    domain_destroy(d);
    /* Its vCPUs stop, then timers (no VIRQ after), then event channels,
     * then grants, before the vCPUs, p2m and memory go. */
    CHECK(strcmp(denv_trace, "stop_domain vcpu_time_teardown vcpu_time_teardown evtchn_destroy "
                             "gnttab_destroy hvm_vcpu_destroy hvm_vcpu_destroy "
                             "shinfo_teardown ") == 0);
    CHECK(ktest_log_contains("domain: d2 (td) torn down, memory returned"));
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
    CHECK(lookup(2) == NULL);
}

TEST(a_reference_outlives_destroy_but_not_lookup)
{
    struct domain *d, *ref;

    setup();
    d = domain_create(3, "ref", 1, 100, false);
    CHECK(d != NULL);
    CHECK(domain_get(4) == NULL);
    CHECK(domain_get(DOMID_SELF) == NULL);
    ref = domain_get(3);
    CHECK(ref == d);
    CHECK_EQ(d->refcnt, 2);
    domain_destroy(d);
    CHECK(domain_get(3) == NULL);                   /* gone from lookups at once */
    CHECK(ref->is_dying);                           /* but still readable */
    CHECK_EQ(ref->domid, 3);
    CHECK_EQ(ref->refcnt, 1);
    domain_put(ref);                                /* frees it (ASan checks) */
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* ---- shutdown and crash ---------------------------------------------------------- */

TEST(shutdown_records_the_reason_and_stops_once)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash",
                                         "watchdog", "soft_reset" };
    char want[64];

    setup();
    CHECK_EQ(SHUTDOWN_poweroff, 0);                 /* Xen's sched.h */
    CHECK_EQ(SHUTDOWN_soft_reset, 5);
    for (uint32_t r = 0; r <= 6; r++) {
        struct domain *d = domain_create(1, "sd", 2, 10, false);
        denv_reset();
        ktest_log_clear();
        on_cpus(d);                 /* stops once they leave their CPUs */
        domain_shutdown(d, r);
        snprintf(want, sizeof(want), "domain: d1 (sd) shut down: %s",
                 r < 6 ? names[r] : "unknown");
        CHECK(ktest_log_contains(want));
        CHECK_EQ(d->state, DOMAIN_SHUTDOWN);
        CHECK_EQ(d->shutdown_reason, r);
        CHECK_EQ(denv.stop_domain, 1);
        /* Already stopping: a second shutdown or a crash changes nothing. */
        domain_shutdown(d, SHUTDOWN_reboot + (r == SHUTDOWN_reboot));
        domain_crash(d, "late");
        CHECK_EQ(d->state, DOMAIN_SHUTDOWN);
        CHECK_EQ(d->shutdown_reason, r);
        CHECK_EQ(denv.stop_domain, 1);
        CHECK(lookup(1) == d);      /* a boot domain: torn down once stopped */
        denv_cpus_exit(d);
        CHECK(lookup(1) == NULL);
    }
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(crash_records_the_message)
{
    struct domain *d;

    setup();
    d = domain_create(4, "cr", 1, 10, false);
    ktest_log_clear();
    on_cpus(d);
    domain_crash(d, "bad thing %d at %#x", 42, 0x1000);
    CHECK(ktest_log_contains("domain: d4 (cr) crashed: bad thing 42 at 0x1000"));
    CHECK_EQ(d->state, DOMAIN_CRASHED);
    CHECK_EQ(d->shutdown_reason, SHUTDOWN_crash);
    CHECK_EQ(denv.stop_domain, 1);
    domain_shutdown(d, SHUTDOWN_poweroff);
    CHECK_EQ(d->state, DOMAIN_CRASHED);
    CHECK_EQ(denv.stop_domain, 1);
    denv_cpus_exit(d);
    CHECK(lookup(4) == NULL);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* ---- the end of the boot domains ------------------------------------------------ */

TEST(boot_complete_with_no_domain_ends_at_once)
{
    setup();
    domains_boot_complete();
    CHECK_EQ(denv.all_ended, 1);
    CHECK_EQ(denv.all_ended_clean, 1);
}

TEST(last_domain_gone_after_boot_ends_cleanly_if_all_powered_off)
{
    struct domain *a, *b;

    setup();
    a = domain_create(1, "a", 1, 10, false);
    b = domain_create(2, "b", 1, 10, false);
    domain_shutdown(a, SHUTDOWN_poweroff);  /* torn down: no vCPU ran */
    CHECK(lookup(1) == NULL);           /* before the boot completed: not the end */
    CHECK_EQ(denv.all_ended, 0);
    domains_boot_complete();
    CHECK_EQ(denv.all_ended, 0);        /* b still alive */
    domain_shutdown(b, SHUTDOWN_poweroff);
    CHECK_EQ(denv.all_ended, 1);
    CHECK_EQ(denv.all_ended_clean, 1);
}

TEST(a_crash_or_reboot_makes_the_end_unclean)
{
    struct domain *a, *b, *c;

    setup();
    a = domain_create(1, "a", 1, 10, false);
    b = domain_create(2, "b", 1, 10, false);
    c = domain_create(3, "c", 1, 10, false);
    domains_boot_complete();
    domain_crash(a, "x");               /* torn down at once: no vCPU ran */
    domain_destroy(b);                  /* killed while running: not counted */
    domain_shutdown(c, SHUTDOWN_poweroff);
    CHECK_EQ(denv.all_ended, 1);
    CHECK_EQ(denv.all_ended_clean, 0);

    a = domain_create(1, "a", 1, 10, false);
    domain_shutdown(a, SHUTDOWN_reboot);
    CHECK_EQ(denv.all_ended, 2);
    CHECK_EQ(denv.all_ended_clean, 0);
}

TEST(a_domain_destroyed_while_running_is_not_unclean)
{
    struct domain *a;

    setup();
    a = domain_create(1, "a", 1, 10, false);
    domains_boot_complete();
    domain_destroy(a);
    CHECK_EQ(denv.all_ended, 1);
    CHECK_EQ(denv.all_ended_clean, 1);
}

static uint32_t dumped[64];

static void dump_one(struct domain *d)
{
    dumped[d->domid]++;
}

void domains_dump(void (*fn)(struct domain *d));

TEST(dump_visits_every_live_domain)
{
    struct domain *a, *b;

    setup();
    a = domain_create(7, "a", 1, 10, false);
    b = domain_create(9, "b", 1, 10, false);
    domains_dump(dump_one);
    CHECK_EQ(dumped[7], 1);
    CHECK_EQ(dumped[9], 1);
    domain_destroy(a);
    domains_dump(dump_one);
    CHECK_EQ(dumped[7], 1);
    CHECK_EQ(dumped[9], 2);
    domain_destroy(b);
}
