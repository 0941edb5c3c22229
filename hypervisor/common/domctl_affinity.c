// SPDX-License-Identifier: GPL-2.0-only
/*
 * XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity: a vCPU's hard and soft CPU
 * maps (struct vcpu), exchanged with the toolstack as xenctl_bitmaps.  The
 * checks and results are Xen 4.17's vcpu_affinity_domctl: a vCPU id past
 * the domain's count is -EINVAL, a missing vCPU -ESRCH, no map named
 * -EINVAL, a hard map with no online CPU -EINVAL; set reports the maps in
 * effect (hard within the online CPUs, soft within those and hard).  Keel
 * has no cpupools: the online CPUs are all nr_cpu_ids.  Stored only: the
 * scheduler does not honour the maps yet (docs/control-abi.md).
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/smp.h>

#define CPUMAP_BYTES    (NR_CPUS / 8)
#define MIN_U32(a, b)   ((a) < (b) ? (a) : (b))

static uint32_t cpumap_used_bytes(void)
{
    return (nr_cpu_ids + 7) / 8;
}

/* Clear every bit at or past nr_cpu_ids. */
static void cpumap_clip(uint8_t map[CPUMAP_BYTES])
{
    uint32_t n = nr_cpu_ids;

    if (n & 7)
        map[n / 8] &= (uint8_t)((1u << (n & 7)) - 1);
    for (uint32_t i = (n + 7) / 8; i < CPUMAP_BYTES; i++)
        map[i] = 0;
}

/* The caller's bitmap into map (Xen's xenctl_bitmap_to_bitmap): as many
 * bytes as both sides hold, bits past the caller's nr_bits ignored. */
static int cpumap_from_guest(struct vcpu *caller, const struct xenctl_bitmap *b,
                             uint8_t map[CPUMAP_BYTES])
{
    uint32_t guest_bytes = (uint32_t)(((uint64_t)b->nr_bits + 7) / 8);
    uint32_t copy = MIN_U32(guest_bytes, cpumap_used_bytes());

    memset(map, 0, CPUMAP_BYTES);
    if (copy == 0)
        return 0;
    if (copy_from_guest(caller, map, xen_guest_handle_addr(b->bitmap), copy) < 0)
        return -EFAULT;
    if ((b->nr_bits & 7) && guest_bytes == copy)
        map[copy - 1] &= (uint8_t)((1u << (b->nr_bits & 7)) - 1);
    cpumap_clip(map);
    return 0;
}

/* map to the caller's bitmap (bitmap_to_xenctl_bitmap): its bytes past
 * Keel's CPUs are zeroed. */
static int cpumap_to_guest(struct vcpu *caller, const struct xenctl_bitmap *b,
                           const uint8_t map[CPUMAP_BYTES])
{
    uint32_t guest_bytes = (uint32_t)(((uint64_t)b->nr_bits + 7) / 8);
    uint32_t copy = MIN_U32(guest_bytes, cpumap_used_bytes());
    uint64_t base = xen_guest_handle_addr(b->bitmap);
    uint8_t out[CPUMAP_BYTES];
    uint8_t zero = 0;

    memcpy(out, map, sizeof(out));
    cpumap_clip(out);
    if (copy && copy_to_guest(caller, base, out, copy) < 0)
        return -EFAULT;
    for (uint32_t i = copy; i < guest_bytes; i++)
        if (copy_to_guest(caller, base + i, &zero, 1) < 0)
            return -EFAULT;
    return 0;
}

static bool cpumap_empty(const uint8_t map[CPUMAP_BYTES])
{
    for (uint32_t i = 0; i < CPUMAP_BYTES; i++)
        if (map[i])
            return false;
    return true;
}

static void cpumap_and(uint8_t dst[CPUMAP_BYTES], const uint8_t a[CPUMAP_BYTES])
{
    for (uint32_t i = 0; i < CPUMAP_BYTES; i++)
        dst[i] &= a[i];
}

static long affinity_lookup(struct domain *d, const struct xen_domctl_vcpuaffinity *a,
                            struct vcpu **v)
{
    if (a->vcpu >= d->nr_vcpus)
        return -EINVAL;
    if (!(*v = d->vcpus[a->vcpu]))
        return -ESRCH;
    if (!(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)))
        return -EINVAL;
    return 0;
}

long domctl_setvcpuaffinity(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                            bool *copyback)
{
    struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
    uint8_t hard[CPUMAP_BYTES], soft[CPUMAP_BYTES];
    struct vcpu *v;
    long ret = affinity_lookup(d, a, &v);

    if (ret)
        return ret;
    *copyback = true;
    /* Read both maps before changing either: a failure changes nothing. */
    memcpy(hard, v->cpu_hard_affinity, sizeof(hard));
    memcpy(soft, v->cpu_soft_affinity, sizeof(soft));
    if ((a->flags & XEN_VCPUAFFINITY_HARD) && (ret = cpumap_from_guest(caller, &a->cpumap_hard, hard)))
        return ret;
    if ((a->flags & XEN_VCPUAFFINITY_HARD) && cpumap_empty(hard))
        return -EINVAL;         /* no online CPU in it */
    if ((a->flags & XEN_VCPUAFFINITY_SOFT) && (ret = cpumap_from_guest(caller, &a->cpumap_soft, soft)))
        return ret;

    spin_lock(&d->lock);
    memcpy(v->cpu_hard_affinity, hard, sizeof(hard));
    memcpy(v->cpu_soft_affinity, soft, sizeof(soft));
    spin_unlock(&d->lock);

    cpumap_and(soft, hard);     /* what the scheduler would use */
    if ((a->flags & XEN_VCPUAFFINITY_HARD) && (ret = cpumap_to_guest(caller, &a->cpumap_hard, hard)))
        return ret;
    if (a->flags & XEN_VCPUAFFINITY_SOFT)
        ret = cpumap_to_guest(caller, &a->cpumap_soft, soft);
    return ret;
}

long domctl_getvcpuaffinity(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                            bool *copyback)
{
    struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
    uint8_t hard[CPUMAP_BYTES], soft[CPUMAP_BYTES];
    struct vcpu *v;
    long ret = affinity_lookup(d, a, &v);

    if (ret)
        return ret;
    *copyback = true;
    spin_lock(&d->lock);
    memcpy(hard, v->cpu_hard_affinity, sizeof(hard));
    memcpy(soft, v->cpu_soft_affinity, sizeof(soft));
    spin_unlock(&d->lock);
    if ((a->flags & XEN_VCPUAFFINITY_HARD) && (ret = cpumap_to_guest(caller, &a->cpumap_hard, hard)))
        return ret;
    if (a->flags & XEN_VCPUAFFINITY_SOFT)
        ret = cpumap_to_guest(caller, &a->cpumap_soft, soft);
    return ret;
}
