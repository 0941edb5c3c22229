// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hypervisor/common/xmalloc.c, linked with the real page
 * allocator over a host arena (this file provides scrub_page, pfn_to_virt
 * and virt_to_pfn).  Checks alignment, no overlap (fill patterns), zeroing,
 * reuse, large blocks, accounting (bytes, and pages: an empty page goes back
 * at once, so the free page count returns exactly), exhaustion and hostile
 * xfree() calls.
 */
#include "ktest.h"

#include <string.h>

#include <keel/page_alloc.h>
#include <keel/xmalloc.h>

#define FRAMES 1024

static struct page_info table[FRAMES];
static uint8_t *arena;

void scrub_page(pfn_t pfn)
{
    CHECK(pfn < FRAMES);
    memset(arena + pfn * PAGE_SIZE, 0, PAGE_SIZE);
}

void *pfn_to_virt(pfn_t pfn)
{
    return pfn < FRAMES ? arena + pfn * PAGE_SIZE : NULL;
}

pfn_t virt_to_pfn(const void *va)
{
    const uint8_t *p = va;
    if (p < arena || p >= arena + (size_t)FRAMES * PAGE_SIZE)
        return PFN_INVALID;
    return (pfn_t)(p - arena) / PAGE_SIZE;
}

/* Heap from pfn 1 (pfn 0 stays out, like real page 0) to first + pages. */
static void setup(pfn_t pages)
{
    arena = aligned_alloc(PAGE_SIZE, (size_t)FRAMES * PAGE_SIZE);
    CHECK(arena != NULL);
    memset(arena, 0xdd, (size_t)FRAMES * PAGE_SIZE);
    page_alloc_init(table, FRAMES);
    page_alloc_add_range(1, 1 + pages);
}

/* What xmalloc_used_bytes() should count for a request. */
static size_t charged(size_t size)
{
    size_t c = 16;
    if (size <= 2048) {
        while (c < size)
            c *= 2;
        return c;
    }
    c = PAGE_SIZE;
    while (c < size + 16)
        c *= 2;
    return c;
}

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct obj {
    uint8_t *p;
    size_t size;
    uint8_t fill;
};

static void check_fill(const struct obj *o)
{
    for (size_t i = 0; i < o->size; i++)
        if (o->p[i] != o->fill) {
            fprintf(stderr, "object %p size %zu byte %zu: %#x != %#x\n",
                    (void *)o->p, o->size, i, o->p[i], o->fill);
            CHECK(0);
        }
}

TEST(random_sizes_no_overlap)
{
    static struct obj objs[4000];
    uint32_t nr = 0;
    size_t expect_used = 0;

    setup(FRAMES - 1);
    pfn_t start_free = page_alloc_free_pages();
    for (int step = 0; step < 20000; step++) {
        if (nr < ARRAY_SIZE(objs) && (nr == 0 || rng() % 100 < 60)) {
            size_t size;
            switch (rng() % 10) {
            case 0:  size = 2049 + rng() % 14000; break;   /* large */
            case 1:  size = 1 + rng() % 2048; break;
            default: size = 1 + rng() % 200; break;
            }
            uint8_t *p = xmalloc(size);
            if (!p)
                continue;               /* the arena may run out: fine */
            CHECK_EQ((uintptr_t)p % 16, 0);
            CHECK(virt_to_pfn(p) != PFN_INVALID);
            CHECK(virt_to_pfn(p + size - 1) != PFN_INVALID);
            objs[nr] = (struct obj){ p, size, (uint8_t)(1 + rng() % 254) };
            memset(p, objs[nr].fill, size);
            expect_used += charged(size);
            nr++;
        } else {
            uint32_t i = (uint32_t)(rng() % nr);
            check_fill(&objs[i]);
            xfree(objs[i].p);
            expect_used -= charged(objs[i].size);
            objs[i] = objs[--nr];
        }
        CHECK_EQ(xmalloc_used_bytes(), expect_used);
        if (step % 1000 == 0)
            for (uint32_t i = 0; i < nr; i++)
                check_fill(&objs[i]);
    }
    for (uint32_t i = 0; i < nr; i++) {
        check_fill(&objs[i]);
        xfree(objs[i].p);
    }
    CHECK_EQ(xmalloc_used_bytes(), 0);
    /* every page came back: the heap keeps no empty page */
    CHECK_EQ(xmalloc_heap_pages(), 0);
    CHECK_EQ(page_alloc_free_pages(), start_free);
    CHECK(!ktest_log_contains("xfree"));
}

