// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the p2m (hypervisor/arch/x86/hvm/p2m_npt.c): NPT tables
 * built from the real page allocator over a host arena (this file provides
 * scrub_page, pfn_to_virt and virt_to_pfn) and the real spinlocks.
 *
 * The mapped frames (mfns) are never touched by the p2m, so they are just
 * numbers here.  A reference model (one (mfn, type) per 4 KiB guest frame
 * of a 4 GiB window straddling a top-level boundary) is checked after each
 * of thousands of random 4K/2M/1G maps, remaps and unmaps, through
 * p2m_get_entry() on sampled gfns and through an independent walk of the
 * raw tables: every present leaf against the model frame by frame, entry
 * bits per type, no empty or foldable table left behind, and the table,
 * entry and page counters.  Directed cases cover splits, merges, removal,
 * argument errors, flushes, out-of-memory and teardown.
 */
#include "ktest.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include <keel/errno.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/xmalloc.h>
#include <asm/page.h>

/* ---- environment: arena, allocator hooks, CPUs --------------------------- */

#define FRAMES 8192

static struct page_info frame_table[FRAMES];
static uint8_t *arena;

__thread unsigned long host_irq_flags = 1UL << 9;
static __thread unsigned int this_cpu;

unsigned int smp_processor_id(void)
{
    return this_cpu;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

void scrub_page(pfn_t pfn)
{
    CHECK(pfn < FRAMES);
    memset(arena + pfn * PAGE_SIZE, 0, PAGE_SIZE);
}

void *pfn_to_virt(pfn_t pfn)
{
    if (pfn >= FRAMES) {
        fprintf(stderr, "pfn_to_virt(%#llx): outside the arena\n",
                (unsigned long long)pfn);
        abort();
    }
    return arena + pfn * PAGE_SIZE;
}

pfn_t virt_to_pfn(const void *va)
{
    const uint8_t *p = va;

    if (p < arena || p >= arena + (size_t)FRAMES * PAGE_SIZE)
        return PFN_INVALID;
    return (pfn_t)(p - arena) / PAGE_SIZE;
}

static pfn_t heap_start_free;

static void setup(void)
{
    arena = aligned_alloc(PAGE_SIZE, (size_t)FRAMES * PAGE_SIZE);
    CHECK(arena != NULL);
    memset(arena, 0xdd, (size_t)FRAMES * PAGE_SIZE);
    page_alloc_init(frame_table, FRAMES);
    page_alloc_add_range(1, FRAMES);
    heap_start_free = page_alloc_free_pages();
}

static unsigned int flush_calls;

static void count_flush(struct p2m *p2m)
{
    CHECK(rw_is_write_locked(&p2m->lock));
    flush_calls++;
}

static void init_p2m(struct p2m *p2m)
{
    CHECK_EQ(p2m_init(p2m), 0);
    p2m->flush = count_flush;
    flush_calls = 0;
}

/* Take every free page; give back 'keep' of them. */
static pfn_t hoard[FRAMES];
static unsigned int nr_hoard;

static void exhaust_heap(unsigned int keep)
{
    pfn_t pfn;

    while ((pfn = page_alloc(0)) != PFN_INVALID)
        hoard[nr_hoard++] = pfn;
    while (keep-- && nr_hoard)
        page_free(hoard[--nr_hoard], 0);
}

static void release_heap(void)
{
    while (nr_hoard)
        page_free(hoard[--nr_hoard], 0);
}

/* ---- random numbers --------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- what each type should look like in an entry ------------------------- */

static bool type_writable(enum p2m_type t)
{
    return t == p2m_ram_rw || t == p2m_mmio_direct || t == p2m_grant_map_rw ||
           t == p2m_foreign;
}

static bool type_executable(enum p2m_type t)
{
    return t == p2m_ram_rw || t == p2m_ram_ro;
}

static bool type_uncached(enum p2m_type t)
{
    return t == p2m_mmio_direct;
}

/* Mapping old -> new at one frame: must the TLBs be flushed? */
static bool change_is_downgrade(mfn_t old_mfn, enum p2m_type old_t,
                                mfn_t new_mfn, enum p2m_type new_t)
{
    if (old_t == p2m_invalid)
        return false;
    if (new_t == p2m_invalid || old_mfn != new_mfn)
        return true;
    if (type_uncached(old_t) != type_uncached(new_t))
        return true;
    if (type_writable(old_t) && !type_writable(new_t))
        return true;
    return type_executable(old_t) && !type_executable(new_t);
}

/* ---- the model ------------------------------------------------------------- */

/* 4 GiB of guest frames from 510 GiB: crosses the 512 GiB top-level line. */
#define WIN_BASE        (510ULL << 18)
#define WIN_FRAMES      (1ULL << 20)

static mfn_t *model_mfn;
static uint8_t *model_type;
static uint64_t model_present;

static void model_init(void)
{
    model_mfn = calloc(WIN_FRAMES, sizeof(*model_mfn));
    model_type = calloc(WIN_FRAMES, 1);
    CHECK(model_mfn && model_type);
    model_present = 0;
}

/* Apply a set_entry to the model; true if some frame was downgraded. */
static bool model_set(gfn_t gfn, mfn_t mfn, unsigned int order,
                      enum p2m_type t)
{
    bool downgrade = false;

    for (uint64_t i = 0; i < (1ULL << order); i++) {
        uint64_t idx = gfn - WIN_BASE + i;
        mfn_t new_mfn = t == p2m_invalid ? 0 : mfn + i;

        downgrade |= change_is_downgrade(model_mfn[idx], model_type[idx],
                                         new_mfn, t);
        model_present -= model_type[idx] != p2m_invalid;
        model_present += t != p2m_invalid;
        model_mfn[idx] = new_mfn;
        model_type[idx] = (uint8_t)t;
    }
    return downgrade;
}

static void check_get(struct p2m *p2m, gfn_t gfn)
{
    uint64_t idx = gfn - WIN_BASE;
    mfn_t mfn;
    enum p2m_type t;
    unsigned int order;
    int rc = p2m_get_entry(p2m, gfn, &mfn, &t, &order);

    CHECK(order == 0 || order == 9 || order == 18 || order == 27);
    if (model_type[idx] == p2m_invalid) {
        CHECK_EQ(rc, -ENOENT);
        CHECK_EQ(t, p2m_invalid);
        CHECK_EQ(mfn, MFN_INVALID);
    } else {
        CHECK_EQ(rc, 0);
        CHECK_EQ(t, model_type[idx]);
        CHECK_EQ(mfn, model_mfn[idx]);
        CHECK(order <= 18);
    }
}

/* ---- an independent walk of the raw tables ------------------------------- */

struct walk_stats {
    uint64_t tables;
    uint64_t entries[P2M_NR_TYPES];
    uint64_t pages[P2M_NR_TYPES];
    unsigned int max_leaf_level;
    bool against_model;
};

static void check_leaf_bits(uint64_t e, unsigned int level)
{
    enum p2m_type t = (enum p2m_type)((e >> 52) & 0xf);

    CHECK(t > p2m_invalid && t < P2M_NR_TYPES);
    CHECK(level <= 2);
    CHECK(e & PTE_U);
    CHECK_EQ(!!(e & PTE_PS), level > 0);
    CHECK_EQ(!!(e & PTE_W), type_writable(t));
    CHECK_EQ(!(e & PTE_NX), type_executable(t));
    CHECK_EQ(!!(e & PTE_PCD), type_uncached(t));
    CHECK_EQ(!!(e & PTE_PWT), type_uncached(t));
    CHECK_EQ(e & 0x7f00000000000e00ULL & ~(0xfULL << 52), 0); /* spare bits */
    CHECK_EQ(((e & PTE_ADDR) >> 12) & ((1ULL << (9 * level)) - 1), 0);
}

static void check_leaf_against_model(uint64_t e, unsigned int level, gfn_t gfn)
{
    enum p2m_type t = (enum p2m_type)((e >> 52) & 0xf);
    mfn_t mfn = (e & PTE_ADDR) >> 12;

    CHECK(gfn >= WIN_BASE && gfn + (1ULL << (9 * level)) <= WIN_BASE + WIN_FRAMES);
    for (uint64_t i = 0; i < (1ULL << (9 * level)); i++) {
        uint64_t idx = gfn - WIN_BASE + i;

        if (model_type[idx] != t || model_mfn[idx] != mfn + i) {
            fprintf(stderr, "gfn %#llx: tables say mfn %#llx type %d, "
                    "model mfn %#llx type %d\n", (unsigned long long)(gfn + i),
                    (unsigned long long)(mfn + i), t,
                    (unsigned long long)model_mfn[idx], model_type[idx]);
            CHECK(!"leaf matches the model");
        }
    }
}

/* Could these 512 entries be one leaf a level up? */
static bool foldable(const uint64_t *table, unsigned int level)
{
    uint64_t first = table[0];
    mfn_t base = (first & PTE_ADDR) >> 12;

    if (!(first & PTE_P) || (level > 0 && !(first & PTE_PS)))
        return false;
    if (base & ((1ULL << (9 * (level + 1))) - 1))
        return false;
    for (unsigned int i = 1; i < 512; i++) {
        uint64_t e = table[i];

        if (!(e & PTE_P) || ((e ^ first) & (0xfULL << 52)) ||
            ((e ^ first) & 0xfff) ||
            ((e & PTE_ADDR) >> 12) != base + ((uint64_t)i << (9 * level)))
            return false;
    }
    return true;
}

static void walk_table(struct walk_stats *st, pfn_t pfn, unsigned int level,
                       gfn_t base)
{
    const uint64_t *table = pfn_to_virt(pfn);
    bool any = false;

    CHECK(pfn > 0 && pfn < FRAMES);
    CHECK(frame_table[pfn].flags & PGF_ALLOCATED);
    st->tables++;
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t e = table[i];
        gfn_t gfn = base + ((uint64_t)i << (9 * level));

        if (!(e & PTE_P)) {
            CHECK_EQ(e, 0);
            continue;
        }
        any = true;
        CHECK(e & PTE_U);
        if (level == 0 || (e & PTE_PS)) {
            enum p2m_type t = (enum p2m_type)((e >> 52) & 0xf);

            check_leaf_bits(e, level);
            CHECK(level <= st->max_leaf_level);
            st->entries[t]++;
            st->pages[t] += 1ULL << (9 * level);
            if (st->against_model)
                check_leaf_against_model(e, level, gfn);
        } else {
            CHECK(e & PTE_W);
            CHECK(!(e & PTE_NX));
            CHECK_EQ(e & ~(PTE_ADDR | 0xfffULL), 0);
            walk_table(st, (e & PTE_ADDR) >> 12, level - 1, gfn);
        }
    }
    if (level < 3) {
        CHECK(any);                         /* empty tables are freed */
        if (level + 1 <= st->max_leaf_level)
            CHECK(!foldable(table, level)); /* full runs are folded */
    }
}

