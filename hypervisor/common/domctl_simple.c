// SPDX-License-Identifier: GPL-2.0-only
/*
 * The domctl ops that set or read one setting of a domain: max_mem,
 * max_vcpus, setdomainhandle, getvcpuinfo, scheduler_op (credit2),
 * settimeoffset, settscinfo/gettscinfo and the paging pool size.  Each
 * validates op as Xen 4.17 does and stores into struct domain; what is
 * enforced and what only stored is in docs/control-abi.md.
 */
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/shared_info.h>
#include <public/vcpu.h>

#define PAGE_SHIFT_KIB  2       /* KiB to 4 KiB pages: >> (12 - 10) */
#define CREDIT2_CAP_PER_VCPU 100

long domctl_max_mem(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                    bool *copyback)
{
    unsigned long flags = spin_lock_irqsave(&d->mem_lock);

    /* As Xen: no check against tot_pages; the domain may balloon down. */
    d->max_pages = op->u.max_mem.max_memkb >> PAGE_SHIFT_KIB;
    spin_unlock_irqrestore(&d->mem_lock, flags);
    return 0;
}

/* Keel makes every vCPU at createdomain: as on Xen 4.17, the only accepted
 * value is the count given there. */
long domctl_max_vcpus(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                      bool *copyback)
{
    if (d == caller->domain || op->u.max_vcpus.max != d->nr_vcpus)
        return -EINVAL;
    return 0;
}

long domctl_setdomainhandle(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                            bool *copyback)
{
    memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
    return 0;
}

long domctl_getvcpuinfo(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                        bool *copyback)
{
    struct xen_domctl_getvcpuinfo *info = &op->u.getvcpuinfo;
    struct vcpu *v;
    unsigned long flags;

    if (info->vcpu >= d->nr_vcpus || !(v = d->vcpus[info->vcpu]))
        return -ESRCH;
    info->online = v->state != VCPU_OFFLINE;
    info->blocked = v->state == VCPU_BLOCKED;
    info->running = v->state == VCPU_RUNNING;
    flags = spin_lock_irqsave(&v->runstate_lock);
    info->cpu_time = v->runstate.time[RUNSTATE_running];
    spin_unlock_irqrestore(&v->runstate_lock, flags);
    info->cpu = v->processor;
    *copyback = true;
    return 0;
}

/* Credit2 parameters, as Xen: putinfo with weight 0 keeps the weight, cap 0
 * removes the cap; per-vCPU parameters do not exist in credit2. */
long domctl_scheduler_op(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                         bool *copyback)
{
    struct xen_domctl_scheduler_op *s = &op->u.scheduler_op;

    if (s->sched_id != XEN_SCHEDULER_CREDIT2)
        return -EINVAL;
    switch (s->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        s->u.credit2.weight = d->sched_weight;
        s->u.credit2.cap = d->sched_cap;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        if (s->u.credit2.cap > CREDIT2_CAP_PER_VCPU * d->nr_vcpus)
            return -EINVAL;
        if (s->u.credit2.weight != 0)
            d->sched_weight = s->u.credit2.weight;
        d->sched_cap = s->u.credit2.cap;
        return 0;
    default:                    /* per-vCPU parameters: not in credit2 */
        return -EINVAL;
    }
}

long domctl_settimeoffset(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback)
{
    d->time_offset = op->u.settimeoffset.time_offset_seconds;
    shared_info_write_wallclock(d);
    return 0;
}

long domctl_settscinfo(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                       bool *copyback)
{
    const struct xen_domctl_tsc_info *t = &op->u.tsc_info;

    if (d == caller->domain)
        return -EINVAL;         /* Xen pauses the target: never itself */
    if (t->tsc_mode != KEEL_TSC_MODE_DEFAULT && t->tsc_mode != KEEL_TSC_MODE_ALWAYS_EMULATE &&
        t->tsc_mode != KEEL_TSC_MODE_NEVER_EMULATE)
        return -EINVAL;
    d->tsc_mode = t->tsc_mode;
    d->gtsc_khz = t->gtsc_khz;
    d->tsc_incarnation = t->incarnation;
    return 0;
}

long domctl_gettscinfo(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                       bool *copyback)
{
    struct xen_domctl_tsc_info *t = &op->u.tsc_info;

    memset(t, 0, sizeof(*t));
    t->tsc_mode = d->tsc_mode;
    t->gtsc_khz = d->gtsc_khz;
    t->incarnation = d->tsc_incarnation;
    t->elapsed_nsec = 0;        /* Keel keeps no TSC offset per domain */
    *copyback = true;
    return 0;
}

long domctl_get_paging_mempool_size(struct vcpu *caller, struct domain *d,
                                    struct xen_domctl *op, bool *copyback)
{
    op->u.paging_mempool.size = d->paging_pool_bytes;
    *copyback = true;
    return 0;
}

/* Keel allocates nested page tables as needed: the size is stored only. */
long domctl_set_paging_mempool_size(struct vcpu *caller, struct domain *d,
                                    struct xen_domctl *op, bool *copyback)
{
    if (op->u.paging_mempool.size & (PAGE_SIZE - 1))
        return -EINVAL;
    d->paging_pool_bytes = op->u.paging_mempool.size;
    return 0;
}
