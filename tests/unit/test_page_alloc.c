// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hypervisor/common/page_alloc.c, the buddy allocator.  Pages
 * live in a host arena (scrub_page() zeroes them there); a reference model
 * (one state byte per frame) checks every step of long random alloc/free
 * sequences: no overlap, natural alignment, zeroed hand-outs, free lists and
 * per-order counts consistent, buddies fully merged.
 */
#include "ktest.h"

#include <string.h>

#include <keel/errno.h>
#include <keel/page_alloc.h>

#define ARENA_FRAMES 4096

static struct page_info *table;
static pfn_t table_frames;
static uint8_t *arena;          /* backing store for pfns < ARENA_FRAMES */
static uint64_t scrub_calls;

void scrub_page(pfn_t pfn)
{
    scrub_calls++;
    if (pfn >= table_frames) {
        fprintf(stderr, "scrub_page(%#llx) outside the table\n",
                (unsigned long long)pfn);
        abort();
    }
    if (arena && pfn < ARENA_FRAMES)
        memset(arena + pfn * PAGE_SIZE, 0, PAGE_SIZE);
}

static uint8_t *page_va(pfn_t pfn)
{
    return arena + pfn * PAGE_SIZE;
}

static void setup(pfn_t frames, bool with_arena)
{
    free(table);
    free(arena);
    arena = NULL;
    table_frames = frames;
    table = calloc(frames, sizeof(*table));
    CHECK(table != NULL);
    memset(table, 0x5a, frames * sizeof(*table));   /* init must not trust it */
    if (with_arena) {
        arena = aligned_alloc(PAGE_SIZE, ARENA_FRAMES * PAGE_SIZE);
        CHECK(arena != NULL);
        memset(arena, 0xee, ARENA_FRAMES * PAGE_SIZE); /* garbage, "dirty" */
    }
    page_alloc_init(table, frames);
}

/* ---- reference model ----------------------------------------------------- */

enum { M_OUT = 0, M_FREE = 1, M_ALLOC = 2 };
static uint8_t model[ARENA_FRAMES];

struct live {
    pfn_t pfn;
    unsigned int order;
};
static struct live lives[ARENA_FRAMES];
static uint32_t nr_lives;

static void model_add(pfn_t s, pfn_t e)
{
    for (pfn_t p = s; p < e; p++)
        model[p] = M_FREE;
    page_alloc_add_range(s, e);
}

static pfn_t model_free_pages(void)
{
    pfn_t n = 0;
    for (pfn_t p = 0; p < ARENA_FRAMES; p++)
        n += model[p] == M_FREE;
    return n;
}

/* Walk the frame table: every free block matches the model, the lists are
 * well formed, counts agree, and no two free buddies remain unmerged. */
static void check_consistent(void)
{
    static uint8_t covered[ARENA_FRAMES];
    pfn_t blocks[PAGE_ORDER_MAX + 1] = { 0 }, pages = 0;
    pfn_t heads[PAGE_ORDER_MAX + 1];

    memset(covered, 0, sizeof(covered));
    for (unsigned int o = 0; o <= PAGE_ORDER_MAX; o++)
        heads[o] = PFN_INVALID;
    for (pfn_t p = 0; p < table_frames; p++) {
        const struct page_info *pg = &table[p];
        CHECK(!((pg->flags & PGF_FREE) && (pg->flags & PGF_ALLOCATED)));
        if (!(pg->flags & PGF_FREE))
            continue;
        unsigned int o = pg->order;
        CHECK(o <= PAGE_ORDER_MAX);
        CHECK_EQ(p & ((1ULL << o) - 1), 0);
        CHECK(p + (1ULL << o) <= table_frames);
        for (pfn_t q = p; q < p + (1ULL << o); q++) {
            CHECK_EQ(model[q], M_FREE);
            CHECK_EQ(covered[q], 0);
            covered[q] = 1;
            CHECK(table[q].flags & PGF_HEAP);
        }
        if (o < PAGE_ORDER_MAX) {
            pfn_t b = p ^ (1ULL << o);
            CHECK(!(b < table_frames && (table[b].flags & PGF_FREE) &&
                    table[b].order == o));
        }
        if (pg->prev == UINT32_MAX) {
            CHECK_EQ(heads[o], PFN_INVALID);
            heads[o] = p;
        } else {
            CHECK(pg->prev < table_frames);
            CHECK_EQ(table[pg->prev].next, p);
        }
        if (pg->next != UINT32_MAX) {
            CHECK(pg->next < table_frames);
            CHECK_EQ(table[pg->next].prev, p);
            CHECK(table[pg->next].flags & PGF_FREE);
            CHECK_EQ(table[pg->next].order, o);
        }
        blocks[o]++;
        pages += 1ULL << o;
    }
    for (unsigned int o = 0; o <= PAGE_ORDER_MAX; o++) {
        pfn_t walked = 0;
        for (pfn_t p = heads[o]; p != UINT32_MAX && p != PFN_INVALID;
             p = table[p].next) {
            CHECK(walked++ <= blocks[o]);
        }
        CHECK_EQ(walked, blocks[o]);
        CHECK_EQ(page_alloc_free_blocks(o), blocks[o]);
    }
    /* every model-free page sits in exactly one free block */
    for (pfn_t p = 0; p < ARENA_FRAMES && p < table_frames; p++)
        CHECK_EQ(covered[p], model[p] == M_FREE);
    CHECK_EQ(page_alloc_free_pages(), pages);
    CHECK_EQ(pages, model_free_pages());
}

