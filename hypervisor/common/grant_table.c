// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant tables, version 1 (keel/grant_table.h): each domain's table, held
 * in Keel-owned frames the guest maps with XENMEM_add_to_physmap, and
 * HYPERVISOR_grant_table_op: query_size, setup_table, set_version (1 only;
 * 2 is -ENOSYS as on a Xen whose max version is 1), get_version, copy,
 * map_grant_ref, unmap_grant_ref, unmap_and_replace, swap_grant_ref,
 * cache_flush and transfer (refused as Xen refuses a translated guest).
 * get_status_frames (v2) and dump_table (not in Xen 4.17) return -ENOSYS
 * (docs/abi-coverage.md).  Status codes follow Xen 4.17 for the same input.
 *
 * Grant entries are guest memory: a hostile guest may change them at any
 * time.  Each is read once into a local value; GTF_reading/GTF_writing are
 * set with a bounded cmpxchg loop on the (flags, domid) word as Xen does,
 * and an entry pinned (by a copy or a mapping) keeps the frame number read
 * when it was first pinned.  The flags are cleared when the last pin goes.
 *
 * Mappings (translated callers only, as every Keel guest is): the granted
 * frame is put in the mapper's p2m at host_addr as p2m_grant_map_rw/_ro.
 * Keel maps only where nothing is mapped (Linux maps onto ballooned or
 * unpopulated gfns); RAM or anything else there is refused.  Each mapping
 * holds a pin on the entry (readers or writers) and one page reference on
 * the frame, so the frame is never freed while mapped; the mapper's
 * maptrack records it under a handle.  Unmapping removes the p2m entry
 * (the p2m flush hook flushes TLBs before it returns), then drops the
 * reference (domain_page_put) and the pin.
 *
 * Batches (copy, map, unmap, swap, transfer, cache_flush) of any size:
 * after GNTTAB_OPS_PER_CALL ops, or sooner when a softirq is pending, the
 * hypercall continues itself with the handle advanced past the ops done
 * (keel/hypercall.h).
 *
 * Lifetime.  gnttab_global_lock guards the lookup of another domain's table
 * (domain_get) against its teardown: an operation takes a reference on
 * each table it uses (gt->refs) under that lock; teardown marks the table
 * dying under it, then waits for the references to drain, then unmaps
 * whatever the domain still maps, before the domain's p2m and memory go.
 * A granter torn down while its frames are mapped leaves them referenced
 * (the mapper's unmap still works: it finds no table to unpin).  Frames are
 * found through the owner's p2m with its mem_lock held across the memcpy
 * or the mapping, so memory_op cannot free a frame being copied or mapped
 * (it frees only after unmapping under that lock, and never a referenced
 * frame).
 *
 * Lock order: d->mem_lock, then gt->lock; two mem_locks in domid order.
 * A mapper's maptrack is under its own gt->lock.
 */
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <public/grant_table.h>
#include <public/xen.h>

#define ENTRIES_PER_FRAME   (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_CMD_MASK     0xfffu      /* Xen's continuation bits above it */
#define SET_STATUS_TRIES    5           /* as Xen: a guest racing us loses */
#define GFN_LIMIT           (1ULL << P2M_GFN_BITS)
#define GFN_INVALID_GUEST   (~(xen_pfn_t)0)     /* Xen's INVALID_GFN */
/* page_info.owner of a frame whose table is gone while a foreign mapping
 * (acquire_resource) still references it: no domain's, not yet free. */
#define GNTTAB_ORPHAN       DOMID_INVALID

BUILD_BUG_ON(sizeof(struct grant_entry_v1) != 8);
BUILD_BUG_ON(offsetof(struct grant_entry_v1, domid) != 2);

/* Keel's view of an entry another domain has pinned (a copy under way). */
struct active_entry {
    uint16_t readers;           /* pins for reading (copies from it) */
    uint16_t writers;           /* pins for writing (copies into it) */
    domid_t domid;              /* the domain holding the pins */
    uint16_t pad;
    gfn_t gfn;                  /* the entry's frame when first pinned */
};

/* One mapping of another domain's grant (a maptrack handle). */
struct maptrack {
    gfn_t gfn;                  /* where, in the mapper's p2m */
    mfn_t mfn;                  /* the granted frame: one page reference */
    grant_ref_t ref;            /* the granter's ref; the next free handle
                                   while free */
    domid_t domid;              /* the granter */
    uint16_t flags;             /* MT_* and GNTMAP_readonly */
};

#define MT_LIVE             0x8000u     /* a mapping: unmap may take it */
#define MT_BUSY             0x4000u     /* being mapped or unmapped */
#define MT_NONE             UINT32_MAX  /* end of the free list */

struct grant_table {
    spinlock_t lock;            /* frames, active entries, status flags,
                                   maptrack */
    struct domain *d;
    bool dying;                 /* under gnttab_global_lock */
    uint32_t refs;              /* operations using the table (atomic) */
    uint32_t nr_frames;
    mfn_t frames[GNTTAB_MAX_FRAMES];
    gfn_t gfns[GNTTAB_MAX_FRAMES];      /* where the guest mapped each */
    struct active_entry *active[GNTTAB_MAX_FRAMES];
    struct maptrack **mt;       /* mt_max_frames chunks, allocated on demand */
    uint32_t mt_frames;         /* chunks allocated */
    uint32_t mt_max_frames;
    uint32_t mt_free;           /* first free handle, or MT_NONE */
    uint32_t mt_live;           /* mappings held */
};

static DEFINE_SPINLOCK(gnttab_global_lock);

static void unmap_all(struct grant_table *gt);

/* ---- Tables -------------------------------------------------------------- */

static uint32_t nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * (uint32_t)ENTRIES_PER_FRAME;
}

static struct grant_entry_v1 *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    struct grant_entry_v1 *f = pfn_to_virt(gt->frames[ref / ENTRIES_PER_FRAME]);

    return &f[ref % ENTRIES_PER_FRAME];
}

