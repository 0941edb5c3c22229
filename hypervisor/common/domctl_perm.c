// SPDX-License-Identifier: GPL-2.0-only
/*
 * XEN_DOMCTL_iomem_permission, ioport_permission and irq_permission: the
 * machine frames, I/O ports and pirqs the toolstack lets a domain reach,
 * kept as range sets in struct domain (allow_access 1 adds the range, 0
 * removes it).  Argument checks are Xen 4.17's; a set that would need more
 * than RANGESET_MAX ranges refuses the change with -ENOMEM.  Stored only:
 * nothing consults them until dom0 owns devices (docs/control-abi.md).
 */
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/rangeset.h>

#define MAX_IOPORTS     0x10000u

static long perm_change(struct domain *d, struct rangeset *s, bool allow,
                        uint64_t first, uint64_t last)
{
    long ret;

    spin_lock(&d->lock);
    ret = allow ? rangeset_add(s, first, last) : rangeset_remove(s, first, last);
    spin_unlock(&d->lock);
    if (ret == -ENOMEM)
        printk("domctl: d%u: more than %u permission ranges\n", d->domid, RANGESET_MAX);
    return ret;
}

/* Xen refuses a range that wraps; Keel also an empty one (Xen would take
 * first 0, nr 0 as every frame). */
long domctl_iomem_permission(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                             bool *copyback)
{
    const struct xen_domctl_iomem_permission *p = &op->u.iomem_permission;
    uint64_t last = p->first_mfn + p->nr_mfns - 1;

    if (p->nr_mfns == 0 || last < p->first_mfn)
        return -EINVAL;
    return perm_change(d, &d->iomem_caps, p->allow_access, p->first_mfn, last);
}

long domctl_ioport_permission(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                              bool *copyback)
{
    const struct xen_domctl_ioport_permission *p = &op->u.ioport_permission;
    uint32_t end = p->first_port + p->nr_ports;     /* wraps as in Xen */

    if (end <= p->first_port || end > MAX_IOPORTS)
        return -EINVAL;
    return perm_change(d, &d->ioport_caps, p->allow_access, p->first_port, end - 1);
}

long domctl_irq_permission(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                           bool *copyback)
{
    const struct xen_domctl_irq_permission *p = &op->u.irq_permission;

    if (p->pirq >= DOMAIN_NR_PIRQS)
        return -EINVAL;
    return perm_change(d, &d->irq_caps, p->allow_access, p->pirq, p->pirq);
}
