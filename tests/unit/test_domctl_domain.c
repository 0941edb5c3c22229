// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the lifecycle domctls (createdomain, destroydomain,
 * pausedomain, unpausedomain, getdomaininfo) and sysctl getdomaininfolist
 * (hypervisor/common/domctl_domain.c), called through the real dispatchers
 * (domctl_dispatch, sysctl_dispatch) and access hook.  Expected values:
 * Xen 4.17's do_domctl/do_sysctl, sanitise_domain_config,
 * emulation_flags_ok and getdomaininfo, and its public headers.
 *
 * Runs the real domain.c, p2m, page allocator and spinlocks
 * (tests/unit/mm_fixture.h); the rest is faked (tests/unit/domain_env.h).
 */
#include "ktest.h"
#include "domain_env.h"
#include "mm_fixture.h"

#include <string.h>

#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/page_alloc.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/xen.h>

int gnttab_domain_init(struct domain *d) { (void)d; return 0; }
void gnttab_domain_destroy(struct domain *d) { (void)d; }
bool gnttab_frame_put(mfn_t mfn) { (void)mfn; return false; }   /* no grant frames here */

/* The other ops of the dispatch tables are tested by test_domctl.c and
 * test_hvm_save.c: not linked here. */
DOMCTL_HANDLER(domctl_max_mem) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_max_vcpus) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_setdomainhandle) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_getvcpuinfo) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_scheduler_op) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_settimeoffset) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_settscinfo) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_gettscinfo) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_get_paging_mempool_size) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_set_paging_mempool_size) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_setvcpuaffinity) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_getvcpuaffinity) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_iomem_permission) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_ioport_permission) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_irq_permission) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_get_cpu_policy) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_set_cpu_policy) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_gethvmcontext) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_sethvmcontext) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_gethvmcontext_partial) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_sched_id) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_physinfo) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_cputopoinfo) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_numainfo) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_readconsole) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_getcpuinfo) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_cpupool_op) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_get_cpu_policy) { return -ENOSYS; }
SYSCTL_HANDLER(sysctl_get_cpu_featureset) { return -ENOSYS; }

static pfn_t free_at_start;
static struct domain *dom0, *domu;

static void setup(void)
{
    mm_fix_init();
    denv_reset();
    free_at_start = mm_fix_free_pages();
    dom0 = domain_create(0, "dom0", 1, 10, true);
    domu = domain_create(1, "boot1", 1, 10, false);
    CHECK(dom0 && domu);
}

static void teardown(void)
{
    domain_destroy(domu);
    domain_destroy(dom0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

static struct xen_domctl ctl(uint32_t cmd, domid_t domid)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = domid;
    return op;
}

static struct xen_domctl create_op(domid_t domid)
{
    struct xen_domctl op = ctl(XEN_DOMCTL_createdomain, domid);

    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op.u.createdomain.max_vcpus = 2;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = 32;
    op.u.createdomain.max_maptrack_frames = 1024;
    op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    memset(op.u.createdomain.handle, 0xab, sizeof(op.u.createdomain.handle));
    return op;
}

static long call(struct domain *caller, struct xen_domctl *op, bool *copyback)
{
    bool cb;

    return domctl_dispatch(caller->vcpus[0], op, copyback ? copyback : &cb);
}

/* A new domain's id, or a negative error. */
static long create(struct xen_domctl op)
{
    bool cb = false;
    long rc = call(dom0, &op, &cb);

    if (rc == 0) {
        CHECK(cb);
        return op.domain;
    }
    return rc;
}

static struct xen_domctl_getdomaininfo info_of(domid_t domid, long *rc)
{
    struct xen_domctl op = ctl(XEN_DOMCTL_getdomaininfo, domid);

    *rc = call(dom0, &op, NULL);
    if (*rc == 0)
        CHECK_EQ(op.domain, op.u.getdomaininfo.domain);
    return op.u.getdomaininfo;
}

static long simple(struct domain *caller, uint32_t cmd, domid_t domid)
{
    struct xen_domctl op = ctl(cmd, domid);

    return call(caller, &op, NULL);
}

/* ---- createdomain ----------------------------------------------------------- */

TEST(createdomain_makes_a_paused_domain_and_returns_its_id)
{
    struct domain *d;
    long id;

    setup();
    id = create(create_op(0));
    CHECK_EQ(id, 2);                                /* after the boot domains */
    d = domain_get(2);
    CHECK(d != NULL);
    CHECK(d->controlled);
    CHECK_EQ(d->pause_count, 1);
    CHECK_EQ(d->nr_vcpus, 2);
    CHECK_EQ(d->vcpus[1]->state, VCPU_OFFLINE);
    CHECK_EQ(d->max_evtchn_port, 1023);
    CHECK_EQ(d->max_grant_frames, 32);
    CHECK_EQ(d->max_maptrack_frames, 1024);
    CHECK_EQ(d->max_pages, 0);                      /* until max_mem */
    CHECK_EQ(d->handle[15], 0xab);
    domain_put(d);
    CHECK_EQ(create(create_op(DOMID_INVALID)), 3);  /* reserved: any */
    CHECK_EQ(create(create_op(40)), 40);
    CHECK_EQ(create(create_op(40)), -EEXIST);
    CHECK_EQ(create(create_op(0)), 4);              /* the rover, not 41 */
    struct xen_domctl op = create_op(0);
    op.u.createdomain.max_grant_frames = -1;        /* Keel's default */
    op.u.createdomain.max_maptrack_frames = -1;
    CHECK_EQ(create(op), 5);
    for (domid_t i = 2; i <= 5; i++)
        CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, i), 0);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 40), 0);
    teardown();
}

