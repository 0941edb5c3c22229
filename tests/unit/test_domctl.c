// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the control hypercalls: HYPERVISOR_domctl and _sysctl as a
 * guest makes them (do_domctl/do_sysctl: copy in, version, target lookup,
 * access, dispatch, copy back), the access hook, and the simple ops
 * (common/domctl_simple.c, common/sysctl_host.c).  Expected values are
 * Xen 4.17's: its error order and its rules for each op.
 */
#include "ktest.h"
#include "domain_env.h"
#include "mm_fixture.h"

#include <string.h>

#include <keel/access.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/page_alloc.h>
#include <keel/timer.h>
#include <keel/rangeset.h>
#include <keel/cpu_policy.h>
#include <asm/cpuid.h>

int gnttab_domain_init(struct domain *d)
{
    (void)d;
    return 0;
}

void gnttab_domain_destroy(struct domain *d)
{
    (void)d;
}

bool gnttab_frame_put(mfn_t mfn)
{
    (void)mfn;
    return false;           /* no grant frames here */
}

/* The HVM-context ops are tested by test_hvm_save.c: not linked here. */
DOMCTL_HANDLER(domctl_gethvmcontext) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_sethvmcontext) { return -ENOSYS; }
DOMCTL_HANDLER(domctl_gethvmcontext_partial) { return -ENOSYS; }

static uint32_t wallclock_writes;

void shared_info_write_wallclock(struct domain *d)
{
    (void)d;
    wallclock_writes++;
}

uint64_t tsc_khz(void)
{
    return 2500000;
}

/* Two CPUs online; the scheduler's idle accounting (tested by
 * test_schedule.c) faked: CPU n has been idle now + n ns. */
cpumask_t cpu_online_map = { { 0x3 } };

s_time_t NOW(void)
{
    return 7000;
}

uint64_t schedule_idle_ns(unsigned int cpu, s_time_t now)
{
    return cpu_online(cpu) ? (uint64_t)now + cpu : 0;
}

static struct domain *dom0, *domu;
static pfn_t free_at_start;

static void setup(void)
{
    mm_fix_init();
    denv_reset();
    free_at_start = mm_fix_free_pages();
    dom0 = domain_create(0, "dom0", 2, 1000, true);
    domu = domain_create(1, "domu", 3, 500, false);
}

static void teardown(void)
{
    domain_destroy(domu);
    domain_destroy(dom0);
    CHECK_EQ(mm_fix_free_pages(), free_at_start);
}

/* A domctl as d's vCPU 0 makes it: through do_domctl, guest memory and all. */
static long domctl(struct domain *d, struct xen_domctl *op, uint32_t cmd, domid_t target)
{
    uint64_t args[5] = { (uint64_t)(uintptr_t)op, 0, 0, 0, 0 };

    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = target;
    return do_domctl(d->vcpus[0], args);
}

static long sysctl(struct domain *d, struct xen_sysctl *op, uint32_t cmd)
{
    uint64_t args[5] = { (uint64_t)(uintptr_t)op, 0, 0, 0, 0 };

    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return do_sysctl(d->vcpus[0], args);
}

/* ---- dispatch and access -------------------------------------------------- */

TEST(domctl_checks_version_then_target_then_access)
{
    struct xen_domctl op = { 0 };
    uint64_t args[5] = { 0 };

    setup();
    op.cmd = XEN_DOMCTL_max_mem;
    op.interface_version = 0x14;
    op.domain = 1;
    args[0] = (uint64_t)(uintptr_t)&op;
    CHECK_EQ(do_domctl(domu->vcpus[0], args), -EACCES);    /* before access */
    CHECK_EQ(do_domctl(dom0->vcpus[0], args), -EACCES);
    CHECK_EQ(domctl(domu, &op, XEN_DOMCTL_max_mem, 42), -ESRCH);   /* before access */
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_mem, DOMID_SELF), -ESRCH);
    CHECK_EQ(domctl(domu, &op, XEN_DOMCTL_max_mem, 1), -EPERM);
    CHECK_EQ(domctl(domu, &op, XEN_DOMCTL_max_mem, 0), -EPERM);
    CHECK_EQ(domctl(domu, &op, 0x7fff, 1), -EPERM);        /* unknown: still -EPERM */
    CHECK_EQ(domctl(dom0, &op, 0x7fff, 1), -ENOSYS);
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_shadow_op, 1), -ENOSYS);
    /* createdomain looks up no target, implemented or not. */
    CHECK_EQ(domctl(domu, &op, XEN_DOMCTL_createdomain, 77), -EPERM);
    args[0] = 8;                                            /* faults */
    CHECK_EQ(do_domctl(dom0->vcpus[0], args), -EFAULT);
    teardown();
}

TEST(domctl_target_reference_is_dropped)
{
    struct xen_domctl op = { 0 };
    uint32_t before;

    setup();
    before = domu->refcnt;
    op.u.max_mem.max_memkb = 4096;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_mem, 1), 0);
    CHECK_EQ(domctl(domu, &op, XEN_DOMCTL_max_mem, 1), -EPERM);
    CHECK_EQ(domctl(dom0, &op, 0x7fff, 1), -ENOSYS);
    CHECK_EQ(domu->refcnt, before);
    teardown();
}

TEST(sysctl_checks_version_then_access)
{
    struct xen_sysctl op = { 0 };
    uint64_t args[5] = { (uint64_t)(uintptr_t)&op, 0, 0, 0, 0 };

    setup();
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = 0x16;
    CHECK_EQ(do_sysctl(domu->vcpus[0], args), -EACCES);
    CHECK_EQ(do_sysctl(dom0->vcpus[0], args), -EACCES);
    CHECK_EQ(sysctl(domu, &op, XEN_SYSCTL_physinfo), -EPERM);
    CHECK_EQ(sysctl(domu, &op, 0x7fff), -EPERM);
    CHECK_EQ(sysctl(dom0, &op, 0x7fff), -ENOSYS);
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_tbuf_op), -ENOSYS);
    args[0] = 8;
    CHECK_EQ(do_sysctl(dom0->vcpus[0], args), -EFAULT);
    teardown();
}