static bool page_is_zero(pfn_t pfn)
{
    static const uint8_t zero[PAGE_SIZE];
    return memcmp(page_va(pfn), zero, PAGE_SIZE) == 0;
}

/* Allocate through the model; returns PFN_INVALID when the allocator does. */
static pfn_t model_alloc(unsigned int order)
{
    uint64_t scrubs_before = scrub_calls;
    pfn_t pfn = page_alloc(order);

    if (pfn == PFN_INVALID)
        return pfn;
    CHECK(pfn < ARENA_FRAMES);
    CHECK_EQ(pfn & ((1ULL << order) - 1), 0);
    CHECK_EQ(scrub_calls - scrubs_before, 1ULL << order);
    for (pfn_t p = pfn; p < pfn + (1ULL << order); p++) {
        CHECK_EQ(model[p], M_FREE);
        model[p] = M_ALLOC;
        CHECK(page_is_zero(p));
        CHECK(!(table[p].flags & PGF_DIRTY));
        memset(page_va(p), 0xc0 + (int)(p & 0x3f), PAGE_SIZE);
    }
    CHECK(table[pfn].flags & PGF_ALLOCATED);
    CHECK_EQ(table[pfn].order, order);
    lives[nr_lives++] = (struct live){ pfn, order };
    return pfn;
}

static void model_free(uint32_t idx)
{
    struct live l = lives[idx];

    for (pfn_t p = l.pfn; p < l.pfn + (1ULL << l.order); p++) {
        CHECK_EQ(model[p], M_ALLOC);
        CHECK_EQ(page_va(p)[123], 0xc0 + (int)(p & 0x3f)); /* nobody else wrote */
        memset(page_va(p), 0x99, PAGE_SIZE);
        model[p] = M_FREE;
    }
    page_free(l.pfn, l.order);
    lives[idx] = lives[--nr_lives];
}

static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- tests --------------------------------------------------------------- */

TEST(init_starts_empty)
{
    setup(ARENA_FRAMES, true);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK_EQ(page_alloc(0), PFN_INVALID);
    CHECK(pfn_to_page(0) == &table[0]);
    CHECK(pfn_to_page(ARENA_FRAMES - 1) == &table[ARENA_FRAMES - 1]);
    CHECK(pfn_to_page(ARENA_FRAMES) == NULL);
    CHECK(pfn_to_page(PFN_INVALID) == NULL);
    CHECK_EQ(table[7].flags, 0);
    CHECK_EQ(table[7].next, UINT32_MAX);
    CHECK_EQ(table[7].owner, DOMID_KEEL);
    check_consistent();
}