static struct active_entry *active_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

/* Add frames until there are nr; gt->lock held.  0 or -ENOMEM (the frames
 * added so far stay). */
static int grow_table(struct grant_table *gt, uint32_t nr)
{
    while (gt->nr_frames < nr) {
        uint32_t i = gt->nr_frames;
        struct active_entry *a = xzalloc(ENTRIES_PER_FRAME * sizeof(*a));
        pfn_t mfn = page_alloc(0);          /* zeroed: every entry invalid */

        if (!a || mfn == PFN_INVALID) {
            xfree(a);
            if (mfn != PFN_INVALID)
                page_free(mfn, 0);
            return -ENOMEM;
        }
        gt->frames[i] = mfn;
        gt->gfns[i] = GNTTAB_GFN_NONE;
        gt->active[i] = a;
        gt->nr_frames = i + 1;
    }
    return 0;
}

int gnttab_domain_init(struct domain *d)
{
    struct grant_table *gt = xzalloc(sizeof(*gt));

    if (!gt)
        return -ENOMEM;
    spin_lock_init(&gt->lock, "grant-table", 0);
    gt->d = d;
    gt->mt_max_frames = GNTTAB_MAPTRACK_FRAMES;
    gt->mt_free = MT_NONE;
    d->grant_table = gt;
    return grow_table(gt, GNTTAB_INIT_FRAMES);
}

/* A frame of a table being torn down: freed (scrubbed before reuse), or,
 * while a foreign mapping references it, orphaned for the last
 * gnttab_frame_put to free. */
static void frame_free(mfn_t mfn)
{
    bool orphan;

    spin_lock(&gnttab_global_lock);
    orphan = page_ref_held(mfn);
    if (orphan)
        pfn_to_page(mfn)->owner = GNTTAB_ORPHAN;
    spin_unlock(&gnttab_global_lock);
    if (!orphan)
        page_free(mfn, 0);
}

bool gnttab_frame_put(mfn_t mfn)
{
    struct page_info *pg = pfn_to_page(mfn);
    bool last, orphan;

    spin_lock(&gnttab_global_lock);
    if (!pg || (pg->owner != DOMID_KEEL && pg->owner != GNTTAB_ORPHAN)) {
        spin_unlock(&gnttab_global_lock);
        return false;
    }
    last = page_ref_put(mfn);
    orphan = last && pg->owner == GNTTAB_ORPHAN;
    if (orphan)
        pg->owner = DOMID_KEEL;
    spin_unlock(&gnttab_global_lock);
    if (orphan)
        page_free(mfn, 0);
    return true;
}

void gnttab_domain_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    if (!gt)
        return;
    spin_lock(&gnttab_global_lock);
    gt->dying = true;
    spin_unlock(&gnttab_global_lock);
    while (__atomic_load_n(&gt->refs, __ATOMIC_ACQUIRE))
        cpu_relax();        /* another domain's copy is finishing */
    unmap_all(gt);
    d->grant_table = NULL;
    for (uint32_t i = 0; i < gt->nr_frames; i++) {
        frame_free(gt->frames[i]);
        xfree(gt->active[i]);
    }
    for (uint32_t i = 0; i < gt->mt_frames; i++)
        xfree(gt->mt[i]);
    xfree(gt->mt);
    xfree(gt);
}

void gnttab_set_max_maptrack_frames(struct domain *d, uint32_t frames)
{
    struct grant_table *gt = d->grant_table;

    spin_lock(&gt->lock);
    if (!gt->mt)
        gt->mt_max_frames = frames;
    spin_unlock(&gt->lock);
}

uint32_t gnttab_nr_mapped(struct domain *d)
{
    return d->grant_table ? __atomic_load_n(&d->grant_table->mt_live, __ATOMIC_ACQUIRE) : 0;
}

/* The table of domid (DOMID_SELF, itself, or another) with a reference
 * taken, or NULL if there is no such live domain. */
static struct grant_table *table_get(struct vcpu *v, domid_t domid)
{
    struct domain *d;
    struct grant_table *gt = NULL;

    d = domain_get(domid == DOMID_SELF ? v->domain->domid : domid);
    if (!d)
        return NULL;
    spin_lock(&gnttab_global_lock);
    if (d->grant_table && !d->grant_table->dying) {
        gt = d->grant_table;
        __atomic_fetch_add(&gt->refs, 1, __ATOMIC_ACQ_REL);
    }
    spin_unlock(&gnttab_global_lock);
    domain_put(d);              /* the table's reference keeps the table */
    return gt;
}

/* The table of a granter recorded in a maptrack entry, or NULL. */
static struct grant_table *table_get_domid(domid_t domid)
{
    struct domain *d = domain_get(domid);
    struct grant_table *gt = NULL;

    if (!d)
        return NULL;
    spin_lock(&gnttab_global_lock);
    if (d->grant_table && !d->grant_table->dying) {
        gt = d->grant_table;
        __atomic_fetch_add(&gt->refs, 1, __ATOMIC_ACQ_REL);
    }
    spin_unlock(&gnttab_global_lock);
    domain_put(d);              /* the table's reference keeps the table */
    return gt;
}

static void table_put(struct grant_table *gt)
{
    if (gt)
        __atomic_fetch_sub(&gt->refs, 1, __ATOMIC_ACQ_REL);
}

/* ---- add_to_physmap ------------------------------------------------------ */

int gnttab_physmap_frame(struct domain *d, uint64_t idx, mfn_t *mfn, gfn_t *old_gfn)
{
    struct grant_table *gt = d->grant_table;
    int rc;

    if (!gt || idx >= GNTTAB_MAX_FRAMES)
        return -EINVAL;             /* a v2 status frame index too */
    spin_lock(&gt->lock);
    rc = grow_table(gt, idx + 1);
    if (rc == 0) {
        *mfn = gt->frames[idx];
        *old_gfn = gt->gfns[idx];
    }
    spin_unlock(&gt->lock);
    return rc;
}

