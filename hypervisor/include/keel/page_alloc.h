/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical page allocator: a binary buddy allocator over one frame table
 * with a struct page_info per page frame from pfn 0 to the end of RAM.  Free
 * blocks of 2^order pages sit on per-order lists; freeing merges buddies.
 * Pages are scrubbed on hand-out: a page freed (or first added) is marked
 * dirty and zeroed by page_alloc() before the caller sees it, so no data ever
 * passes from one owner to the next.
 *
 * Not thread-safe by itself: callers hold the heap lock (added with SMP).
 */
#ifndef KEEL_PAGE_ALLOC_H
#define KEEL_PAGE_ALLOC_H

#include <keel/types.h>

#define PAGE_ORDER_MAX  18          /* largest block: 2^18 pages = 1 GiB */
#define PFN_INVALID     (~(pfn_t)0)

/* page_info.flags */
#define PGF_FREE        0x01        /* head of a free block */
#define PGF_DIRTY       0x02        /* content not scrubbed since last owner */
#define PGF_ALLOCATED   0x04        /* head of an allocated block */
#define PGF_HEAP        0x08        /* frame was handed to the allocator by
                                       page_alloc_add_range() (set on every
                                       page, free or allocated) */

/* page_info.owner of frames the hypervisor holds: Xen's DOMID_XEN. */
#ifndef DOMID_KEEL
#define DOMID_KEEL      0x7FF2u
#endif

struct page_info {
    uint32_t next;      /* free list: pfn of the next free head, or UINT32_MAX */
    uint32_t prev;
    uint32_t count;     /* references held by others than the owner
                           (page_ref_get): never freed while non-zero */
    uint16_t owner;     /* domain id, or DOMID_KEEL for the hypervisor */
    uint8_t  order;     /* order of the block this page heads */
    uint8_t  flags;
};

/* Start with every frame unavailable.  frame_table has nr_frames entries. */
void page_alloc_init(struct page_info *frame_table, pfn_t nr_frames);

/* Hand the free RAM [start_pfn, end_pfn) to the allocator (marked dirty). */
void page_alloc_add_range(pfn_t start_pfn, pfn_t end_pfn);

/* 2^order contiguous zeroed pages, naturally aligned: the first pfn, or
 * PFN_INVALID when no block that large is free. */
pfn_t page_alloc(unsigned int order);

/* page_alloc with PAGE_ALLOC_NO_SCRUB: the pages as they are, for a caller
 * that overwrites them before anyone sees them, or that may see what they
 * held (dom0 at boot: firmware and boot loader leftovers). */
#define PAGE_ALLOC_NO_SCRUB     (1u << 0)
pfn_t page_alloc_flags(unsigned int order, unsigned int alloc_flags);

/* Return a block from page_alloc().  Freeing a block that is not allocated,
 * or with the wrong order, is refused with an error log (never corrupts). */
void page_free(pfn_t pfn, unsigned int order);

/* References on a domain's frame held by someone other than its owner (a
 * registered vcpu_info, a foreign or grant mapping in another p2m): a frame
 * with references is never freed, handed back or given to anyone else.
 * page_ref_get takes one if pfn is owned by 'owner'; the caller holds what
 * keeps that ownership stable (the owner's mem_lock, after finding pfn in
 * its p2m).  0, or -EINVAL (not a frame of owner's). */
int page_ref_get(pfn_t pfn, uint16_t owner);
/* Drop one reference: true when it was the last (the owner may be a dying
 * domain waiting for it). */
bool page_ref_put(pfn_t pfn);
bool page_ref_held(pfn_t pfn);

pfn_t page_alloc_free_pages(void);              /* free pages in total */
pfn_t page_alloc_total_pages(void);             /* pages ever given to the heap */
pfn_t page_alloc_max_pfn(void);                 /* the frame table's last frame */
pfn_t page_alloc_free_blocks(unsigned int order); /* free blocks of that order */
struct page_info *pfn_to_page(pfn_t pfn);       /* NULL outside the table */

/* Provided by the environment: zero one page frame (the hypervisor through
 * its direct map, host tests in their arena). */
void scrub_page(pfn_t pfn);

#endif
