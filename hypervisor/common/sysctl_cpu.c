// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysctl ops about physical CPUs: getcpuinfo (idle time per CPU, from
 * the scheduler's accounting) and cpupool_op.  Keel has one CPU pool, 0,
 * holding every online CPU and every domain, scheduled (as far as the
 * toolstack can tell) by credit2.  Each cpupool op answers what Xen 4.17
 * answers in that configuration: with no second pool and no free CPU,
 * almost everything is one of Xen's own errors; the two requests Xen would
 * carry out and Keel cannot (creating a pool, taking a CPU out of pool 0)
 * get -ENOSYS.  docs/control-abi.md lists the answers.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/smp.h>
#include <keel/timer.h>

#define KEEL_CPUPOOL    0u

/* Idle ns of CPUs 0 .. min(max_cpus, nr_cpu_ids) - 1 (0 for an offline
 * one); nr_cpus returns how many were written. */
SYSCTL_HANDLER(sysctl_getcpuinfo)
{
    struct xen_sysctl_getcpuinfo *gi = &op->u.getcpuinfo;
    uint64_t base = xen_guest_handle_addr(gi->info);
    uint32_t n = MIN(gi->max_cpus, (uint32_t)nr_cpu_ids);
    s_time_t now = NOW();

    *copyback = true;
    for (uint32_t i = 0; i < n; i++) {
        struct xen_sysctl_cpuinfo info = { .idletime = schedule_idle_ns(i, now) };

        if (copy_to_guest(caller, base + (uint64_t)i * sizeof(info), &info, sizeof(info)) < 0)
            return -EFAULT;
    }
    gi->nr_cpus = n;
    return 0;
}

/* Domains in the pool: all that exist, dying ones too (Xen takes a domain
 * out of its pool only when the domain is finally freed). */
static uint32_t cpupool_n_dom(void)
{
    uint32_t n = 0;
    uint32_t id = 0;
    struct domain *d;

    while (id < DOMID_FIRST_RESERVED && (d = domain_get_next((domid_t)id))) {
        n++;
        id = (uint32_t)d->domid + 1;
        domain_put(d);
    }
    return n;
}

static long cpupool_info(struct vcpu *caller, struct xen_sysctl_cpupool_op *cp)
{
    if (cp->cpupool_id > KEEL_CPUPOOL)      /* the first pool with id >= it */
        return -ENOENT;
    cp->cpupool_id = KEEL_CPUPOOL;
    cp->sched_id = XEN_SCHEDULER_CREDIT2;
    cp->n_dom = cpupool_n_dom();
    return ctl_bitmap_put_cpus(caller, &cp->cpumap, &cpu_online_map, nr_cpu_ids);
}

/* No CPU is free (outside every pool): -ENODEV, after Xen's checks. */
static long cpupool_addcpu(struct xen_sysctl_cpupool_op *cp)
{
    if (cp->cpupool_id != KEEL_CPUPOOL)
        return -ENOENT;
    if (cp->cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY)
        return -ENODEV;
    if (cp->cpu >= nr_cpu_ids)
        return -EINVAL;
    return -ENODEV;
}

static unsigned int last_online_cpu(void)
{
    unsigned int last = 0;

    for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
        if (cpu_online(cpu))
            last = cpu;
    return last;
}

/* Xen keeps CPU 0 in pool 0 and refuses offline CPUs (-EINVAL); any other
 * CPU it would take out, which Keel cannot. */
static long cpupool_rmcpu(struct xen_sysctl_cpupool_op *cp)
{
    uint32_t cpu = cp->cpu;

    if (cp->cpupool_id != KEEL_CPUPOOL)
        return -ENOENT;
    if (cpu == XEN_SYSCTL_CPUPOOL_PAR_ANY)
        cpu = last_online_cpu();
    if (cpu >= nr_cpu_ids || cpu == 0 || !cpu_online(cpu))
        return -EINVAL;
    pr_info("cpupool: CPU %u stays in pool 0 (Keel has one pool)\n", cpu);
    return -ENOSYS;
}

/* Any domain but the caller's (-EPERM), dying ones too (-ESRCH if none):
 * to pool 0, where it is, 0; to another pool -ENOENT. */
static long cpupool_movedomain(struct vcpu *caller, struct xen_sysctl_cpupool_op *cp)
{
    struct domain *d;
    long ret;

    if (cp->domid >= DOMID_FIRST_RESERVED || !(d = domain_get_any((domid_t)cp->domid)))
        return -ESRCH;
    if (d == caller->domain)
        ret = -EPERM;
    else
        ret = cp->cpupool_id == KEEL_CPUPOOL ? 0 : -ENOENT;
    domain_put(d);
    return ret;
}

SYSCTL_HANDLER(sysctl_cpupool_op)
{
    struct xen_sysctl_cpupool_op *cp = &op->u.cpupool_op;

    *copyback = true;
    switch (cp->op) {
    case XEN_SYSCTL_CPUPOOL_OP_CREATE:
        if (cp->cpupool_id == KEEL_CPUPOOL)
            return -EEXIST;
        pr_info("cpupool: no pool created (Keel has one pool)\n");
        return -ENOSYS;
    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:     /* pool 0 holds domains and CPUs */
        return cp->cpupool_id == KEEL_CPUPOOL ? -EBUSY : -ENOENT;
    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        return cpupool_info(caller, cp);
    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
        return cpupool_addcpu(cp);
    case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
        return cpupool_rmcpu(cp);
    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN:
        return cpupool_movedomain(caller, cp);
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:    /* no CPU is outside pool 0 */
        return ctl_bitmap_put_cpus(caller, &cp->cpumap, NULL, nr_cpu_ids);
    default:
        return -ENOSYS;
    }
}
