// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysctl ops that describe the host: sched_id (Keel presents itself as
 * credit2, the scheduler whose parameters it stores) and physinfo (CPUs,
 * TSC frequency, the page allocator's totals, one NUMA node, HVM with HAP).
 */
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/page_alloc.h>
#include <keel/smp.h>

long sysctl_sched_id(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    op->u.sched_id.sched_id = XEN_SCHEDULER_CREDIT2;
    *copyback = true;
    return 0;
}

/* Keel does not read the CPU topology: every CPU counts as one core of one
 * socket, one thread each. */
long sysctl_physinfo(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    struct xen_sysctl_physinfo *p = &op->u.physinfo;

    memset(p, 0, sizeof(*p));
    p->threads_per_core = 1;
    p->cores_per_socket = nr_cpu_ids;
    p->nr_cpus = nr_cpu_ids;
    p->max_cpu_id = nr_cpu_ids - 1;
    p->nr_nodes = 1;
    p->max_node_id = 0;
    p->cpu_khz = (uint32_t)tsc_khz();
    p->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
                      XEN_SYSCTL_PHYSCAP_gnttab_v1;
    p->total_pages = page_alloc_total_pages();
    p->free_pages = page_alloc_free_pages();
    p->scrub_pages = 0;
    p->outstanding_pages = 0;
    p->max_mfn = 0;             /* not tracked: no tool of Keel's needs it */
    *copyback = true;
    return 0;
}