int gnttab_acquire_frame(struct domain *d, uint32_t idx, mfn_t *mfn)
{
    struct grant_table *gt;
    int rc = -ESRCH;

    if (idx >= GNTTAB_MAX_FRAMES)
        return -EINVAL;
    spin_lock(&gnttab_global_lock);
    gt = d->grant_table;
    if (gt && !gt->dying)
        __atomic_fetch_add(&gt->refs, 1, __ATOMIC_ACQ_REL);
    else
        gt = NULL;
    spin_unlock(&gnttab_global_lock);
    if (!gt)
        return rc;
    spin_lock(&gt->lock);
    rc = grow_table(gt, idx + 1);
    if (rc == 0) {
        *mfn = gt->frames[idx];
        rc = page_ref_get(*mfn, DOMID_KEEL);    /* freed only after the last put */
    }
    spin_unlock(&gt->lock);
    table_put(gt);
    return rc;
}

void gnttab_physmap_placed(struct domain *d, uint32_t idx, gfn_t gfn)
{
    struct grant_table *gt = d->grant_table;

    spin_lock(&gt->lock);
    gt->gfns[idx] = gfn;
    spin_unlock(&gt->lock);
}

/* ---- Pinning entries for a copy (gt->lock held) ---------------------------- */

/* Set GTF_reading (and GTF_writing) in the shared entry; a first pin also
 * checks the entry permits access to ldom.  Xen's rules and codes. */
static int16_t set_status(struct grant_entry_v1 *e, bool first, bool write, domid_t ldom)
{
    uint32_t *raw = (uint32_t *)e;      /* flags (low half), domid */
    uint32_t old = __atomic_load_n(raw, __ATOMIC_ACQUIRE);

    for (uint32_t tries = 0; tries < SET_STATUS_TRIES; tries++) {
        uint16_t flags = (uint16_t)old;
        uint32_t new = old | GTF_reading | (write ? GTF_writing : 0);

        if (first && ((flags & GTF_type_mask) != GTF_permit_access ||
                      (domid_t)(old >> 16) != ldom))
            return GNTST_general_error;
        if (write && (flags & GTF_readonly))
            return GNTST_general_error;
        if (__atomic_compare_exchange_n(raw, &old, new, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return GNTST_okay;
    }
    return GNTST_general_error;         /* the entry keeps changing */
}

static int16_t pin_entry(struct grant_table *gt, grant_ref_t ref, domid_t ldom, bool write,
                         gfn_t *gfn)
{
    struct active_entry *act;
    struct grant_entry_v1 *e;
    bool pinned;
    int16_t rc;

    if (ref >= nr_entries(gt))
        return GNTST_bad_gntref;
    act = active_entry(gt, ref);
    e = shared_entry(gt, ref);
    pinned = act->readers || act->writers;
    if (pinned && (act->domid != ldom || act->readers == UINT16_MAX ||
                   act->writers == UINT16_MAX))
        return GNTST_general_error;
    if (!pinned || (write && !act->writers)) {
        rc = set_status(e, !pinned, write, ldom);
        if (rc != GNTST_okay)
            return rc;
    }
    if (!pinned) {
        act->domid = ldom;
        act->gfn = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
    }
    if (write)
        act->writers++;
    else
        act->readers++;
    *gfn = act->gfn;
    return GNTST_okay;
}

static void unpin_entry(struct grant_table *gt, grant_ref_t ref, bool write)
{
    struct active_entry *act = active_entry(gt, ref);
    uint16_t clear = 0;

    if (write ? !act->writers : !act->readers) {
        pr_warn("(d%u) grant ref %u: unpin without a pin\n", gt->d->domid, ref);
        return;
    }
    if (write)
        act->writers--;
    else
        act->readers--;
    if (write && !act->writers)
        clear |= GTF_writing;
    if (!act->readers && !act->writers)
        clear |= GTF_reading;
    if (clear)
        __atomic_fetch_and(&shared_entry(gt, ref)->flags, (uint16_t)~clear, __ATOMIC_ACQ_REL);
}

/* ---- Batches ---------------------------------------------------------------- */

/* Stop a batch after i ops (i > 0): a softirq is pending, or the bounded
 * amount of work is done; the hypercall then continues itself. */
static bool batch_preempt(uint32_t i)
{
    return i && (i >= GNTTAB_OPS_PER_CALL || hypercall_preempt_check());
}

/* ---- GNTTABOP_copy ---------------------------------------------------------- */

/* One side of a copy: a local frame (gmfn, the caller's own) or a grant. */
struct copy_side {
    struct grant_table *gt;     /* the memory's owner's table (ref held) */
    bool pinned;                /* a grant ref pinned in gt */
    bool write;
    grant_ref_t ref;
    gfn_t gfn;
};

/* The frame behind gfn in d's p2m, if it is d's own RAM (writable for a
 * write); d->mem_lock held. */
static int16_t ram_frame(struct domain *d, gfn_t gfn, bool write, void **va, mfn_t *mfn_out)
{
    const struct page_info *pg;
    enum p2m_type t;
    mfn_t mfn;

    if (gfn >= GFN_LIMIT || p2m_get_entry(&d->p2m, gfn, &mfn, &t, NULL) < 0)
        return GNTST_bad_page;
    if (t != p2m_ram_rw && (write || t != p2m_ram_ro))
        return GNTST_bad_page;              /* not RAM: grants, foreign, MMIO */
    pg = pfn_to_page(mfn);
    if (!pg || pg->owner != d->domid)
        return GNTST_bad_page;              /* shared_info, grant frames */
    if (va)
        *va = pfn_to_virt(mfn);
    if (mfn_out)
        *mfn_out = mfn;
    return GNTST_okay;
}

/* Xen's gnttab_copy_lock_domain: whose memory a side names. */
static int16_t side_domain(struct vcpu *v, const struct gnttab_copy_ptr *p, bool is_gref,
                           bool write, struct copy_side *s)
{
    if (!is_gref && p->domid != DOMID_SELF)
        return GNTST_permission_denied;     /* only one's own frames by number */
    if (!(s->gt = table_get(v, p->domid)))
        return GNTST_bad_domain;
    s->write = write;
    return GNTST_okay;
}

/* Xen's gnttab_copy_claim_buf: pin the grant, find its frame.  The frame
 * is looked up again, under the owner's mem_lock, for the copy itself. */
static int16_t side_claim(struct vcpu *v, const struct gnttab_copy_ptr *p, bool is_gref,
                          struct copy_side *s)
{
    struct domain *d = s->gt->d;
    void *va;
    int16_t rc;

    if (!is_gref) {
        s->gfn = p->u.gmfn;
    } else {
        spin_lock(&s->gt->lock);
        rc = pin_entry(s->gt, p->u.ref, v->domain->domid, s->write, &s->gfn);
        spin_unlock(&s->gt->lock);
        if (rc != GNTST_okay)
            return rc;
        s->pinned = true;
        s->ref = p->u.ref;
    }
    spin_lock(&d->mem_lock);
    rc = ram_frame(d, s->gfn, s->write, &va, NULL);
    spin_unlock(&d->mem_lock);
    return rc;
}

static void side_close(struct copy_side *s)
{
    if (s->pinned) {
        spin_lock(&s->gt->lock);
        unpin_entry(s->gt, s->ref, s->write);
        spin_unlock(&s->gt->lock);
    }
    table_put(s->gt);
}

static void lock_mem_pair(struct domain *a, struct domain *b)
{
    if (a == b) {
        spin_lock(&a->mem_lock);
    } else if (a->domid < b->domid) {
        spin_lock(&a->mem_lock);
        spin_lock(&b->mem_lock);
    } else {
        spin_lock(&b->mem_lock);
        spin_lock(&a->mem_lock);
    }
}

static void unlock_mem_pair(struct domain *a, struct domain *b)
{
    if (a != b)
        spin_unlock(&b->mem_lock);
    spin_unlock(&a->mem_lock);
}

static int16_t copy_frames(const struct gnttab_copy *op, struct copy_side *src,
                           struct copy_side *dst)
{
    struct domain *sd = src->gt->d, *dd = dst->gt->d;
    void *sva, *dva;
    int16_t rc;

    lock_mem_pair(sd, dd);
    rc = ram_frame(sd, src->gfn, false, &sva, NULL);
    if (rc == GNTST_okay)
        rc = ram_frame(dd, dst->gfn, true, &dva, NULL);
    if (rc == GNTST_okay)
        memmove((uint8_t *)dva + op->dest.offset, (const uint8_t *)sva + op->source.offset,
                op->len);
    unlock_mem_pair(sd, dd);
    return rc;
}

/* Xen 4.17's order, so that an op with several faults gets Xen's status:
 * both domains, then the source (grant, frame), then the destination,
 * then the offsets.  A zero-length op is checked like any other (later
 * Xen skips it). */
static int16_t copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
    struct copy_side src = { .gt = NULL }, dst = { .gt = NULL };
    bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
    int16_t rc;

    rc = side_domain(v, &op->source, src_gref, false, &src);
    if (rc == GNTST_okay)
        rc = side_domain(v, &op->dest, dst_gref, true, &dst);
    if (rc == GNTST_okay)
        rc = side_claim(v, &op->source, src_gref, &src);
    if (rc == GNTST_okay)
        rc = side_claim(v, &op->dest, dst_gref, &dst);
    if (rc == GNTST_okay && ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
                             (uint32_t)op->dest.offset + op->len > PAGE_SIZE))
        rc = GNTST_bad_copy_arg;
    if (rc == GNTST_okay)
        rc = copy_frames(op, &src, &dst);
    side_close(&dst);
    side_close(&src);
    return rc;
}