TEST(createdomain_refuses_what_keel_cannot_run)
{
    struct xen_domctl op;

    setup();
    op = create_op(0);
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm;                       /* shadow */
    CHECK_EQ(create(op), -EINVAL);
    op.u.createdomain.flags = 0;                                        /* PV */
    CHECK_EQ(create(op), -EINVAL);
    op = create_op(0);
    op.u.createdomain.flags |= XEN_DOMCTL_CDF_iommu;
    CHECK_EQ(create(op), -EINVAL);
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | (1u << 8);
    CHECK_EQ(create(op), -EINVAL);                                      /* unknown */
    op = create_op(0);
    op.u.createdomain.max_vcpus = 0;
    CHECK_EQ(create(op), -EINVAL);
    op.u.createdomain.max_vcpus = MAX_VCPUS + 1;
    CHECK_EQ(create(op), -EINVAL);
    op = create_op(0);
    op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI;
    CHECK_EQ(create(op), -EOPNOTSUPP);                                  /* full HVM */
    op.u.createdomain.arch.emulation_flags = 0;
    CHECK_EQ(create(op), -EOPNOTSUPP);
    op.u.createdomain.arch.emulation_flags = 1u << 11;
    CHECK_EQ(create(op), -EINVAL);
    op = create_op(0);
    op.u.createdomain.max_grant_frames = 0;
    CHECK_EQ(create(op), -EINVAL);
    op.u.createdomain.max_grant_frames = GNTTAB_MAX_FRAMES + 1;
    CHECK_EQ(create(op), -EINVAL);
    op = create_op(0);
    op.u.createdomain.max_maptrack_frames = 1025;
    CHECK_EQ(create(op), -EINVAL);
    op = create_op(0);
    op.u.createdomain.cpupool_id = 1;
    CHECK_EQ(create(op), -ENOENT);
    op = create_op(0);
    op.u.createdomain.vmtrace_size = 4096;
    CHECK_EQ(create(op), -EINVAL);
    op = create_op(0);
    op.u.createdomain.grant_opts = 0x10;
    CHECK_EQ(create(op), -EINVAL);
    op = create_op(0);
    op.interface_version = 0x14;
    CHECK_EQ(create(op), -EACCES);
    /* Not dom0. */
    op = create_op(0);
    CHECK_EQ(call(domu, &op, NULL), -EPERM);
    CHECK_EQ(domains_alive(), 2);                   /* nothing was made */
    teardown();
}

/* ---- pause, unpause, destroy --------------------------------------------------- */

TEST(pause_unpause_and_destroy)
{
    struct domain *d;
    long id, rc;

    setup();
    id = create(create_op(0));
    CHECK_EQ(simple(dom0, XEN_DOMCTL_unpausedomain, (domid_t)id), 0);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_unpausedomain, (domid_t)id), -EINVAL);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_pausedomain, (domid_t)id), 0);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_pausedomain, (domid_t)id), 0);
    d = domain_get((domid_t)id);
    CHECK_EQ(d->pause_count, 2);
    domain_put(d);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_pausedomain, 0), -EINVAL);        /* itself */
    CHECK_EQ(simple(dom0, XEN_DOMCTL_pausedomain, 999), -ESRCH);
    CHECK_EQ(simple(domu, XEN_DOMCTL_pausedomain, (domid_t)id), -EPERM);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 0), -EINVAL);      /* itself */
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 999), -ESRCH);
    CHECK_EQ(simple(domu, XEN_DOMCTL_destroydomain, (domid_t)id), -EPERM);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, (domid_t)id), 0);
    CHECK(domain_get((domid_t)id) == NULL);
    info_of((domid_t)id, &rc);                      /* gone: the next is none */
    CHECK_EQ(rc, -ESRCH);
    teardown();
}

/* ---- getdomaininfo ------------------------------------------------------------ */

