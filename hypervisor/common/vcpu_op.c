// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_vcpu_op for PVH guests: is_up, get_runstate_info,
 * register_runstate_memory_area, the singleshot and periodic timers,
 * register_vcpu_info and send_nmi, with Xen 4.17's error codes.  The timers
 * and runstate themselves are common/vcpu_timer.c's.
 *
 * initialise, up and down return -ENOSYS: Linux 6.1 PVH starts secondary
 * vCPUs with INIT/SIPI through its vLAPIC and never calls them.
 * register_vcpu_time_memory_area (used only with a TSC_STABLE pvclock, which
 * Keel does not offer) and get_physid (dom0 cpufreq) also return -ENOSYS.
 *
 * A registered vcpu_info is used through a host pointer into the guest's
 * frame, which holds a page_info.count reference until the vCPU is torn
 * down; memory_op refuses (-EBUSY) to take such a frame from the guest.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/event.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/shared_info.h>
#include <keel/vcpu_timer.h>
#include <keel/xmalloc.h>
#include <public/vcpu.h>
#include <public/xen.h>

#define STIME_DELTA_MAX     ((s_time_t)(UINT64_MAX >> 2))   /* Xen's */
#define CALLBACK_TYPE_SHIFT 56

/* ---- register_vcpu_info ------------------------------------------------- */

/* The frame at gfn if it is the domain's own RAM, with a reference taken;
 * MFN_INVALID otherwise.  Under mem_lock, so memory_op sees the count. */
static mfn_t get_own_frame(struct domain *d, uint64_t gfn)
{
    enum p2m_type t;
    mfn_t mfn = MFN_INVALID;

    if (gfn >> P2M_GFN_BITS)
        return MFN_INVALID;
    spin_lock(&d->mem_lock);
    if (p2m_get_entry(&d->p2m, gfn, &mfn, &t, NULL) < 0 || t != p2m_ram_rw ||
        page_ref_get(mfn, d->domid) < 0)
        mfn = MFN_INVALID;
    spin_unlock(&d->mem_lock);
    return mfn;
}

void vcpu_info_release(struct vcpu *v)
{
    mfn_t mfn = v->vcpu_info_mfn;

    __atomic_store_n(&v->vcpu_info, NULL, __ATOMIC_RELEASE);
    v->vcpu_info_mfn = MFN_INVALID;
    if (mfn != MFN_INVALID)
        page_ref_put(mfn);
}

static bool callback_is_vector(const struct domain *d)
{
    return (d->hvm_params[HVM_PARAM_CALLBACK_IRQ] >> CALLBACK_TYPE_SHIFT) ==
           HVM_PARAM_CALLBACK_TYPE_VECTOR;
}

/* Switch v to new_info: the old contents copied, then everything marked
 * pending (an event raised into the old slot meanwhile is not lost; the
 * guest sees one spurious scan, as on Xen). */
static void switch_vcpu_info(struct vcpu *v, struct vcpu_info *new_info, mfn_t mfn)
{
    struct vcpu_info *old = vcpu_info_of(v);

    if (old)
        memcpy(new_info, old, sizeof(*new_info));
    else
        memset(new_info, 0, sizeof(*new_info));
    v->vcpu_info_mfn = mfn;
    __atomic_store_n(&v->vcpu_info, new_info, __ATOMIC_SEQ_CST);
    __atomic_store_n(&new_info->evtchn_pending_sel, ~(xen_ulong_t)0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&new_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    if (callback_is_vector(v->domain))
        vcpu_kick(v);
}

static long register_vcpu_info(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_vcpu_info info;
    mfn_t mfn;

    if (copy_from_guest(cur, &info, arg, sizeof(info)) < 0)
        return -EFAULT;
    if (info.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (info.offset & 7))
        return -ENXIO;              /* would cross the page, or misaligned */
    if (__atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE))
        return -EINVAL;             /* once only, as Xen */
    if (v != cur && __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_OFFLINE)
        return -EINVAL;             /* itself, or a vCPU not started yet */
    mfn = get_own_frame(v->domain, info.mfn);
    if (mfn == MFN_INVALID)
        return -EINVAL;
    switch_vcpu_info(v, (struct vcpu_info *)((uint8_t *)pfn_to_virt(mfn) + info.offset), mfn);
    if (v == cur)
        update_vcpu_time(v);        /* others: before they first run */
    return 0;
}

/* ---- Timers ------------------------------------------------------------- */

static long set_singleshot(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer set;
    s_time_t abs;

    if (v != cur)
        return -EINVAL;
    if (copy_from_guest(cur, &set, arg, sizeof(set)) < 0)
        return -EFAULT;
    abs = set.timeout_abs_ns > (uint64_t)STIME_MAX ? STIME_MAX : (s_time_t)set.timeout_abs_ns;
    if ((set.flags & VCPU_SSHOTTMR_future) && abs < NOW())
        return -ETIME;
    vcpu_singleshot_set(v, abs);
    return 0;
}

static long set_periodic(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_periodic_timer set;

    if (copy_from_guest(cur, &set, arg, sizeof(set)) < 0)
        return -EFAULT;
    if (set.period_ns < (uint64_t)MILLISECS(1) || set.period_ns > (uint64_t)STIME_DELTA_MAX)
        return -EINVAL;
    vcpu_periodic_set(v, (s_time_t)set.period_ns);
    return 0;
}

/* ---- Runstate ------------------------------------------------------------ */

static long get_runstate(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
    struct vcpu_runstate_info r;

    vcpu_runstate_get(v, &r);
    return copy_to_guest(cur, arg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
}

static long register_runstate(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area area;

    if (copy_from_guest(cur, &area, arg, sizeof(area)) < 0)
        return -EFAULT;
    vcpu_runstate_register(cur, v, area.addr.p);
    return 0;
}

static long send_nmi(struct vcpu *v, uint64_t arg)
{
    if (arg)
        return -EINVAL;
    if (!__atomic_exchange_n(&v->hvm.nmi_pending, true, __ATOMIC_SEQ_CST))
        vcpu_kick(v);
    return 0;
}

long do_vcpu_op(struct vcpu *cur, const uint64_t args[5])
{
    uint64_t cmd = args[0], vcpuid = args[1], arg = args[2];
    struct domain *d = cur->domain;
    struct vcpu *v;

    if (vcpuid >= d->nr_vcpus || !(v = d->vcpus[vcpuid]))
        return -ENOENT;
    switch (cmd) {
    case VCPUOP_is_up:
        return v->state != VCPU_OFFLINE;
    case VCPUOP_get_runstate_info:
        return get_runstate(cur, v, arg);
    case VCPUOP_register_runstate_memory_area:
        return register_runstate(cur, v, arg);
    case VCPUOP_set_periodic_timer:
        return set_periodic(cur, v, arg);
    case VCPUOP_stop_periodic_timer:
        vcpu_periodic_set(v, 0);
        return 0;
    case VCPUOP_set_singleshot_timer:
        return set_singleshot(cur, v, arg);
    case VCPUOP_stop_singleshot_timer:
        if (v != cur)
            return -EINVAL;
        vcpu_singleshot_stop(v);
        return 0;
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(cur, v, arg);
    case VCPUOP_send_nmi:
        return send_nmi(v, arg);
    default:
        return -ENOSYS;
    }
}