TEST(unaligned_range_splits_into_largest_blocks)
{
    setup(ARENA_FRAMES, true);
    model_add(3, 37);               /* 3 | 4-7 | 8-15 | 16-31 | 32-35 | 36 */
    CHECK_EQ(page_alloc_free_pages(), 34);
    CHECK_EQ(page_alloc_free_blocks(0), 2);
    CHECK_EQ(page_alloc_free_blocks(1), 0);
    CHECK_EQ(page_alloc_free_blocks(2), 2);
    CHECK_EQ(page_alloc_free_blocks(3), 1);
    CHECK_EQ(page_alloc_free_blocks(4), 1);
    CHECK(table[16].flags & PGF_FREE);
    CHECK_EQ(table[16].order, 4);
    for (pfn_t p = 3; p < 37; p++)
        CHECK(table[p].flags & PGF_DIRTY);
    check_consistent();
    /* the adjacent range merges with what is there */
    model_add(37, 64);
    model_add(0, 3);
    CHECK_EQ(page_alloc_free_blocks(6), 1);
    CHECK_EQ(page_alloc_free_pages(), 64);
    check_consistent();
}

TEST(alloc_splits_smallest_block_and_zeroes)
{
    setup(ARENA_FRAMES, true);
    model_add(0, 64);
    pfn_t a = model_alloc(0);
    CHECK_EQ(a, 0);
    CHECK_EQ(page_alloc_free_blocks(0), 1);   /* pfn 1 */
    CHECK_EQ(page_alloc_free_blocks(5), 1);   /* pfns 32-63 */
    pfn_t b = model_alloc(0);
    CHECK_EQ(b, 1);                           /* smallest block first */
    pfn_t c = model_alloc(3);
    CHECK_EQ(c, 8);
    check_consistent();
    model_free(0);
    check_consistent();
    /* a re-allocated page was garbage (0x99) and comes back zero */
    pfn_t d = model_alloc(0);
    CHECK_EQ(d, 0);
    check_consistent();
}

TEST(no_scrub_hands_out_pages_as_they_are)
{
    setup(ARENA_FRAMES, true);
    model_add(0, 16);
    for (pfn_t p = 0; p < 16; p++)
        memset(page_va(p), 0x5a, PAGE_SIZE);            /* boot-time leftovers */
    uint64_t scrubs_before = scrub_calls;
    pfn_t a = page_alloc_flags(2, PAGE_ALLOC_NO_SCRUB);
    CHECK_EQ(a, 0);
    CHECK_EQ(scrub_calls, scrubs_before);
    CHECK_EQ(page_va(3)[100], 0x5a);
    CHECK(table[3].flags & PGF_DIRTY);                  /* still not known clean */
    CHECK_EQ(table[3].owner, DOMID_KEEL);
    page_free(a, 2);
    CHECK(page_alloc(2) == 0);                          /* plain: scrubbed now */
    for (pfn_t p = 0; p < 4; p++) {
        CHECK(page_is_zero(p));
        CHECK(!(table[p].flags & PGF_DIRTY));
    }
}

TEST(random_sequences_against_model)
{
    for (uint64_t seed = 1; seed <= 6; seed++) {
        memset(model, 0, sizeof(model));
        nr_lives = 0;
        rng_state = seed * 0x9e3779b97f4a7c15ULL;
        setup(ARENA_FRAMES, true);
        /* ragged ranges with a hole that is never added */
        model_add(3, 1000);
        model_add(1000, 2500);
        model_add(2600, ARENA_FRAMES - 3);
        pfn_t start_free = page_alloc_free_pages();
        check_consistent();

        for (int step = 0; step < 3000; step++) {
            bool do_alloc = nr_lives == 0 || (rng() % 100) < 55;
            if (do_alloc) {
                unsigned int order = (rng() % 4 == 0) ? rng() % 10 : rng() % 3;
                pfn_t pfn = model_alloc(order);
                if (pfn == PFN_INVALID) {
                    /* only legal when the model has no aligned free run */
                    bool possible = false;
                    for (pfn_t p = 0; p + (1ULL << order) <= ARENA_FRAMES && !possible;
                         p += 1ULL << order) {
                        bool all = true;
                        for (pfn_t q = p; q < p + (1ULL << order); q++)
                            all = all && model[q] == M_FREE;
                        possible = all;
                    }
                    CHECK(!possible);
                }
            } else {
                model_free((uint32_t)(rng() % nr_lives));
            }
            if (step % 7 == 0)
                check_consistent();
        }
        while (nr_lives)
            model_free(nr_lives - 1);
        check_consistent();
        CHECK_EQ(page_alloc_free_pages(), start_free);
    }
}

