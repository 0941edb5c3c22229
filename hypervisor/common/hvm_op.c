// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_hvm_op: get and set the domain's HVM parameters (for its own
 * domain; another domain's only for dom0).  Other sub-ops: -ENOSYS.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <public/hvm/hvm_op.h>
#include <public/xen.h>

/* The domain named, referenced (domain_put), or NULL. */
static struct domain *param_target(struct vcpu *v, domid_t domid)
{
    if (domid == DOMID_SELF || domid == v->domain->domid)
        return domain_get(v->domain->domid);
    if (!v->domain->privileged)
        return NULL;
    return domain_get(domid);
}

long do_hvm_op(struct vcpu *v, const uint64_t args[5])
{
    struct xen_hvm_param p;
    struct domain *d;

    if (args[0] != HVMOP_set_param && args[0] != HVMOP_get_param)
        return -ENOSYS;
    if (copy_from_guest(v, &p, args[1], sizeof(p)) < 0)
        return -EFAULT;
    if (p.index >= HVM_NR_PARAMS)
        return -EINVAL;
    d = param_target(v, p.domid);
    if (!d)
        return v->domain->privileged ? -ESRCH : -EPERM;
    if (args[0] == HVMOP_set_param) {
        d->hvm_params[p.index] = p.value;
        domain_put(d);
        return 0;
    }
    p.value = d->hvm_params[p.index];
    domain_put(d);
    return copy_to_guest(v, args[1], &p, sizeof(p)) < 0 ? -EFAULT : 0;
}
