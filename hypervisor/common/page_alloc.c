/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical page allocator: a binary buddy allocator over the frame table.
 *
 * Page states (flags of struct page_info):
 *  - no PGF_HEAP: never handed to the allocator (firmware, Keel, holes);
 *  - PGF_HEAP|PGF_FREE: head of a free block of 2^order pages, linked on
 *    free_head[order] through next/prev (pfn indices, NO_PFN32 for none);
 *  - PGF_HEAP|PGF_ALLOCATED: head of a block page_alloc() handed out;
 *  - PGF_HEAP alone: any other page of a free or allocated block.
 * PGF_DIRTY rides along on any heap page whose content is not yet scrubbed.
 *
 * Blocks are naturally aligned (pfn is a multiple of 2^order), so the buddy
 * of a block is pfn ^ 2^order and a free buddy of the same order is found by
 * looking at one page_info.  page_alloc() and the merge in page_free() are
 * O(PAGE_ORDER_MAX) apart from touching the pages of the block itself
 * (scrubbing on hand-out, marking dirty on free).
 */
#include <keel/errno.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>
#include <keel/lib.h>

#define NO_PFN32        UINT32_MAX

static struct page_info *frames;
static pfn_t nr_frames;
static uint32_t free_head[PAGE_ORDER_MAX + 1];
static pfn_t free_blocks[PAGE_ORDER_MAX + 1];
static pfn_t free_pages;
static pfn_t heap_pages;                /* ever added to the heap */

BUILD_BUG_ON(sizeof(struct page_info) != 16);

void page_alloc_init(struct page_info *frame_table, pfn_t nr)
{
    if (nr > NO_PFN32) {
        pr_err("page_alloc: %llu frames exceed the 32-bit frame index, "
               "using the first %u\n", (unsigned long long)nr, NO_PFN32);
        nr = NO_PFN32;
    }
    frames = frame_table;
    nr_frames = frame_table ? nr : 0;
    for (pfn_t pfn = 0; pfn < nr_frames; pfn++)
        frames[pfn] = (struct page_info){
            .next = NO_PFN32, .prev = NO_PFN32, .owner = DOMID_KEEL,
        };
    for (unsigned int o = 0; o <= PAGE_ORDER_MAX; o++) {
        free_head[o] = NO_PFN32;
        free_blocks[o] = 0;
    }
    free_pages = 0;
    heap_pages = 0;
}

struct page_info *pfn_to_page(pfn_t pfn)
{
    return pfn < nr_frames ? &frames[pfn] : NULL;
}

/* ---- references held by others than the owner ----------------------------- */

int page_ref_get(pfn_t pfn, uint16_t owner)
{
    struct page_info *pg = pfn_to_page(pfn);

    if (!pg || pg->owner != owner || (pg->flags & PGF_FREE))
        return -EINVAL;
    __atomic_fetch_add(&pg->count, 1, __ATOMIC_SEQ_CST);
    return 0;
}

bool page_ref_put(pfn_t pfn)
{
    struct page_info *pg = pfn_to_page(pfn);

    if (!pg || __atomic_load_n(&pg->count, __ATOMIC_SEQ_CST) == 0) {
        pr_err("page_alloc: reference dropped on %lx which has none\n", (unsigned long)pfn);
        return false;
    }
    return __atomic_sub_fetch(&pg->count, 1, __ATOMIC_SEQ_CST) == 0;
}

bool page_ref_held(pfn_t pfn)
{
    struct page_info *pg = pfn_to_page(pfn);

    return pg && __atomic_load_n(&pg->count, __ATOMIC_SEQ_CST) != 0;
}

/* ---- free lists ---------------------------------------------------------- */

static void free_list_push(pfn_t pfn, unsigned int order)
{
    struct page_info *pg = &frames[pfn];

    pg->flags = (uint8_t)((pg->flags | PGF_FREE) & ~PGF_ALLOCATED);
    pg->order = (uint8_t)order;
    pg->prev = NO_PFN32;
    pg->next = free_head[order];
    if (free_head[order] != NO_PFN32)
        frames[free_head[order]].prev = (uint32_t)pfn;
    free_head[order] = (uint32_t)pfn;
    free_blocks[order]++;
    free_pages += (pfn_t)1 << order;
}