/* Walk everything; check structure and counters (and leaves vs the model). */
static void check_tables(struct p2m *p2m, bool against_model)
{
    struct walk_stats st = { .max_leaf_level = p2m->max_order / 9,
                             .against_model = against_model };
    uint64_t pages = 0;

    walk_table(&st, p2m->root, 3, 0);
    CHECK_EQ(st.tables, p2m->table_pages);
    for (unsigned int t = 0; t < P2M_NR_TYPES; t++) {
        CHECK_EQ(st.entries[t], p2m->nr_entries[t]);
        CHECK_EQ(st.pages[t], p2m->nr_pages[t]);
        pages += st.pages[t];
    }
    if (against_model)
        CHECK_EQ(pages, model_present);
    CHECK_EQ(heap_start_free - page_alloc_free_pages(), p2m->table_pages);
}

static uint64_t raw_leaf(struct p2m *p2m, gfn_t gfn, unsigned int *level_out)
{
    const uint64_t *table = pfn_to_virt(p2m->root);

    for (unsigned int level = 3;; level--) {
        uint64_t e = table[(gfn >> (9 * level)) & 511];

        if (!(e & PTE_P) || level == 0 || (e & PTE_PS)) {
            *level_out = level;
            return e;
        }
        table = pfn_to_virt((e & PTE_ADDR) >> 12);
    }
}

