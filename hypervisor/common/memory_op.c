// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_memory_op for PVH/HVM guests: the domain's own memory map,
 * placing the shared_info page and grant-table frames (add_to_physmap),
 * the reservation counters, the balloon pair decrease_reservation /
 * populate_physmap, and increase_reservation (memory given but mapped
 * nowhere, as Xen does for translated guests).  Every other sub-op returns
 * -ENOSYS (docs/abi-coverage.md).
 *
 * Other domains.  dom0 (the access hook, access_memory_op_foreign) may do the reservation
 * ops, the queries, maximum_gpfn, claim_pages and set_memory_map on behalf
 * of another domid, holding a domain_get reference on it; each op takes the
 * target's mem_lock and stops if it is dying (domain_destroy tears the p2m
 * and memory down under that lock).  Foreign mappings go only into the
 * caller's own p2m: add_to_physmap_batch(XENMAPSPACE_gmfn_foreign) and
 * acquire_resource (grant-table frames) take one page reference per frame
 * under the owner's lock and leave the entry to common/foreign.c, the one
 * place that removes p2m_foreign entries and drops their references.  A
 * mapping over the caller's own RAM gives that RAM back (freed, as Xen's
 * guest_remove_page); over a foreign entry, replaces it; over anything else
 * (shared_info, grant frames, grant maps) is refused.  remove_from_physmap
 * unmaps a foreign entry (reference dropped) or the domain's own RAM, which
 * stays the domain's (tot_pages), unmapped, as on Xen.
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
#include <keel/claim.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/foreign.h>
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
#define MAX_EXTENT_ORDER_CTL 18             /* ... and for the control domain */
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

static void quiesce_other(struct domain *d);

