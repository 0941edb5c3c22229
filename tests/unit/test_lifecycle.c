// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the domain lifecycle a toolstack drives (docs/domains.md):
 * ids without a cap and without immediate reuse, toolstack pause counts,
 * a controlled domain that keeps its shutdown reason until destroyed,
 * kill (now, or once the vCPUs leave their CPUs), zombies held by frame
 * references and freed by domain_page_put, VIRQ_DOM_EXC to dom0, the HVM
 * param allow-lists and SCHEDOP_remote_shutdown.  Expected values come from
 * Xen 4.17's behaviour (domain.c, hvm.c, schedule.c) and its public headers.
 *
 * Runs the real domain.c, hvm_op.c, sched_op.c, p2m, page allocator and
 * spinlocks (tests/unit/mm_fixture.h); the rest is faked
 * (tests/unit/domain_env.h) and here (grant tables, the scheduler's entry
 * points sched_op.c calls, event channel polling).
 */
#include "ktest.h"
#include "domain_env.h"
#include "mm_fixture.h"

#include <string.h>

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/event.h>
#include <keel/grant_table.h>
#include <keel/hypercall.h>
#include <keel/page_alloc.h>
#include <keel/vcpu_timer.h>
#include <public/hvm/hvm_op.h>
#include <public/sched.h>
#include <public/xen.h>

/* ---- fakes ---------------------------------------------------------------- */

int gnttab_domain_init(struct domain *d) { (void)d; return 0; }
void gnttab_domain_destroy(struct domain *d) { (void)d; }
bool gnttab_frame_put(mfn_t mfn) { (void)mfn; return false; }   /* no grant frames here */
void vcpu_wake(struct vcpu *v) { (void)v; }
void vcpu_block(struct vcpu *v) { (void)v; }
void vcpu_yield(struct vcpu *v) { (void)v; }
void vcpu_poll_timer_set(struct vcpu *v, s_time_t abs) { (void)v; (void)abs; }
int evtchn_port_poll(struct domain *d, uint32_t port) { (void)d; (void)port; return 0; }
int evtchn_upcall_vector(struct vcpu *v) { (void)v; return -1; }

static pfn_t free_at_start;

static void setup(void)
{
    mm_fix_init();
    denv_reset();
    free_at_start = mm_fix_free_pages();
}

static struct domain *lookup(domid_t id)
{
    struct domain *d = domain_get(id);

    if (d)
        domain_put(d);
    return d;
}

static struct domain *lookup_any(domid_t id)
{
    struct domain *d = domain_get_any(id);

    if (d)
        domain_put(d);
    return d;
}

/* A toolstack's domain: DOMID_AUTO or an exact id; 0 or the error. */
static int mkctl(domid_t id, uint64_t max_pages, struct domain **out)
{
    struct domain_params p = { .domid = id, .name = "guest", .nr_vcpus = 2,
                               .max_pages = max_pages, .controlled = true };
    return domain_new(&p, out);
}

static struct domain *mkdom0(void)
{
    struct domain *d = domain_create(0, "dom0", 1, 10, true);

    CHECK(d != NULL);
    return d;
}

/* ---- ids ------------------------------------------------------------------ */