TEST(size_classes_and_alignment)
{
    setup(64);
    /* objects of one class in a fresh page sit size apart */
    uint8_t *a = xmalloc(100), *b = xmalloc(128);
    CHECK(a && b);
    CHECK_EQ(virt_to_pfn(a), virt_to_pfn(b));
    CHECK_EQ((uintptr_t)b - (uintptr_t)a, 128);
    CHECK_EQ((uintptr_t)a % 128, 0);
    CHECK_EQ(xmalloc_used_bytes(), 256);
    /* 2048-byte class: two per page */
    uint8_t *c = xmalloc(2048), *d = xmalloc(1025);
    CHECK(c && d);
    CHECK_EQ(virt_to_pfn(c), virt_to_pfn(d));
    CHECK_EQ(((uintptr_t)c | (uintptr_t)d) % 2048, 0);
    /* xmalloc(0) is a valid, distinct 16-byte object */
    uint8_t *z1 = xmalloc(0), *z2 = xmalloc(0);
    CHECK(z1 && z2 && z1 != z2);
    CHECK_EQ(xmalloc_used_bytes(), 256 + 4096 + 32);
    xfree(a); xfree(b); xfree(c); xfree(d); xfree(z1); xfree(z2);
    CHECK_EQ(xmalloc_used_bytes(), 0);
}

TEST(xzalloc_zeroes_and_reuse)
{
    setup(16);
    uint8_t *p = xmalloc(64);
    CHECK(p != NULL);
    memset(p, 0xff, 64);
    xfree(p);
    uint8_t *q = xzalloc(64);
    CHECK(q == p);                      /* freed object reused first */
    for (int i = 0; i < 64; i++)
        CHECK_EQ(q[i], 0);
    /* large blocks too */
    uint8_t *big = xmalloc(10000);
    CHECK(big != NULL);
    memset(big, 0xab, 10000);
    xfree(big);
    uint8_t *big2 = xzalloc(10000);
    CHECK(big2 == big);
    for (int i = 0; i < 10000; i++)
        CHECK_EQ(big2[i], 0);
    xfree(q);
    xfree(big2);
}

TEST(big_allocations)
{
    setup(256);
    pfn_t free0 = page_alloc_free_pages();
    uint8_t *a = xmalloc(4096 - 16);    /* header fits: one page */
    CHECK(a != NULL);
    CHECK_EQ((uintptr_t)a % PAGE_SIZE, 16);
    CHECK_EQ(page_alloc_free_pages(), free0 - 1);
    uint8_t *b = xmalloc(4096 - 15);    /* two pages */
    CHECK(b != NULL);
    CHECK_EQ(page_alloc_free_pages(), free0 - 3);
    uint8_t *c = xmalloc(100000);       /* 32 pages */
    CHECK(c != NULL);
    CHECK_EQ(page_alloc_free_pages(), free0 - 35);
    memset(c, 0x5c, 100000);
    CHECK_EQ(xmalloc_used_bytes(), 4096 + 8192 + 32 * 4096);
    CHECK(xmalloc((size_t)1 << 31) == NULL);    /* above the maximum order */
    CHECK(xmalloc(SIZE_MAX) == NULL);
    CHECK(xmalloc(SIZE_MAX - 8) == NULL);
    CHECK(xmalloc(300 * PAGE_SIZE) == NULL);    /* more than the heap */
    xfree(a); xfree(b); xfree(c);
    CHECK_EQ(page_alloc_free_pages(), free0);
    CHECK_EQ(xmalloc_used_bytes(), 0);
}

