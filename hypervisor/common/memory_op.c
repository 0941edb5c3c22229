// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_memory_op for PVH/HVM guests: the domain's own memory map,
 * placing the shared_info page and grant-table frames (add_to_physmap),
 * the reservation counters, the balloon pair decrease_reservation /
 * populate_physmap, and increase_reservation (memory given but mapped
 * nowhere, as Xen does for translated guests).  Every other sub-op returns
 * -ENOSYS (docs/abi-coverage.md).
 *
 * Frames and chunks.  A domain's RAM is recorded in d->chunks as allocated:
 * 4 KiB frames or 2 MiB chunks.  A frame the guest gives back is unmapped
 * and becomes Keel's (owner DOMID_KEEL, out of tot_pages); a 4 KiB chunk is
 * freed at once, a frame of a 2 MiB chunk is "held" (d->held) until every
 * frame of that chunk is back, then the chunk is freed.  populate_physmap
 * reuses held frames first (zeroed) and allocates only while tot_pages plus
 * held frames stay within max_pages, so a guest never costs the host more.
 *
 * Removing a mapping from a running domain: the p2m's flush hook
 * (hvm_p2m_flush) already keeps stale guest TLB entries from outliving
 * p2m_set_entry; before anything unmapped is freed (or handed back) we also
 * wait until every other vCPU of the domain has left the exit or hypercall
 * it was in at the change (p2m_quiesce), so no host pointer it took from the
 * p2m before can reach a frame after the allocator gave it to someone else.
 */
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/shared_info.h>
#include <keel/xmalloc.h>
#include <public/memory.h>
#include <public/xen.h>

#define MEMOP_EXTENT_SHIFT  6               /* cmd bits 6+: first extent to do */
#define MEMOP_CMD_MASK      ((1u << MEMOP_EXTENT_SHIFT) - 1)
#define MAX_EXTENT_ORDER    9               /* Xen's limit for an unprivileged domain */
#define FREE_BATCH          32              /* chunks freed per quiesce */
#define GFN_LIMIT           (1ULL << P2M_GFN_BITS)

/* Xen's e820 entry, the XENMEM_memory_map buffer format: 20 bytes. */
struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __packed;
BUILD_BUG_ON(sizeof(struct e820_entry) != 20);

struct free_batch {
    uint32_t n;
    struct mem_chunk c[FREE_BATCH];
};

/* ---- Making a p2m change safe to act on ---------------------------------- */

static bool vcpu_quiet(struct domain *d, struct vcpu *v, uint64_t exits_then)
{
    return __atomic_load_n(&v->exits, __ATOMIC_ACQUIRE) != exits_then ||
           __atomic_load_n(&v->hvm.in_guest, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING ||
           (__atomic_load_n(&d->memop_waiting, __ATOMIC_ACQUIRE) & (1ULL << v->vcpu_id));
}

/* Called without mem_lock, after the p2m change.  A vCPU is past the change
 * once it is in the guest or has left it since (so it finished the exit it
 * was handling), is not running, or is waiting here itself (holding no
 * pointer). */
static void p2m_quiesce(struct vcpu *self)
{
    struct domain *d = self->domain;
    uint64_t seen[MAX_VCPUS];
    unsigned int me = smp_processor_id();

    if (d->nr_vcpus == 1)
        return;
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        seen[i] = __atomic_load_n(&v->exits, __ATOMIC_SEQ_CST);
        if (v != self && __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING &&
            v->processor != me)
            smp_send_event_check(v->processor);     /* makes it exit */
    }
    __atomic_fetch_or(&d->memop_waiting, 1ULL << self->vcpu_id, __ATOMIC_SEQ_CST);
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        while (d->vcpus[i] != self && !vcpu_quiet(d, d->vcpus[i], seen[i]))
            cpu_relax();
    __atomic_fetch_and(&d->memop_waiting, ~(1ULL << self->vcpu_id), __ATOMIC_SEQ_CST);
}

static void free_batch_flush(struct vcpu *self, struct free_batch *b)
{
    p2m_quiesce(self);
    for (uint32_t i = 0; i < b->n; i++)
        page_free(b->c[i].mfn, b->c[i].order);     /* scrubbed before reuse */
    b->n = 0;
}

/* ---- Chunks and held frames (d->mem_lock held) --------------------------- */

static int32_t find_chunk(const struct domain *d, mfn_t mfn)
{
    for (uint32_t i = 0; i < d->nr_chunks; i++) {
        const struct mem_chunk *c = &d->chunks[i];
        if (mfn >= c->mfn && mfn - c->mfn < (1ULL << c->order))
            return (int32_t)i;
    }
    return -1;
}