TEST(auto_ids_follow_a_rover_and_are_not_reused_at_once)
{
    struct domain *a, *b, *c, *d, *e;

    setup();
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &a), 0);
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &b), 0);
    CHECK_EQ(a->domid, 1);
    CHECK_EQ(b->domid, 2);
    domain_destroy(a);
    CHECK(lookup_any(1) == NULL);                   /* gone: nothing held it */
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &c), 0);
    CHECK_EQ(c->domid, 3);                          /* 1 is free, not reused yet */
    CHECK_EQ(mkctl(5, 10, &d), 0);                  /* an exact id */
    CHECK_EQ(mkctl(5, 10, &e), -EEXIST);
    CHECK_EQ(mkctl(DOMID_FIRST_RESERVED, 10, &e), -EINVAL);
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &e), 0);
    CHECK_EQ(e->domid, 4);
    struct domain *f;
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &f), 0);
    CHECK_EQ(f->domid, 6);                          /* 5 is taken */
    CHECK_EQ(mkctl(1, 10, &a), 0);                  /* asked for: fine */
    CHECK_EQ(domains_alive(), 6);
    domain_destroy(a);
    domain_destroy(b);
    domain_destroy(c);
    domain_destroy(d);
    domain_destroy(e);
    domain_destroy(f);
    CHECK_EQ(domains_alive(), 0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(more_than_64_domains_each_found_in_constant_time)
{
    static struct domain *doms[300];

    setup();
    for (uint32_t i = 0; i < 300; i++) {
        CHECK_EQ(mkctl(DOMID_AUTO, 10, &doms[i]), 0);
        CHECK_EQ(doms[i]->domid, i + 1);
    }
    CHECK(lookup(300) == doms[299]);
    CHECK(lookup(257) == doms[256]);                /* same hash chain as 1 */
    CHECK(lookup(1) == doms[0]);
    CHECK(lookup(301) == NULL);
    for (uint32_t i = 0; i < 300; i += 2)
        domain_destroy(doms[i]);
    for (uint32_t i = 0; i < 300; i++)
        CHECK(lookup(i + 1) == (i % 2 ? doms[i] : NULL));
    for (uint32_t i = 1; i < 300; i += 2)
        domain_destroy(doms[i]);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(get_next_finds_the_first_id_at_or_above)
{
    struct domain *a, *b, *n;

    setup();
    CHECK_EQ(mkctl(3, 10, &a), 0);
    CHECK_EQ(mkctl(9, 10, &b), 0);
    n = domain_get_next(0);
    CHECK(n == a);
    domain_put(n);
    n = domain_get_next(4);
    CHECK(n == b);
    domain_put(n);
    CHECK(domain_get_next(10) == NULL);
    domain_destroy(a);
    domain_destroy(b);
}

/* ---- pause ---------------------------------------------------------------- */

TEST(a_controlled_domain_starts_paused_and_pauses_nest)
{
    struct domain *d;

    setup();
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &d), 0);
    CHECK_EQ(d->pause_count, 1);                    /* Xen: until the toolstack unpauses */
    CHECK_EQ(domain_unpause_ctl(d), 0);
    CHECK_EQ(d->pause_count, 0);
    CHECK_EQ(denv.unpause_domain, 1);
    CHECK_EQ(domain_unpause_ctl(d), -EINVAL);       /* not paused */
    CHECK_EQ(denv.unpause_domain, 1);
    CHECK_EQ(domain_pause_ctl(d), 0);
    CHECK_EQ(domain_pause_ctl(d), 0);
    CHECK_EQ(denv.pause_domain, 2);
    CHECK_EQ(domain_unpause_ctl(d), 0);
    CHECK_EQ(denv.unpause_domain, 1);               /* still paused once */
    CHECK_EQ(domain_unpause_ctl(d), 0);
    CHECK_EQ(denv.unpause_domain, 2);
    for (uint32_t i = 0; i < 255; i++)
        CHECK_EQ(domain_pause_ctl(d), 0);
    CHECK_EQ(domain_pause_ctl(d), -EOVERFLOW);      /* Xen's limit of 255 */
    CHECK_EQ(d->pause_count, 255);
    domain_destroy(d);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* A kill while pause walks the vCPUs: the teardown waits for the walk,
 * and the walker starts it when done. */
static struct domain *kill_target;

static void kill_during_walk(void)
{
    domain_destroy(kill_target);
    CHECK(kill_target->is_dying);
    CHECK(!kill_target->teardown_begun);            /* waits for the walker */
    CHECK(kill_target->vcpus[0] != NULL);
}

TEST(a_kill_during_a_pause_waits_for_the_pause)
{
    struct domain *d, *ref;

    setup();
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &d), 0);
    CHECK_EQ(domain_unpause_ctl(d), 0);
    kill_target = d;
    ref = domain_get(d->domid);
    denv.pause_hook = kill_during_walk;
    CHECK_EQ(domain_pause_ctl(ref), 0);
    CHECK(ref->teardown_begun);                     /* started by the walker */
    CHECK(ref->vcpus[0] == NULL);
    CHECK(lookup_any(1) == NULL);
    domain_put(ref);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(a_boot_domain_is_not_paused)
{
    struct domain *d;

    setup();
    d = domain_create(1, "boot", 1, 10, false);
    CHECK_EQ(d->pause_count, 0);
    CHECK(!d->controlled);
    domain_destroy(d);
}

