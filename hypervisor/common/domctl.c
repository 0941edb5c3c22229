// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_domctl: the toolstack's per-domain operations.  Copy the
 * struct in once, check its version, ask the access hook, look up the
 * target, call the op's handler from the table, copy the struct back if the
 * handler asks (keel/domctl.h).  The order of the checks is Xen's: a wrong
 * version is -EACCES for everyone, a missing target -ESRCH, then -EPERM;
 * an op nobody implements is -ENOSYS, but only for a caller allowed to ask.
 */
#include <asm/hvm_vcpu.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>

static const struct domctl_op domctl_ops[] = {
    { XEN_DOMCTL_max_mem,                 domctl_max_mem,                 0 },
    { XEN_DOMCTL_getvcpuinfo,             domctl_getvcpuinfo,             0 },
    { XEN_DOMCTL_max_vcpus,               domctl_max_vcpus,               0 },
    { XEN_DOMCTL_scheduler_op,            domctl_scheduler_op,            0 },
    { XEN_DOMCTL_setdomainhandle,         domctl_setdomainhandle,         0 },
    { XEN_DOMCTL_settimeoffset,           domctl_settimeoffset,           0 },
    { XEN_DOMCTL_gettscinfo,              domctl_gettscinfo,              0 },
    { XEN_DOMCTL_settscinfo,              domctl_settscinfo,              0 },
    { XEN_DOMCTL_get_paging_mempool_size, domctl_get_paging_mempool_size, 0 },
    { XEN_DOMCTL_set_paging_mempool_size, domctl_set_paging_mempool_size, 0 },
    { XEN_DOMCTL_gethvmcontext, domctl_gethvmcontext, 0 },
    { XEN_DOMCTL_sethvmcontext, domctl_sethvmcontext, 0 },
    { XEN_DOMCTL_gethvmcontext_partial, domctl_gethvmcontext_partial, 0 },
    { XEN_DOMCTL_createdomain, domctl_createdomain, DOMCTL_NO_TARGET },
    { XEN_DOMCTL_destroydomain, domctl_destroydomain, DOMCTL_NO_TARGET },  /* dying too */
    { XEN_DOMCTL_pausedomain, domctl_pausedomain, 0 },
    { XEN_DOMCTL_unpausedomain, domctl_unpausedomain, 0 },
    { XEN_DOMCTL_setvcpuaffinity, domctl_setvcpuaffinity, 0 },
    { XEN_DOMCTL_getvcpuaffinity, domctl_getvcpuaffinity, 0 },
    { XEN_DOMCTL_iomem_permission, domctl_iomem_permission, 0 },
    { XEN_DOMCTL_ioport_permission, domctl_ioport_permission, 0 },
    { XEN_DOMCTL_irq_permission, domctl_irq_permission, 0 },
    { XEN_DOMCTL_get_cpu_policy, domctl_get_cpu_policy, 0 },
    { XEN_DOMCTL_set_cpu_policy, domctl_set_cpu_policy, 0 },
    { XEN_DOMCTL_getdomaininfo, domctl_getdomaininfo, DOMCTL_NO_TARGET },  /* first id >= */
};

static const struct domctl_op *domctl_find(uint32_t cmd)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(domctl_ops); i++)
        if (domctl_ops[i].fn && domctl_ops[i].cmd == cmd)
            return &domctl_ops[i];
    return NULL;
}

/* Does cmd act on an existing domain op->domain?  createdomain never does,
 * whether or not an implementation is in the table (so the answer to a
 * caller without access does not depend on it). */
static bool domctl_has_target(uint32_t cmd, const struct domctl_op *entry)
{
    if (cmd == XEN_DOMCTL_createdomain)
        return false;
    return !entry || !(entry->flags & DOMCTL_NO_TARGET);
}

long domctl_dispatch(struct vcpu *caller, struct xen_domctl *op, bool *copyback)
{
    const struct domctl_op *entry = domctl_find(op->cmd);
    struct domain *d = NULL;
    long ret;

    *copyback = false;
    if (op->interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (domctl_has_target(op->cmd, entry)) {
        d = domain_get(op->domain);
        if (!d)
            return -ESRCH;
    }
    ret = access_domctl(caller->domain, op->cmd, d);
    if (ret == 0)
        ret = entry ? entry->fn(caller, d, op, copyback) : -ENOSYS;
    if (d)
        domain_put(d);
    return ret;
}

long do_domctl(struct vcpu *v, const uint64_t args[5])
{
    struct xen_domctl op;
    bool copyback;
    long ret;

    if (copy_from_guest(v, &op, args[0], sizeof(op)) < 0)
        return -EFAULT;
    ret = domctl_dispatch(v, &op, &copyback);
    if (copyback && copy_to_guest(v, args[0], &op, sizeof(op)) < 0)
        ret = -EFAULT;
    return ret;
}