TEST(exhaustion)
{
    setup(8);
    void *objs[32];
    int n = 0;
    while (n < 32 && (objs[n] = xmalloc(2000)) != NULL)
        n++;
    CHECK_EQ(n, 16);                    /* two per page, eight pages */
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK(xmalloc(16) == NULL);
    CHECK(xmalloc(5000) == NULL);
    for (int i = 0; i < n; i++)
        xfree(objs[i]);
    /* no empty page stays with the heap */
    CHECK_EQ(page_alloc_free_pages(), 8);
    CHECK_EQ(xmalloc_heap_pages(), 0);
    CHECK(xmalloc(5000) != NULL);
}

TEST(empty_pages_go_back)
{
    setup(64);
    pfn_t free0 = page_alloc_free_pages();
    void *objs[300];
    for (int i = 0; i < 300; i++)
        CHECK((objs[i] = xmalloc(16)) != NULL);
    CHECK_EQ(page_alloc_free_pages(), free0 - 2);   /* 256 per page */
    CHECK_EQ(xmalloc_heap_pages(), 2);
    for (int i = 0; i < 300; i++)
        xfree(objs[i]);
    CHECK_EQ(page_alloc_free_pages(), free0);
    CHECK_EQ(xmalloc_heap_pages(), 0);
    CHECK_EQ(xmalloc_used_bytes(), 0);
}

/* The accounting the system tests rely on (every page back once each
 * domain has ended): whatever was allocated after a point is freed again,
 * in any order and across every size class and large blocks, and the free
 * page count is exactly what it was; xmalloc_heap_pages() follows the pages
 * the heap holds at each step. */
TEST(free_count_exact_after_any_alloc_free_pattern)
{
    setup(512);
    /* long-lived objects from before the point, in a few classes */
    void *keep[3] = { xmalloc(16), xmalloc(200), xmalloc(3000) };
    CHECK(keep[0] && keep[1] && keep[2]);
    pfn_t free0 = page_alloc_free_pages();
    size_t heap0 = xmalloc_heap_pages();
    CHECK_EQ(heap0, 2 + 1);                        /* two small pages, one block */
    CHECK_EQ(page_alloc_free_pages() + heap0, 512);

    static void *objs[2000];
    for (int round = 0; round < 3; round++) {
        uint32_t nr = 0;
        for (int i = 0; i < 2000; i++) {
            size_t size = (size_t)16 << (i % 8);   /* every class in turn */
            if (i % 97 == 0)
                size = 5000 + (size_t)i;           /* and large blocks */
            objs[nr] = xmalloc(size);
            if (objs[nr])
                nr++;
            CHECK_EQ(page_alloc_free_pages() + xmalloc_heap_pages(), 512);
        }
        CHECK(nr > 100);
        /* free in an order that leaves pages partly used for a long time */
        for (uint32_t step = 0; step < 7; step++)
            for (uint32_t i = step; i < nr; i += 7) {
                xfree(objs[i]);
                CHECK_EQ(page_alloc_free_pages() + xmalloc_heap_pages(), 512);
            }
        CHECK_EQ(xmalloc_heap_pages(), heap0);
        CHECK_EQ(page_alloc_free_pages(), free0);
    }
    /* a class whose only page empties gives it back too (no cache) */
    void *one = xmalloc(1024);
    CHECK(one != NULL);
    CHECK_EQ(page_alloc_free_pages(), free0 - 1);
    xfree(one);
    CHECK_EQ(page_alloc_free_pages(), free0);
    for (int i = 0; i < 3; i++)
        xfree(keep[i]);
    CHECK_EQ(xmalloc_heap_pages(), 0);
    CHECK_EQ(page_alloc_free_pages(), 512);
    CHECK(!ktest_log_contains("xfree"));
    CHECK(!ktest_log_contains("xmalloc"));
}

TEST(xfree_null_is_noop)
{
    setup(4);
    xfree(NULL);
    CHECK(!ktest_log_contains("xfree"));
    CHECK_EQ(xmalloc_used_bytes(), 0);
}