static int held_reserve(struct domain *d)
{
    uint32_t cap;
    mfn_t *h;

    if (d->nr_held < d->cap_held)
        return 0;
    cap = d->cap_held ? d->cap_held * 2 : 64;
    if (!(h = xmalloc(cap * sizeof(*h))))
        return -ENOMEM;
    if (d->nr_held)                 /* memcpy from NULL is undefined */
        memcpy(h, d->held, d->nr_held * sizeof(*h));
    xfree(d->held);
    d->held = h;
    d->cap_held = cap;
    return 0;
}

static bool chunk_all_released(const struct mem_chunk *c)
{
    for (uint64_t i = 0; i < (1ULL << c->order); i++)
        if (pfn_to_page(c->mfn + i)->owner != DOMID_KEEL)
            return false;
    return true;
}

/* The chunk at idx is wholly back: drop its held frames and its record,
 * and queue it for freeing. */
static void chunk_retire(struct domain *d, uint32_t idx, struct free_batch *b)
{
    struct mem_chunk c = d->chunks[idx];

    for (uint32_t i = 0; i < d->nr_held;) {
        if (d->held[i] >= c.mfn && d->held[i] - c.mfn < (1ULL << c.order))
            d->held[i] = d->held[--d->nr_held];
        else
            i++;
    }
    d->chunks[idx] = d->chunks[--d->nr_chunks];
    b->c[b->n++] = c;
}

/* Take gfn's frame from the guest.  0; -ENOENT when gfn is not the domain's
 * own RAM (unmapped, shared_info, anything else); -EBUSY when Keel holds a
 * reference to it (page_info.count: a registered vcpu_info); -ENOMEM. */
static int release_gfn(struct domain *d, gfn_t gfn, struct free_batch *b)
{
    enum p2m_type t;
    mfn_t mfn;
    int32_t idx;
    int rc;

    if (gfn >= GFN_LIMIT || p2m_get_entry(&d->p2m, gfn, &mfn, &t, NULL) < 0 ||
        t != p2m_ram_rw || !pfn_to_page(mfn) || pfn_to_page(mfn)->owner != d->domid ||
        (idx = find_chunk(d, mfn)) < 0)
        return -ENOENT;
    if (page_ref_held(mfn))
        return -EBUSY;      /* someone holds a reference: a registered vcpu_info */
    if ((rc = held_reserve(d)) < 0 ||
        (rc = p2m_set_entry(&d->p2m, gfn, 0, P2M_ORDER_4K, p2m_invalid)) < 0)
        return rc;
    pfn_to_page(mfn)->owner = DOMID_KEEL;
    d->tot_pages--;
    d->held[d->nr_held++] = mfn;
    if (chunk_all_released(&d->chunks[idx]))
        chunk_retire(d, (uint32_t)idx, b);
    return 0;
}

/* Map a held frame, zeroed, at gfn. */
static int reuse_held(struct domain *d, gfn_t gfn)
{
    mfn_t mfn = d->held[d->nr_held - 1];
    int rc;

    memset(pfn_to_virt(mfn), 0, PAGE_SIZE);
    if ((rc = p2m_set_entry(&d->p2m, gfn, mfn, P2M_ORDER_4K, p2m_ram_rw)) < 0)
        return rc;
    d->nr_held--;
    pfn_to_page(mfn)->owner = d->domid;
    d->tot_pages++;
    return 0;
}

static int populate_extent(struct domain *d, gfn_t gfn, uint32_t order)
{
    uint64_t n = 1ULL << order;

    if ((gfn & (n - 1)) || gfn >= GFN_LIMIT || n > GFN_LIMIT - gfn)
        return -EINVAL;
    for (uint64_t i = 0; i < n; i++)
        if (p2m_get_entry(&d->p2m, gfn + i, NULL, NULL, NULL) == 0)
            return -EEXIST;         /* Keel never replaces a mapping here */
    if (order == 0 && d->nr_held)
        return reuse_held(d, gfn);
    if (d->tot_pages + d->nr_held + n > d->max_pages)
        return -ENOMEM;
    return domain_populate_ram(d, gfn, n, 0);          /* scrubbed: it may have been a domU's */
}

/* XENMEM_increase_reservation, as Xen does it for a translated guest: the
 * extent is the domain's (tot_pages) but mapped nowhere, and Xen gives its
 * frame numbers only to PV guests; it stays until teardown.  A 4 KiB
 * extent takes a held frame first, as populate does. */