static void free_list_remove(pfn_t pfn)
{
    struct page_info *pg = &frames[pfn];
    unsigned int order = pg->order;

    if (pg->prev != NO_PFN32)
        frames[pg->prev].next = pg->next;
    else
        free_head[order] = pg->next;
    if (pg->next != NO_PFN32)
        frames[pg->next].prev = pg->prev;
    pg->next = pg->prev = NO_PFN32;
    pg->flags &= (uint8_t)~PGF_FREE;
    free_blocks[order]--;
    free_pages -= (pfn_t)1 << order;
}

/* Put the block [pfn, pfn + 2^order) on the free lists, merging it with its
 * buddy as long as the buddy is a free block of the same order. */
static void free_block_merge(pfn_t pfn, unsigned int order)
{
    while (order < PAGE_ORDER_MAX) {
        pfn_t buddy = pfn ^ ((pfn_t)1 << order);
        struct page_info *bp = pfn_to_page(buddy);

        if (!bp || !(bp->flags & PGF_FREE) || bp->order != order)
            break;
        free_list_remove(buddy);
        pfn &= ~((pfn_t)1 << order);
        order++;
    }
    free_list_push(pfn, order);
}

/* ---- adding RAM ---------------------------------------------------------- */

/* Largest order of an aligned block starting at pfn that ends by 'end'. */
static unsigned int largest_fit_order(pfn_t pfn, pfn_t end)
{
    unsigned int order = 0;

    while (order < PAGE_ORDER_MAX &&
           (pfn & (((pfn_t)2 << order) - 1)) == 0 &&
           end - pfn >= ((pfn_t)2 << order))
        order++;
    return order;
}

/* [start, end) holds only pages new to the heap. */
static void add_fresh_run(pfn_t start, pfn_t end)
{
    for (pfn_t pfn = start; pfn < end; pfn++)
        frames[pfn].flags = PGF_HEAP | PGF_DIRTY;
    heap_pages += end - start;
    while (start < end) {
        unsigned int order = largest_fit_order(start, end);
        free_block_merge(start, order);
        start += (pfn_t)1 << order;
    }
}

static void add_range_locked(pfn_t start_pfn, pfn_t end_pfn)
{
    pfn_t pfn, run_start, dups = 0, first_dup = 0;

    if (end_pfn > nr_frames) {
        pr_err("page_alloc: range [%#llx, %#llx) beyond the frame table "
               "(%#llx frames), clipped\n", (unsigned long long)start_pfn,
               (unsigned long long)end_pfn, (unsigned long long)nr_frames);
        end_pfn = nr_frames;
    }
    if (start_pfn >= end_pfn)
        return;

    /* Pages already in the heap are skipped: adding them again would put
     * them on two lists at once. */
    run_start = start_pfn;
    for (pfn = start_pfn; pfn < end_pfn; pfn++) {
        if (!(frames[pfn].flags & PGF_HEAP))
            continue;
        if (dups++ == 0)
            first_dup = pfn;
        add_fresh_run(run_start, pfn);
        run_start = pfn + 1;
    }
    add_fresh_run(run_start, end_pfn);
    if (dups)
        pr_err("page_alloc: %llu pages from pfn %#llx were already in the "
               "heap, skipped\n", (unsigned long long)dups,
               (unsigned long long)first_dup);
}

/* ---- allocation and freeing ---------------------------------------------- */

/* Hand-out: owner and count reset; dirty pages zeroed unless the caller
 * takes them as they are (they then stay marked dirty). */