/* ---- basics --------------------------------------------------------------- */

TEST(init_and_teardown)
{
    struct p2m p2m;

    setup();
    CHECK_EQ(p2m_init(&p2m), 0);
    CHECK_EQ(p2m.table_pages, 1);
    CHECK_EQ(p2m.max_order, P2M_ORDER_1G);
    CHECK(p2m.flush == NULL);
    CHECK_EQ(p2m_root_maddr(&p2m), p2m.root << 12);
    CHECK_EQ(p2m_root_maddr(&p2m) & 0xfff, 0);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free - 1);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
    CHECK_EQ(p2m.root, MFN_INVALID);
    p2m_teardown(&p2m);                 /* twice is harmless */
    CHECK_EQ(p2m_set_entry(&p2m, 0, 0, 0, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_get_entry(&p2m, 0, NULL, NULL, NULL), -EINVAL);
}

TEST(init_out_of_memory)
{
    struct p2m p2m;

    setup();
    exhaust_heap(0);
    CHECK_EQ(p2m_init(&p2m), -ENOMEM);
    CHECK_EQ(p2m.root, MFN_INVALID);
    p2m_teardown(&p2m);
    release_heap();
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(map_and_look_up_each_order)
{
    struct p2m p2m;
    mfn_t mfn;
    enum p2m_type t;
    unsigned int order;

    setup();
    init_p2m(&p2m);
    CHECK_EQ(p2m_set_entry(&p2m, 0x1234, 0xabcde, 0, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x400, 0x80000, 9, p2m_ram_ro), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0xc0000, 18, p2m_mmio_direct), 0);
    CHECK_EQ(flush_calls, 0);           /* fresh mappings never flush */

    CHECK_EQ(p2m_get_entry(&p2m, 0x1234, &mfn, &t, &order), 0);
    CHECK_EQ(mfn, 0xabcde);
    CHECK_EQ(t, p2m_ram_rw);
    CHECK_EQ(order, 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x400 + 0x1ff, &mfn, &t, &order), 0);
    CHECK_EQ(mfn, 0x80000 + 0x1ff);
    CHECK_EQ(t, p2m_ram_ro);
    CHECK_EQ(order, 9);
    CHECK_EQ(p2m_get_entry(&p2m, 0x40000 + 0x12345, &mfn, &t, &order), 0);
    CHECK_EQ(mfn, 0xc0000 + 0x12345);
    CHECK_EQ(t, p2m_mmio_direct);
    CHECK_EQ(order, 18);

    /* Holes: the size of the empty aligned region around the gfn. */
    CHECK_EQ(p2m_get_entry(&p2m, 0x1235, &mfn, &t, &order), -ENOENT);
    CHECK_EQ(mfn, MFN_INVALID);
    CHECK_EQ(t, p2m_invalid);
    CHECK_EQ(order, 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x600, &mfn, &t, &order), -ENOENT);
    CHECK_EQ(order, 9);
    CHECK_EQ(p2m_get_entry(&p2m, 0x80000, &mfn, &t, &order), -ENOENT);
    CHECK_EQ(order, 18);
    CHECK_EQ(p2m_get_entry(&p2m, 1ULL << 27, &mfn, &t, &order), -ENOENT);
    CHECK_EQ(order, 27);
    CHECK_EQ(p2m_get_entry(&p2m, (1ULL << 36) - 1, NULL, NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_get_entry(&p2m, 1ULL << 36, NULL, NULL, NULL), -EINVAL);

    /* root, L3, L2 (two gfns share it), L1 */
    CHECK_EQ(p2m.table_pages, 4);
    CHECK_EQ(p2m.nr_entries[p2m_ram_rw], 1);
    CHECK_EQ(p2m.nr_pages[p2m_ram_ro], 512);
    CHECK_EQ(p2m.nr_pages[p2m_mmio_direct], 1ULL << 18);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

/* p2m_for_each_leaf: every leaf once, in gfn order, with its order and type. */
struct leaf_log {
    uint32_t n;
    gfn_t gfn[8];
    mfn_t mfn[8];
    unsigned int order[8];
    enum p2m_type type[8];
};

static void log_leaf(void *arg, gfn_t gfn, mfn_t mfn, unsigned int order, enum p2m_type type)
{
    struct leaf_log *l = arg;

    if (l->n < 8) {
        l->gfn[l->n] = gfn;
        l->mfn[l->n] = mfn;
        l->order[l->n] = order;
        l->type[l->n] = type;
    }
    l->n++;
}

TEST(for_each_leaf)
{
    struct p2m p2m;
    struct leaf_log l = { 0 };

    setup();
    init_p2m(&p2m);
    p2m_for_each_leaf(&p2m, log_leaf, &l);
    CHECK_EQ(l.n, 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0xc0000, 18, p2m_mmio_direct), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x1234, 0xabcde, 0, p2m_foreign), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x400, 0x80000, 9, p2m_ram_ro), 0);
    CHECK_EQ(p2m_set_entry(&p2m, (1ULL << 36) - 1, 0x5, 0, p2m_ram_rw), 0);
    p2m_for_each_leaf(&p2m, log_leaf, &l);
    CHECK_EQ(l.n, 4);
    CHECK_EQ(l.gfn[0], 0x400);
    CHECK_EQ(l.mfn[0], 0x80000);
    CHECK_EQ(l.order[0], 9);
    CHECK_EQ(l.type[0], p2m_ram_ro);
    CHECK_EQ(l.gfn[1], 0x1234);
    CHECK_EQ(l.mfn[1], 0xabcde);
    CHECK_EQ(l.order[1], 0);
    CHECK_EQ(l.type[1], p2m_foreign);
    CHECK_EQ(l.gfn[2], 0x40000);
    CHECK_EQ(l.order[2], 18);
    CHECK_EQ(l.type[2], p2m_mmio_direct);
    CHECK_EQ(l.gfn[3], (1ULL << 36) - 1);
    CHECK_EQ(l.mfn[3], 0x5);
    p2m_teardown(&p2m);
    l.n = 0;
    p2m_for_each_leaf(&p2m, log_leaf, &l);      /* torn down: nothing */
    CHECK_EQ(l.n, 0);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(entry_bits_per_type)
{
    static const enum p2m_type types[] = {
        p2m_ram_rw, p2m_ram_ro, p2m_mmio_direct, p2m_grant_map_rw,
        p2m_grant_map_ro, p2m_foreign,
    };
    struct p2m p2m;
    unsigned int level;

    setup();
    init_p2m(&p2m);
    for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
        for (unsigned int lv = 0; lv <= 2; lv++) {
            gfn_t gfn = ((uint64_t)(i * 3 + lv + 1) << 18);
            mfn_t mfn = 0xffff000000ULL + ((uint64_t)i << 18);  /* near 2^40 */
            uint64_t e;

            CHECK_EQ(p2m_set_entry(&p2m, gfn, mfn, 9 * lv, types[i]), 0);
            e = raw_leaf(&p2m, gfn, &level);
            CHECK_EQ(level, lv);
            check_leaf_bits(e, lv);
            CHECK_EQ((e >> 52) & 0xf, types[i]);
            CHECK_EQ((e & PTE_ADDR) >> 12, mfn);
        }
    }
    /* Tables: P, W, U, no NX at every level above the leaves. */
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(bad_arguments)
{
    struct p2m p2m;

    setup();
    init_p2m(&p2m);
    CHECK_EQ(p2m_set_entry(&p2m, 1, 0, 9, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0, 0x100, 9, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0x200, 0x200, 18, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0x200, 18, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0x200, 0, 9, p2m_invalid), 0);   /* mfn ignored */
    CHECK_EQ(p2m_set_entry(&p2m, 0x201, 0, 9, p2m_invalid), -EINVAL);
    for (unsigned int order = 1; order < 30; order++)
        if (order != 9 && order != 18)
            CHECK_EQ(p2m_set_entry(&p2m, 0, 0, order, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 1ULL << 36, 0, 0, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0, 1ULL << 40, 0, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0, (1ULL << 40) - 1, 0, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0, 0, 0, P2M_NR_TYPES), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0, 0, 0, (enum p2m_type)-1), -EINVAL);
    p2m.max_order = P2M_ORDER_2M;
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0x40000, 18, p2m_ram_rw), -EINVAL);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0x40000, 9, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x80000, 0, 18, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 0);
    CHECK_EQ(p2m.nr_entries[p2m_ram_rw], 2);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

