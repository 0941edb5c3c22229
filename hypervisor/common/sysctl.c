// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_sysctl: the toolstack's host-wide operations.  Copy the
 * struct in once, check its version (-EACCES), ask the access hook
 * (-EPERM), call the op's handler from the table (-ENOSYS if none), copy
 * the struct back if the handler asks (keel/domctl.h).
 */
#include <asm/hvm_vcpu.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>

static const struct sysctl_op sysctl_ops[] = {
    { XEN_SYSCTL_physinfo, sysctl_physinfo },
    { XEN_SYSCTL_sched_id, sysctl_sched_id },
    { XEN_SYSCTL_cputopoinfo, sysctl_cputopoinfo },
    { XEN_SYSCTL_numainfo, sysctl_numainfo },
    { XEN_SYSCTL_getdomaininfolist, sysctl_getdomaininfolist },
    { XEN_SYSCTL_readconsole, sysctl_readconsole },
    { XEN_SYSCTL_getcpuinfo, sysctl_getcpuinfo },
    { XEN_SYSCTL_cpupool_op, sysctl_cpupool_op },
    { XEN_SYSCTL_get_cpu_policy, sysctl_get_cpu_policy },
    { XEN_SYSCTL_get_cpu_featureset, sysctl_get_cpu_featureset },
};

static const struct sysctl_op *sysctl_find(uint32_t cmd)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(sysctl_ops); i++)
        if (sysctl_ops[i].fn && sysctl_ops[i].cmd == cmd)
            return &sysctl_ops[i];
    return NULL;
}

long sysctl_dispatch(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    const struct sysctl_op *entry = sysctl_find(op->cmd);
    long ret;

    *copyback = false;
    if (op->interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    ret = access_sysctl(caller->domain, op->cmd);
    if (ret)
        return ret;
    return entry ? entry->fn(caller, op, copyback) : -ENOSYS;
}

long do_sysctl(struct vcpu *v, const uint64_t args[5])
{
    struct xen_sysctl op;
    bool copyback;
    long ret;

    if (copy_from_guest(v, &op, args[0], sizeof(op)) < 0)
        return -EFAULT;
    ret = sysctl_dispatch(v, &op, &copyback);
    if (copyback && copy_to_guest(v, args[0], &op, sizeof(op)) < 0)
        ret = -EFAULT;
    return ret;
}