TEST(garbage_pointers_logged)
{
    int on_stack[8];

    setup(64);
    uint8_t *p = xmalloc(64);
    uint8_t *big = xmalloc(9000);
    CHECK(p && big);
    size_t used = xmalloc_used_bytes();
    pfn_t free0 = page_alloc_free_pages();

    xfree(on_stack);
    CHECK(ktest_log_contains("was not allocated by xmalloc"));
    ktest_log_clear();
    xfree(p + 1);                       /* misaligned */
    CHECK(ktest_log_contains("was not allocated by xmalloc"));
    ktest_log_clear();
    xfree(p + 16);                      /* inside a 64-byte object */
    CHECK(ktest_log_contains("not the start of a 64-byte object"));
    ktest_log_clear();
    xfree(p + 64);                      /* a free object of the same page */
    CHECK(ktest_log_contains("double free"));
    ktest_log_clear();
    xfree(big + PAGE_SIZE);             /* a tail page of a large block */
    CHECK(ktest_log_contains("was not allocated by xmalloc"));
    ktest_log_clear();
    xfree(big + 16);                    /* head page, wrong offset */
    CHECK(ktest_log_contains("bad header"));
    ktest_log_clear();
    pfn_t raw = page_alloc(0);          /* a page xmalloc does not own */
    CHECK(raw != PFN_INVALID);
    xfree((uint8_t *)pfn_to_virt(raw) + 32);
    CHECK(ktest_log_contains("was not allocated by xmalloc"));
    ktest_log_clear();
    pfn_t idle = page_alloc(0);         /* a free heap page */
    page_free(idle, 0);
    xfree(pfn_to_virt(idle));
    CHECK(ktest_log_contains("was not allocated by xmalloc"));
    page_free(raw, 0);
    CHECK_EQ(xmalloc_used_bytes(), used);
    CHECK_EQ(page_alloc_free_pages(), free0);

    /* double frees: of an object on a page still in use ... */
    uint8_t *neighbour = xmalloc(64);
    CHECK(neighbour != NULL && virt_to_pfn(neighbour) == virt_to_pfn(p));
    ktest_log_clear();
    xfree(p);
    xfree(p);
    CHECK(ktest_log_contains("double free"));
    /* ... and of the last object of a page, which went back at the first */
    ktest_log_clear();
    xfree(neighbour);
    CHECK(!ktest_log_contains("xfree"));
    xfree(neighbour);
    CHECK(ktest_log_contains("was not allocated by xmalloc"));
    CHECK_EQ(page_alloc_free_pages(), free0 + 1);
    ktest_log_clear();
    xfree(big);
    CHECK_EQ(page_alloc_free_pages(), free0 + 1 + 4);
    xfree(big);
    CHECK(ktest_log_contains("was not allocated by xmalloc"));
    CHECK_EQ(page_alloc_free_pages(), free0 + 1 + 4);
    CHECK_EQ(xmalloc_heap_pages(), 0);
    CHECK_EQ(xmalloc_used_bytes(), 0);
    /* the double-freed object is handed out once, not twice */
    uint8_t *x = xmalloc(64), *y = xmalloc(64);
    CHECK(x && y && x != y);
}

/* A freed object with user data that happens to look like the free canary
 * is still a live object: no false double-free report. */
TEST(canary_lookalike_is_not_a_double_free)
{
    setup(8);
    uint64_t *a = xmalloc(16);
    uint64_t *b = xmalloc(16);
    CHECK(a && b);
    /* copy the canary pattern of b's free state (b was just allocated) by
     * freeing a, reading its canary, and mimicking it in b */
    xfree(a);
    uint64_t canary_a = a[1];
    b[1] = canary_a ^ (uint64_t)(uintptr_t)a ^ (uint64_t)(uintptr_t)b;
    ktest_log_clear();
    xfree(b);
    CHECK(!ktest_log_contains("double free"));
    CHECK_EQ(xmalloc_used_bytes(), 0);
}
