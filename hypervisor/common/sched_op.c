// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_sched_op: yield, block, shutdown (the reason is logged and
 * kept; common/domain.c stops the domain), shutdown_code, remote_shutdown
 * (dom0 shuts another domain down, Xen's semantics), and poll (block until
 * one of a list of event channel ports is pending, masked or not, an upcall
 * is due, or an absolute timeout passes).  The rest return -ENOSYS.
 */
#include <asm/hvm_vcpu.h>
#include <asm/svm/vmcb.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/event.h>
#include <keel/lib.h>
#include <keel/vcpu_timer.h>
#include <public/sched.h>

#define POLL_MAX_PORTS  128     /* Xen's limit */
#define RFLAGS_IF       (1u << 9)

/* ---- SCHEDOP_poll ---------------------------------------------------- */

void sched_poll_notify(struct domain *d, uint32_t port)
{
    uint64_t mask = __atomic_load_n(&d->poll_mask, __ATOMIC_SEQ_CST);

    for (uint32_t i = 0; mask && i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        uint64_t bit = 1ULL << i;
        int32_t want;

        if (!(mask & bit) || !v)
            continue;
        want = __atomic_load_n(&v->poll_port, __ATOMIC_SEQ_CST);
        if ((want <= 0 || (uint32_t)want == port) &&
            (__atomic_fetch_and(&d->poll_mask, ~bit, __ATOMIC_SEQ_CST) & bit)) {
            __atomic_store_n(&v->poll_port, 0, __ATOMIC_RELEASE);
            vcpu_wake(v);
        }
    }
}

void sched_poll_end(struct vcpu *v)
{
    uint64_t bit = 1ULL << v->vcpu_id;

    if (__atomic_load_n(&v->domain->poll_mask, __ATOMIC_ACQUIRE) & bit) {
        __atomic_fetch_and(&v->domain->poll_mask, ~bit, __ATOMIC_SEQ_CST);
        __atomic_store_n(&v->poll_port, 0, __ATOMIC_RELEASE);
    }
}

/* Xen's local_events_need_delivery for HVM: an upcall v can take now. */
static bool upcall_deliverable(struct vcpu *v)
{
    return evtchn_upcall_vector(v) >= 0 && (v->hvm.vmcb->save.rflags & RFLAGS_IF);
}

/* 0 when none is pending, 1 when one is, or Xen's error for a bad port. */
static int ports_pending(struct domain *d, const uint32_t *ports, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        int rc = evtchn_port_poll(d, ports[i]);
        if (rc)
            return rc;
    }
    return 0;
}

static long do_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    uint32_t ports[POLL_MAX_PORTS];
    struct sched_poll p;
    int rc;

    if (copy_from_guest(v, &p, arg, sizeof(p)) < 0)
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    if (copy_from_guest(v, ports, xen_guest_handle_addr(p.ports),
                        (uint64_t)p.nr_ports * sizeof(ports[0])) < 0)
        return -EFAULT;
    if (upcall_deliverable(v))
        return 0;
    if ((rc = ports_pending(d, ports, p.nr_ports)) != 0)
        return rc > 0 ? 0 : rc;
    /* Block first, then look again: a port raised in between either sees
     * the poll bit (and wakes us) or is seen here. */
    __atomic_store_n(&v->poll_port, p.nr_ports == 1 ? (int32_t)ports[0] : -1, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&d->poll_mask, 1ULL << v->vcpu_id, __ATOMIC_SEQ_CST);
    vcpu_block(v);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (upcall_deliverable(v) || ports_pending(d, ports, p.nr_ports) > 0) {
        sched_poll_end(v);
        vcpu_wake(v);           /* undoes the block (requeued at once) */
        return 0;
    }
    vcpu_poll_timer_set(v, p.timeout > (uint64_t)STIME_MAX ? STIME_MAX : (s_time_t)p.timeout);
    return 0;
}

/* ---- SCHEDOP_remote_shutdown ------------------------------------------ */

/* As Xen: -ESRCH for no such (live) domain, then -EPERM unless dom0. */
static long do_remote_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_remote_shutdown rs;
    struct domain *d;
    long rc = 0;

    if (copy_from_guest(v, &rs, arg, sizeof(rs)) < 0)
        return -EFAULT;
    if (rs.reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    d = domain_get(rs.domain_id);
    if (!d)
        return -ESRCH;
    rc = access_privileged(v->domain);     /* Xen: XSM_DM_PRIV, itself too */
    if (rc == 0)
        domain_shutdown(d, rs.reason);
    domain_put(d);
    return rc;
}

/* ---- The hypercall ---------------------------------------------------- */

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
    case SCHEDOP_poll:
        return do_poll(v, args[1]);
    case SCHEDOP_remote_shutdown:
        return do_remote_shutdown(v, args[1]);
    default:
        return -ENOSYS;
    }
}