/* ---- splits, merges, removal -------------------------------------------- */

TEST(split_1g_keeps_the_rest)
{
    struct p2m p2m;
    mfn_t mfn;
    enum p2m_type t;
    unsigned int order;
    uint64_t tables_1g;

    setup();
    init_p2m(&p2m);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0x100000, 18, p2m_ram_rw), 0);
    tables_1g = p2m.table_pages;
    CHECK_EQ(tables_1g, 2);

    CHECK_EQ(p2m_set_entry(&p2m, 0x40000 + 0x12345, 0x777, 0, p2m_ram_ro), 0);
    CHECK_EQ(flush_calls, 1);           /* one frame remapped */
    CHECK_EQ(p2m.table_pages, tables_1g + 2);   /* an L2 and an L1 */
    for (gfn_t off = 0; off < (1ULL << 18); off++) {
        CHECK_EQ(p2m_get_entry(&p2m, 0x40000 + off, &mfn, &t, &order), 0);
        if (off == 0x12345) {
            CHECK_EQ(mfn, 0x777);
            CHECK_EQ(t, p2m_ram_ro);
            CHECK_EQ(order, 0);
        } else {
            CHECK_EQ(mfn, 0x100000 + off);
            CHECK_EQ(t, p2m_ram_rw);
            CHECK_EQ(order, (off >> 9) == (0x12345 >> 9) ? 0 : 9);
        }
    }
    CHECK_EQ(p2m.nr_entries[p2m_ram_rw], 511 + 511);
    CHECK_EQ(p2m.nr_pages[p2m_ram_rw], (1ULL << 18) - 1);
    CHECK_EQ(p2m.nr_pages[p2m_ram_ro], 1);
    check_tables(&p2m, false);

    /* Putting the frame back folds the tables into one 1G leaf again. */
    flush_calls = 0;
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000 + 0x12345, 0x100000 + 0x12345, 0,
                           p2m_ram_rw), 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x40000 + 0x12345, &mfn, &t, &order), 0);
    CHECK_EQ(order, 18);
    CHECK_EQ(mfn, 0x100000 + 0x12345);
    CHECK_EQ(p2m.table_pages, tables_1g);
    CHECK_EQ(p2m.nr_entries[p2m_ram_rw], 1);
    CHECK_EQ(p2m.nr_entries[p2m_ram_ro], 0);
    CHECK_EQ(flush_calls, 1);           /* for the freed tables */
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(split_2m_keeps_the_rest)
{
    struct p2m p2m;
    mfn_t mfn;
    enum p2m_type t;
    unsigned int order;

    setup();
    init_p2m(&p2m);
    CHECK_EQ(p2m_set_entry(&p2m, 0x200, 0x3000, 9, p2m_ram_ro), 0);
    CHECK_EQ(p2m.table_pages, 3);
    /* Upgrading one frame to writable splits but needs no flush. */
    CHECK_EQ(p2m_set_entry(&p2m, 0x2ff, 0x30ff, 0, p2m_ram_rw), 0);
    CHECK_EQ(flush_calls, 0);
    CHECK_EQ(p2m.table_pages, 4);
    for (gfn_t off = 0; off < 512; off++) {
        CHECK_EQ(p2m_get_entry(&p2m, 0x200 + off, &mfn, &t, &order), 0);
        CHECK_EQ(mfn, 0x3000 + off);
        CHECK_EQ(t, off == 0xff ? p2m_ram_rw : p2m_ram_ro);
        CHECK_EQ(order, 0);
    }
    CHECK_EQ(p2m_get_entry(&p2m, 0x400, NULL, NULL, NULL), -ENOENT);
    CHECK_EQ(p2m_get_entry(&p2m, 0x1ff, NULL, NULL, NULL), -ENOENT);
    /* Mapping what the superpage already maps changes nothing. */
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0x80000, 18, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40200, 0x80200, 9, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40201, 0x80201, 0, p2m_ram_rw), 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x40201, NULL, NULL, &order), 0);
    CHECK_EQ(order, 18);
    CHECK_EQ(flush_calls, 0);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(superpage_replaces_small_mappings)
{
    struct p2m p2m;
    mfn_t mfn;
    unsigned int order;

    setup();
    init_p2m(&p2m);
    /* 4K mappings under 3 different 2M regions of one 1G region. */
    for (unsigned int i = 0; i < 512; i += 3)
        CHECK_EQ(p2m_set_entry(&p2m, 0x80000 + i, 0x5000 + 7 * i, 0,
                               p2m_ram_rw), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x80400, 0x9, 0, p2m_foreign), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x80a00, 0x200, 9, p2m_grant_map_ro), 0);
    CHECK_EQ(p2m.table_pages, 5);
    CHECK_EQ(flush_calls, 0);

    /* A 2M mapping over the first region frees its L1 table. */
    CHECK_EQ(p2m_set_entry(&p2m, 0x80000, 0x600000, 9, p2m_ram_rw), 0);
    CHECK_EQ(flush_calls, 1);
    CHECK_EQ(p2m.table_pages, 4);
    CHECK_EQ(p2m_get_entry(&p2m, 0x80003, &mfn, NULL, &order), 0);
    CHECK_EQ(mfn, 0x600003);
    CHECK_EQ(order, 9);
    CHECK_EQ(p2m.nr_entries[p2m_ram_rw], 1);
    CHECK_EQ(p2m_get_entry(&p2m, 0x80400, &mfn, NULL, NULL), 0);
    CHECK_EQ(mfn, 0x9);
    check_tables(&p2m, false);

    /* A 1G mapping over everything frees the L2 and the other L1. */
    CHECK_EQ(p2m_set_entry(&p2m, 0x80000, 0x1000000, 18, p2m_ram_ro), 0);
    CHECK_EQ(flush_calls, 2);
    CHECK_EQ(p2m.table_pages, 2);
    CHECK_EQ(p2m.nr_entries[p2m_ram_ro], 1);
    CHECK_EQ(p2m.nr_entries[p2m_ram_rw] + p2m.nr_entries[p2m_foreign] +
             p2m.nr_entries[p2m_grant_map_ro], 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x80400, &mfn, NULL, &order), 0);
    CHECK_EQ(mfn, 0x1000400);
    CHECK_EQ(order, 18);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(merge_in_any_order)
{
    static uint16_t perm[512];
    struct p2m p2m;
    mfn_t mfn;
    unsigned int order;

    setup();
    init_p2m(&p2m);
    for (unsigned int i = 0; i < 512; i++)
        perm[i] = (uint16_t)i;
    for (unsigned int i = 511; i > 0; i--) {
        unsigned int j = rng() % (i + 1);
        uint16_t tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
    /* 4K by 4K in random order: the last one folds the table into 2M. */
    for (unsigned int i = 0; i < 512; i++) {
        CHECK_EQ(p2m_set_entry(&p2m, 0xc0000 + 0x400 + perm[i],
                               0x2000400 + perm[i], 0, p2m_mmio_direct), 0);
        CHECK_EQ(p2m_get_entry(&p2m, 0xc0000 + 0x400 + perm[i], NULL, NULL,
                               &order), 0);
        CHECK_EQ(order, i == 511 ? 9 : 0);
        check_tables(&p2m, false);
    }
    CHECK_EQ(flush_calls, 1);           /* the folded table was freed */
    CHECK_EQ(p2m_get_entry(&p2m, 0xc0000 + 0x5ff, &mfn, NULL, &order), 0);
    CHECK_EQ(order, 9);
    CHECK_EQ(mfn, 0x20005ff);
    CHECK_EQ(p2m.table_pages, 3);

    /* A run that is contiguous but not 2M-aligned in mfn does not fold. */
    for (unsigned int i = 0; i < 512; i++)
        CHECK_EQ(p2m_set_entry(&p2m, 0x200 + i, 0x3001 + i, 0, p2m_ram_rw), 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x200, NULL, NULL, &order), 0);
    CHECK_EQ(order, 0);
    /* Nor does a run of mixed types. */
    for (unsigned int i = 0; i < 512; i++)
        CHECK_EQ(p2m_set_entry(&p2m, 0x400 + i, 0x3200 + i, 0,
                               i == 77 ? p2m_grant_map_rw : p2m_ram_rw), 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x400, NULL, NULL, &order), 0);
    CHECK_EQ(order, 0);
    check_tables(&p2m, false);

    /* 2M by 2M: the last one folds the L2 table into a 1G leaf... */
    for (unsigned int i = 0; i < 512; i++)
        CHECK_EQ(p2m_set_entry(&p2m, 0x100000 + 512 * i, 0x40000 + 512 * i, 9,
                               p2m_ram_rw), 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x100000 + 0x3ffff, &mfn, NULL, &order), 0);
    CHECK_EQ(order, 18);
    CHECK_EQ(mfn, 0x40000 + 0x3ffff);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);

    /* ... unless 1G leaves are not allowed. */
    init_p2m(&p2m);
    p2m.max_order = P2M_ORDER_2M;
    for (unsigned int i = 0; i < 512; i++)
        CHECK_EQ(p2m_set_entry(&p2m, 0x100000 + 512 * i, 0x40000 + 512 * i, 9,
                               p2m_ram_rw), 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x100000, NULL, NULL, &order), 0);
    CHECK_EQ(order, 9);
    CHECK_EQ(p2m.table_pages, 3);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(removal_frees_tables)
{
    struct p2m p2m;
    mfn_t mfn;
    enum p2m_type t;
    unsigned int order;

    setup();
    init_p2m(&p2m);
    CHECK_EQ(p2m_set_entry(&p2m, 0, 0x40000, 18, p2m_ram_rw), 0);
    CHECK_EQ(p2m.table_pages, 2);
    CHECK_EQ(p2m_set_entry(&p2m, 0x7fffffff, 0x5, 0, p2m_ram_rw), 0);

    /* Remove a 4K inside a 1G: split twice, the rest intact. */
    CHECK_EQ(p2m_set_entry(&p2m, 0x3ffff, 0, 0, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 1);
    CHECK_EQ(p2m_get_entry(&p2m, 0x3ffff, &mfn, &t, &order), -ENOENT);
    CHECK_EQ(order, 0);
    CHECK_EQ(p2m_get_entry(&p2m, 0x3fffe, &mfn, &t, &order), 0);
    CHECK_EQ(mfn, 0x40000 + 0x3fffe);
    CHECK_EQ(p2m_get_entry(&p2m, 0x0, &mfn, &t, &order), 0);
    CHECK_EQ(order, 9);
    CHECK_EQ(p2m.nr_pages[p2m_ram_rw], (1ULL << 18) - 1 + 1);
    check_tables(&p2m, false);

    /* Remove a 2M inside the split 1G. */
    CHECK_EQ(p2m_set_entry(&p2m, 0x200, 0, 9, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 2);
    CHECK_EQ(p2m_get_entry(&p2m, 0x3ff, NULL, NULL, &order), -ENOENT);
    CHECK_EQ(order, 9);
    CHECK_EQ(p2m_get_entry(&p2m, 0x400, NULL, NULL, NULL), 0);

    /* Removing nothing: no change, no flush, no allocation. */
    CHECK_EQ(p2m_set_entry(&p2m, 0x3ff, 0, 0, p2m_invalid), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000000, 0, 18, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 2);
    check_tables(&p2m, false);

    /* Remove the whole 1G over its tables, then the last 4K. */
    CHECK_EQ(p2m_set_entry(&p2m, 0, 0, 18, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 3);
    CHECK_EQ(p2m_set_entry(&p2m, 0x7fffffff, 0, 0, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 4);
    CHECK_EQ(p2m.table_pages, 1);
    for (unsigned int t2 = 0; t2 < P2M_NR_TYPES; t2++) {
        CHECK_EQ(p2m.nr_entries[t2], 0);
        CHECK_EQ(p2m.nr_pages[t2], 0);
    }
    CHECK_EQ(page_alloc_free_pages(), heap_start_free - 1);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(flush_only_on_removal_or_downgrade)
{
    struct p2m p2m;

    setup();
    init_p2m(&p2m);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x100, 0, p2m_ram_ro), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x100, 0, p2m_ram_rw), 0);   /* upgrade */
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x100, 0, p2m_ram_rw), 0);   /* same */
    CHECK_EQ(flush_calls, 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x100, 0, p2m_ram_ro), 0);   /* no W */
    CHECK_EQ(flush_calls, 1);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x101, 0, p2m_ram_ro), 0);   /* moved */
    CHECK_EQ(flush_calls, 2);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x101, 0, p2m_mmio_direct), 0); /* UC */
    CHECK_EQ(flush_calls, 3);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x101, 0, p2m_ram_rw), 0);   /* cached */
    CHECK_EQ(flush_calls, 4);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x101, 0, p2m_grant_map_rw), 0); /* NX */
    CHECK_EQ(flush_calls, 5);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x101, 0, p2m_foreign), 0);  /* same bits */
    CHECK_EQ(flush_calls, 5);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0, 0, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 6);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0, 0, p2m_invalid), 0);
    CHECK_EQ(flush_calls, 6);
    /* A flush hook is optional. */
    p2m.flush = NULL;
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0x100, 0, p2m_ram_rw), 0);
    CHECK_EQ(p2m_set_entry(&p2m, 0x10, 0, 0, p2m_invalid), 0);
    p2m.flush = count_flush;
    flush_calls = 0;
    p2m_teardown(&p2m);
    CHECK_EQ(flush_calls, 1);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