static long op_copy(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t *done)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(struct gnttab_copy);
        struct gnttab_copy op;

        if (batch_preempt(i)) {
            *done = i;
            return -ERESTART;
        }
        if (copy_from_guest(v, &op, at, sizeof(op)) < 0)
            return -EFAULT;
        op.status = copy_one(v, &op);
        if (copy_to_guest(v, at + offsetof(struct gnttab_copy, status), &op.status,
                          sizeof(op.status)) < 0)
            return -EFAULT;
    }
    return 0;
}

/* ---- Maptrack (the mapper's gt->lock held) ---------------------------------- */

static struct maptrack *mt_entry(struct grant_table *gt, uint32_t handle)
{
    if (handle >= gt->mt_frames * GNTTAB_MAPTRACK_PER_FRAME)
        return NULL;
    return &gt->mt[handle / GNTTAB_MAPTRACK_PER_FRAME][handle % GNTTAB_MAPTRACK_PER_FRAME];
}

/* Another chunk of handles onto the free list; false when at the limit or
 * out of memory. */
static bool mt_grow(struct grant_table *gt)
{
    uint32_t f = gt->mt_frames;
    struct maptrack *chunk;

    if (f >= gt->mt_max_frames)
        return false;
    if (!gt->mt && !(gt->mt = xzalloc(gt->mt_max_frames * sizeof(*gt->mt))))
        return false;
    if (!(chunk = xzalloc(GNTTAB_MAPTRACK_PER_FRAME * sizeof(*chunk))))
        return false;
    for (uint32_t i = 0; i < GNTTAB_MAPTRACK_PER_FRAME; i++)
        chunk[i].ref = i + 1 < GNTTAB_MAPTRACK_PER_FRAME ?
                       f * GNTTAB_MAPTRACK_PER_FRAME + i + 1 : gt->mt_free;
    gt->mt[f] = chunk;
    gt->mt_frames = f + 1;
    gt->mt_free = f * GNTTAB_MAPTRACK_PER_FRAME;
    return true;
}