static void scrub_block(pfn_t pfn, unsigned int order, bool scrub)
{
    for (pfn_t i = pfn; i < pfn + ((pfn_t)1 << order); i++) {
        struct page_info *pg = &frames[i];

        if (scrub && (pg->flags & PGF_DIRTY)) {
            scrub_page(i);
            pg->flags &= (uint8_t)~PGF_DIRTY;
        }
        pg->owner = DOMID_KEEL;
        pg->count = 0;
    }
}

static pfn_t alloc_locked(unsigned int order, bool scrub)
{
    unsigned int o = order;
    pfn_t pfn;

    if (order > PAGE_ORDER_MAX) {
        pr_err("page_alloc: order %u above the maximum %u\n",
               order, PAGE_ORDER_MAX);
        return PFN_INVALID;
    }
    while (o <= PAGE_ORDER_MAX && free_head[o] == NO_PFN32)
        o++;
    if (o > PAGE_ORDER_MAX)
        return PFN_INVALID;

    pfn = free_head[o];
    free_list_remove(pfn);
    while (o > order) {         /* give back the upper halves */
        o--;
        free_list_push(pfn + ((pfn_t)1 << o), o);
    }
    frames[pfn].order = (uint8_t)order;
    frames[pfn].flags |= PGF_ALLOCATED;
    scrub_block(pfn, order, scrub);
    return pfn;
}

static bool page_free_valid(pfn_t pfn, unsigned int order)
{
    const struct page_info *pg = pfn_to_page(pfn);

    if (order > PAGE_ORDER_MAX) {
        pr_err("page_free: pfn %#llx with bad order %u\n",
               (unsigned long long)pfn, order);
        return false;
    }
    if (!pg) {
        pr_err("page_free: pfn %#llx outside the frame table\n",
               (unsigned long long)pfn);
        return false;
    }
    if (!(pg->flags & PGF_ALLOCATED)) {
        pr_err("page_free: pfn %#llx is not allocated (double free?)\n",
               (unsigned long long)pfn);
        return false;
    }
    if (pg->order != order) {
        pr_err("page_free: pfn %#llx freed with order %u, allocated with %u\n",
               (unsigned long long)pfn, order, pg->order);
        return false;
    }
    for (pfn_t i = 0; i < ((pfn_t)1 << order); i++) {
        if (__atomic_load_n(&pg[i].count, __ATOMIC_SEQ_CST)) {
            pr_err("page_free: pfn %#llx still has references (leaked, not freed)\n",
                   (unsigned long long)(pfn + i));
            return false;
        }
    }
    return true;
}

static void free_locked(pfn_t pfn, unsigned int order)
{
    if (!page_free_valid(pfn, order))
        return;
    for (pfn_t i = pfn; i < pfn + ((pfn_t)1 << order); i++)
        frames[i].flags |= PGF_DIRTY;
    frames[pfn].flags &= (uint8_t)~PGF_ALLOCATED;
    free_block_merge(pfn, order);
}

/* The heap lock: every entry point below takes it, with interrupts off. */
static DEFINE_SPINLOCK(heap_lock);

void page_alloc_add_range(pfn_t start_pfn, pfn_t end_pfn)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);

    add_range_locked(start_pfn, end_pfn);
    spin_unlock_irqrestore(&heap_lock, flags);
}

pfn_t page_alloc(unsigned int order)
{
    return page_alloc_flags(order, 0);
}

pfn_t page_alloc_flags(unsigned int order, unsigned int alloc_flags)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    pfn_t pfn = alloc_locked(order, !(alloc_flags & PAGE_ALLOC_NO_SCRUB));

    spin_unlock_irqrestore(&heap_lock, flags);
    return pfn;
}

void page_free(pfn_t pfn, unsigned int order)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);

    free_locked(pfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
}

pfn_t page_alloc_free_pages(void)
{
    return free_pages;
}

pfn_t page_alloc_total_pages(void)
{
    return heap_pages;
}

pfn_t page_alloc_max_pfn(void)
{
    return nr_frames ? nr_frames - 1 : 0;
}

pfn_t page_alloc_free_blocks(unsigned int order)
{
    return order <= PAGE_ORDER_MAX ? free_blocks[order] : 0;
}