/* ---- out of memory ----------------------------------------------------------- */

TEST(out_of_memory_leaves_the_map_intact)
{
    struct p2m p2m;
    mfn_t mfn;
    enum p2m_type t;
    unsigned int order;
    uint64_t tables;

    setup();
    init_p2m(&p2m);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40000, 0x80000, 18, p2m_ram_rw), 0);
    tables = p2m.table_pages;

    /* A 4K inside the 1G needs two tables: none, then one, is not enough. */
    for (unsigned int keep = 0; keep < 2; keep++) {
        exhaust_heap(keep);
        CHECK_EQ(p2m_set_entry(&p2m, 0x40001, 0x5, 0, p2m_ram_rw), -ENOMEM);
        CHECK_EQ(p2m_set_entry(&p2m, 0x40001, 0, 0, p2m_invalid), -ENOMEM);
        CHECK_EQ(p2m_set_entry(&p2m, 0x40200, 0, 9, p2m_invalid),
                 keep ? 0 : -ENOMEM);
        if (keep) {     /* put the 2M back (folds, frees a table) */
            CHECK_EQ(p2m_set_entry(&p2m, 0x40200, 0x80200, 9, p2m_ram_rw), 0);
            CHECK_EQ(p2m_get_entry(&p2m, 0x40200, NULL, NULL, &order), 0);
            CHECK_EQ(order, 18);
            CHECK_EQ(flush_calls, 2);   /* the removal, the freed table */
            flush_calls = 0;
        }
        CHECK_EQ(page_alloc_free_pages(), keep);
        CHECK_EQ(p2m.table_pages, tables);
        for (gfn_t off = 0; off < (1ULL << 18); off += 0x101) {
            CHECK_EQ(p2m_get_entry(&p2m, 0x40000 + off, &mfn, &t, &order), 0);
            CHECK_EQ(mfn, 0x80000 + off);
            CHECK_EQ(t, p2m_ram_rw);
            CHECK_EQ(order, 18);
        }
        CHECK_EQ(p2m_get_entry(&p2m, 0x40001, &mfn, NULL, NULL), 0);
        CHECK_EQ(mfn, 0x80001);
        CHECK_EQ(flush_calls, 0);
        release_heap();
    }
    /* A fresh 4K far away needs three tables. */
    exhaust_heap(2);
    CHECK_EQ(p2m_set_entry(&p2m, 0x8000000, 0x5, 0, p2m_ram_rw), -ENOMEM);
    CHECK_EQ(page_alloc_free_pages(), 2);
    CHECK_EQ(p2m_get_entry(&p2m, 0x8000000, NULL, NULL, &order), -ENOENT);
    CHECK_EQ(order, 27);
    release_heap();
    check_tables(&p2m, false);

    /* With exactly two pages the split works. */
    exhaust_heap(2);
    CHECK_EQ(p2m_set_entry(&p2m, 0x40001, 0x5, 0, p2m_ram_rw), 0);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK_EQ(p2m.table_pages, tables + 2);
    CHECK_EQ(p2m_get_entry(&p2m, 0x40001, &mfn, NULL, NULL), 0);
    CHECK_EQ(mfn, 0x5);
    CHECK_EQ(p2m_get_entry(&p2m, 0x40002, &mfn, NULL, NULL), 0);
    CHECK_EQ(mfn, 0x80002);
    release_heap();
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