TEST(getdomaininfo_reports_state_reason_and_sizes)
{
    struct xen_domctl_getdomaininfo i;
    struct domain *d;
    long id, rc;

    setup();
    id = create(create_op(7));
    d = domain_get((domid_t)id);
    d->max_pages = 100;
    CHECK_EQ(domain_populate_ram(d, 0, 30, 0), 0);
    i = info_of(7, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(i.domain, 7);
    CHECK_EQ(i.flags, XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | XEN_DOMINF_paused);
    CHECK_EQ(i.tot_pages, 30);
    CHECK_EQ(i.max_pages, 100);
    CHECK_EQ(i.nr_online_vcpus, 0);                 /* not started */
    CHECK_EQ(i.max_vcpu_id, 1);
    CHECK_EQ(i.handle[0], 0xab);
    CHECK_EQ(i.shared_info_frame, ~0ULL);           /* not mapped by the guest */
    CHECK_EQ(i.arch_config.emulation_flags, XEN_X86_EMU_LAPIC);
    CHECK_EQ(i.gpaddr_bits, 48);
    /* Started, unpaused, both vCPUs blocked. */
    d->vcpus[0]->state = VCPU_BLOCKED;
    d->vcpus[1]->state = VCPU_BLOCKED;
    d->vcpus[0]->runstate.time[RUNSTATE_running] = 1000;
    d->vcpus[1]->runstate.time[RUNSTATE_running] = 234;
    CHECK_EQ(simple(dom0, XEN_DOMCTL_unpausedomain, 7), 0);
    i = info_of(7, &rc);
    CHECK_EQ(i.flags, XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | XEN_DOMINF_blocked);
    CHECK_EQ(i.nr_online_vcpus, 2);
    CHECK_EQ(i.cpu_time, 1234);
    d->vcpus[1]->state = VCPU_RUNNING;
    i = info_of(7, &rc);
    CHECK_EQ(i.flags, XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | XEN_DOMINF_running);
    d->vcpus[1]->state = VCPU_BLOCKED;
    /* Shut down (reboot): the reason in bits 16..23, until destroyed. */
    domain_shutdown(d, SHUTDOWN_reboot);
    i = info_of(7, &rc);
    CHECK_EQ(i.flags, XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | XEN_DOMINF_shutdown |
                      (SHUTDOWN_reboot << XEN_DOMINF_shutdownshift));
    CHECK_EQ(i.nr_online_vcpus, 2);
    /* A zombie: dying, its frames still held. */
    mfn_t mfn;
    enum p2m_type t;
    CHECK_EQ(p2m_get_entry(&d->p2m, 3, &mfn, &t, NULL), 0);
    CHECK_EQ(page_ref_get(mfn, 7), 0);
    domain_put(d);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 7), 0);
    i = info_of(7, &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(i.domain, 7);
    CHECK(i.flags & XEN_DOMINF_dying);
    CHECK_EQ(i.nr_online_vcpus, 0);
    CHECK_EQ(i.tot_pages, 1);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 7), 0);     /* again: nothing */
    domain_page_put(mfn);
    info_of(7, &rc);
    CHECK_EQ(rc, -ESRCH);
    teardown();
}

TEST(getdomaininfo_finds_the_first_id_at_or_above)
{
    struct xen_domctl_getdomaininfo i;
    long rc;

    setup();
    CHECK_EQ(create(create_op(9)), 9);
    i = info_of(2, &rc);                            /* no 2..8: the next, 9 */
    CHECK_EQ(rc, 0);
    CHECK_EQ(i.domain, 9);
    i = info_of(0, &rc);
    CHECK_EQ(i.domain, 0);
    info_of(10, &rc);
    CHECK_EQ(rc, -ESRCH);
    info_of(DOMID_SELF, &rc);
    CHECK_EQ(rc, -EINVAL);
    struct xen_domctl op = ctl(XEN_DOMCTL_getdomaininfo, 9);
    CHECK_EQ(call(domu, &op, NULL), -EPERM);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 9), 0);
    teardown();
}

/* ---- sysctl getdomaininfolist ---------------------------------------------------- */

static long list(domid_t first, uint32_t max, struct xen_domctl_getdomaininfo *buf,
                 uint32_t *num)
{
    struct xen_sysctl op;
    bool cb = false;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_getdomaininfolist;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.u.getdomaininfolist.first_domain = first;
    op.u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, buf);
    rc = sysctl_dispatch(dom0->vcpus[0], &op, &cb);
    *num = op.u.getdomaininfolist.num_domains;
    if (rc == 0)
        CHECK(cb);
    return rc;
}

TEST(getdomaininfolist_lists_in_id_order_within_the_limit)
{
    static struct xen_domctl_getdomaininfo buf[8];
    uint32_t n;

    setup();
    CHECK_EQ(create(create_op(5)), 5);
    CHECK_EQ(create(create_op(300)), 300);
    CHECK_EQ(list(0, 8, buf, &n), 0);
    CHECK_EQ(n, 4);
    CHECK_EQ(buf[0].domain, 0);
    CHECK_EQ(buf[1].domain, 1);
    CHECK_EQ(buf[2].domain, 5);
    CHECK_EQ(buf[3].domain, 300);
    CHECK(buf[2].flags & XEN_DOMINF_paused);
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(list(2, 1, buf, &n), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(buf[0].domain, 5);
    CHECK_EQ(buf[1].domain, 0);                     /* nothing past the limit */
    CHECK_EQ(list(301, 8, buf, &n), 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(list(0, 0, buf, &n), 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(list(0, 0xffffffffu, (void *)(uintptr_t)0x1000, &n), -EFAULT);
    mm_fix_readonly(&buf[1], sizeof(buf[1]));
    CHECK_EQ(list(0, 8, buf, &n), -EFAULT);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 5), 0);
    CHECK_EQ(simple(dom0, XEN_DOMCTL_destroydomain, 300), 0);
    teardown();
}