/* ---- shutdown and VIRQ_DOM_EXC ---------------------------------------------- */

TEST(a_controlled_domain_keeps_its_shutdown_reason_until_destroyed)
{
    static const uint32_t reasons[] = { SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_suspend,
                                        SHUTDOWN_crash, SHUTDOWN_watchdog, SHUTDOWN_soft_reset };
    struct domain *dom0, *d;

    setup();
    dom0 = mkdom0();
    for (uint32_t i = 0; i < ARRAY_SIZE(reasons); i++) {
        CHECK_EQ(mkctl(DOMID_AUTO, 100, &d), 0);
        CHECK_EQ(domain_populate_ram(d, 0, 40, 0), 0);
        d->vcpus[0]->on_cpu = true;
        denv.global_virqs = 0;
        domain_shutdown(d, reasons[i]);
        CHECK(!d->is_shut_down);                    /* vCPU 0 still on its CPU */
        CHECK_EQ(denv.global_virqs, 0);
        denv_cpus_exit(d);
        CHECK(d->is_shut_down);
        CHECK_EQ(d->shutdown_reason, reasons[i]);
        CHECK_EQ(denv.global_virqs, 1);             /* dom0 told */
        CHECK_EQ(denv.virq_last, VIRQ_DOM_EXC);
        CHECK_EQ(denv.virq_domid, 0);
        CHECK(lookup(d->domid) == d);               /* waits for the toolstack */
        CHECK_EQ(d->tot_pages, 40);
        domain_destroy(d);
        CHECK_EQ(denv.global_virqs, 2);             /* and told again */
    }
    CHECK_EQ(denv.all_ended, 0);                    /* no boot domain ended */
    domain_destroy(dom0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(dom0_ending_ends_keel_even_with_controlled_domains_left)
{
    struct domain *dom0, *d;

    setup();
    dom0 = mkdom0();
    domains_boot_complete();
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &d), 0);
    domain_shutdown(dom0, SHUTDOWN_poweroff);       /* no vCPU ran: at once */
    CHECK_EQ(denv.all_ended, 1);
    CHECK_EQ(denv.all_ended_clean, 1);
    domain_destroy(d);
    CHECK_EQ(denv.all_ended, 1);
}

/* ---- kill -------------------------------------------------------------------- */