/* ---- random operations against the model ----------------------------------- */

static enum p2m_type random_type(void)
{
    static const enum p2m_type pick[] = {
        p2m_invalid, p2m_invalid, p2m_invalid, p2m_invalid, p2m_invalid,
        p2m_ram_rw, p2m_ram_rw, p2m_ram_rw, p2m_ram_rw, p2m_ram_rw,
        p2m_ram_rw, p2m_ram_ro, p2m_ram_ro, p2m_mmio_direct,
        p2m_grant_map_rw, p2m_grant_map_ro, p2m_foreign,
    };
    return pick[rng() % ARRAY_SIZE(pick)];
}

static unsigned int random_order(unsigned int max_order)
{
    unsigned int r = rng() % 100;

    return MIN(r < 62 ? 0 : r < 92 ? 9 : 18, max_order);
}

/* Mostly a fixed offset from the gfn (so runs become contiguous and fold),
 * sometimes anywhere below 2^40. */
static mfn_t random_mfn(gfn_t gfn, unsigned int order)
{
    static const mfn_t offsets[] = { 0x1000000, 0x1000000, 0x1000000, 0x4c0000 };
    uint64_t r = rng() % 8;

    if (r < ARRAY_SIZE(offsets))
        return gfn - WIN_BASE + offsets[r];
    return (rng() & ((1ULL << 40) - 1)) & ~((1ULL << order) - 1);
}