static int increase_extent(struct domain *d, uint32_t order)
{
    mfn_t mfn;

    if (order == 0 && d->nr_held) {
        mfn = d->held[--d->nr_held];
        pfn_to_page(mfn)->owner = d->domid;
        d->tot_pages++;
        return 0;
    }
    if (d->tot_pages + d->nr_held + (1ULL << order) > d->max_pages)
        return -ENOMEM;
    return domain_alloc_unmapped(d, order);
}

/* ---- Reservations --------------------------------------------------------- */

/* Room for one more chunk to free: flush a full batch, without the lock. */
static void batch_make_room(struct vcpu *v, struct free_batch *b)
{
    if (b->n < FREE_BATCH)
        return;
    spin_unlock(&v->domain->mem_lock);
    free_batch_flush(v, b);
    spin_lock(&v->domain->mem_lock);
}

static int decrease_extent(struct vcpu *v, gfn_t gfn, uint32_t order, struct free_batch *b)
{
    int rc = 0;

    for (uint64_t j = 0; rc == 0 && j < (1ULL << order); j++) {
        batch_make_room(v, b);
        rc = release_gfn(v->domain, gfn + j, b);
    }
    return rc;
}

/* Do extents [*done, r->nr_extents) of op, stopping at the first that
 * fails (as Xen); *done counts those completed. */
static void reservation_run(struct vcpu *v, uint32_t op, const struct xen_memory_reservation *r,
                            uint64_t *done)
{
    struct domain *d = v->domain;
    uint64_t list = xen_guest_handle_addr(r->extent_start);
    struct free_batch b = { .n = 0 };

    spin_lock(&d->mem_lock);
    for (; *done < r->nr_extents; ++*done) {
        xen_pfn_t gfn;
        int rc;

        if (op == XENMEM_increase_reservation) {
            if (increase_extent(d, r->extent_order) < 0)
                break;
            continue;               /* the list is neither read nor written */
        }
        if (copy_from_guest(v, &gfn, list + *done * sizeof(gfn), sizeof(gfn)) < 0)
            break;
        if (op == XENMEM_populate_physmap)
            rc = populate_extent(d, gfn, r->extent_order);
        else
            rc = decrease_extent(v, gfn, r->extent_order, &b);
        if (rc < 0)
            break;
    }
    spin_unlock(&d->mem_lock);
    if (op == XENMEM_decrease_reservation)
        free_batch_flush(v, &b);
}

static long reservation_op(struct vcpu *v, uint32_t op, uint64_t start, uint64_t arg)
{
    struct xen_memory_reservation r;
    uint64_t done = start;

    /* As Xen: any problem with the request itself returns the start extent.
     * Populate-on-demand is for populate_physmap only (Xen refuses it for
     * the calling domain itself, after no extent) and ignored by the rest. */
    if (copy_from_guest(v, &r, arg, sizeof(r)) < 0 ||
        r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= r.nr_extents ||
        r.extent_order > MAX_EXTENT_ORDER ||
        (op == XENMEM_populate_physmap && (r.mem_flags & XENMEMF_populate_on_demand)) ||
        (r.domid != DOMID_SELF && r.domid != v->domain->domid))
        return (long)start;
    reservation_run(v, op, &r, &done);
    return (long)done;
}

/* current/maximum_reservation: DOMID_SELF or its own id; others for dom0. */
static long reservation_query(struct vcpu *v, uint32_t op, uint64_t arg)
{
    domid_t domid;
    struct domain *d;

    if (copy_from_guest(v, &domid, arg, sizeof(domid)) < 0)
        return -EFAULT;
    long rc;

    if (domid == DOMID_SELF || domid == v->domain->domid)
        d = domain_get(v->domain->domid);
    else
        d = domain_get(domid);
    if (!d)
        return -ESRCH;
    if (d != v->domain && access_memory_op_foreign(v->domain, op, d))
        rc = -EPERM;
    else
        rc = (long)(op == XENMEM_current_reservation ? d->tot_pages : d->max_pages);
    domain_put(d);
    return rc;
}

/* ---- The memory map and shared_info --------------------------------------- */

static long memory_map(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct e820_entry e[DOMAIN_MEMMAP_MAX];
    struct xen_memory_map map;

    if (copy_from_guest(v, &map, arg, sizeof(map)) < 0)
        return -EFAULT;
    if (d->nr_memmap == 0)
        return -ENOSYS;
    map.nr_entries = MIN(map.nr_entries, d->nr_memmap);
    for (uint32_t i = 0; i < map.nr_entries; i++)
        e[i] = (struct e820_entry){ d->memmap[i].addr, d->memmap[i].size, d->memmap[i].type };
    if (copy_to_guest(v, xen_guest_handle_addr(map.buffer), e, map.nr_entries * sizeof(e[0])) < 0 ||
        copy_to_guest(v, arg, &map, sizeof(map)) < 0)
        return -EFAULT;
    return 0;
}