TEST(access_hook_allows_the_control_domain_only)
{
    setup();
    CHECK_EQ(access_domctl(dom0, XEN_DOMCTL_max_mem, domu), 0);
    CHECK_EQ(access_domctl(domu, XEN_DOMCTL_max_mem, domu), -EPERM);
    CHECK_EQ(access_domctl(domu, XEN_DOMCTL_createdomain, NULL), -EPERM);
    CHECK_EQ(access_sysctl(dom0, XEN_SYSCTL_physinfo), 0);
    CHECK_EQ(access_sysctl(domu, XEN_SYSCTL_physinfo), -EPERM);
    CHECK_EQ(access_memory_op_foreign(dom0, 0, domu), 0);
    CHECK_EQ(access_memory_op_foreign(domu, 0, dom0), -EPERM);
    CHECK_EQ(access_memory_op_foreign(domu, 0, domu), 0);
    CHECK_EQ(access_other_domain(domu, domu), 0);
    CHECK_EQ(access_other_domain(domu, dom0), -EPERM);
    CHECK_EQ(access_other_domain(dom0, domu), 0);
    CHECK_EQ(access_privileged(dom0), 0);
    CHECK_EQ(access_privileged(domu), -EPERM);
    teardown();
}

/* ---- the simple domctls ------------------------------------------------- */

TEST(max_mem_is_in_kib_and_may_go_below_tot_pages)
{
    struct xen_domctl op = { 0 };

    setup();
    op.u.max_mem.max_memkb = 64 * 1024;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_mem, 1), 0);
    CHECK_EQ(domu->max_pages, 16384);
    op.u.max_mem.max_memkb = 7;                 /* rounds down */
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_mem, 1), 0);
    CHECK_EQ(domu->max_pages, 1);
    op.u.max_mem.max_memkb = 0;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_mem, 1), 0);
    CHECK_EQ(domu->max_pages, 0);
    CHECK_EQ(domain_populate_ram(domu, 0, 1, 0), -ENOMEM);
    teardown();
}

TEST(max_vcpus_accepts_only_the_created_count)
{
    struct xen_domctl op = { 0 };

    setup();
    op.u.max_vcpus.max = 3;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_vcpus, 1), 0);
    op.u.max_vcpus.max = 4;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_vcpus, 1), -EINVAL);
    op.u.max_vcpus.max = 1;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_vcpus, 1), -EINVAL);
    op.u.max_vcpus.max = 2;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_max_vcpus, 0), -EINVAL); /* itself */
    CHECK_EQ(domu->nr_vcpus, 3);
    teardown();
}

TEST(setdomainhandle_stores_the_uuid)
{
    struct xen_domctl op = { 0 };

    setup();
    for (uint32_t i = 0; i < 16; i++)
        op.u.setdomainhandle.handle[i] = (uint8_t)(0xa0 + i);
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_setdomainhandle, 1), 0);
    CHECK(memcmp(domu->handle, op.u.setdomainhandle.handle, 16) == 0);
    CHECK_EQ(dom0->handle[0], 0);
    teardown();
}

TEST(getvcpuinfo_reports_state_time_and_cpu)
{
    struct xen_domctl op = { 0 };

    setup();
    domu->vcpus[1]->state = VCPU_BLOCKED;
    domu->vcpus[1]->runstate.time[RUNSTATE_running] = 123456789;
    domu->vcpus[1]->processor = 1;
    op.u.getvcpuinfo.vcpu = 1;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_getvcpuinfo, 1), 0);
    CHECK_EQ(op.u.getvcpuinfo.online, 1);
    CHECK_EQ(op.u.getvcpuinfo.blocked, 1);
    CHECK_EQ(op.u.getvcpuinfo.running, 0);
    CHECK_EQ(op.u.getvcpuinfo.cpu_time, 123456789);
    CHECK_EQ(op.u.getvcpuinfo.cpu, 1);
    op.u.getvcpuinfo.vcpu = 0;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_getvcpuinfo, 1), 0);
    CHECK_EQ(op.u.getvcpuinfo.online, 0);       /* not started yet */
    op.u.getvcpuinfo.vcpu = 3;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_getvcpuinfo, 1), -ESRCH);
    op.u.getvcpuinfo.vcpu = 0xffffffff;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_getvcpuinfo, 1), -ESRCH);
    domu->vcpus[1]->state = VCPU_OFFLINE;
    teardown();
}

TEST(scheduler_op_credit2_weight_and_cap)
{
    struct xen_domctl op = { 0 };
    struct xen_domctl_scheduler_op *s = &op.u.scheduler_op;

    setup();
    s->sched_id = XEN_SCHEDULER_CREDIT2;
    s->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_scheduler_op, 1), 0);
    CHECK_EQ(s->u.credit2.weight, 256);
    CHECK_EQ(s->u.credit2.cap, 0);
    s->cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    s->u.credit2.weight = 512;
    s->u.credit2.cap = 300;                     /* 3 vCPUs: the most */
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_scheduler_op, 1), 0);
    s->u.credit2.weight = 0;                    /* keeps the weight */
    s->u.credit2.cap = 301;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_scheduler_op, 1), -EINVAL);
    CHECK_EQ(domu->sched_weight, 512);
    CHECK_EQ(domu->sched_cap, 300);
    s->u.credit2.cap = 50;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_scheduler_op, 1), 0);
    CHECK_EQ(domu->sched_weight, 512);
    CHECK_EQ(domu->sched_cap, 50);
    s->cmd = XEN_DOMCTL_SCHEDOP_putvcpuinfo;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_scheduler_op, 1), -EINVAL);
    s->cmd = 99;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_scheduler_op, 1), -EINVAL);
    s->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    s->sched_id = XEN_SCHEDULER_CREDIT;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_scheduler_op, 1), -EINVAL);
    teardown();
}