/* Mostly in a few hot regions so that operations overlap: the start of
 * each 1G region, around the middle of the window, and a handful of frames
 * in one 2M region (splitting it again and again, and folding it back). */
static gfn_t random_gfn(unsigned int order)
{
    uint64_t r = rng() % 4, off;

    if (r == 0)
        off = rng() % WIN_FRAMES;
    else if (r == 1)
        off = (1ULL << 18) * (rng() % 4) + (rng() % (1ULL << 12));
    else if (r == 2)
        off = (2ULL << 18) - (1ULL << 11) + rng() % (1ULL << 12);
    else
        off = (3ULL << 18) + 0x200 + rng() % 8;
    return (WIN_BASE + off) & ~((1ULL << order) - 1);
}

static uint64_t folds, splits;

static void random_step(struct p2m *p2m, unsigned int step)
{
    unsigned int order = random_order(p2m->max_order);
    gfn_t gfn = random_gfn(order);
    enum p2m_type t = random_type();
    mfn_t mfn = t == p2m_invalid ? rng() : random_mfn(gfn, order);

    if (rng() % 4 == 0) {       /* back to the background mapping */
        t = p2m_ram_rw;
        mfn = gfn - WIN_BASE + 0x1000000;
    }
    uint64_t tables_before = p2m->table_pages;
    bool downgrade;
    const gfn_t probes[] = { gfn, gfn + (1ULL << order) - 1, gfn - 1,
                       gfn + (1ULL << order) };

    flush_calls = 0;
    downgrade = model_set(gfn, mfn, order, t);
    CHECK_EQ(p2m_set_entry(p2m, gfn, mfn, order, t), 0);
    if (flush_calls > 1 || (flush_calls == 1) !=
            (downgrade || p2m->table_pages < tables_before)) {
        fprintf(stderr, "step %u: gfn %#llx order %u type %d: %u flushes, "
                "downgrade %d, tables %llu -> %llu\n", step,
                (unsigned long long)gfn, order, t, flush_calls, downgrade,
                (unsigned long long)tables_before,
                (unsigned long long)p2m->table_pages);
        CHECK(!"flushed exactly when needed");
    }
    if (t != p2m_invalid) {
        unsigned int got;

        CHECK_EQ(p2m_get_entry(p2m, gfn, NULL, NULL, &got), 0);
        folds += got > order;
    }
    splits += p2m->table_pages > tables_before && model_present > 0 &&
              t == p2m_invalid;
    for (unsigned int i = 0; i < ARRAY_SIZE(probes); i++)
        if (probes[i] >= WIN_BASE && probes[i] < WIN_BASE + WIN_FRAMES)
            check_get(p2m, probes[i]);
    for (unsigned int i = 0; i < 32; i++)
        check_get(p2m, WIN_BASE + rng() % WIN_FRAMES);
    check_tables(p2m, true);
}

