// SPDX-License-Identifier: GPL-2.0-only
/*
 * Access control (keel/access.h): which domain may act on which.  Xen's
 * default policy: the control domain may, others may not.  Refusals of the
 * control ABI are not logged (a domU probing them is no event); the caller
 * returns -EPERM to the guest.
 */
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/errno.h>

static int control_domain_only(const struct domain *caller)
{
    return caller->privileged ? 0 : -EPERM;
}

int access_domctl(const struct domain *caller, uint32_t cmd, const struct domain *target)
{
    (void)cmd;
    (void)target;
    return control_domain_only(caller);
}

int access_sysctl(const struct domain *caller, uint32_t cmd)
{
    (void)cmd;
    return control_domain_only(caller);
}

int access_memory_op_foreign(const struct domain *caller, uint32_t op,
                             const struct domain *target)
{
    (void)op;
    if (caller == target)
        return 0;
    return control_domain_only(caller);
}

int access_other_domain(const struct domain *caller, const struct domain *target)
{
    if (caller == target)
        return 0;
    return control_domain_only(caller);
}

int access_privileged(const struct domain *caller)
{
    return control_domain_only(caller);
}
