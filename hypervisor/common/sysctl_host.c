// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysctl ops that describe the host: sched_id (Keel presents itself as
 * credit2, the scheduler whose parameters it stores) and physinfo (CPUs,
 * TSC frequency, the page allocator's totals, one NUMA node, HVM with HAP),
 * cputopoinfo and numainfo (that topology, CPU by CPU and node by node).
 */
#include <asm/hvm_vcpu.h>
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
    p->max_mfn = page_alloc_max_pfn();
    *copyback = true;
    return 0;
}

/* One entry per CPU (core = CPU number, socket 0, node 0).  A null handle
 * asks for the count; too small an array gets -ENOBUFS and the count. */
long sysctl_cputopoinfo(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    struct xen_sysctl_cputopoinfo *ti = &op->u.cputopoinfo;
    uint64_t base = xen_guest_handle_addr(ti->cputopo);
    uint32_t n = nr_cpu_ids;
    long ret = 0;

    *copyback = true;
    if (!base) {
        ti->num_cpus = n;
        return 0;
    }
    if (ti->num_cpus < n) {
        ti->num_cpus = n;
        return -ENOBUFS;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct xen_sysctl_cputopo t = { .core = i, .socket = 0, .node = 0 };
        if (copy_to_guest(caller, base + (uint64_t)i * sizeof(t), &t, sizeof(t)) < 0) {
            ret = -EFAULT;
            break;
        }
    }
    ti->num_cpus = n;
    return ret;
}

/* One node holding all memory; distance to itself 10 (ACPI SLIT's local). */
long sysctl_numainfo(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    struct xen_sysctl_numainfo *ni = &op->u.numainfo;
    uint64_t meminfo = xen_guest_handle_addr(ni->meminfo);
    uint64_t distance = xen_guest_handle_addr(ni->distance);
    struct xen_sysctl_meminfo m = {
        .memsize = (uint64_t)page_alloc_total_pages() << PAGE_SHIFT,
        .memfree = (uint64_t)page_alloc_free_pages() << PAGE_SHIFT,
    };
    uint32_t local = 10;

    *copyback = true;
    if (!meminfo && !distance) {
        ni->num_nodes = 1;
        return 0;
    }
    if (ni->num_nodes < 1) {
        ni->num_nodes = 1;
        return -ENOBUFS;
    }
    ni->num_nodes = 1;
    if (meminfo && copy_to_guest(caller, meminfo, &m, sizeof(m)) < 0)
        return -EFAULT;
    if (distance && copy_to_guest(caller, distance, &local, sizeof(local)) < 0)
        return -EFAULT;
    return 0;
}
