// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self tests of the page allocator and the heap on the real machine: blocks
 * of every order come back aligned, zeroed and disjoint, and freeing them
 * restores the free count exactly; xmalloc objects do not overlap and the
 * heap returns to its starting size.
 */
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/selftest.h>
#include <keel/xmalloc.h>

#define BLOCKS      256
#define OBJECTS     512

static bool block_is_zero(pfn_t pfn, unsigned int order)
{
    const uint64_t *p = pfn_to_virt(pfn);

    for (uint64_t i = 0; i < (PAGE_SIZE << order) / sizeof(*p); i++)
        if (p[i])
            return false;
    return true;
}

static int check_block(pfn_t pfn, unsigned int order)
{
    if (pfn & ((1UL << order) - 1)) {
        pr_err("page_alloc: order-%u block at pfn 0x%lx is misaligned\n", order, pfn);
        return -1;
    }
    if (!block_is_zero(pfn, order)) {
        pr_err("page_alloc: order-%u block at pfn 0x%lx is not scrubbed\n", order, pfn);
        return -1;
    }
    memset(pfn_to_virt(pfn), 0xa5, PAGE_SIZE << order);  /* dirty it for the next owner */
    return 0;
}

static int selftest_page_alloc(void)
{
    static pfn_t pfns[BLOCKS];
    static uint8_t orders[BLOCKS];
    pfn_t before = page_alloc_free_pages();
    int rc = 0;

    for (unsigned int round = 0; round < 2 && !rc; round++) {
        for (unsigned int i = 0; i < BLOCKS; i++) {
            orders[i] = (uint8_t)((i * 7 + round) % 10);
            pfns[i] = page_alloc(orders[i]);
            if (pfns[i] == PFN_INVALID) {
                pr_err("page_alloc: order %u failed with %lu pages free\n", orders[i],
                       page_alloc_free_pages());
                rc = -1;
                break;
            }
            if (check_block(pfns[i], orders[i]))
                rc = -1;
        }
        for (unsigned int i = 0; i < BLOCKS && pfns[i] != PFN_INVALID; i++)
            page_free(pfns[i], orders[i]);
        if (page_alloc_free_pages() != before) {
            pr_err("page_alloc: %lu pages free after the round, %lu before\n",
                   page_alloc_free_pages(), before);
            rc = -1;
        }
    }
    return rc;
}
SELFTEST(page_alloc, selftest_page_alloc);

static int selftest_xmalloc(void)
{
    static uint8_t *objs[OBJECTS];
    size_t used = xmalloc_used_bytes();
    int rc = 0;

    for (unsigned int i = 0; i < OBJECTS; i++) {
        size_t size = 1 + (i * 37) % 5000;
        objs[i] = xzalloc(size);
        if (!objs[i])
            return -1;
        for (size_t b = 0; b < size; b++)
            if (objs[i][b])
                rc = -1;
        memset(objs[i], (int)(i & 0xff), size);
    }
    for (unsigned int i = 0; i < OBJECTS; i++) {
        size_t size = 1 + (i * 37) % 5000;
        for (size_t b = 0; b < size; b++)
            if (objs[i][b] != (uint8_t)(i & 0xff)) {
                pr_err("xmalloc: object %u was overwritten at byte %zu\n", i, b);
                rc = -1;
                break;
            }
        xfree(objs[i]);
    }
    if (xmalloc_used_bytes() != used) {
        pr_err("xmalloc: %zu bytes in use after freeing all, %zu before\n",
               xmalloc_used_bytes(), used);
        rc = -1;
    }
    return rc;
}
SELFTEST(xmalloc, selftest_xmalloc);