TEST(timeoffset_tscinfo_and_paging_pool_are_stored)
{
    struct xen_domctl op = { 0 };

    setup();
    op.u.settimeoffset.time_offset_seconds = -3600;
    wallclock_writes = 0;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_settimeoffset, 1), 0);
    CHECK_EQ(domu->time_offset, -3600);
    CHECK_EQ(wallclock_writes, 1);

    memset(&op.u, 0, sizeof(op.u));
    op.u.tsc_info.tsc_mode = KEEL_TSC_MODE_ALWAYS_EMULATE;
    op.u.tsc_info.gtsc_khz = 1000000;
    op.u.tsc_info.incarnation = 7;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_settscinfo, 1), 0);
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_settscinfo, 0), -EINVAL);   /* itself */
    op.u.tsc_info.tsc_mode = 3;                 /* pvrdtscp: gone from Xen */
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_settscinfo, 1), -EINVAL);
    memset(&op.u, 0xff, sizeof(op.u));
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_gettscinfo, 1), 0);
    CHECK_EQ(op.u.tsc_info.tsc_mode, KEEL_TSC_MODE_ALWAYS_EMULATE);
    CHECK_EQ(op.u.tsc_info.gtsc_khz, 1000000);
    CHECK_EQ(op.u.tsc_info.incarnation, 7);
    CHECK_EQ(op.u.tsc_info.pad, 0);
    CHECK_EQ(op.u.tsc_info.elapsed_nsec, 0);

    op.u.paging_mempool.size = 4u << 20;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_set_paging_mempool_size, 1), 0);
    op.u.paging_mempool.size = 4097;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_set_paging_mempool_size, 1), -EINVAL);
    op.u.paging_mempool.size = 0;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_get_paging_mempool_size, 1), 0);
    CHECK_EQ(op.u.paging_mempool.size, 4u << 20);
    teardown();
}

/* ---- the host sysctls ---------------------------------------------------- */

TEST(physinfo_and_sched_id)
{
    struct xen_sysctl op;

    setup();
    memset(&op, 0xff, sizeof(op));
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_physinfo), 0);
    CHECK_EQ(op.u.physinfo.nr_cpus, 2);
    CHECK_EQ(op.u.physinfo.max_cpu_id, 1);
    CHECK_EQ(op.u.physinfo.threads_per_core, 1);
    CHECK_EQ(op.u.physinfo.cores_per_socket, 2);
    CHECK_EQ(op.u.physinfo.nr_nodes, 1);
    CHECK_EQ(op.u.physinfo.max_node_id, 0);
    CHECK_EQ(op.u.physinfo.cpu_khz, 2500000);
    CHECK_EQ(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hvm, XEN_SYSCTL_PHYSCAP_hvm);
    CHECK_EQ(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_hap, XEN_SYSCTL_PHYSCAP_hap);
    CHECK_EQ(op.u.physinfo.capabilities & XEN_SYSCTL_PHYSCAP_pv, 0);
    CHECK_EQ(op.u.physinfo.free_pages, page_alloc_free_pages());
    CHECK_EQ(op.u.physinfo.total_pages, page_alloc_total_pages());
    CHECK(op.u.physinfo.total_pages >= op.u.physinfo.free_pages);
    CHECK(op.u.physinfo.free_pages > 0);
    CHECK_EQ(op.u.physinfo.max_mfn, page_alloc_max_pfn());
    CHECK(op.u.physinfo.max_mfn + 1 >= op.u.physinfo.total_pages);
    CHECK_EQ(op.u.physinfo.scrub_pages, 0);
    CHECK_EQ(op.u.physinfo.hw_cap[7], 0);

    memset(&op, 0, sizeof(op));
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_sched_id), 0);
    CHECK_EQ(op.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT2);
    teardown();
}

TEST(cputopoinfo_counts_fills_and_refuses_a_short_array)
{
    struct xen_sysctl op;
    struct xen_sysctl_cputopo topo[3];

    setup();
    memset(&op, 0, sizeof(op));
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cputopoinfo), 0);        /* null: count */
    CHECK_EQ(op.u.cputopoinfo.num_cpus, 2);
    memset(topo, 0xee, sizeof(topo));
    op.u.cputopoinfo.num_cpus = 1;
    set_xen_guest_handle(op.u.cputopoinfo.cputopo, topo);
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cputopoinfo), -ENOBUFS);
    CHECK_EQ(op.u.cputopoinfo.num_cpus, 2);
    CHECK_EQ(topo[0].core, 0xeeeeeeee);                            /* untouched */
    op.u.cputopoinfo.num_cpus = 3;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cputopoinfo), 0);
    CHECK_EQ(op.u.cputopoinfo.num_cpus, 2);
    CHECK_EQ(topo[1].core, 1);
    CHECK_EQ(topo[1].socket, 0);
    CHECK_EQ(topo[1].node, 0);
    CHECK_EQ(topo[2].core, 0xeeeeeeee);
    op.u.cputopoinfo.num_cpus = 2;
    op.u.cputopoinfo.cputopo.p = (struct xen_sysctl_cputopo *)8;  /* faults */
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cputopoinfo), -EFAULT);
    teardown();
}

TEST(numainfo_one_node)
{
    struct xen_sysctl op;
    struct xen_sysctl_meminfo mem = { 0 };
    uint32_t dist = 0;

    setup();
    memset(&op, 0, sizeof(op));
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_numainfo), 0);
    CHECK_EQ(op.u.numainfo.num_nodes, 1);
    op.u.numainfo.num_nodes = 0;
    set_xen_guest_handle(op.u.numainfo.meminfo, &mem);
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_numainfo), -ENOBUFS);
    CHECK_EQ(op.u.numainfo.num_nodes, 1);
    set_xen_guest_handle(op.u.numainfo.distance, &dist);
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_numainfo), 0);
    CHECK_EQ(mem.memsize, (uint64_t)page_alloc_total_pages() << PAGE_SHIFT);
    CHECK_EQ(mem.memfree, (uint64_t)page_alloc_free_pages() << PAGE_SHIFT);
    CHECK_EQ(dist, 10);
    CHECK_EQ(sysctl(domu, &op, XEN_SYSCTL_numainfo), -EPERM);
    teardown();
}

/* ---- readconsole ------------------------------------------------------------ */

static char con_buf[LOG_RING_SIZE + 4096];

/* readconsole as `xl dmesg` makes it: count in, count and index out. */
static long readconsole(struct domain *d, struct xen_sysctl *op, char *buf, uint32_t count,
                        bool incremental, uint32_t index, bool clear)
{
    memset(op, 0, sizeof(*op));
    set_xen_guest_handle(op->u.readconsole.buffer, buf);
    op->u.readconsole.count = count;
    op->u.readconsole.incremental = incremental;
    op->u.readconsole.index = index;
    op->u.readconsole.clear = clear;
    return sysctl(d, op, XEN_SYSCTL_readconsole);
}

