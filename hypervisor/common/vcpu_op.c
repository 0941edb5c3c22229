// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_vcpu_op: is_up so far; other sub-ops return -ENOSYS.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <public/vcpu.h>

long do_vcpu_op(struct vcpu *v, const uint64_t args[5])
{
    uint64_t cmd = args[0], vcpuid = args[1];
    struct domain *d = v->domain;

    if (vcpuid >= d->nr_vcpus || !d->vcpus[vcpuid])
        return -ENOENT;
    switch (cmd) {
    case VCPUOP_is_up:
        return d->vcpus[vcpuid]->state != VCPU_OFFLINE;
    default:
        return -ENOSYS;
    }
}
