// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared_info page of each domain and the time Keel publishes in it:
 * the wall clock at system time 0 (wc_version/wc_sec/wc_nsec/wc_sec_hi) and
 * each vCPU's pvclock (struct vcpu_time_info).  A guest computes
 *     ns = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul >> 32
 * (right shift for a negative tsc_shift) from its own TSC, which is the
 * host TSC plus the VMCB's tsc_offset; the result is Keel's NOW().  Each
 * record is written only on its vCPU's CPU (or before the vCPU first runs),
 * so a single writer bumps version to odd, writes, and bumps it to even.
 * Where the page is mapped in the guest is memory_op's business.
 */
#include <asm/processor.h>
#include <asm/svm/vmcb.h>
#include <asm/time.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/page_alloc.h>
#include <keel/shared_info.h>
#include <keel/timer.h>
#include <keel/xmalloc.h>
#include <public/xen.h>

BUILD_BUG_ON(sizeof(struct shared_info) > PAGE_SIZE);
BUILD_BUG_ON(offsetof(struct shared_info, wc_version) != 3072);

struct pvclock_scale {
    uint32_t mul;
    int8_t shift;
};

/* mul and shift such that ((ticks << shift) * mul) >> 32 is ticks in ns:
 * the same 32.32 factor NOW() uses, halved until it fits 32 bits. */
static struct pvclock_scale pvclock_scale(void)
{
    uint64_t khz = tsc_khz() ? tsc_khz() : 1000000;
    uint64_t mul = (1000000ULL << 32) / khz;
    struct pvclock_scale s = { 0, 0 };

    while (mul > UINT32_MAX) {
        mul >>= 1;
        s.shift++;
    }
    s.mul = (uint32_t)mul;
    return s;
}

static void write_time(struct vcpu_time_info *t, uint64_t tsc_offset)
{
    struct pvclock_scale s = pvclock_scale();
    uint64_t tsc = rdtsc();
    s_time_t now = tsc_to_ns(tsc);

    __atomic_store_n(&t->version, t->version | 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->tsc_timestamp = tsc + tsc_offset;
    t->system_time = (uint64_t)now;
    t->tsc_to_system_mul = s.mul;
    t->tsc_shift = s.shift;
    t->flags = 0;           /* not TSC_STABLE: Linux keeps its readings monotonic */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELAXED);
}

/* The wall clock at system time 0, moved by the toolstack's offset
 * (XEN_DOMCTL_settimeoffset). */
void shared_info_write_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    uint64_t sec = wallclock_at_boot() + (uint64_t)d->time_offset;

    __atomic_store_n(&s->wc_version, s->wc_version | 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = 0;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_RELAXED);
}

struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
    struct vcpu_info *vi = __atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE);
    struct shared_info *s = v->domain->shared_info;

    if (vi)
        return vi;
    if (!s || v->vcpu_id >= XEN_LEGACY_MAX_VCPUS)
        return NULL;
    return &s->vcpu_info[v->vcpu_id];
}

void update_vcpu_time(struct vcpu *v)
{
    struct vcpu_info *vi = vcpu_info_of(v);

    if (vi)
        write_time(&vi->time, v->hvm.vmcb->ctl.tsc_offset);
}

int shared_info_init(struct domain *d)
{
    pfn_t mfn = page_alloc(0);          /* zeroed by the allocator */

    if (mfn == PFN_INVALID)
        return -ENOMEM;
    d->shared_info_mfn = mfn;
    d->shared_info = pfn_to_virt(mfn);
    d->shared_info_gfn = SHARED_INFO_UNMAPPED;
    shared_info_write_wallclock(d);
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            update_vcpu_time(d->vcpus[i]);
    return 0;
}

void shared_info_teardown(struct domain *d)
{
    if (!d->shared_info)
        return;
    page_free(d->shared_info_mfn, 0);   /* scrubbed before its next owner */
    d->shared_info = NULL;
    d->shared_info_mfn = MFN_INVALID;
    d->shared_info_gfn = SHARED_INFO_UNMAPPED;
}

struct shared_info *domain_shared_info(struct domain *d)
{
    if (!d->shared_info ||
        __atomic_load_n(&d->shared_info_gfn, __ATOMIC_ACQUIRE) == SHARED_INFO_UNMAPPED)
        return NULL;
    return d->shared_info;
}