TEST(readconsole_reads_from_the_oldest_or_from_index)
{
    struct xen_sysctl op;
    uint32_t end;

    setup();
    /* Empty the ring: read it all and clear. */
    CHECK_EQ(readconsole(dom0, &op, con_buf, sizeof(con_buf), false, 0, true), 0);
    CHECK_EQ(readconsole(dom0, &op, con_buf, sizeof(con_buf), false, 0, false), 0);
    CHECK_EQ(op.u.readconsole.count, 0);
    CHECK_EQ(op.u.readconsole.index, (uint32_t)log_ring_head());
    log_ring_store("abc", 3);
    log_ring_store("defg", 4);
    memset(con_buf, 0, 16);
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, false, 0, false), 0);
    CHECK_EQ(op.u.readconsole.count, 7);
    CHECK(memcmp(con_buf, "abcdefg", 8) == 0);     /* nothing past count written */
    end = op.u.readconsole.index;
    CHECK_EQ(end, (uint32_t)log_ring_head());
    /* Incremental: from index when it lies in (oldest, newest]. */
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, true, end - 4, false), 0);
    CHECK_EQ(op.u.readconsole.count, 4);
    CHECK(memcmp(con_buf, "defg", 4) == 0);
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, true, end, false), 0);
    CHECK_EQ(op.u.readconsole.count, 0);                /* nothing new */
    CHECK_EQ(op.u.readconsole.index, end);
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, true, end + 5, false), 0);
    CHECK_EQ(op.u.readconsole.count, 7);                /* out of range: the oldest */
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, true, end - 7, false), 0);
    CHECK_EQ(op.u.readconsole.count, 7);                /* the oldest itself */
    /* A short buffer: count bytes, and index where to go on. */
    CHECK_EQ(readconsole(dom0, &op, con_buf, 3, false, 0, false), 0);
    CHECK_EQ(op.u.readconsole.count, 3);
    CHECK_EQ(op.u.readconsole.index, end - 4);
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, true, op.u.readconsole.index, false), 0);
    CHECK_EQ(op.u.readconsole.count, 4);
    CHECK(memcmp(con_buf, "defg", 4) == 0);
    teardown();
}

TEST(readconsole_clear_forgets_what_was_read)
{
    struct xen_sysctl op;

    setup();
    CHECK_EQ(readconsole(dom0, &op, con_buf, sizeof(con_buf), false, 0, true), 0);
    log_ring_store("one two", 7);
    CHECK_EQ(readconsole(dom0, &op, con_buf, 4, false, 0, true), 0);   /* "one " */
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, false, 0, false), 0);
    CHECK_EQ(op.u.readconsole.count, 3);
    CHECK(memcmp(con_buf, "two", 3) == 0);
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, false, 0, true), 0);
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, false, 0, false), 0);
    CHECK_EQ(op.u.readconsole.count, 0);
    log_ring_store("x", 1);                                 /* new output is kept */
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, false, 0, false), 0);
    CHECK_EQ(op.u.readconsole.count, 1);
    teardown();
}

TEST(readconsole_keeps_the_newest_64k_when_the_ring_wraps)
{
    static char big[LOG_RING_SIZE + 1000];
    struct xen_sysctl op;

    setup();
    for (uint32_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    log_ring_store(big, sizeof(big));
    CHECK_EQ(readconsole(dom0, &op, con_buf, sizeof(con_buf), false, 0, false), 0);
    CHECK_EQ(op.u.readconsole.count, LOG_RING_SIZE);
    CHECK(memcmp(con_buf, big + 1000, LOG_RING_SIZE) == 0);
    CHECK_EQ(op.u.readconsole.index, (uint32_t)log_ring_head());
    teardown();
}

TEST(readconsole_faults_and_refuses_domu)
{
    struct xen_sysctl op;

    setup();
    log_ring_store("z", 1);
    CHECK_EQ(readconsole(dom0, &op, (char *)8, 100, false, 0, true), -EFAULT);
    CHECK_EQ(op.u.readconsole.count, 100);          /* untouched, and not cleared: */
    CHECK_EQ(readconsole(dom0, &op, con_buf, 100, false, 0, false), 0);
    CHECK(op.u.readconsole.count >= 1);
    CHECK_EQ(readconsole(dom0, &op, (char *)8, 0, false, 0, false), 0); /* nothing to copy */
    CHECK_EQ(readconsole(domu, &op, con_buf, 100, false, 0, false), -EPERM);
    teardown();
}

/* ---- getcpuinfo ------------------------------------------------------------- */

TEST(getcpuinfo_idle_time_per_cpu)
{
    struct xen_sysctl op;
    struct xen_sysctl_cpuinfo info[4];

    setup();
    memset(&op, 0, sizeof(op));
    memset(info, 0xee, sizeof(info));
    op.u.getcpuinfo.max_cpus = 4;
    set_xen_guest_handle(op.u.getcpuinfo.info, info);
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_getcpuinfo), 0);
    CHECK_EQ(op.u.getcpuinfo.nr_cpus, 2);               /* min(max_cpus, nr_cpu_ids) */
    CHECK_EQ(info[0].idletime, 7000);
    CHECK_EQ(info[1].idletime, 7001);
    CHECK_EQ(info[2].idletime, 0xeeeeeeeeeeeeeeeeull);  /* untouched */
    op.u.getcpuinfo.max_cpus = 1;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_getcpuinfo), 0);
    CHECK_EQ(op.u.getcpuinfo.nr_cpus, 1);
    op.u.getcpuinfo.max_cpus = 0;
    op.u.getcpuinfo.info.p = NULL;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_getcpuinfo), 0);
    CHECK_EQ(op.u.getcpuinfo.nr_cpus, 0);
    op.u.getcpuinfo.max_cpus = 0xffffffff;
    op.u.getcpuinfo.info.p = (struct xen_sysctl_cpuinfo *)8;
    op.u.getcpuinfo.nr_cpus = 77;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_getcpuinfo), -EFAULT);
    CHECK_EQ(op.u.getcpuinfo.nr_cpus, 77);
    CHECK_EQ(sysctl(domu, &op, XEN_SYSCTL_getcpuinfo), -EPERM);
    teardown();
}