static void random_run(unsigned int steps, unsigned int max_order)
{
    struct p2m p2m;
    uint64_t max_tables = 0;

    setup();
    model_init();
    init_p2m(&p2m);
    p2m.max_order = max_order;
    folds = splits = 0;
    for (unsigned int step = 0; step < steps; step++) {
        random_step(&p2m, step);
        max_tables = MAX(max_tables, p2m.table_pages);
    }
    fprintf(stderr, "%u steps: up to %llu tables, %llu folds, %llu splits "
            "by unmapping, %llu frames mapped at the end\n", steps,
            (unsigned long long)max_tables, (unsigned long long)folds,
            (unsigned long long)splits, (unsigned long long)model_present);
    CHECK(folds >= 5 && splits >= 5);

    /* Remove everything, frame range by frame range: back to the root. */
    for (gfn_t g = WIN_BASE; g < WIN_BASE + WIN_FRAMES; g += 1ULL << 18)
        CHECK_EQ(p2m_set_entry(&p2m, g, 0, 18, p2m_invalid), 0);
    model_set(WIN_BASE, 0, 20, p2m_invalid);
    check_tables(&p2m, true);
    CHECK_EQ(p2m.table_pages, 1);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free - 1);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}

TEST(random_against_model)
{
    random_run(3000, P2M_ORDER_1G);
}

TEST(random_against_model_no_1g_leaves)
{
    rng_state = 0x2545f4914f6cdd1dULL;
    random_run(1500, P2M_ORDER_2M);
}

/* Teardown with lots mapped frees every table page, never a mapped frame. */
TEST(teardown_frees_everything)
{
    struct p2m p2m;

    setup();
    init_p2m(&p2m);
    for (unsigned int i = 0; i < 3000; i++) {
        unsigned int order = random_order(P2M_ORDER_1G);
        gfn_t gfn = (rng() % (1ULL << 24)) & ~((1ULL << order) - 1);

        /* Mapped frames inside the arena: teardown must leave them alone. */
        CHECK_EQ(p2m_set_entry(&p2m, gfn, order ? 0 : 1 + rng() % 100, order,
                               p2m_ram_rw), 0);
    }
    CHECK(p2m.table_pages > 100);
    check_tables(&p2m, false);
    flush_calls = 0;
    p2m_teardown(&p2m);
    CHECK_EQ(flush_calls, 1);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
    CHECK(!ktest_log_contains("page_free"));
}

/* ---- two CPUs at once ---------------------------------------------------------- */

struct worker {
    struct p2m *p2m;
    unsigned int cpu;
    gfn_t base;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;

    this_cpu = w->cpu;
    for (unsigned int round = 0; round < 20; round++) {
        for (unsigned int i = 0; i < 512; i++)
            if (p2m_set_entry(w->p2m, w->base + i, w->base + i, 0, p2m_ram_rw))
                return (void *)1;
        for (unsigned int i = 0; i < 512; i++) {
            mfn_t mfn;
            unsigned int order;

            if (p2m_get_entry(w->p2m, w->base + i, &mfn, NULL, &order) ||
                mfn != w->base + i || order != 9)
                return (void *)2;
        }
        for (unsigned int i = 0; i < 512; i += 2)
            if (p2m_set_entry(w->p2m, w->base + i, 0, 0, p2m_invalid))
                return (void *)3;
        if (p2m_set_entry(w->p2m, w->base, 0, 9, p2m_invalid))
            return (void *)4;
    }
    return NULL;
}

TEST(concurrent_updates)
{
    struct p2m p2m;
    pthread_t th[2];
    struct worker w[2];
    void *ret;

    setup();
    init_p2m(&p2m);
    for (unsigned int i = 0; i < 2; i++) {
        w[i] = (struct worker){ .p2m = &p2m, .cpu = i + 1,
                                .base = 0x40000 + 0x200 * i };
        CHECK_EQ(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (unsigned int i = 0; i < 2; i++) {
        CHECK_EQ(pthread_join(th[i], &ret), 0);
        CHECK(ret == NULL);
    }
    CHECK_EQ(p2m.table_pages, 1);
    check_tables(&p2m, false);
    p2m_teardown(&p2m);
    CHECK_EQ(page_alloc_free_pages(), heap_start_free);
}