/* A free handle, marked busy; MT_NONE when there is none. */
static uint32_t mt_get(struct grant_table *gt)
{
    struct maptrack *e;
    uint32_t h;

    if (gt->mt_free == MT_NONE && !mt_grow(gt))
        return MT_NONE;
    h = gt->mt_free;
    e = mt_entry(gt, h);
    gt->mt_free = e->ref;
    *e = (struct maptrack){ .flags = MT_BUSY };
    return h;
}

static void mt_put(struct grant_table *gt, uint32_t h)
{
    struct maptrack *e = mt_entry(gt, h);

    *e = (struct maptrack){ .ref = gt->mt_free };
    gt->mt_free = h;
}

/* ---- GNTTABOP_map_grant_ref and unmap_grant_ref --------------------------- */

/* Map rd's frame at rgfn into ld's p2m at lgfn, holding a page reference;
 * only where ld has nothing mapped. */
static int16_t map_frame(struct domain *ld, struct domain *rd, gfn_t rgfn, gfn_t lgfn,
                         bool ro, mfn_t *mfn)
{
    int16_t rc;
    bool put = false;

    lock_mem_pair(ld, rd);
    rc = ram_frame(rd, rgfn, !ro, NULL, mfn);
    if (rc == GNTST_okay && (lgfn >= GFN_LIMIT ||
                             p2m_get_entry(&ld->p2m, lgfn, NULL, NULL, NULL) != -ENOENT)) {
        pr_warn("(d%u) grant map: host_addr %lx is not an unmapped guest frame\n",
                ld->domid, lgfn << PAGE_SHIFT);
        rc = GNTST_general_error;
    }
    if (rc == GNTST_okay && page_ref_get(*mfn, rd->domid) < 0)
        rc = GNTST_bad_page;
    if (rc == GNTST_okay && p2m_set_entry(&ld->p2m, lgfn, *mfn, P2M_ORDER_4K,
                                          ro ? p2m_grant_map_ro : p2m_grant_map_rw) < 0) {
        rc = GNTST_general_error;           /* no memory for a table page */
        put = true;
    }
    unlock_mem_pair(ld, rd);
    if (put)
        domain_page_put(*mfn);
    return rc;
}

/* Xen 4.17's order: flags, domain, handle, ref, pin, frame, host_addr. */
static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *ld = v->domain;
    struct grant_table *lgt = ld->grant_table, *rgt;
    bool ro = op->flags & GNTMAP_readonly;
    uint32_t h;
    gfn_t rgfn;
    mfn_t mfn = 0;
    int16_t rc;

    if (!(op->flags & (GNTMAP_device_map | GNTMAP_host_map)))
        return GNTST_bad_gntref;
    if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
        return GNTST_general_error;         /* no device/PTE mappings when translated */
    if (op->dom == DOMID_SELF || !(rgt = table_get(v, op->dom)))
        return GNTST_bad_domain;
    spin_lock(&lgt->lock);
    h = mt_get(lgt);
    spin_unlock(&lgt->lock);
    if (h == MT_NONE) {
        table_put(rgt);
        pr_warn("(d%u) grant map: no maptrack handle left\n", ld->domid);
        return GNTST_no_space;
    }
    spin_lock(&rgt->lock);
    rc = pin_entry(rgt, op->ref, ld->domid, !ro, &rgfn);
    spin_unlock(&rgt->lock);
    if (rc == GNTST_okay) {
        rc = map_frame(ld, rgt->d, rgfn, op->host_addr >> PAGE_SHIFT, ro, &mfn);
        if (rc != GNTST_okay) {
            spin_lock(&rgt->lock);
            unpin_entry(rgt, op->ref, !ro);
            spin_unlock(&rgt->lock);
        }
    }
    spin_lock(&lgt->lock);
    if (rc == GNTST_okay) {
        *mt_entry(lgt, h) = (struct maptrack){
            .gfn = op->host_addr >> PAGE_SHIFT, .mfn = mfn, .ref = op->ref,
            .domid = rgt->d->domid, .flags = MT_LIVE | (ro ? GNTMAP_readonly : 0),
        };
        lgt->mt_live++;
        op->handle = h;
        op->dev_bus_addr = mfn << PAGE_SHIFT;   /* as Xen 4.17 */
    } else {
        mt_put(lgt, h);
    }
    spin_unlock(&lgt->lock);
    table_put(rgt);
    return rc;
}

/* Undo one mapping: the p2m entry (TLBs flushed by the p2m before it
 * returns), then the page reference, then the granter's pin. */
static void unmap_tracked(struct domain *ld, const struct maptrack *m)
{
    struct grant_table *rgt;
    enum p2m_type t;
    mfn_t cur;
    int rc = 0;

    spin_lock(&ld->mem_lock);
    if (p2m_get_entry(&ld->p2m, m->gfn, &cur, &t, NULL) == 0 && cur == m->mfn &&
        (t == p2m_grant_map_rw || t == p2m_grant_map_ro))
        rc = p2m_set_entry(&ld->p2m, m->gfn, 0, P2M_ORDER_4K, p2m_invalid);
    spin_unlock(&ld->mem_lock);
    if (rc < 0)             /* still mapped: keep the reference (leak, not reuse) */
        pr_err("(d%u) grant unmap of gfn %lx failed (%d)\n", ld->domid, m->gfn, rc);
    else
        domain_page_put(m->mfn);
    if ((rgt = table_get_domid(m->domid))) {
        spin_lock(&rgt->lock);
        if (m->ref < nr_entries(rgt) && active_entry(rgt, m->ref)->domid == ld->domid)
            unpin_entry(rgt, m->ref, !(m->flags & GNTMAP_readonly));
        spin_unlock(&rgt->lock);
        table_put(rgt);
    }
}