/* ---- cpupool_op ------------------------------------------------------------- */

static long cpupool(struct domain *d, struct xen_sysctl *op, uint32_t cpop, uint32_t pool,
                    uint32_t cpu, uint32_t domid)
{
    memset(op, 0, sizeof(*op));
    op->u.cpupool_op.op = cpop;
    op->u.cpupool_op.cpupool_id = pool;
    op->u.cpupool_op.cpu = cpu;
    op->u.cpupool_op.domid = domid;
    return sysctl(d, op, XEN_SYSCTL_cpupool_op);
}

TEST(cpupool_info_pool0_holds_every_cpu_and_domain)
{
    struct xen_sysctl op;
    uint8_t map[3];

    setup();
    memset(map, 0xee, sizeof(map));
    memset(&op, 0, sizeof(op));
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    set_xen_guest_handle(op.u.cpupool_op.cpumap.bitmap, map);
    op.u.cpupool_op.cpumap.nr_bits = 16;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cpupool_op), 0);
    CHECK_EQ(op.u.cpupool_op.cpupool_id, 0);
    CHECK_EQ(op.u.cpupool_op.sched_id, XEN_SCHEDULER_CREDIT2);
    CHECK_EQ(op.u.cpupool_op.n_dom, 2);
    CHECK_EQ(op.u.cpupool_op.cpumap.nr_bits, 16);
    CHECK_EQ(map[0], 0x03);
    CHECK_EQ(map[1], 0x00);                             /* zeros up to nr_bits */
    CHECK_EQ(map[2], 0xee);                             /* nothing past it */
    op.u.cpupool_op.cpupool_id = 1;                     /* the next pool from 1: none */
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cpupool_op), -ENOENT);
    op.u.cpupool_op.cpupool_id = XEN_SYSCTL_CPUPOOL_PAR_ANY;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cpupool_op), -ENOENT);
    op.u.cpupool_op.cpupool_id = 0;
    op.u.cpupool_op.cpumap.bitmap.p = (uint8_t *)8;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cpupool_op), -EFAULT);
    op.u.cpupool_op.cpumap.nr_bits = 0;                 /* asks no bytes */
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cpupool_op), 0);

    memset(map, 0xee, sizeof(map));
    memset(&op, 0, sizeof(op));
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_FREEINFO;
    set_xen_guest_handle(op.u.cpupool_op.cpumap.bitmap, map);
    op.u.cpupool_op.cpumap.nr_bits = 9;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_cpupool_op), 0);
    CHECK_EQ(map[0], 0);                                /* no free CPU */
    CHECK_EQ(map[1], 0);
    CHECK_EQ(map[2], 0xee);
    CHECK_EQ(sysctl(domu, &op, XEN_SYSCTL_cpupool_op), -EPERM);
    teardown();
}

TEST(cpupool_changes_get_xens_errors_for_one_full_pool)
{
    struct xen_sysctl op;
    uint32_t refs;

    setup();
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_CREATE, 0, 0, 0), -EEXIST);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_CREATE, XEN_SYSCTL_CPUPOOL_PAR_ANY, 0, 0),
             -ENOSYS);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 0, 0, 0), -EBUSY);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 3, 0, 0), -ENOENT);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 1, 1, 0), -ENOENT);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, XEN_SYSCTL_CPUPOOL_PAR_ANY, 0),
             -ENODEV);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 2, 0), -EINVAL);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 1, 0), -ENODEV);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 1, 1, 0), -ENOENT);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 0, 0), -EINVAL);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 2, 0), -EINVAL);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 1, 0), -ENOSYS);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, XEN_SYSCTL_CPUPOOL_PAR_ANY, 0),
             -ENOSYS);
    refs = domu->refcnt;
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 1), 0);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 1, 0, 1), -ENOENT);
    CHECK_EQ(domu->refcnt, refs);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 0), -EPERM);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 42), -ESRCH);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, DOMID_SELF), -ESRCH);
    CHECK_EQ(cpupool(dom0, &op, XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 0x10001), -ESRCH);
    CHECK_EQ(cpupool(dom0, &op, 99, 0, 0, 0), -ENOSYS);
    CHECK_EQ(cpupool(dom0, &op, 0, 0, 0, 0), -ENOSYS);
    CHECK_EQ(cpupool(domu, &op, XEN_SYSCTL_CPUPOOL_OP_DESTROY, 0, 0, 0), -EPERM);
    teardown();
}

/* ---- vCPU affinity -------------------------------------------------------- */

static long affinity(struct xen_domctl *op, uint32_t cmd, uint32_t vcpu, uint32_t flags,
                     uint8_t *hard, uint32_t hard_bits, uint8_t *soft, uint32_t soft_bits)
{
    memset(&op->u, 0, sizeof(op->u));
    op->u.vcpuaffinity.vcpu = vcpu;
    op->u.vcpuaffinity.flags = flags;
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_hard.bitmap, hard);
    op->u.vcpuaffinity.cpumap_hard.nr_bits = hard_bits;
    set_xen_guest_handle(op->u.vcpuaffinity.cpumap_soft.bitmap, soft);
    op->u.vcpuaffinity.cpumap_soft.nr_bits = soft_bits;
    return domctl(dom0, op, cmd, 1);
}

TEST(vcpuaffinity_defaults_to_all_cpus_and_checks_ids)
{
    struct xen_domctl op = { 0 };
    uint8_t hard[4], soft[4];

    setup();        /* the fixture has 2 CPUs */
    memset(hard, 0xee, sizeof(hard));
    memset(soft, 0xee, sizeof(soft));
    CHECK_EQ(affinity(&op, XEN_DOMCTL_getvcpuaffinity, 2,
                      XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, hard, 32, soft, 32), 0);
    CHECK_EQ(hard[0], 0x03);                    /* both CPUs, no more */
    CHECK_EQ(hard[1], 0);                       /* the caller's extra bytes zeroed */
    CHECK_EQ(hard[3], 0);
    CHECK_EQ(soft[0], 0x03);
    CHECK_EQ(affinity(&op, XEN_DOMCTL_getvcpuaffinity, 3, XEN_VCPUAFFINITY_HARD,
                      hard, 32, soft, 32), -EINVAL);        /* past nr_vcpus */
    CHECK_EQ(affinity(&op, XEN_DOMCTL_getvcpuaffinity, 0xffffffff, XEN_VCPUAFFINITY_HARD,
                      hard, 32, soft, 32), -EINVAL);
    CHECK_EQ(affinity(&op, XEN_DOMCTL_getvcpuaffinity, 0, 0, hard, 32, soft, 32), -EINVAL);
    CHECK_EQ(affinity(&op, XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_FORCE,
                      hard, 32, soft, 32), -EINVAL);
    CHECK_EQ(affinity(&op, XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD,
                      (uint8_t *)8, 8, soft, 32), -EFAULT);
    teardown();
}

