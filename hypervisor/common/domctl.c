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
    { 0, NULL, 0 },             /* placeholder: keeps the table non-empty */
};

static const struct domctl_op *domctl_find(uint32_t cmd)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(domctl_ops); i++)
        if (domctl_ops[i].fn && domctl_ops[i].cmd == cmd)
            return &domctl_ops[i];
    return NULL;
}

long domctl_dispatch(struct vcpu *caller, struct xen_domctl *op, bool *copyback)
{
    const struct domctl_op *entry = domctl_find(op->cmd);
    struct domain *d = NULL;
    long ret;

    *copyback = false;
    if (op->interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!entry || !(entry->flags & DOMCTL_NO_TARGET)) {
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