/* host_addr must be where handle's mapping is (Xen: GNTST_general_error). */
static int16_t unmap_one(struct vcpu *v, uint64_t host_addr, uint32_t handle)
{
    struct grant_table *lgt = v->domain->grant_table;
    struct maptrack *e, m;
    int16_t rc = GNTST_okay;

    spin_lock(&lgt->lock);
    e = mt_entry(lgt, handle);
    if (!e || !(e->flags & MT_LIVE)) {
        rc = GNTST_bad_handle;
    } else if ((host_addr >> PAGE_SHIFT) != e->gfn) {
        rc = GNTST_general_error;
    } else {
        m = *e;
        e->flags = MT_BUSY;
    }
    spin_unlock(&lgt->lock);
    if (rc != GNTST_okay)
        return rc;
    unmap_tracked(v->domain, &m);
    spin_lock(&lgt->lock);
    mt_put(lgt, handle);
    lgt->mt_live--;
    spin_unlock(&lgt->lock);
    return GNTST_okay;
}

/* Teardown: every mapping the dying domain still holds (none of its vCPUs
 * runs, so no map or unmap of its own is under way). */
static void unmap_all(struct grant_table *gt)
{
    for (uint32_t h = 0; h < gt->mt_frames * GNTTAB_MAPTRACK_PER_FRAME; h++) {
        struct maptrack *e = mt_entry(gt, h);

        if (e->flags & MT_LIVE) {
            unmap_tracked(gt->d, e);
            e->flags = 0;
            gt->mt_live--;
        }
    }
}

static long op_map(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t *done)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(struct gnttab_map_grant_ref);
        struct gnttab_map_grant_ref op;

        if (batch_preempt(i)) {
            *done = i;
            return -ERESTART;
        }
        if (copy_from_guest(v, &op, at, sizeof(op)) < 0)
            return -EFAULT;
        op.status = map_one(v, &op);
        if (copy_to_guest(v, at, &op, sizeof(op)) < 0)
            return -EFAULT;     /* a mapping made stays: the guest has lost its handle */
    }
    return 0;
}

static long op_unmap(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t *done)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(struct gnttab_unmap_grant_ref);
        struct gnttab_unmap_grant_ref op;

        if (batch_preempt(i)) {
            *done = i;
            return -ERESTART;
        }
        if (copy_from_guest(v, &op, at, sizeof(op)) < 0)
            return -EFAULT;
        op.status = unmap_one(v, op.host_addr, op.handle);
        if (copy_to_guest(v, at + offsetof(struct gnttab_unmap_grant_ref, status), &op.status,
                          sizeof(op.status)) < 0)
            return -EFAULT;
    }
    return 0;
}

/* For a translated caller Xen allows no replacement: new_addr must be 0,
 * and the op is then an unmap. */
static long op_unmap_and_replace(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t *done)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(struct gnttab_unmap_and_replace);
        struct gnttab_unmap_and_replace op;

        if (batch_preempt(i)) {
            *done = i;
            return -ERESTART;
        }
        if (copy_from_guest(v, &op, at, sizeof(op)) < 0)
            return -EFAULT;
        op.status = op.new_addr ? GNTST_general_error : unmap_one(v, op.host_addr, op.handle);
        if (copy_to_guest(v, at + offsetof(struct gnttab_unmap_and_replace, status),
                          &op.status, sizeof(op.status)) < 0)
            return -EFAULT;
    }
    return 0;
}

/* ---- GNTTABOP_swap_grant_ref ------------------------------------------------- */

/* Swap two entries of the caller's own table; Xen's checks and codes: each
 * ref in range, then (unless the same) neither pinned by a copy or map. */
static int16_t swap_one(struct grant_table *gt, grant_ref_t a, grant_ref_t b)
{
    int16_t rc = GNTST_okay;

    spin_lock(&gt->lock);
    if (a >= nr_entries(gt) || b >= nr_entries(gt)) {
        pr_info("(d%u) grant swap: bad ref %#x or %#x\n", gt->d->domid, a, b);
        rc = GNTST_bad_gntref;
    } else if (a != b) {
        const struct active_entry *aa = active_entry(gt, a), *ab = active_entry(gt, b);

        if (aa->readers || aa->writers || ab->readers || ab->writers) {
            rc = GNTST_eagain;
        } else {
            uint64_t *ea = (uint64_t *)shared_entry(gt, a), *eb = (uint64_t *)shared_entry(gt, b);
            uint64_t va = __atomic_load_n(ea, __ATOMIC_ACQUIRE);

            __atomic_store_n(ea, __atomic_load_n(eb, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
            __atomic_store_n(eb, va, __ATOMIC_RELEASE);
        }
    }
    spin_unlock(&gt->lock);
    return rc;
}

static long op_swap(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t *done)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(struct gnttab_swap_grant_ref);
        struct gnttab_swap_grant_ref op;

        if (batch_preempt(i)) {
            *done = i;
            return -ERESTART;
        }
        if (copy_from_guest(v, &op, at, sizeof(op)) < 0)
            return -EFAULT;
        op.status = swap_one(v->domain->grant_table, op.ref_a, op.ref_b);
        if (copy_to_guest(v, at + offsetof(struct gnttab_swap_grant_ref, status), &op.status,
                          sizeof(op.status)) < 0)
            return -EFAULT;
    }
    return 0;
}

/* ---- GNTTABOP_transfer ---------------------------------------------------------- */

/* Xen 4.17 cannot steal a page from a translated domain (steal_page is
 * -EOPNOTSUPP for it), and every Keel guest is translated: a gfn that is
 * RAM or a frame of MMIO is GNTST_general_error, anything else (nothing
 * mapped, a grant or foreign mapping) GNTST_bad_page.  Nothing changes. */
static int16_t transfer_one(struct vcpu *v, xen_pfn_t gfn)
{
    struct domain *d = v->domain;
    enum p2m_type t;
    mfn_t mfn;
    int16_t rc = GNTST_bad_page;

    spin_lock(&d->mem_lock);
    if (gfn < GFN_LIMIT && p2m_get_entry(&d->p2m, gfn, &mfn, &t, NULL) == 0 &&
        (t == p2m_ram_rw || t == p2m_ram_ro || t == p2m_mmio_direct) && pfn_to_page(mfn))
        rc = GNTST_general_error;
    spin_unlock(&d->mem_lock);
    if (rc == GNTST_general_error)
        pr_info("(d%u) grant transfer: not for a translated guest\n", d->domid);
    return rc;
}