TEST(setvcpuaffinity_stores_and_reports_the_effective_maps)
{
    struct xen_domctl op = { 0 };
    uint8_t hard[2], soft[2];

    setup();
    hard[0] = 0xfe;                             /* CPU 1 (and absent CPUs 2..7) */
    hard[1] = 0xff;
    soft[0] = 0x01;                             /* CPU 0 only */
    CHECK_EQ(affinity(&op, XEN_DOMCTL_setvcpuaffinity, 1,
                      XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, hard, 16, soft, 8), 0);
    CHECK_EQ(hard[0], 0x02);                    /* within the online CPUs */
    CHECK_EQ(hard[1], 0);
    CHECK_EQ(soft[0], 0x00);                    /* soft within hard: nothing */
    CHECK_EQ(domu->vcpus[1]->cpu_hard_affinity[0], 0x02);
    CHECK_EQ(domu->vcpus[1]->cpu_soft_affinity[0], 0x01);
    CHECK_EQ(domu->vcpus[0]->cpu_hard_affinity[0], 0xff);     /* others untouched */

    /* An empty hard map (no online CPU) is refused and changes nothing. */
    hard[0] = 0xfc;
    soft[0] = 0x03;
    CHECK_EQ(affinity(&op, XEN_DOMCTL_setvcpuaffinity, 1,
                      XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, hard, 8, soft, 8), -EINVAL);
    hard[0] = 0xff;                             /* bits past nr_bits are ignored */
    CHECK_EQ(affinity(&op, XEN_DOMCTL_setvcpuaffinity, 1, XEN_VCPUAFFINITY_HARD,
                      hard, 1, soft, 0), 0);
    CHECK_EQ(hard[0], 0x01);
    CHECK_EQ(affinity(&op, XEN_DOMCTL_setvcpuaffinity, 1, XEN_VCPUAFFINITY_HARD,
                      hard, 0, soft, 0), -EINVAL);                  /* zero bits: empty */
    CHECK_EQ(domu->vcpus[1]->cpu_hard_affinity[0], 0x01);
    CHECK_EQ(domu->vcpus[1]->cpu_soft_affinity[0], 0x01);
    /* A faulting soft map leaves the hard one as it was. */
    hard[0] = 0x02;
    CHECK_EQ(affinity(&op, XEN_DOMCTL_setvcpuaffinity, 1,
                      XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, hard, 8,
                      (uint8_t *)8, 8), -EFAULT);
    CHECK_EQ(domu->vcpus[1]->cpu_hard_affinity[0], 0x01);

    memset(hard, 0xee, sizeof(hard));
    memset(soft, 0xee, sizeof(soft));
    CHECK_EQ(affinity(&op, XEN_DOMCTL_getvcpuaffinity, 1,
                      XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, hard, 9, soft, 3), 0);
    CHECK_EQ(hard[0], 0x01);
    CHECK_EQ(hard[1], 0x00);
    CHECK_EQ(soft[0], 0x01);                    /* get: the stored map */
    CHECK_EQ(soft[1], 0xee);                    /* past the caller's bitmap */
    teardown();
}

/* ---- I/O permissions ------------------------------------------------------ */

static long iomem(uint64_t first, uint64_t nr, uint8_t allow)
{
    struct xen_domctl op = { 0 };

    op.u.iomem_permission.first_mfn = first;
    op.u.iomem_permission.nr_mfns = nr;
    op.u.iomem_permission.allow_access = allow;
    return domctl(dom0, &op, XEN_DOMCTL_iomem_permission, 1);
}

static long ioport(uint32_t first, uint32_t nr, uint8_t allow)
{
    struct xen_domctl op = { 0 };

    op.u.ioport_permission.first_port = first;
    op.u.ioport_permission.nr_ports = nr;
    op.u.ioport_permission.allow_access = allow;
    return domctl(dom0, &op, XEN_DOMCTL_ioport_permission, 1);
}

static long irq(uint32_t pirq, uint8_t allow)
{
    struct xen_domctl op = { 0 };

    op.u.irq_permission.pirq = pirq;
    op.u.irq_permission.allow_access = allow;
    return domctl(dom0, &op, XEN_DOMCTL_irq_permission, 1);
}

TEST(iomem_permission_adds_merges_splits_and_checks_ranges)
{
    setup();
    CHECK_EQ(iomem(0xfe000, 0x10, 1), 0);
    CHECK_EQ(iomem(0xfe010, 0x10, 1), 0);               /* touches: merged */
    CHECK_EQ(domu->iomem_caps.nr, 1);
    CHECK(rangeset_contains(&domu->iomem_caps, 0xfe000, 0xfe01f));
    CHECK_EQ(iomem(0xfe008, 2, 0), 0);                  /* splits */
    CHECK_EQ(domu->iomem_caps.nr, 2);
    CHECK(!rangeset_contains(&domu->iomem_caps, 0xfe008, 0xfe008));
    CHECK(rangeset_contains(&domu->iomem_caps, 0xfe00a, 0xfe01f));
    CHECK_EQ(iomem(5, 0, 1), -EINVAL);                  /* empty */
    CHECK_EQ(iomem(0, 0, 1), -EINVAL);
    CHECK_EQ(iomem(~0ULL - 1, 3, 1), -EINVAL);          /* wraps */
    CHECK_EQ(iomem(~0ULL, 1, 1), 0);                    /* the last frame */
    CHECK_EQ(iomem(0, ~0ULL, 0), 0);                    /* revoke all but the last */
    CHECK_EQ(domu->iomem_caps.nr, 1);
    CHECK(rangeset_contains(&domu->iomem_caps, ~0ULL, ~0ULL));
    CHECK_EQ(dom0->iomem_caps.nr, 0);
    teardown();
}