static bool vcpu_quiet(struct domain *d, struct vcpu *v, uint64_t exits_then)
{
    return __atomic_load_n(&v->exits, __ATOMIC_ACQUIRE) != exits_then ||
           __atomic_load_n(&v->hvm.in_guest, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING ||
           (__atomic_load_n(&d->memop_waiting, __ATOMIC_ACQUIRE) & (1ULL << v->vcpu_id));
}

/* Called without mem_lock, after a p2m change of d, by self (a vCPU of d,
 * or of dom0 acting on d).  A vCPU is past the change once it is in the
 * guest or has left it since (so it finished the exit it was handling), is
 * not running, or is waiting here itself (holding no pointer). */
static void p2m_quiesce(struct domain *d, struct vcpu *self)
{
    uint64_t seen[MAX_VCPUS];
    unsigned int me = smp_processor_id();

    if (self->domain != d) {
        quiesce_other(d);
        return;
    }
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

/* d's vCPUs, none of them the caller: each past the change as above. */
static void quiesce_other(struct domain *d)
{
    uint64_t seen[MAX_VCPUS];
    unsigned int me = smp_processor_id();

    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        seen[i] = __atomic_load_n(&v->exits, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING && v->processor != me)
            smp_send_event_check(v->processor);
    }
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        while (!vcpu_quiet(d, d->vcpus[i], seen[i]))
            cpu_relax();
}

static void free_batch_flush(struct domain *d, struct vcpu *self, struct free_batch *b)
{
    p2m_quiesce(d, self);
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

/* ---- The domain a request names ------------------------------------------- */

/* May the caller do op on another domain d?  Decided by the access hook
 * (keel/access.h: dom0 only). */
static bool may_act_on(const struct vcpu *v, uint32_t op, const struct domain *d)
{
    return access_memory_op_foreign(v->domain, op, d) == 0;
}

static void target_put(struct vcpu *v, struct domain *d)
{
    if (d && d != v->domain) {
        __atomic_fetch_sub(&d->memop_users, 1, __ATOMIC_SEQ_CST);
        domain_put(d);
    }
}

/* The domain domid names: the caller (DOMID_SELF or its own id), or
 * another live domain the caller may act on, with a reference
 * (target_put).  NULL with *rc -ESRCH (none, dying, DOMID_*) or -EPERM. */
static struct domain *target_get(struct vcpu *v, uint32_t op, domid_t domid, int *rc)
{
    struct domain *d;

    if (domid == DOMID_SELF || domid == v->domain->domid)
        return v->domain;
    if (!(d = domain_get(domid))) {
        *rc = -ESRCH;
        return NULL;
    }
    if (!may_act_on(v, op, d)) {
        domain_put(d);
        *rc = -EPERM;
        return NULL;
    }
    /* Counted before is_dying is looked at again: domain_destroy sets
     * is_dying, then waits for the count (it may free d's vCPUs, which
     * p2m_quiesce looks at, only then). */
    __atomic_fetch_add(&d->memop_users, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST)) {
        target_put(v, d);
        *rc = -ESRCH;
        return NULL;
    }
    return d;
}

/* ---- Reservations --------------------------------------------------------- */

/* Room for one more chunk to free: flush a full batch, without the lock. */
static void batch_make_room(struct domain *d, struct vcpu *v, struct free_batch *b)
{
    if (b->n < FREE_BATCH)
        return;
    spin_unlock(&d->mem_lock);
    free_batch_flush(d, v, b);
    spin_lock(&d->mem_lock);
}

static int decrease_extent(struct domain *d, struct vcpu *v, gfn_t gfn, uint32_t order,
                           struct free_batch *b)
{
    int rc = 0;

    for (uint64_t j = 0; rc == 0 && j < (1ULL << order); j++) {
        batch_make_room(d, v, b);
        if (d->is_dying)
            return -ESRCH;          /* torn down while the lock was dropped */
        rc = release_gfn(d, gfn + j, b);
    }
    return rc;
}

/* Do extents [*done, r->nr_extents) of op on d, stopping at the first that
 * fails (as Xen); *done counts those completed.  No continuation: a large
 * request runs to its end in this call (mem_lock held, dropped only to free
 * a full batch). */
static void reservation_run(struct vcpu *v, struct domain *d, uint32_t op,
                            const struct xen_memory_reservation *r, uint64_t *done)
{
    uint64_t list = xen_guest_handle_addr(r->extent_start);
    struct free_batch b = { .n = 0 };

    spin_lock(&d->mem_lock);
    for (; *done < r->nr_extents && !d->is_dying; ++*done) {
        xen_pfn_t gfn;
        int rc = 0;

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
            rc = decrease_extent(d, v, gfn, r->extent_order, &b);
        if (rc < 0)
            break;
    }
    spin_unlock(&d->mem_lock);
    if (op == XENMEM_decrease_reservation)
        free_batch_flush(d, v, &b);
}

static long reservation_op(struct vcpu *v, uint32_t op, uint64_t start, uint64_t arg)
{
    struct xen_memory_reservation r;
    uint64_t done = start;
    struct domain *d;
    int rc = 0;

    /* As Xen: any problem with the request itself returns the start extent.
     * Populate-on-demand is for populate_physmap only (Xen refuses it for
     * the calling domain itself, after no extent) and ignored by the rest.
     * The largest extent is the caller's: 2^18 pages for the control
     * domain, 2^9 for others. */
    if (copy_from_guest(v, &r, arg, sizeof(r)) < 0 ||
        r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= r.nr_extents ||
        r.extent_order > (v->domain->privileged ? MAX_EXTENT_ORDER_CTL : MAX_EXTENT_ORDER) ||
        (op == XENMEM_populate_physmap && (r.mem_flags & XENMEMF_populate_on_demand)))
        return (long)start;
    if (!(d = target_get(v, op, r.domid, &rc)))
        return (long)start;
    reservation_run(v, d, op, &r, &done);
    target_put(v, d);
    return (long)done;
}

static void max_leaf(void *arg, gfn_t gfn, mfn_t mfn, unsigned int order, enum p2m_type type)
{
    gfn_t *max = arg;

    (void)mfn;
    (void)type;
    *max = MAX(*max, gfn + (1ULL << order) - 1);
}

/* current/maximum_reservation, maximum_gpfn (the highest gfn mapped now,
 * 0 when none): DOMID_SELF or its own id; others for dom0. */
static long reservation_query(struct vcpu *v, uint32_t op, uint64_t arg)
{
    domid_t domid;
    struct domain *d;
    gfn_t max = 0;
    long ret;
    int rc = 0;

    if (copy_from_guest(v, &domid, arg, sizeof(domid)) < 0)
        return -EFAULT;
    if (!(d = target_get(v, op, domid, &rc)))
        return rc;
    spin_lock(&d->mem_lock);
    if (op == XENMEM_current_reservation)
        ret = (long)d->tot_pages;
    else if (op == XENMEM_maximum_reservation)
        ret = (long)d->max_pages;
    else {
        p2m_for_each_leaf(&d->p2m, max_leaf, &max);
        ret = (long)max;
    }
    spin_unlock(&d->mem_lock);
    target_put(v, d);
    return ret;
}

/* XENMEM_claim_pages: Xen's checks and codes (a null list, order 0, no
 * flags; DOMID_SELF is no domain here: -EINVAL). */
static long claim_pages(struct vcpu *v, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    int rc = 0;

    if (copy_from_guest(v, &r, arg, sizeof(r)) < 0)
        return -EFAULT;
    if (xen_guest_handle_addr(r.extent_start) || r.extent_order || r.mem_flags)
        return -EINVAL;
    if (!(d = domain_get(r.domid)))
        return -EINVAL;
    if (access_privileged(v->domain))
        rc = -EPERM;
    else {
        spin_lock(&d->mem_lock);
        rc = d->is_dying ? -EINVAL : claim_set(d, r.nr_extents);
        spin_unlock(&d->mem_lock);
    }
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
    spin_lock(&d->mem_lock);
    map.nr_entries = MIN(map.nr_entries, d->nr_memmap);
    for (uint32_t i = 0; i < map.nr_entries; i++)
        e[i] = (struct e820_entry){ d->memmap[i].addr, d->memmap[i].size, d->memmap[i].type };
    spin_unlock(&d->mem_lock);
    if (d->nr_memmap == 0)
        return -ENOSYS;
    if (copy_to_guest(v, xen_guest_handle_addr(map.buffer), e, map.nr_entries * sizeof(e[0])) < 0 ||
        copy_to_guest(v, arg, &map, sizeof(map)) < 0)
        return -EFAULT;
    return 0;
}

/* XENMEM_set_memory_map: the map XENMEM_memory_map gives that domain from
 * now on, stored as given (as Xen); at most DOMAIN_MEMMAP_MAX entries
 * (Xen: 1024), more is -EINVAL.  Like Xen, a domain may set its own. */
static long set_memory_map(struct vcpu *v, uint64_t arg)
{
    struct xen_foreign_memory_map f;
    struct e820_entry e[DOMAIN_MEMMAP_MAX];
    struct domain *d;
    int rc = 0;

    if (copy_from_guest(v, &f, arg, sizeof(f)) < 0)
        return -EFAULT;
    if (f.map.nr_entries > DOMAIN_MEMMAP_MAX)
        return -EINVAL;
    if (!(d = target_get(v, XENMEM_set_memory_map, f.domid, &rc)))
        return rc;
    if (copy_from_guest(v, e, xen_guest_handle_addr(f.map.buffer),
                        f.map.nr_entries * sizeof(e[0])) < 0) {
        target_put(v, d);
        return -EFAULT;
    }
    spin_lock(&d->mem_lock);
    for (uint32_t i = 0; i < f.map.nr_entries; i++)
        d->memmap[i] = (struct hvm_memmap_table_entry){
            .addr = e[i].addr, .size = e[i].size, .type = e[i].type };
    d->nr_memmap = f.map.nr_entries;
    spin_unlock(&d->mem_lock);
    target_put(v, d);
    return 0;
}

/* Make gfn of d free for a new mapping: the domain's own RAM there is
 * given back (freed through b), a foreign entry unmapped (its reference
 * dropped), a hole left as is.  -EPERM for anything else (shared_info, a
 * grant-table frame, a grant map), -EBUSY for RAM Keel holds a reference
 * to; d->mem_lock held. */
static int vacate_gfn(struct domain *d, gfn_t gfn, struct free_batch *b)
{
    enum p2m_type t;
    int rc = 0;

    if (p2m_get_entry(&d->p2m, gfn, NULL, &t, NULL) < 0)
        return 0;
    if (t == p2m_foreign)
        return foreign_unmap(d, gfn);
    rc = release_gfn(d, gfn, b);
    return rc == -ENOENT ? -EPERM : rc;     /* not plain RAM of its own */
}

/* Map Keel's frame mfn (shared_info, a grant-table frame) at gfn,
 * replacing what vacate_gfn allows there and unmapping it from old (~0:
 * nowhere); the same gfn again is a no-op. */
static int place_keel_frame(struct domain *d, gfn_t gfn, mfn_t mfn, gfn_t old,
                            struct free_batch *b)
{
    int rc = 0;

    if (gfn >= GFN_LIMIT)
        return -EINVAL;
    if (gfn == old)
        return 0;
    if ((rc = vacate_gfn(d, gfn, b)) < 0)
        return rc;
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

/* ---- Foreign mappings ------------------------------------------------------ */

/* mfn, referenced by the caller, as a foreign entry at gfn of v's domain:
 * 0, or the error (the reference is then dropped). */
static int map_referenced(struct vcpu *v, gfn_t gfn, mfn_t mfn, struct free_batch *b)
{
    struct domain *d = v->domain;
    int rc = 0;

    spin_lock(&d->mem_lock);
    batch_make_room(d, v, b);
    if (gfn >= GFN_LIMIT)
        rc = -EINVAL;
    else if ((rc = vacate_gfn(d, gfn, b)) == 0)
        rc = foreign_map(d, gfn, mfn);
    spin_unlock(&d->mem_lock);
    if (rc < 0)
        foreign_frame_put(mfn);
    return rc;
}

/* One XENMAPSPACE_gmfn_foreign entry: fd's RAM frame at fgfn mapped at gfn
 * of the caller.  Xen's codes: -EINVAL when fgfn is not fd's RAM (a hole,
 * shared_info, a grant frame, a mapping of someone else's) or gfn is out
 * of range; -EPERM/-EBUSY from vacate_gfn; -ESRCH when fd is going. */
static int map_foreign_gfn(struct vcpu *v, struct domain *fd, gfn_t fgfn, gfn_t gfn,
                           struct free_batch *b)
{
    enum p2m_type t;
    mfn_t mfn;
    int rc = 0;

    if (fgfn >= GFN_LIMIT || gfn >= GFN_LIMIT)
        return -EINVAL;
    spin_lock(&fd->mem_lock);
    if (fd->is_dying)
        rc = -ESRCH;
    else if (p2m_get_entry(&fd->p2m, fgfn, &mfn, &t, NULL) < 0 || t != p2m_ram_rw)
        rc = -EINVAL;
    else
        rc = page_ref_get(mfn, fd->domid);  /* -EINVAL: not fd's own frame */
    spin_unlock(&fd->mem_lock);
    if (rc < 0)
        return rc;
    return map_referenced(v, gfn, mfn, b);
}

/* One entry of add_to_physmap or its batch, for a space other than
 * gmfn_foreign, in the caller's own p2m. */
static int physmap_one(struct vcpu *v, uint32_t space, uint64_t idx, gfn_t gpfn,
                       struct free_batch *b)
{
    struct domain *d = v->domain;
    int rc = 0;

    switch (space) {
    case XENMAPSPACE_shared_info:
        if (idx != 0)
            return -EINVAL;
        break;
    case XENMAPSPACE_grant_table:       /* v1: a status-frame idx is -EINVAL */
        break;
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
        return -ENOSYS;
    default:
        return -EINVAL;
    }
    spin_lock(&d->mem_lock);
    batch_make_room(d, v, b);
    if (space == XENMAPSPACE_grant_table)
        rc = place_grant_frame(d, idx, gpfn, b);
    else
        rc = place_shared_info(d, gpfn, b);
    spin_unlock(&d->mem_lock);
    if (rc == 0 && space == XENMAPSPACE_shared_info)
        update_vcpu_time(v);
    return rc;
}

/* Foreign mappings and physmap changes go into the caller's own p2m only:
 * another domid is -ESRCH when there is no such domain, else -EPERM. */
static int own_p2m(struct vcpu *v, domid_t domid)
{
    struct domain *d;

    if (domid == DOMID_SELF || domid == v->domain->domid)
        return 0;
    if (!(d = domain_get(domid)))
        return -ESRCH;
    domain_put(d);
    return -EPERM;
}

static long add_to_physmap(struct vcpu *v, uint64_t start, uint64_t arg)
{
    struct xen_add_to_physmap x;
    struct free_batch b = { .n = 0 };
    int rc = 0;

    if (start > UINT16_MAX)
        return -EDOM;
    if (copy_from_guest(v, &x, arg, sizeof(x)) < 0)
        return -EFAULT;
    if ((rc = own_p2m(v, x.domid)) < 0)
        return rc;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -ENOSYS;             /* as Xen: only through the batch */
    rc = physmap_one(v, x.space, x.idx, x.gpfn, &b);
    free_batch_flush(v->domain, v, &b);
    return rc;
}

/* XENMEM_add_to_physmap_batch (Xen 4.17): each entry's result goes to
 * errs[i], the call returns 0 (or an error about the request itself).  No
 * continuation: all size entries (at most 65535) in this call. */
static long add_to_physmap_batch(struct vcpu *v, uint64_t start, uint64_t arg)
{
    struct xen_add_to_physmap_batch x;
    struct free_batch b = { .n = 0 };
    struct domain *fd = NULL;
    int fd_rc = 0;
    long rc = 0;

    if (copy_from_guest(v, &x, arg, sizeof(x)) < 0)
        return -EFAULT;
    if (x.space == XENMAPSPACE_gmfn_range)
        return -EOPNOTSUPP;
    if (start > UINT16_MAX)
        return -EDOM;
    if ((rc = own_p2m(v, x.domid)) < 0)
        return rc;
    if (x.size < start || (x.size == start && start))
        return -EILSEQ;
    if (x.space == XENMAPSPACE_gmfn_foreign) {
        if (x.u.foreign_domid == DOMID_SELF || x.u.foreign_domid == v->domain->domid)
            fd_rc = -EINVAL;        /* Xen: not a foreign domain */
        else
            fd = target_get(v, XENMEM_add_to_physmap_batch, x.u.foreign_domid, &fd_rc);
    }
    for (uint64_t i = start; i < x.size; i++) {
        xen_ulong_t idx;
        xen_pfn_t gpfn;
        int err;

        if (copy_from_guest(v, &idx, xen_guest_handle_addr(x.idxs) + i * sizeof(idx),
                            sizeof(idx)) < 0 ||
            copy_from_guest(v, &gpfn, xen_guest_handle_addr(x.gpfns) + i * sizeof(gpfn),
                            sizeof(gpfn)) < 0) {
            rc = -EFAULT;
            break;
        }
        if (x.space != XENMAPSPACE_gmfn_foreign)
            err = physmap_one(v, x.space, idx, gpfn, &b);
        else
            err = fd ? map_foreign_gfn(v, fd, idx, gpfn, &b) : fd_rc;
        if (copy_to_guest(v, xen_guest_handle_addr(x.errs) + i * sizeof(err), &err,
                          sizeof(err)) < 0) {
            rc = -EFAULT;
            break;
        }
    }
    target_put(v, fd);
    free_batch_flush(v->domain, v, &b);
    return rc;
}

/* XENMEM_remove_from_physmap: as Xen, -ENOENT when nothing is mapped at
 * gpfn; a foreign entry is unmapped and its reference dropped; the
 * domain's own RAM is unmapped and stays the domain's (tot_pages); Keel's
 * frames (shared_info, grant-table frames) and grant maps are -EPERM. */
static long remove_from_physmap(struct vcpu *v, uint64_t arg)
{
    struct xen_remove_from_physmap x;
    struct domain *d;
    enum p2m_type t;
    mfn_t mfn;
    int rc = 0;

    if (copy_from_guest(v, &x, arg, sizeof(x)) < 0)
        return -EFAULT;
    if (!(d = target_get(v, XENMEM_remove_from_physmap, x.domid, &rc)))
        return rc;
    spin_lock(&d->mem_lock);
    if (d->is_dying)
        rc = -ESRCH;
    else if (x.gpfn >= GFN_LIMIT || p2m_get_entry(&d->p2m, x.gpfn, &mfn, &t, NULL) < 0)
        rc = -ENOENT;
    else if (t == p2m_foreign)
        rc = foreign_unmap(d, x.gpfn);
    else if (t == p2m_ram_rw && pfn_to_page(mfn) && pfn_to_page(mfn)->owner == d->domid)
        rc = p2m_set_entry(&d->p2m, x.gpfn, 0, P2M_ORDER_4K, p2m_invalid);
    else
        rc = -EPERM;
    spin_unlock(&d->mem_lock);
    target_put(v, d);
    return rc;
}

/* ---- Resources --------------------------------------------------------------- */

/* XENMEM_acquire_resource (Xen 4.17), by dom0, of a domain's grant table
 * (itself too): shared frames only (grant v1: the status frames' size is
 * 0, so -EINVAL as Xen); other types -EOPNOTSUPP.  A null frame_list asks
 * the size (nr_frames 0).  Otherwise frame_list holds the caller's gfns
 * where frames [frame, frame + nr_frames) go, as foreign entries holding
 * a reference; a failure after the first frame is -EIO (the caller unmaps
 * what was mapped), as Xen. */
static long acquire_resource(struct vcpu *v, uint64_t start, uint64_t arg)
{
    struct xen_mem_acquire_resource x;
    struct free_batch b = { .n = 0 };
    struct domain *d;
    uint64_t list;
    uint32_t max = 0;
    int rc = 0;

    if (copy_from_guest(v, &x, arg, sizeof(x)) < 0)
        return -EFAULT;
    if (x.pad != 0)
        return -EINVAL;
    if (!(d = target_get(v, XENMEM_acquire_resource, x.domid, &rc)))
        return rc;
    rc = 0;
    if (access_privileged(v->domain))
        rc = -EPERM;                /* its own grant table too: dom0 only */
    else if (x.type != XENMEM_resource_grant_table)
        rc = -EOPNOTSUPP;
    else if (x.id == XENMEM_resource_grant_table_id_shared)
        max = GNTTAB_MAX_FRAMES;
    if (rc == 0 && max == 0)
        rc = -EINVAL;
    list = xen_guest_handle_addr(x.frame_list);
    if (rc == 0 && !list) {
        if (x.nr_frames || start)
            rc = -EINVAL;
        else if (copy_to_guest(v, arg + offsetof(struct xen_mem_acquire_resource, nr_frames),
                               &max, sizeof(max)) < 0)
            rc = -EFAULT;
        target_put(v, d);
        return rc;
    }
    if (rc == 0 && (start >= x.nr_frames || x.nr_frames > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) ||
                    x.frame >= max || x.nr_frames > max - x.frame))
        rc = -EINVAL;
    for (uint64_t i = start; rc == 0 && i < x.nr_frames; i++) {
        xen_pfn_t gfn;
        mfn_t mfn;

        if (copy_from_guest(v, &gfn, list + i * sizeof(gfn), sizeof(gfn)) < 0)
            rc = -EFAULT;
        else if ((rc = gnttab_acquire_frame(d, (uint32_t)(x.frame + i), &mfn)) == 0)
            rc = map_referenced(v, gfn, mfn, &b);
        if (rc < 0 && i > start)
            rc = -EIO;
    }
    target_put(v, d);
    free_batch_flush(v->domain, v, &b);
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
    case XENMEM_add_to_physmap_batch:
        return add_to_physmap_batch(v, start, args[1]);
    case XENMEM_acquire_resource:
        return acquire_resource(v, start, args[1]);
    }
    if (start)
        return -EINVAL;
    switch (op) {
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return reservation_query(v, op, args[1]);
    case XENMEM_claim_pages:
        return claim_pages(v, args[1]);
    case XENMEM_memory_map:
        return memory_map(v, args[1]);
    case XENMEM_set_memory_map:
        return set_memory_map(v, args[1]);
    case XENMEM_remove_from_physmap:
        return remove_from_physmap(v, args[1]);
    default:
        return -ENOSYS;
    }
}
