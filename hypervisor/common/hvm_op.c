// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_hvm_op: get and set a domain's HVM parameters.  dom0 may set
 * and read any parameter of another domain (a builder sets the store and
 * console pages and event channels of a new domain this way); a domain may
 * set and read on itself only the parameters Xen 4.17 lets a guest
 * (hvm_allow_set_param / hvm_allow_get_param): the allow-lists below,
 * -EPERM for the rest.  Other sub-ops: -ENOSYS.
 */
#include <asm/hvm_vcpu.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <public/hvm/hvm_op.h>
#include <public/xen.h>

/* What a guest may set on itself. */
static bool guest_may_set(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_VM86_TSS:
    case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_X87_FIP_WIDTH:
        return true;
    default:
        return false;
    }
}

/* What a guest may read of itself: the settable ones and the pages the
 * builder set up for it. */
static bool guest_may_get(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_ALTP2M:
        return true;
    default:
        return guest_may_set(index);
    }
}

/* 0, or -EPERM when the caller may not use param 'index' of d. */
int hvm_param_allowed(const struct domain *caller, const struct domain *d,
                      uint32_t index, bool set)
{
    if (caller != d)
        return access_other_domain(caller, d);
    return (set ? guest_may_set(index) : guest_may_get(index)) ? 0 : -EPERM;
}

/* The domain named, referenced (domain_put), or NULL. */
static struct domain *param_target(struct vcpu *v, domid_t domid)
{
    if (domid == DOMID_SELF || domid == v->domain->domid)
        return domain_get(v->domain->domid);
    return domain_get(domid);
}

long do_hvm_op(struct vcpu *v, const uint64_t args[5])
{
    bool set = args[0] == HVMOP_set_param;
    struct xen_hvm_param p;
    struct domain *d;
    long rc;

    if (args[0] != HVMOP_set_param && args[0] != HVMOP_get_param)
        return -ENOSYS;
    if (copy_from_guest(v, &p, args[1], sizeof(p)) < 0)
        return -EFAULT;
    if (p.index >= HVM_NR_PARAMS)
        return -EINVAL;
    d = param_target(v, p.domid);
    if (!d)
        return access_privileged(v->domain) ? -EPERM : -ESRCH;
    rc = hvm_param_allowed(v->domain, d, p.index, set);
    if (rc == 0 && set) {
        d->hvm_params[p.index] = p.value;
    } else if (rc == 0) {
        p.value = d->hvm_params[p.index];
        rc = copy_to_guest(v, args[1], &p, sizeof(p)) < 0 ? -EFAULT : 0;
    }
    domain_put(d);
    return rc;
}
