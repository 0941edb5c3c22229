// SPDX-License-Identifier: MIT
/*
 * The control hypercalls of test-toolstack: domctl and sysctl with their
 * interface version, memory_op, and the two queries every cycle makes
 * (free pages from XEN_SYSCTL_physinfo, XEN_DOMCTL_getdomaininfo).
 */
#include "guest.h"
#include "toolstack.h"

long do_domctl(struct xen_domctl *op)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return hypercall1(__HYPERVISOR_domctl, (unsigned long)op);
}

long do_sysctl(struct xen_sysctl *op)
{
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(__HYPERVISOR_sysctl, (unsigned long)op);
}

long memory_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_memory_op, cmd, (unsigned long)arg);
}

bool free_pages(uint64_t *pages)
{
    struct xen_sysctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    long rc = do_sysctl(&op);
    if (rc) {
        test_fail("sysctl physinfo: %ld", rc);
        return false;
    }
    *pages = op.u.physinfo.free_pages;
    return true;
}

long domain_info(uint16_t domid, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.domain = domid;
    long rc = do_domctl(&op);
    *info = op.u.getdomaininfo;
    return rc;
}
