// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_sched_op: yield, block, shutdown (the reason is logged and the
 * domain torn down), shutdown_code.  poll and the rest return -ENOSYS until
 * event channels exist.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <public/sched.h>

long do_sched_op(struct vcpu *v, const uint64_t args[5])
{
    struct sched_shutdown sd;

    switch (args[0]) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown:
        if (copy_from_guest(v, &sd, args[1], sizeof(sd)) < 0)
            return -EFAULT;
        if (sd.reason > SHUTDOWN_soft_reset)
            return -EINVAL;
        domain_shutdown(v->domain, sd.reason);
        return 0;
    case SCHEDOP_shutdown_code:
        if (copy_from_guest(v, &sd, args[1], sizeof(sd)) < 0)
            return -EFAULT;
        if (sd.reason > SHUTDOWN_soft_reset)
            return -EINVAL;
        v->domain->shutdown_reason = sd.reason;
        return 0;
    default:
        return -ENOSYS;
    }
}