TEST(exhaustion_and_full_merge)
{
    setup(ARENA_FRAMES, true);
    model_add(5, ARENA_FRAMES - 1);
    pfn_t start_free = page_alloc_free_pages();
    pfn_t start_blocks[PAGE_ORDER_MAX + 1];
    for (unsigned int o = 0; o <= PAGE_ORDER_MAX; o++)
        start_blocks[o] = page_alloc_free_blocks(o);
    CHECK_EQ(start_blocks[10], 2);            /* 1024-2047, 2048-3071 */

    pfn_t got = 0;
    while (model_alloc(0) != PFN_INVALID)
        got++;
    CHECK_EQ(got, start_free);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK_EQ(page_alloc(0), PFN_INVALID);
    check_consistent();
    /* free in a scrambled order */
    rng_state = 42;
    while (nr_lives)
        model_free((uint32_t)(rng() % nr_lives));
    check_consistent();
    CHECK_EQ(page_alloc_free_pages(), start_free);
    for (unsigned int o = 0; o <= PAGE_ORDER_MAX; o++)
        CHECK_EQ(page_alloc_free_blocks(o), start_blocks[o]);
    /* both order-10 blocks are whole again */
    pfn_t x = model_alloc(10), y = model_alloc(10);
    CHECK_EQ(MIN(x, y), 1024);
    CHECK_EQ(MAX(x, y), 2048);
    CHECK_EQ(model_alloc(10), PFN_INVALID);
    check_consistent();
}

TEST(fragmentation)
{
    setup(ARENA_FRAMES, true);
    model_add(64, 128);
    for (int i = 0; i < 64; i++)
        CHECK(model_alloc(0) != PFN_INVALID);
    /* free every page with an even pfn */
    for (uint32_t i = 0; i < nr_lives;) {
        if (lives[i].pfn % 2 == 0)
            model_free(i);
        else
            i++;
    }
    check_consistent();
    CHECK_EQ(page_alloc_free_pages(), 32);
    CHECK_EQ(page_alloc_free_blocks(0), 32);
    CHECK_EQ(page_alloc(1), PFN_INVALID);
    pfn_t p = model_alloc(0);
    CHECK(p != PFN_INVALID);
    CHECK_EQ(p % 2, 0);
    check_consistent();
}

TEST(hostile_frees_are_logged_and_harmless)
{
    setup(ARENA_FRAMES, true);
    model_add(0, 256);
    pfn_t a = model_alloc(2);
    pfn_t b = model_alloc(0);
    CHECK(a != PFN_INVALID && b != PFN_INVALID);
    pfn_t before = page_alloc_free_pages();

    page_free(a, 1);
    CHECK(ktest_log_contains("order 1, allocated with 2"));
    page_free(a + 1, 0);                       /* inside an allocated block */
    CHECK(ktest_log_contains("is not allocated"));
    page_free(ARENA_FRAMES, 0);
    CHECK(ktest_log_contains("outside the frame table"));
    page_free(PFN_INVALID, 0);
    page_free(1000, 0);                        /* never added */
    page_free(200, 0);                         /* free, in the heap */
    page_free(a, PAGE_ORDER_MAX + 1);
    CHECK(ktest_log_contains("bad order"));
    CHECK_EQ(page_alloc_free_pages(), before);
    check_consistent();

    ktest_log_clear();
    model_free(1);                             /* b */
    page_free(b, 0);                           /* double free */
    CHECK(ktest_log_contains("double free"));
    check_consistent();
    model_free(0);                             /* a */
    page_free(a, 2);
    check_consistent();
    CHECK_EQ(page_alloc_free_pages(), 256);
    CHECK_EQ(page_alloc_free_blocks(8), 1);
    CHECK_EQ(page_alloc(PAGE_ORDER_MAX + 1), PFN_INVALID);
    CHECK(ktest_log_contains("above the maximum"));
}