/* Map Keel's frame mfn (shared_info, a grant-table frame) at gfn,
 * replacing (and giving back) the RAM there and unmapping it from old (~0:
 * nowhere); the same gfn again is a no-op. */
static int place_keel_frame(struct domain *d, gfn_t gfn, mfn_t mfn, gfn_t old,
                            struct free_batch *b)
{
    enum p2m_type t;
    int rc;

    if (gfn >= GFN_LIMIT)
        return -EINVAL;
    if (gfn == old)
        return 0;
    if (p2m_get_entry(&d->p2m, gfn, NULL, &t, NULL) == 0 && (rc = release_gfn(d, gfn, b)) < 0)
        return rc == -ENOENT ? -EPERM : rc;     /* not plain RAM of its own */
    if ((rc = p2m_set_entry(&d->p2m, gfn, mfn, P2M_ORDER_4K, p2m_ram_rw)) < 0)
        return rc;
    if (old != ~(gfn_t)0)
        p2m_set_entry(&d->p2m, old, 0, P2M_ORDER_4K, p2m_invalid);
    return 0;
}

static int place_shared_info(struct domain *d, gfn_t gfn, struct free_batch *b)
{
    int rc = place_keel_frame(d, gfn, d->shared_info_mfn, d->shared_info_gfn, b);

    if (rc == 0)
        __atomic_store_n(&d->shared_info_gfn, gfn, __ATOMIC_RELEASE);
    return rc;
}

/* Grant-table frame idx (the table grows to hold it) at gfn. */
static int place_grant_frame(struct domain *d, uint64_t idx, gfn_t gfn, struct free_batch *b)
{
    gfn_t old;
    mfn_t mfn;
    int rc = gnttab_physmap_frame(d, idx, &mfn, &old);

    if (rc == 0)
        rc = place_keel_frame(d, gfn, mfn, old, b);
    if (rc == 0)
        gnttab_physmap_placed(d, (uint32_t)idx, gfn);
    return rc;
}

static long add_to_physmap(struct vcpu *v, uint64_t start, uint64_t arg)
{
    struct domain *d = v->domain;
    struct xen_add_to_physmap x;
    struct free_batch b = { .n = 0 };
    int rc;

    if (start > UINT16_MAX)
        return -EDOM;
    if (copy_from_guest(v, &x, arg, sizeof(x)) < 0)
        return -EFAULT;
    if (x.domid != DOMID_SELF && x.domid != d->domid) {
        struct domain *t = domain_get(x.domid);
        long rc;
        if (!t)
            return -ESRCH;
        rc = access_memory_op_foreign(d, XENMEM_add_to_physmap, t) ? -EPERM : -ENOSYS;
        domain_put(t);
        return rc;                                  /* foreign: later, for dom0 */
    }
    switch (x.space) {
    case XENMAPSPACE_shared_info:
        if (x.idx != 0)
            return -EINVAL;
        break;
    case XENMAPSPACE_grant_table:       /* v1: a status-frame idx is -EINVAL */
        break;
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
    case XENMAPSPACE_gmfn_foreign:
        return -ENOSYS;
    default:
        return -EINVAL;
    }
    spin_lock(&d->mem_lock);
    if (x.space == XENMAPSPACE_grant_table)
        rc = place_grant_frame(d, x.idx, x.gpfn, &b);
    else
        rc = place_shared_info(d, x.gpfn, &b);
    spin_unlock(&d->mem_lock);
    free_batch_flush(v, &b);
    if (rc == 0 && x.space == XENMAPSPACE_shared_info)
        update_vcpu_time(v);
    return rc;
}

long do_memory_op(struct vcpu *v, const uint64_t args[5])
{
    uint32_t op = (uint32_t)(args[0] & MEMOP_CMD_MASK);
    uint64_t start = args[0] >> MEMOP_EXTENT_SHIFT;

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(v, op, start, args[1]);
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, start, args[1]);
    }
    if (start)
        return -EINVAL;
    switch (op) {
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        return reservation_query(v, op, args[1]);
    case XENMEM_memory_map:
        return memory_map(v, args[1]);
    default:
        return -ENOSYS;
    }
}