TEST(permission_sets_are_bounded)
{
    setup();
    for (uint32_t i = 0; i < RANGESET_MAX; i++)
        CHECK_EQ(iomem(0x1000 + 4 * i, 3, 1), 0);
    CHECK_EQ(iomem(0x9000, 1, 1), -ENOMEM);             /* a 17th range */
    CHECK_EQ(iomem(0x1001, 1, 0), -ENOMEM);             /* a split: 17 too */
    CHECK_EQ(domu->iomem_caps.nr, RANGESET_MAX);
    CHECK(rangeset_contains(&domu->iomem_caps, 0x1000, 0x1002));  /* unchanged */
    CHECK_EQ(iomem(0x1000, 1, 0), 0);                   /* a trim needs none */
    CHECK_EQ(iomem(0x1003, 1, 1), 0);                   /* joining two frees one */
    CHECK_EQ(domu->iomem_caps.nr, RANGESET_MAX - 1);
    CHECK(rangeset_contains(&domu->iomem_caps, 0x1001, 0x1006));
    CHECK(!rangeset_contains(&domu->iomem_caps, 0x1000, 0x1001));
    CHECK_EQ(iomem(0x9000, 1, 1), 0);
    teardown();
}

TEST(ioport_and_irq_permission_check_xens_limits)
{
    setup();
    CHECK_EQ(ioport(0x3f8, 8, 1), 0);
    CHECK(rangeset_contains(&domu->ioport_caps, 0x3f8, 0x3ff));
    CHECK_EQ(ioport(0xfff0, 0x10, 1), 0);               /* up to 0xffff */
    CHECK_EQ(ioport(0xfff0, 0x11, 1), -EINVAL);         /* past it */
    CHECK_EQ(ioport(0x10, 0, 1), -EINVAL);
    CHECK_EQ(ioport(0xffffffff, 2, 1), -EINVAL);        /* wraps */
    CHECK_EQ(ioport(0x3f8, 8, 0), 0);
    CHECK(!rangeset_contains(&domu->ioport_caps, 0x3f8, 0x3f8));
    CHECK_EQ(irq(9, 1), 0);
    CHECK(rangeset_contains(&domu->irq_caps, 9, 9));
    CHECK_EQ(irq(DOMAIN_NR_PIRQS - 1, 1), 0);
    CHECK_EQ(irq(DOMAIN_NR_PIRQS, 1), -EINVAL);
    CHECK_EQ(irq(0xffffffff, 1), -EINVAL);
    CHECK_EQ(irq(9, 0), 0);
    CHECK(!rangeset_contains(&domu->irq_caps, 9, 9));
    teardown();
}

/* ---- CPU policies --------------------------------------------------------- */

#define HVM_MAX     XEN_SYSCTL_cpu_policy_hvm_max
#define ECX1_VMX    (1u << 5)
#define ECX1_HV     (1u << 31)

static xen_cpuid_leaf_t leaves[CPU_POLICY_MAX_LEAVES];

static const xen_cpuid_leaf_t *find(const xen_cpuid_leaf_t *l, uint32_t n, uint32_t leaf,
                                    uint32_t subleaf)
{
    for (uint32_t i = 0; i < n; i++)
        if (l[i].leaf == leaf && l[i].subleaf == subleaf)
            return &l[i];
    return NULL;
}

static long get_policy(struct domain *caller, domid_t target, uint32_t room,
                       struct xen_domctl *op)
{
    memset(&op->u, 0, sizeof(op->u));
    op->u.cpu_policy.nr_leaves = room;
    set_xen_guest_handle(op->u.cpu_policy.leaves, room ? leaves : NULL);
    return domctl(caller, op, XEN_DOMCTL_get_cpu_policy, target);
}

static long set_policy(domid_t target, uint32_t nr, struct xen_domctl *op)
{
    memset(&op->u, 0, sizeof(op->u));
    op->u.cpu_policy.nr_leaves = nr;
    set_xen_guest_handle(op->u.cpu_policy.leaves, leaves);
    return domctl(dom0, op, XEN_DOMCTL_set_cpu_policy, target);
}

TEST(sysctl_cpu_featureset_indices_and_room)
{
    struct xen_sysctl op;
    uint32_t fs[CPU_FEATURESET_WORDS + 2];

    setup();
    memset(&op, 0, sizeof(op));
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_featureset), 0);       /* null: count */
    CHECK_EQ(op.u.cpu_featureset.nr_features, CPU_FEATURESET_WORDS);
    memset(fs, 0xee, sizeof(fs));
    set_xen_guest_handle(op.u.cpu_featureset.features, fs);
    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_hvm;
    op.u.cpu_featureset.nr_features = 2;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_featureset), -ENOBUFS);
    CHECK_EQ(op.u.cpu_featureset.nr_features, 2);
    CHECK_EQ(fs[1] & (ECX1_HV | ECX1_VMX), ECX1_HV);        /* word 1: leaf 1 ECX */
    CHECK_EQ(fs[2], 0xeeeeeeee);
    op.u.cpu_featureset.nr_features = CPU_FEATURESET_WORDS + 2;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_featureset), 0);
    CHECK_EQ(op.u.cpu_featureset.nr_features, CPU_FEATURESET_WORDS);
    CHECK_EQ(fs[CPU_FEATURESET_WORDS], 0xeeeeeeee);
    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_pv;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_featureset), -EOPNOTSUPP);
    op.u.cpu_featureset.index = 6;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_featureset), -EINVAL);
    CHECK_EQ(sysctl(domu, &op, XEN_SYSCTL_get_cpu_featureset), -EPERM);
    teardown();
}