TEST(a_referenced_page_is_never_freed)
{
    setup(ARENA_FRAMES, true);
    model_add(0, 256);
    pfn_t a = model_alloc(1);
    CHECK(a != PFN_INVALID);
    pfn_to_page(a + 1)->owner = 7;
    CHECK_EQ(page_ref_get(a + 1, 6), -EINVAL);         /* not its owner */
    CHECK_EQ(page_ref_get(200, 0), -EINVAL);           /* free */
    CHECK_EQ(page_ref_get(ARENA_FRAMES, 7), -EINVAL);  /* outside the table */
    CHECK(!page_ref_held(a + 1));
    CHECK_EQ(page_ref_get(a + 1, 7), 0);
    CHECK_EQ(page_ref_get(a + 1, 7), 0);
    CHECK(page_ref_held(a + 1));
    pfn_t before = page_alloc_free_pages();
    ktest_log_clear();
    page_free(a, 1);
    CHECK(ktest_log_contains("still has references"));
    CHECK_EQ(page_alloc_free_pages(), before);
    CHECK(!page_ref_put(a + 1));
    CHECK(page_ref_put(a + 1));                        /* the last one */
    ktest_log_clear();
    CHECK(!page_ref_put(a + 1));                       /* none left */
    CHECK(ktest_log_contains("which has none"));
    model_free(0);
    page_free(a, 1);
    check_consistent();
    CHECK_EQ(page_alloc_free_pages(), 256);
}

TEST(hostile_adds_are_logged_and_harmless)
{
    setup(ARENA_FRAMES, true);
    model_add(100, 200);
    pfn_t a = model_alloc(0);
    CHECK_EQ(a, 100);
    /* overlapping re-add: only the new pages 200-299 join */
    ktest_log_clear();
    for (pfn_t p = 200; p < 300; p++)
        model[p] = M_FREE;
    page_alloc_add_range(100, 300);
    CHECK(ktest_log_contains("100 pages from pfn 0x64 were already in the heap"));
    check_consistent();
    CHECK_EQ(page_alloc_free_pages(), 199);
    /* beyond the table: clipped */
    for (pfn_t p = 4000; p < ARENA_FRAMES; p++)
        model[p] = M_FREE;
    page_alloc_add_range(4000, ARENA_FRAMES + 100);
    CHECK(ktest_log_contains("beyond the frame table"));
    page_alloc_add_range(5000, 4000);          /* inverted: ignored */
    page_alloc_add_range(PFN_INVALID - 1, PFN_INVALID);
    check_consistent();
    CHECK_EQ(page_alloc_free_pages(), 199 + 96);
}

/* A 2^19-frame table: the largest order works, and no more. */
TEST(max_order)
{
    setup((pfn_t)1 << 19, false);
    page_alloc_add_range(1, (pfn_t)1 << 19);
    CHECK_EQ(page_alloc_free_blocks(PAGE_ORDER_MAX), 1);
    for (unsigned int o = 0; o < PAGE_ORDER_MAX; o++)
        CHECK_EQ(page_alloc_free_blocks(o), 1);
    scrub_calls = 0;
    CHECK_EQ(page_alloc(PAGE_ORDER_MAX), (pfn_t)1 << 18);
    CHECK_EQ(scrub_calls, (pfn_t)1 << 18);
    CHECK_EQ(page_alloc(PAGE_ORDER_MAX), PFN_INVALID);
    CHECK_EQ(page_alloc(PAGE_ORDER_MAX - 1), (pfn_t)1 << 17);
    page_free((pfn_t)1 << 17, PAGE_ORDER_MAX - 1);
    page_free((pfn_t)1 << 18, PAGE_ORDER_MAX);
    CHECK_EQ(page_alloc_free_pages(), ((pfn_t)1 << 19) - 1);
    /* two adjacent order-18 blocks never merge past the maximum order */
    setup((pfn_t)1 << 19, false);
    page_alloc_add_range(0, (pfn_t)1 << 19);
    CHECK_EQ(page_alloc_free_blocks(PAGE_ORDER_MAX), 2);
    CHECK_EQ(page_alloc_free_pages(), (pfn_t)1 << 19);
}