static long op_transfer(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t *done)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * sizeof(struct gnttab_transfer);
        struct gnttab_transfer op;

        if (batch_preempt(i)) {
            *done = i;
            return -ERESTART;
        }
        if (copy_from_guest(v, &op, at, sizeof(op)) < 0)
            return -EFAULT;
        op.status = transfer_one(v, op.mfn);
        if (copy_to_guest(v, at + offsetof(struct gnttab_transfer, status), &op.status,
                          sizeof(op.status)) < 0)
            return -EFAULT;
    }
    return 0;
}

/* ---- GNTTABOP_cache_flush -------------------------------------------------------- */

#define CFLUSH_SCAN         (GNTTAB_CMD_MASK + 1)   /* refs looked at per step */

/* Does ld hold a pin (copy or map) on an entry of gt whose frame is mfn?
 * Scans CFLUSH_SCAN refs from *cur_ref: 0 found, 1 not yet (*cur_ref
 * advanced: call again), -EINVAL not in the table.  gt->d->mem_lock and
 * gt->lock held. */
static int grant_map_exists(struct grant_table *gt, domid_t ld, mfn_t mfn, uint32_t *cur_ref)
{
    uint64_t end = (uint64_t)*cur_ref + CFLUSH_SCAN;
    uint32_t ref;

    if (end > nr_entries(gt))
        end = nr_entries(gt);
    for (ref = *cur_ref; ref < end; ref++) {
        const struct active_entry *act = active_entry(gt, ref);
        mfn_t m;

        if ((act->readers || act->writers) && act->domid == ld &&
            p2m_get_entry(&gt->d->p2m, act->gfn, &m, NULL, NULL) == 0 && m == mfn)
            return 0;
    }
    if (ref < nr_entries(gt)) {
        *cur_ref = ref;
        return 1;
    }
    return -EINVAL;
}

/* One op, Xen 4.17's checks and codes: 0 done, 1 part of the search done
 * (*cur_ref says where it goes on), or -E.  The frame is named by machine
 * address (a map's dev_bus_addr) and must be the caller's own RAM or
 * another domain's that the caller has pinned.  On x86 a clean (with or
 * without invalidate) writes the lines back; invalidate alone is
 * -EOPNOTSUPP, as Xen's.  Keel's own frames (grant table, shared_info)
 * are no domain's: -EPERM. */
static int cflush_one(struct vcpu *v, const struct gnttab_cache_flush *op, uint32_t *cur_ref)
{
    mfn_t mfn = op->a.dev_bus_addr >> PAGE_SHIFT;
    const struct page_info *pg = pfn_to_page(mfn);
    struct domain *od;
    int rc = 0;

    if (op->offset >= PAGE_SIZE || op->length > PAGE_SIZE ||
        (uint32_t)op->offset + op->length > PAGE_SIZE ||
        (op->op & ~(GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN)))
        return -EINVAL;             /* GNTTAB_CACHE_SOURCE_GREF too, as Xen */
    if (!op->length || !op->op)
        return *cur_ref ? -EILSEQ : 0;
    if (!pg)
        return -EINVAL;                 /* not a frame of RAM */
    if (!(pg->flags & PGF_ALLOCATED) || !(od = domain_get(pg->owner)))
        return -EPERM;
    spin_lock(&od->mem_lock);
    if (!od->grant_table || pg->owner != od->domid || !(pg->flags & PGF_ALLOCATED)) {
        rc = -EPERM;
    } else if (od != v->domain) {
        spin_lock(&od->grant_table->lock);
        rc = grant_map_exists(od->grant_table, v->domain->domid, mfn, cur_ref);
        spin_unlock(&od->grant_table->lock);
    }
    if (rc == 0 && op->op == GNTTAB_CACHE_INVAL)
        rc = -EOPNOTSUPP;
    else if (rc == 0)
        cache_flush_range((const uint8_t *)pfn_to_virt(mfn) + op->offset, op->length);
    spin_unlock(&od->mem_lock);
    domain_put(od);
    return rc;
}

/* As Xen: the position of a search cut short rides in the command's upper
 * bits; the batch continues with the handle advanced past the ops done. */
static long op_cache_flush(struct vcpu *v, const uint64_t args[5], uint32_t cur_ref)
{
    uint32_t count = (uint32_t)args[2], i;
    long rc = 0;

    for (i = 0; i < count && rc == 0; i++) {
        uint64_t at = args[1] + (uint64_t)i * sizeof(struct gnttab_cache_flush);
        struct gnttab_cache_flush op;
        int r;

        if (batch_preempt(i))
            break;
        if (copy_from_guest(v, &op, at, sizeof(op)) < 0)
            return -EFAULT;
        while ((r = cflush_one(v, &op, &cur_ref)) == 1 && !hypercall_preempt_check())
            ;
        if (r < 0)
            return r;
        if (r == 1)
            break;              /* cur_ref says where op i goes on */
        cur_ref = 0;
    }
    if (i == count)
        return 0;
    {
        uint64_t next[5] = { GNTTABOP_cache_flush | cur_ref,
                             args[1] + (uint64_t)i * sizeof(struct gnttab_cache_flush),
                             count - i, args[3], args[4] };
        return hypercall_create_continuation(v, next);
    }
}

/* ---- Table size and version -------------------------------------------------- */

/* The table a query names, with a reference, and the GNTST_ code: another
 * domain's only for dom0 (Xen's XSM_TARGET). */
static int16_t query_target(struct vcpu *v, domid_t domid, struct grant_table **out)
{
    struct grant_table *gt = table_get(v, domid);

    *out = NULL;
    if (!gt)
        return GNTST_bad_domain;
    if (access_other_domain(v->domain, gt->d)) {
        table_put(gt);
        return GNTST_permission_denied;
    }
    *out = gt;
    return GNTST_okay;
}

