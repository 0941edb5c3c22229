/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The p2m: one domain's guest-physical to host-physical map, as the nested
 * page tables the CPU walks for that domain (AMD NPT today, in
 * arch/x86/hvm/p2m_npt.c).  This header is arch-neutral: callers speak in
 * guest frames (gfn), host frames (mfn), orders and p2m types; how a type
 * becomes permission and cache bits is the implementation's business.
 *
 * A mapping covers 2^order frames, order 0 (4 KiB), 9 (2 MiB) or 18 (1 GiB);
 * gfn and mfn must both be aligned to it.  Setting a smaller mapping inside a
 * superpage splits the superpage (the other frames keep their mapping);
 * setting a superpage over smaller mappings replaces them all and frees the
 * tables below; a table whose 512 entries become one contiguous run of the
 * same type is folded back into a superpage, and a table left empty is
 * freed.  So the tables only depend on what is mapped, not on how it got
 * there (within the limit of max_order).
 *
 * TLBs: after any change that removes or downgrades a mapping (a frame
 * unmapped, remapped elsewhere, made read-only or uncached) or frees a
 * table page, p2m->flush(p2m) is called before the operation returns and
 * before any table page is freed.  It runs with p2m->lock write-held (so it
 * must not take it) and must make every CPU drop translations from these tables
 * (for NPT: a new ASID or a TLB flush on each CPU running the domain).
 * Adding a mapping or upgrading one (read-only to writable) does not flush:
 * a CPU may still take one nested fault on the stale translation, which the
 * fault handler must treat as spurious (look the gfn up again and resume).
 *
 * Locking: p2m->lock is write-held across every change and teardown, and
 * read-held across a lookup (lookups from many CPUs run side by side; a
 * table page is unlinked and freed only under the write lock, so no lookup
 * walks it).  Table pages come from page_alloc(0) and are the hypervisor's
 * (not charged to the domain).
 */
#ifndef KEEL_P2M_H
#define KEEL_P2M_H

#include <keel/spinlock.h>
#include <keel/types.h>

typedef uint64_t gfn_t;         /* guest page frame number */
typedef uint64_t mfn_t;         /* host (machine) page frame number */

#define MFN_INVALID     (~(mfn_t)0)

#define P2M_ORDER_4K    0
#define P2M_ORDER_2M    9
#define P2M_ORDER_1G    18

/* Guest-physical addresses are 48 bits (4 levels): gfns below 2^36. */
#define P2M_GFN_BITS    36
/* Host frames must fit a 52-bit physical address. */
#define P2M_MFN_BITS    40

enum p2m_type {
    p2m_invalid = 0,        /* nothing mapped (as a set_entry argument: unmap) */
    p2m_ram_rw,             /* guest RAM: read, write, execute */
    p2m_ram_ro,             /* guest RAM: read, execute */
    p2m_mmio_direct,        /* device memory passed through: uncached, rw, no exec */
    p2m_grant_map_rw,       /* another domain's page granted to this one: rw */
    p2m_grant_map_ro,       /* ... read-only */
    p2m_foreign,            /* another domain's page mapped by privilege: rw */
    P2M_NR_TYPES
};

struct p2m {
    rwlock_t lock;                  /* lookups read, changes write: lookups
                                       run on every guest memory access
                                       Keel makes, from all CPUs at once */
    mfn_t root;                     /* the top-level table (nCR3 >> 12) */
    unsigned int max_order;         /* largest leaf used: P2M_ORDER_1G after
                                       p2m_init; lower it to P2M_ORDER_2M
                                       before use on CPUs without 1G pages */
    uint64_t table_pages;           /* table pages in use, the root included */
    uint64_t nr_entries[P2M_NR_TYPES]; /* leaf entries of each type */
    uint64_t nr_pages[P2M_NR_TYPES];   /* 4 KiB frames mapped with each type */
    void (*flush)(struct p2m *p2m); /* may be NULL; see above */
    void *owner;                    /* for the flush hook (the domain) */
};

/* An empty map: allocates the root table.  0 or -ENOMEM.  flush and owner
 * are left NULL for the caller to set. */
int p2m_init(struct p2m *p2m);

/* Free every table page (never the mapped frames) after one last flush.
 * The p2m is empty (root MFN_INVALID) afterwards; p2m_init may reuse it. */
void p2m_teardown(struct p2m *p2m);

/* Map [gfn, gfn + 2^order) to [mfn, mfn + 2^order) with type; with type
 * p2m_invalid, unmap that range (mfn is ignored; any order 0, 9 or 18).
 * 0, -EINVAL (order not 0, 9 or 18, a mapping above max_order, gfn or mfn
 * not aligned or out of range, bad type) or -ENOMEM (no table page; the
 * map is then unchanged). */
int p2m_set_entry(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned int order,
                  enum p2m_type type);

/* The mapping covering gfn: 0 with *mfn the frame backing gfn itself (the
 * superpage's base plus gfn's offset in it), *type and *order of the leaf;
 * -ENOENT when unmapped (*mfn = MFN_INVALID, *type = p2m_invalid, *order
 * the size of the aligned hole around gfn), -EINVAL when gfn is out of
 * range.  Any out pointer may be NULL. */
int p2m_get_entry(struct p2m *p2m, gfn_t gfn, mfn_t *mfn,
                  enum p2m_type *type, unsigned int *order);

/* Call fn for every leaf, in gfn order: its first gfn and mfn, order and
 * type.  p2m->lock is read-held throughout: fn must not change the map. */
typedef void (*p2m_leaf_fn)(void *arg, gfn_t gfn, mfn_t mfn, unsigned int order,
                            enum p2m_type type);
void p2m_for_each_leaf(struct p2m *p2m, p2m_leaf_fn fn, void *arg);

/* The host-physical address of the root table, for the VMCB's nCR3. */
paddr_t p2m_root_maddr(const struct p2m *p2m);

#endif