TEST(kill_waits_for_vcpus_on_their_cpus)
{
    struct domain *d, *ref;

    setup();
    CHECK_EQ(mkctl(7, 100, &d), 0);
    CHECK_EQ(domain_populate_ram(d, 0, 20, 0), 0);
    CHECK_EQ(domain_unpause_ctl(d), 0);
    d->vcpus[0]->on_cpu = true;
    d->vcpus[1]->on_cpu = true;
    ref = domain_get_any(7);
    domain_destroy(d);
    CHECK(lookup(7) == NULL);                       /* no new lookups */
    CHECK(lookup_any(7) == d);                      /* but the id is taken */
    CHECK(d->is_dying);
    CHECK_EQ(d->state, DOMAIN_KILLED);
    CHECK(!d->teardown_begun);
    CHECK_EQ(d->tot_pages, 20);
    domain_destroy(d);                              /* again: nothing */
    CHECK_EQ(denv.stop_domain, 1);
    denv_cpus_exit(d);                              /* the last one tears it down */
    CHECK(lookup_any(7) == NULL);
    CHECK_EQ(ref->state, DOMAIN_DEAD);
    domain_put(ref);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* ---- zombies ------------------------------------------------------------------ */

TEST(referenced_frames_keep_a_zombie_until_the_last_domain_page_put)
{
    struct domain *dom0, *d;
    mfn_t big, small;
    enum p2m_type t;

    setup();
    dom0 = mkdom0();
    CHECK_EQ(mkctl(DOMID_AUTO, 1000, &d), 0);
    CHECK_EQ(d->domid, 1);
    CHECK_EQ(domain_populate_ram(d, 0, 600, 0), 0);     /* one 2 MiB chunk, 88 small */
    CHECK_EQ(p2m_get_entry(&d->p2m, 100, &big, &t, NULL), 0);
    CHECK_EQ(p2m_get_entry(&d->p2m, 550, &small, &t, NULL), 0);
    CHECK_EQ(page_ref_get(big, d->domid), 0);           /* dom0 maps two frames, */
    CHECK_EQ(page_ref_get(small, d->domid), 0);
    CHECK_EQ(page_ref_get(small, d->domid), 0);         /* one of them twice */
    denv.global_virqs = 0;
    domain_destroy(d);
    CHECK(d->zombie);
    CHECK(lookup(d->domid) == NULL);
    CHECK(lookup_any(d->domid) == d);
    CHECK_EQ(d->tot_pages, 513);                        /* the chunks still held */
    CHECK_EQ(d->nr_chunks, 2);
    CHECK_EQ(pfn_to_page(big)->owner, d->domid);
    CHECK_EQ(mm_fix_free_pages(), free_at_start - 1 - 1 - 513);  /* dom0's p2m root and shared_info */
    CHECK_EQ(denv.global_virqs, 1);                     /* dying: dom0 told */
    domain_page_put(big);                               /* its chunk goes */
    CHECK(d->zombie);
    CHECK_EQ(d->tot_pages, 1);
    CHECK_EQ(mm_fix_free_pages(), free_at_start - 2 - 1);
    domain_page_put(small);
    CHECK(d->zombie);                                   /* one reference left */
    domain_page_put(small);
    CHECK(lookup_any(1) == NULL);                       /* ended: d is freed */
    CHECK_EQ(denv.global_virqs, 2);
    CHECK_EQ(mm_fix_free_pages(), free_at_start - 2);
    domain_destroy(dom0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(domain_page_put_on_a_live_domain_only_drops_the_reference)
{
    struct domain *d;
    mfn_t mfn;
    enum p2m_type t;

    setup();
    CHECK_EQ(mkctl(DOMID_AUTO, 100, &d), 0);
    CHECK_EQ(domain_populate_ram(d, 0, 10, 0), 0);
    CHECK_EQ(p2m_get_entry(&d->p2m, 3, &mfn, &t, NULL), 0);
    CHECK_EQ(page_ref_get(mfn, d->domid), 0);
    domain_page_put(mfn);
    CHECK(!page_ref_held(mfn));
    CHECK_EQ(d->tot_pages, 10);
    ktest_log_clear();
    domain_page_put(mfn);                               /* none held: refused, logged */
    CHECK(ktest_log_contains("reference dropped"));
    domain_destroy(d);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(create_destroy_cycles_leak_nothing)
{
    struct domain *d;
    mfn_t mfn;
    enum p2m_type t;

    setup();
    for (uint32_t i = 0; i < 100; i++) {
        CHECK_EQ(mkctl(DOMID_AUTO, 600, &d), 0);
        CHECK_EQ(domain_populate_ram(d, 0, 520, 0), 0);
        CHECK_EQ(p2m_get_entry(&d->p2m, 515, &mfn, &t, NULL), 0);
        CHECK_EQ(page_ref_get(mfn, d->domid), 0);
        domain_destroy(d);
        domain_page_put(mfn);
    }
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* ---- HVM params ------------------------------------------------------------- */

static long hvm_param(struct vcpu *v, uint64_t op, domid_t domid, uint32_t index,
                      uint64_t *value)
{
    struct xen_hvm_param p = { .domid = domid, .index = index, .value = *value };
    uint64_t args[5] = { op, (uint64_t)(uintptr_t)&p };
    long rc = do_hvm_op(v, args);

    *value = p.value;
    return rc;
}

TEST(a_guest_sets_and_reads_only_what_xen_lets_it)
{
    struct domain *dom0, *d;
    struct vcpu *v;
    uint64_t val;

    setup();
    dom0 = mkdom0();
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &d), 0);
    v = d->vcpus[0];
    /* dom0 builds it: store and console pages and event channels. */
    val = 0xfeffe;
    CHECK_EQ(hvm_param(dom0->vcpus[0], HVMOP_set_param, d->domid, HVM_PARAM_STORE_PFN, &val), 0);
    val = 3;
    CHECK_EQ(hvm_param(dom0->vcpus[0], HVMOP_set_param, d->domid, HVM_PARAM_STORE_EVTCHN, &val), 0);
    val = 0xfefff;
    CHECK_EQ(hvm_param(dom0->vcpus[0], HVMOP_set_param, d->domid, HVM_PARAM_CONSOLE_PFN, &val), 0);
    val = 0;
    CHECK_EQ(hvm_param(dom0->vcpus[0], HVMOP_get_param, d->domid, HVM_PARAM_STORE_PFN, &val), 0);
    CHECK_EQ(val, 0xfeffe);
    /* The guest on itself. */
    val = 0;
    CHECK_EQ(hvm_param(v, HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_PFN, &val), 0);
    CHECK_EQ(val, 0xfeffe);
    CHECK_EQ(hvm_param(v, HVMOP_get_param, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &val), 0);
    CHECK_EQ(val, 0xfefff);
    val = 0x1234;
    CHECK_EQ(hvm_param(v, HVMOP_set_param, DOMID_SELF, HVM_PARAM_STORE_PFN, &val), -EPERM);
    CHECK_EQ(hvm_param(v, HVMOP_set_param, d->domid, HVM_PARAM_CONSOLE_PFN, &val), -EPERM);
    CHECK_EQ(d->hvm_params[HVM_PARAM_STORE_PFN], 0xfeffe);
    val = (2ULL << 56) | 0xf3;
    CHECK_EQ(hvm_param(v, HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    CHECK_EQ(d->hvm_params[HVM_PARAM_CALLBACK_IRQ], (2ULL << 56) | 0xf3);
    val = 9;
    CHECK_EQ(hvm_param(v, HVMOP_set_param, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &val), 0);
    CHECK_EQ(hvm_param(v, HVMOP_set_param, DOMID_SELF, HVM_PARAM_IDENT_PT, &val), -EPERM);
    CHECK_EQ(hvm_param(v, HVMOP_get_param, DOMID_SELF, HVM_PARAM_IDENT_PT, &val), -EPERM);
    CHECK_EQ(hvm_param(v, HVMOP_get_param, DOMID_SELF, HVM_PARAM_IOREQ_PFN, &val), -EPERM);
    /* Not another domain's, nor dom0's. */
    CHECK_EQ(hvm_param(v, HVMOP_get_param, 0, HVM_PARAM_STORE_PFN, &val), -EPERM);
    CHECK_EQ(hvm_param(v, HVMOP_set_param, 0, HVM_PARAM_CALLBACK_IRQ, &val), -EPERM);
    /* dom0: an id with no domain, an index out of range. */
    CHECK_EQ(hvm_param(dom0->vcpus[0], HVMOP_get_param, 999, HVM_PARAM_STORE_PFN, &val), -ESRCH);
    CHECK_EQ(hvm_param(dom0->vcpus[0], HVMOP_get_param, d->domid, HVM_NR_PARAMS, &val), -EINVAL);
    domain_destroy(d);
    CHECK_EQ(hvm_param(dom0->vcpus[0], HVMOP_get_param, 1, HVM_PARAM_STORE_PFN, &val),
             -ESRCH);                                   /* gone: not found */
    domain_destroy(dom0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

TEST(the_allow_lists_match_xen_4_17)
{
    static const uint32_t settable[] = { 0, 2, 15, 18, 19, 34, 36, 37 };
    static const uint32_t readable[] = { 0, 1, 2, 15, 17, 18, 19, 34, 35, 36, 37 };
    struct domain a = { .domid = 1 }, b = { .domid = 0, .privileged = true };
    uint32_t nset = 0, nget = 0;

    setup();
    for (uint32_t i = 0; i < HVM_NR_PARAMS; i++) {
        bool s = false, g = false;
        for (uint32_t k = 0; k < ARRAY_SIZE(settable); k++)
            s |= settable[k] == i;
        for (uint32_t k = 0; k < ARRAY_SIZE(readable); k++)
            g |= readable[k] == i;
        CHECK_EQ(hvm_param_allowed(&a, &a, i, true), s ? 0 : -EPERM);
        CHECK_EQ(hvm_param_allowed(&a, &a, i, false), g ? 0 : -EPERM);
        CHECK_EQ(hvm_param_allowed(&b, &a, i, true), 0);    /* dom0 on another */
        CHECK_EQ(hvm_param_allowed(&a, &b, i, false), -EPERM);
        nset += !hvm_param_allowed(&a, &a, i, true);
        nget += !hvm_param_allowed(&a, &a, i, false);
    }
    CHECK_EQ(nset, ARRAY_SIZE(settable));
    CHECK_EQ(nget, ARRAY_SIZE(readable));
}

/* ---- SCHEDOP_remote_shutdown ------------------------------------------------- */

static long remote_shutdown(struct vcpu *v, domid_t domid, uint32_t reason)
{
    struct sched_remote_shutdown rs = { .domain_id = domid, .reason = reason };
    uint64_t args[5] = { SCHEDOP_remote_shutdown, (uint64_t)(uintptr_t)&rs };

    return do_sched_op(v, args);
}

TEST(remote_shutdown_is_dom0s_and_keeps_the_reason)
{
    struct domain *dom0, *d, *e;

    setup();
    dom0 = mkdom0();
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &d), 0);
    CHECK_EQ(mkctl(DOMID_AUTO, 10, &e), 0);
    CHECK_EQ(remote_shutdown(e->vcpus[0], d->domid, SHUTDOWN_poweroff), -EPERM);
    CHECK_EQ(remote_shutdown(e->vcpus[0], 999, SHUTDOWN_poweroff), -ESRCH);
    CHECK_EQ(d->state, DOMAIN_RUNNING);
    CHECK_EQ(remote_shutdown(dom0->vcpus[0], d->domid, 6), -EINVAL);
    CHECK_EQ(remote_shutdown(dom0->vcpus[0], DOMID_SELF, SHUTDOWN_reboot), -ESRCH);
    CHECK_EQ(remote_shutdown(dom0->vcpus[0], d->domid, SHUTDOWN_reboot), 0);
    CHECK_EQ(d->state, DOMAIN_SHUTDOWN);
    CHECK_EQ(d->shutdown_reason, SHUTDOWN_reboot);
    CHECK(d->is_shut_down);                         /* no vCPU was running */
    CHECK_EQ(remote_shutdown(dom0->vcpus[0], d->domid, SHUTDOWN_poweroff), 0);
    CHECK_EQ(d->shutdown_reason, SHUTDOWN_reboot);  /* the first reason stays */
    domain_destroy(d);
    CHECK_EQ(remote_shutdown(dom0->vcpus[0], 1, SHUTDOWN_poweroff), -ESRCH);
    domain_destroy(e);
    domain_destroy(dom0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}