TEST(sysctl_get_cpu_policy_lists_keels_guest_view)
{
    struct xen_sysctl op;
    const xen_cpuid_leaf_t *l;
    uint32_t n;

    setup();
    memset(&op, 0, sizeof(op));
    op.u.cpu_policy.index = HVM_MAX;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_policy), 0);           /* null: room */
    CHECK_EQ(op.u.cpu_policy.nr_leaves, CPU_POLICY_MAX_LEAVES);
    CHECK_EQ(op.u.cpu_policy.nr_msrs, 0);
    set_xen_guest_handle(op.u.cpu_policy.leaves, leaves);
    op.u.cpu_policy.nr_leaves = 1;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_policy), -ENOBUFS);
    CHECK_EQ(op.u.cpu_policy.nr_leaves, 1);                              /* not copied back */
    op.u.cpu_policy.nr_leaves = CPU_POLICY_MAX_LEAVES;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_policy), 0);
    n = op.u.cpu_policy.nr_leaves;
    CHECK(n >= 2 && n <= CPU_POLICY_MAX_LEAVES);
    CHECK_EQ(leaves[0].leaf, 0);
    CHECK_EQ(leaves[0].subleaf, XEN_CPUID_NO_SUBLEAF);
    l = find(leaves, n, 1, XEN_CPUID_NO_SUBLEAF);
    CHECK(l != NULL);
    if (l) {
        CHECK_EQ(l->c & (ECX1_HV | ECX1_VMX), ECX1_HV);
        CHECK_EQ(l->b >> 24, 0);                                         /* no APIC ID */
    }
    CHECK(find(leaves, n, 0x40000000, XEN_CPUID_NO_SUBLEAF) == NULL);   /* not in policies */
    op.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_default;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_policy), -EOPNOTSUPP);
    op.u.cpu_policy.index = 6;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_policy), -EINVAL);
    op.u.cpu_policy.index = HVM_MAX;
    op.u.cpu_policy._rsvd = 1;
    CHECK_EQ(sysctl(dom0, &op, XEN_SYSCTL_get_cpu_policy), -EINVAL);
    teardown();
}

TEST(set_cpu_policy_takes_the_current_one_or_fewer_features)
{
    struct xen_domctl op = { 0 };
    xen_cpuid_leaf_t *l1;
    xen_msr_entry_t msr = { .idx = 0xce };
    uint32_t n, r[4];

    setup();
    CHECK_EQ(get_policy(dom0, 1, 0, &op), 0);
    CHECK_EQ(op.u.cpu_policy.nr_leaves, CPU_POLICY_MAX_LEAVES);
    CHECK_EQ(get_policy(dom0, 1, 1, &op), -ENOBUFS);
    CHECK_EQ(get_policy(dom0, 1, CPU_POLICY_MAX_LEAVES, &op), 0);
    n = op.u.cpu_policy.nr_leaves;
    l1 = (xen_cpuid_leaf_t *)find(leaves, n, 1, XEN_CPUID_NO_SUBLEAF);
    CHECK(l1 != NULL);
    if (!l1) {
        teardown();
        return;
    }
    CHECK_EQ((l1->b >> 16) & 0xff, 3);                  /* domu's vCPU count */

    CHECK_EQ(set_policy(1, n, &op), 0);                 /* as it is */
    l1->c &= ~ECX1_HV;                                  /* a feature fewer */
    CHECK_EQ(set_policy(1, n, &op), 0);
    cpuid_policy_leaf(domu, CPU_POLICY_DOMAIN, 1, 0, r);
    CHECK_EQ(r[2] & ECX1_HV, 0);                        /* what the vCPUs see */
    cpuid_policy_leaf(dom0, CPU_POLICY_DOMAIN, 1, 0, r);
    CHECK_EQ(r[2] & ECX1_HV, ECX1_HV);                  /* only domu's */
    CHECK_EQ(get_policy(dom0, 1, CPU_POLICY_MAX_LEAVES, &op), 0);
    l1 = (xen_cpuid_leaf_t *)find(leaves, n, 1, XEN_CPUID_NO_SUBLEAF);
    CHECK_EQ(l1->c & ECX1_HV, 0);

    l1->c |= ECX1_HV;                                   /* offered again: fine */
    CHECK_EQ(set_policy(1, n, &op), 0);
    cpuid_policy_leaf(domu, CPU_POLICY_DOMAIN, 1, 0, r);
    CHECK_EQ(r[2] & ECX1_HV, ECX1_HV);

    l1->c |= ECX1_VMX;                                  /* Keel cannot offer it */
    CHECK_EQ(set_policy(1, n, &op), -EINVAL);
    CHECK_EQ(op.u.cpu_policy.err_leaf, 1);
    CHECK_EQ(op.u.cpu_policy.err_subleaf, XEN_CPUID_NO_SUBLEAF);
    CHECK_EQ(op.u.cpu_policy.err_msr, XEN_CPUID_INPUT_UNUSED);
    l1->c &= ~ECX1_VMX;
    leaves[0].a++;                                      /* max leaf: not a feature */
    CHECK_EQ(set_policy(1, n, &op), -EINVAL);
    CHECK_EQ(op.u.cpu_policy.err_leaf, 0);
    leaves[0].a--;
    leaves[0].leaf = 0x40000000;                        /* not a policy leaf */
    CHECK_EQ(set_policy(1, 1, &op), -ERANGE);
    CHECK_EQ(op.u.cpu_policy.err_leaf, 0x40000000);
    leaves[0].leaf = 0;

    CHECK_EQ(set_policy(1, CPU_POLICY_MAX_LEAVES + 1, &op), -E2BIG);
    memset(&op.u, 0, sizeof(op.u));
    op.u.cpu_policy.nr_msrs = 1;
    set_xen_guest_handle(op.u.cpu_policy.msrs, &msr);
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_set_cpu_policy, 1), -ERANGE);
    CHECK_EQ(op.u.cpu_policy.err_msr, 0xce);
    CHECK_EQ(set_policy(0, n, &op), -EINVAL);           /* itself */
    domu->vcpus[0]->state = VCPU_RUNNABLE;              /* started: too late */
    CHECK_EQ(set_policy(1, n, &op), -EEXIST);
    domu->vcpus[0]->state = VCPU_OFFLINE;
    set_xen_guest_handle(op.u.cpu_policy.leaves, (xen_cpuid_leaf_t *)8);
    op.u.cpu_policy.nr_leaves = 1;
    CHECK_EQ(domctl(dom0, &op, XEN_DOMCTL_set_cpu_policy, 1), -EFAULT);
    CHECK_EQ(get_policy(domu, 1, CPU_POLICY_MAX_LEAVES, &op), -EPERM);
    teardown();
}