static long op_query_size(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct gnttab_query_size q;
    struct grant_table *gt;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(v, &q, uop, sizeof(q)) < 0)
        return -EFAULT;
    q.status = query_target(v, q.dom, &gt);
    if (gt) {
        spin_lock(&gt->lock);
        q.nr_frames = gt->nr_frames;
        q.max_nr_frames = GNTTAB_MAX_FRAMES;
        spin_unlock(&gt->lock);
        table_put(gt);
    }
    return copy_to_guest(v, uop, &q, sizeof(q)) < 0 ? -EFAULT : 0;
}

/* Grow to nr_frames and list where each frame is mapped (Xen gives a
 * translated guest the gfn, or INVALID_GFN for a frame not mapped). */
static int16_t setup_frames(struct vcpu *v, struct grant_table *gt,
                            const struct gnttab_setup_table *s)
{
    uint64_t list = xen_guest_handle_addr(s->frame_list);
    int16_t rc = GNTST_okay;

    if (s->nr_frames > GNTTAB_MAX_FRAMES)
        return GNTST_general_error;
    spin_lock(&gt->lock);
    if (grow_table(gt, s->nr_frames) < 0)
        rc = GNTST_general_error;
    for (uint32_t i = 0; rc == GNTST_okay && i < s->nr_frames; i++) {
        xen_pfn_t gfn = gt->gfns[i] == GNTTAB_GFN_NONE ? GFN_INVALID_GUEST : gt->gfns[i];
        if (copy_to_guest(v, list + i * sizeof(gfn), &gfn, sizeof(gfn)) < 0)
            rc = GNTST_bad_virt_addr;
    }
    spin_unlock(&gt->lock);
    return rc;
}

static long op_setup_table(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct gnttab_setup_table s;
    struct grant_table *gt;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(v, &s, uop, sizeof(s)) < 0)
        return -EFAULT;
    s.status = query_target(v, s.dom, &gt);
    if (gt) {
        s.status = setup_frames(v, gt, &s);
        table_put(gt);
    }
    return copy_to_guest(v, uop + offsetof(struct gnttab_setup_table, status), &s.status,
                         sizeof(s.status)) < 0 ? -EFAULT : 0;
}

static long op_set_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_set_version s;
    long rc;

    if (copy_from_guest(v, &s, uop, sizeof(s)) < 0)
        return -EFAULT;
    if (s.version == 1)
        rc = 0;
    else if (s.version == 2)
        rc = -ENOSYS;                   /* as Xen with max version 1 */
    else
        rc = -EINVAL;
    s.version = 1;                      /* the version in force */
    return copy_to_guest(v, uop, &s, sizeof(s)) < 0 ? -EFAULT : rc;
}

static long op_get_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_get_version g;
    struct grant_table *gt;
    int16_t st;

    if (copy_from_guest(v, &g, uop, sizeof(g)) < 0)
        return -EFAULT;
    st = query_target(v, g.dom, &gt);
    if (st != GNTST_okay)
        return st == GNTST_bad_domain ? -ESRCH : -EPERM;
    table_put(gt);
    g.version = 1;
    return copy_to_guest(v, uop + offsetof(struct gnttab_get_version, version), &g.version,
                         sizeof(g.version)) < 0 ? -EFAULT : 0;
}

typedef long (*batch_fn_t)(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t *done);

/* A batch, continued with the handle advanced past the ops done. */
static long run_batch(struct vcpu *v, const uint64_t args[5], batch_fn_t fn, uint64_t op_size)
{
    uint32_t count = (uint32_t)args[2], done = 0;
    long rc = fn(v, args[1], count, &done);
    uint64_t next[5] = { args[0], args[1] + done * op_size, count - done, args[3], args[4] };

    return rc == -ERESTART ? hypercall_create_continuation(v, next) : rc;
}

/* get_status_frames (v2) and dump_table (which Xen 4.17 does not have
 * either): -ENOSYS.  Only cache_flush carries state in the command's
 * upper bits. */
long do_grant_table_op(struct vcpu *v, const uint64_t args[5])
{
    uint32_t cmd = (uint32_t)args[0] & GNTTAB_CMD_MASK;
    uint32_t opaque = (uint32_t)args[0] & ~GNTTAB_CMD_MASK;
    uint64_t uop = args[1];
    uint32_t count = (uint32_t)args[2];

    if ((int32_t)count < 0 || (opaque && cmd != GNTTABOP_cache_flush))
        return -EINVAL;
    if (!v->domain->grant_table)
        return -ENOSYS;
    switch (cmd) {
    case GNTTABOP_swap_grant_ref:
        return run_batch(v, args, op_swap, sizeof(struct gnttab_swap_grant_ref));
    case GNTTABOP_transfer:
        return run_batch(v, args, op_transfer, sizeof(struct gnttab_transfer));
    case GNTTABOP_cache_flush:
        return op_cache_flush(v, args, opaque);
    case GNTTABOP_map_grant_ref:
        return run_batch(v, args, op_map, sizeof(struct gnttab_map_grant_ref));
    case GNTTABOP_unmap_grant_ref:
        return run_batch(v, args, op_unmap, sizeof(struct gnttab_unmap_grant_ref));
    case GNTTABOP_unmap_and_replace:
        return run_batch(v, args, op_unmap_and_replace, sizeof(struct gnttab_unmap_and_replace));
    case GNTTABOP_copy:
        return run_batch(v, args, op_copy, sizeof(struct gnttab_copy));
    case GNTTABOP_query_size:
        return op_query_size(v, uop, count);
    case GNTTABOP_setup_table:
        return op_setup_table(v, uop, count);
    case GNTTABOP_set_version:
        return op_set_version(v, uop);
    case GNTTABOP_get_version:
        return op_get_version(v, uop);
    default:
        return -ENOSYS;
    }
}
