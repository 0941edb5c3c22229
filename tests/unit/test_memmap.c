// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hypervisor/common/memmap.c: raw entry intake, sanitising of
 * hostile and real (QEMU/SeaBIOS) firmware maps with exact expected output,
 * carving Keel regions out of RAM, and the boot-time free-RAM search.
 */
#include "ktest.h"

#include <errno.h>
#include <string.h>

#include <keel/memmap.h>

static struct memmap raw, map;

struct expect {
    uint64_t start, end;
    uint32_t type;
};

static void check_map(const struct memmap *m, const struct expect *e, uint32_t n,
                      int line)
{
    if (m->nr != n)
        fprintf(stderr, "line %d: nr %u, expected %u\n", line, m->nr, n);
    CHECK_EQ(m->nr, n);
    for (uint32_t i = 0; i < n; i++) {
        if (m->r[i].start != e[i].start || m->r[i].end != e[i].end ||
            m->r[i].type != e[i].type)
            fprintf(stderr, "line %d: region %u is [%#llx,%#llx) %u, "
                    "expected [%#llx,%#llx) %u\n", line, i,
                    (unsigned long long)m->r[i].start,
                    (unsigned long long)m->r[i].end, m->r[i].type,
                    (unsigned long long)e[i].start,
                    (unsigned long long)e[i].end, e[i].type);
        CHECK_EQ(m->r[i].start, e[i].start);
        CHECK_EQ(m->r[i].end, e[i].end);
        CHECK_EQ(m->r[i].type, e[i].type);
    }
}
#define CHECK_MAP(m, e) check_map((m), (e), ARRAY_SIZE(e), __LINE__)

/* Sorted, disjoint, merged, RAM page-aligned: the sanitised-map invariant. */
static void check_invariant(const struct memmap *m)
{
    CHECK(m->nr <= MEMMAP_MAX);
    for (uint32_t i = 0; i < m->nr; i++) {
        CHECK(m->r[i].start < m->r[i].end);
        if (m->r[i].type == MEM_RAM) {
            CHECK_EQ(m->r[i].start % PAGE_SIZE, 0);
            CHECK_EQ(m->r[i].end % PAGE_SIZE, 0);
        }
        if (i > 0) {
            CHECK(m->r[i - 1].end <= m->r[i].start);
            CHECK(!(m->r[i - 1].end == m->r[i].start &&
                    m->r[i - 1].type == m->r[i].type));
        }
    }
}

static void add(uint64_t start, uint64_t end, uint32_t type)
{
    CHECK_EQ(memmap_add(&raw, start, end - start, type), 0);
}

static void sanitize(void)
{
    memset(&map, 0xa5, sizeof(map));
    memmap_sanitize(&raw, &map);
    check_invariant(&map);
}

TEST(add_drops_zero_length_and_wrapping)
{
    raw.nr = 0;
    CHECK_EQ(memmap_add(&raw, 0x1000, 0, MEM_RAM), 0);
    CHECK_EQ(raw.nr, 0);
    CHECK(ktest_log_contains("zero-length"));
    CHECK_EQ(memmap_add(&raw, 0xfffffffffffff000ULL, 0x2000, MEM_RAM), 0);
    CHECK_EQ(raw.nr, 0);
    CHECK(ktest_log_contains("wraps"));
    CHECK_EQ(memmap_add(&raw, 0x1000, 0x1000, 77), 0);
    CHECK_EQ(raw.nr, 1);
    CHECK_EQ(raw.r[0].type, MEM_RESERVED);
    CHECK(ktest_log_contains("unknown type 77"));
    /* firmware cannot claim Keel's own types */
    CHECK_EQ(memmap_add(&raw, 0x2000, 0x1000, MEM_KEEL), 0);
    CHECK_EQ(raw.r[1].type, MEM_RESERVED);
    /* the very top of the address space is representable up to 2^64-1 */
    CHECK_EQ(memmap_add(&raw, 0xfffffffffffff000ULL, 0xfff, MEM_RESERVED), 0);
    CHECK_EQ(raw.r[2].end, UINT64_MAX);
}

TEST(add_full_map_is_enospc)
{
    raw.nr = 0;
    for (uint32_t i = 0; i < MEMMAP_MAX; i++)
        CHECK_EQ(memmap_add(&raw, (uint64_t)i * 0x10000, 0x1000, MEM_RAM), 0);
    CHECK_EQ(memmap_add(&raw, 0x40000000, 0x1000, MEM_RAM), -ENOSPC);
    CHECK_EQ(raw.nr, MEMMAP_MAX);
    CHECK(ktest_log_contains("more than 256 entries"));
}

/* SeaBIOS e820 for qemu-system-x86_64 -M q35 -m 1G, shuffled. */
TEST(qemu_q35_1g)
{
    raw.nr = 0;
    add(0xfffc0000, 0x100000000ULL, MEM_RESERVED);
    add(0x100000, 0x3ffe0000, MEM_RAM);
    add(0xb0000000, 0xc0000000, MEM_RESERVED);
    add(0, 0x9fc00, MEM_RAM);
    add(0x3ffe0000, 0x40000000, MEM_RESERVED);
    add(0xfed1c000, 0xfed20000, MEM_RESERVED);
    add(0x9fc00, 0xa0000, MEM_RESERVED);
    add(0xf0000, 0x100000, MEM_RESERVED);
    add(0xfeffc000, 0xff000000, MEM_RESERVED);
    sanitize();
    static const struct expect want[] = {
        { 0, 0x9f000, MEM_RAM },
        { 0x9fc00, 0xa0000, MEM_RESERVED },
        { 0xf0000, 0x100000, MEM_RESERVED },
        { 0x100000, 0x3ffe0000, MEM_RAM },
        { 0x3ffe0000, 0x40000000, MEM_RESERVED },
        { 0xb0000000, 0xc0000000, MEM_RESERVED },
        { 0xfed1c000, 0xfed20000, MEM_RESERVED },
        { 0xfeffc000, 0xff000000, MEM_RESERVED },
        { 0xfffc0000, 0x100000000ULL, MEM_RESERVED },
    };
    CHECK_MAP(&map, want);
    CHECK_EQ(memmap_total(&map, MEM_RAM), 0x9f000 + 0x3fee0000);
    CHECK_EQ(memmap_ram_end(&map), 0x3ffe0000);
}

/* SeaBIOS e820 for qemu-system-x86_64 -M q35 -m 6G: 2G below 4G, 4G above. */
TEST(qemu_q35_6g)
{
    raw.nr = 0;
    add(0, 0x9fc00, MEM_RAM);
    add(0x9fc00, 0xa0000, MEM_RESERVED);
    add(0xf0000, 0x100000, MEM_RESERVED);
    add(0x100000, 0x7ffe0000, MEM_RAM);
    add(0x7ffe0000, 0x80000000, MEM_RESERVED);
    add(0xb0000000, 0xc0000000, MEM_RESERVED);
    add(0xfed1c000, 0xfed20000, MEM_RESERVED);
    add(0xfeffc000, 0xff000000, MEM_RESERVED);
    add(0xfffc0000, 0x100000000ULL, MEM_RESERVED);
    add(0x100000000ULL, 0x200000000ULL, MEM_RAM);
    sanitize();
    static const struct expect want[] = {
        { 0, 0x9f000, MEM_RAM },
        { 0x9fc00, 0xa0000, MEM_RESERVED },
        { 0xf0000, 0x100000, MEM_RESERVED },
        { 0x100000, 0x7ffe0000, MEM_RAM },
        { 0x7ffe0000, 0x80000000, MEM_RESERVED },
        { 0xb0000000, 0xc0000000, MEM_RESERVED },
        { 0xfed1c000, 0xfed20000, MEM_RESERVED },
        { 0xfeffc000, 0xff000000, MEM_RESERVED },
        { 0xfffc0000, 0x100000000ULL, MEM_RESERVED },
        { 0x100000000ULL, 0x200000000ULL, MEM_RAM },
    };
    CHECK_MAP(&map, want);
    CHECK_EQ(memmap_ram_end(&map), 0x200000000ULL);
    CHECK_EQ(memmap_total(&map, MEM_RAM), 0x9f000 + 0x7fee0000 + 0x100000000ULL);
}

TEST(overlaps_restrictive_type_wins)
{
    raw.nr = 0;
    add(0x0, 0x100000, MEM_RAM);             /* RAM with ACPI, NVS inside */
    add(0x10000, 0x30000, MEM_ACPI);
    add(0x20000, 0x40000, MEM_NVS);          /* NVS beats overlapping ACPI */
    add(0x38000, 0x50000, MEM_UNUSABLE);     /* unusable beats NVS */
    add(0x48000, 0x60000, MEM_RESERVED);     /* reserved beats everything */
    add(0x58000, 0x70000, MEM_ACPI);         /* ... including later ACPI */
    sanitize();
    static const struct expect want[] = {
        { 0x0, 0x10000, MEM_RAM },
        { 0x10000, 0x20000, MEM_ACPI },
        { 0x20000, 0x38000, MEM_NVS },
        { 0x38000, 0x48000, MEM_UNUSABLE },
        { 0x48000, 0x60000, MEM_RESERVED },
        { 0x60000, 0x70000, MEM_ACPI },
        { 0x70000, 0x100000, MEM_RAM },
    };
    CHECK_MAP(&map, want);
}

TEST(nested_duplicates_and_ram_inside_reserved)
{
    raw.nr = 0;
    add(0x100000, 0x200000, MEM_RAM);
    add(0x100000, 0x200000, MEM_RAM);        /* identical duplicate */
    add(0x140000, 0x180000, MEM_RAM);        /* nested duplicate */
    add(0x300000, 0x400000, MEM_RESERVED);
    add(0x320000, 0x330000, MEM_RAM);        /* RAM inside reserved: ignored */
    add(0x180000, 0x300000, MEM_RAM);        /* touches: merges */
    add(0x500000, 0x500000 + 0x800, MEM_RAM);/* smaller than a page: gone */
    sanitize();
    static const struct expect want[] = {
        { 0x100000, 0x300000, MEM_RAM },
        { 0x300000, 0x400000, MEM_RESERVED },
    };
    CHECK_MAP(&map, want);
}

TEST(unaligned_ram_shrinks_inward_others_keep_bounds)
{
    raw.nr = 0;
    add(0x1234, 0x9fe00, MEM_RAM);
    add(0xa0010, 0xa0f00, MEM_ACPI);
    add(0xa0f00, 0xa3001, MEM_RAM);          /* adjacent to ACPI */
    add(0xa3001, 0xa4000, MEM_RAM);          /* merges before shrinking */
    sanitize();
    static const struct expect want[] = {
        { 0x2000, 0x9f000, MEM_RAM },
        { 0xa0010, 0xa0f00, MEM_ACPI },
        { 0xa1000, 0xa4000, MEM_RAM },
    };
    CHECK_MAP(&map, want);
}

TEST(raw_map_not_modified_and_empty_map)
{
    raw.nr = 0;
    sanitize();
    CHECK_EQ(map.nr, 0);
    add(0x3000, 0x5000, MEM_RAM);
    add(0x1000, 0x4000, MEM_RESERVED);
    struct memmap copy = raw;
    sanitize();
    CHECK(memcmp(&copy, &raw, sizeof(raw)) == 0);
    static const struct expect want[] = {
        { 0x1000, 0x4000, MEM_RESERVED },
        { 0x4000, 0x5000, MEM_RAM },
    };
    CHECK_MAP(&map, want);
}

TEST(top_of_address_space)
{
    raw.nr = 0;
    add(0xffffffff00000000ULL, UINT64_MAX, MEM_RAM);
    add(0xfffffffffffff800ULL, UINT64_MAX, MEM_RESERVED);
    add(0xffffffffffffff00ULL, UINT64_MAX, MEM_RAM);
    sanitize();
    static const struct expect want[] = {
        { 0xffffffff00000000ULL, 0xfffffffffffff000ULL, MEM_RAM },
        { 0xfffffffffffff800ULL, UINT64_MAX, MEM_RESERVED },
    };
    CHECK_MAP(&map, want);
}

/* A raw map built by hand may hold garbage the adder would have refused. */
TEST(hostile_raw_struct)
{
    memset(&raw, 0, sizeof(raw));
    raw.nr = 0xffffffffu;                    /* clamped to MEMMAP_MAX */
    raw.r[0] = (struct mem_region){ 0x5000, 0x1000, MEM_RAM }; /* inverted */
    raw.r[1] = (struct mem_region){ 0x8000, 0x8000, MEM_RAM }; /* empty */
    raw.r[2] = (struct mem_region){ 0x10000, 0x20000, 0 };     /* bad type */
    raw.r[3] = (struct mem_region){ 0x0, 0x40000, MEM_RAM };
    sanitize();
    static const struct expect want[] = {
        { 0x0, 0x10000, MEM_RAM },
        { 0x10000, 0x20000, MEM_RESERVED },
        { 0x20000, 0x40000, MEM_RAM },
    };
    CHECK_MAP(&map, want);
}

/* 300 entries: the adder stops at 256; alternating RAM/ACPI never merges. */
TEST(three_hundred_entries)
{
    int full = 0;

    raw.nr = 0;
    for (uint32_t i = 0; i < 300; i++) {
        uint32_t type = (i & 1) ? MEM_ACPI : MEM_RAM;
        uint64_t start = 0x100000 + (uint64_t)(299 - i) * 0x1000;
        if (memmap_add(&raw, start, 0x1000, type) == -ENOSPC)
            full++;
    }
    CHECK_EQ(full, 300 - MEMMAP_MAX);
    sanitize();
    CHECK_EQ(map.nr, MEMMAP_MAX);
    /* entries i = 0..255 cover pfns 0x100+44 .. 0x100+299, sorted upward */
    CHECK_EQ(map.r[0].start, 0x100000 + 44 * 0x1000);
    CHECK_EQ(map.r[0].type, MEM_ACPI);        /* i = 255 is odd */
    CHECK_EQ(map.r[MEMMAP_MAX - 1].end, 0x100000 + 300 * 0x1000);
    CHECK_EQ(map.r[MEMMAP_MAX - 1].type, MEM_RAM);
}

/* Nested reserved holes punch RAM into more pieces than MEMMAP_MAX. */
TEST(sanitised_overflow_is_logged_and_safe)
{
    raw.nr = 0;
    add(0, 0x10000000, MEM_RAM);
    for (uint32_t i = 0; i < MEMMAP_MAX - 1; i++)
        add(0x10000 + (uint64_t)i * 0x10000, 0x11000 + (uint64_t)i * 0x10000,
            MEM_RESERVED);
    sanitize();
    CHECK_EQ(map.nr, MEMMAP_MAX);
    CHECK(ktest_log_contains("more than 256 regions"));
    /* what was kept is exact: RAM, hole, RAM, ... from address 0 */
    CHECK_EQ(map.r[0].start, 0);
    CHECK_EQ(map.r[0].end, 0x10000);
    CHECK_EQ(map.r[1].type, MEM_RESERVED);
    CHECK_EQ(map.r[2].start, 0x11000);
    CHECK_EQ(map.r[2].type, MEM_RAM);
}

static void build_simple(void)
{
    raw.nr = 0;
    add(0, 0x9f000, MEM_RAM);
    add(0xf0000, 0x100000, MEM_RESERVED);
    add(0x100000, 0x8000000, MEM_RAM);
    sanitize();
}

TEST(reserve_splits_and_merges)
{
    build_simple();
    CHECK_EQ(memmap_reserve(&map, 0x200000, 0x300000, MEM_KEEL), 0);
    /* unaligned range widens to whole pages and merges with the first */
    CHECK_EQ(memmap_reserve(&map, 0x300010, 0x300ff0, MEM_KEEL), 0);
    CHECK_EQ(memmap_reserve(&map, 0x1000000, 0x1800000, MEM_MODULE), 0);
    /* reserve at the very end of a region */
    CHECK_EQ(memmap_reserve(&map, 0x7fff000, 0x8000000, MEM_MODULE), 0);
    static const struct expect want[] = {
        { 0, 0x9f000, MEM_RAM },
        { 0xf0000, 0x100000, MEM_RESERVED },
        { 0x100000, 0x200000, MEM_RAM },
        { 0x200000, 0x301000, MEM_KEEL },
        { 0x301000, 0x1000000, MEM_RAM },
        { 0x1000000, 0x1800000, MEM_MODULE },
        { 0x1800000, 0x7fff000, MEM_RAM },
        { 0x7fff000, 0x8000000, MEM_MODULE },
    };
    CHECK_MAP(&map, want);
    check_invariant(&map);
    CHECK_EQ(memmap_ram_end(&map), 0x8000000);
    CHECK_EQ(memmap_total(&map, MEM_KEEL), 0x101000);
    CHECK_EQ(memmap_total(&map, MEM_MODULE), 0x801000);
}

TEST(reserve_refuses_non_ram)
{
    build_simple();
    struct memmap before = map;
    CHECK_EQ(memmap_reserve(&map, 0xf8000, 0xf9000, MEM_KEEL), -EINVAL);
    CHECK(ktest_log_contains("not all RAM"));
    /* straddles the RAM/reserved boundary */
    CHECK_EQ(memmap_reserve(&map, 0x9e000, 0xa0000, MEM_KEEL), -EINVAL);
    /* beyond all RAM, wrapping, empty, wrong type */
    CHECK_EQ(memmap_reserve(&map, 0x10000000, 0x10001000, MEM_KEEL), -EINVAL);
    CHECK_EQ(memmap_reserve(&map, 0x1000, UINT64_MAX, MEM_KEEL), -EINVAL);
    CHECK_EQ(memmap_reserve(&map, 0x2000, 0x2000, MEM_KEEL), -EINVAL);
    CHECK_EQ(memmap_reserve(&map, 0x2000, 0x3000, MEM_RAM), -EINVAL);
    CHECK(memcmp(&before, &map, sizeof(map)) == 0);
    /* reserving twice: the second time it is no longer RAM */
    CHECK_EQ(memmap_reserve(&map, 0x400000, 0x500000, MEM_MODULE), 0);
    CHECK_EQ(memmap_reserve(&map, 0x480000, 0x490000, MEM_KEEL), -EINVAL);
}

TEST(reserve_full_map_is_enospc)
{
    raw.nr = 0;
    for (uint32_t i = 0; i < MEMMAP_MAX; i++)
        add((uint64_t)i * 0x100000, (uint64_t)i * 0x100000 + 0x10000,
            (i & 1) ? MEM_RESERVED : MEM_RAM);
    sanitize();
    CHECK_EQ(map.nr, MEMMAP_MAX);
    CHECK_EQ(memmap_reserve(&map, 0x4000, 0x5000, MEM_KEEL), -ENOSPC);
    /* a reserve at a region's edge needs only one more slot: still full */
    CHECK_EQ(memmap_reserve(&map, 0x0, 0x1000, MEM_KEEL), -ENOSPC);
    /* a whole region changes type in place */
    CHECK_EQ(memmap_reserve(&map, 0x0, 0x10000, MEM_KEEL), 0);
    CHECK_EQ(map.r[0].type, MEM_KEEL);
}

TEST(find_free)
{
    uint64_t at = 0xdead;

    build_simple();
    CHECK_EQ(memmap_find_free(&map, 0x1000, 0, UINT64_MAX, &at), 0);
    CHECK_EQ(at, 0);
    /* too big for low memory: goes above 1M */
    CHECK_EQ(memmap_find_free(&map, 0xa0000, PAGE_SIZE, UINT64_MAX, &at), 0);
    CHECK_EQ(at, 0x100000);
    /* alignment */
    CHECK_EQ(memmap_find_free(&map, 0x1000, 0x200000, UINT64_MAX, &at), 0);
    CHECK_EQ(at, 0);
    CHECK_EQ(memmap_reserve(&map, 0x0, 0x1000, MEM_KEEL), 0);
    CHECK_EQ(memmap_find_free(&map, 0x1000, 0x200000, UINT64_MAX, &at), 0);
    CHECK_EQ(at, 0x200000);
    /* sizes round up to pages: 0x9e001 bytes no longer fit in [0x1000,0x9f000) */
    CHECK_EQ(memmap_find_free(&map, 0x9e000, 0, UINT64_MAX, &at), 0);
    CHECK_EQ(at, 0x1000);
    CHECK_EQ(memmap_find_free(&map, 0x9e001, 0, UINT64_MAX, &at), 0);
    CHECK_EQ(at, 0x100000);
    /* limit: entirely below */
    CHECK_EQ(memmap_find_free(&map, 0x100000, 0, 0x200000, &at), 0);
    CHECK_EQ(at, 0x100000);
    at = 0xdead;
    CHECK_EQ(memmap_find_free(&map, 0x100001, 0, 0x200000, &at), -ENOMEM);
    CHECK_EQ(at, 0xdead);
    CHECK_EQ(memmap_find_free(&map, 0x10000000, 0, UINT64_MAX, &at), -ENOMEM);
    /* reserved RAM is not free */
    CHECK_EQ(memmap_reserve(&map, 0x100000, 0x8000000, MEM_KEEL), 0);
    CHECK_EQ(memmap_find_free(&map, 0xa0000, 0, UINT64_MAX, &at), -ENOMEM);
    /* bad arguments */
    CHECK_EQ(memmap_find_free(&map, 0, 0, UINT64_MAX, &at), -EINVAL);
    CHECK_EQ(memmap_find_free(&map, 0x1000, 0x3000, UINT64_MAX, &at), -EINVAL);
    CHECK_EQ(memmap_find_free(&map, UINT64_MAX, 0, UINT64_MAX, &at), -EINVAL);
    /* huge alignment near the top does not wrap */
    raw.nr = 0;
    add(0xfffffffffff00000ULL, 0xffffffffffff0000ULL, MEM_RAM);
    sanitize();
    CHECK_EQ(memmap_find_free(&map, 0x1000, 1ULL << 63, UINT64_MAX, &at), -ENOMEM);
    CHECK_EQ(memmap_find_free(&map, 0x1000, 0x100000, UINT64_MAX, &at), 0);
    CHECK_EQ(at, 0xfffffffffff00000ULL);
}

TEST(type_names)
{
    CHECK(strcmp(memmap_type_name(MEM_RAM), "ram") == 0);
    CHECK(strcmp(memmap_type_name(MEM_RESERVED), "reserved") == 0);
    CHECK(strcmp(memmap_type_name(MEM_ACPI), "acpi") == 0);
    CHECK(strcmp(memmap_type_name(MEM_NVS), "nvs") == 0);
    CHECK(strcmp(memmap_type_name(MEM_UNUSABLE), "unusable") == 0);
    CHECK(strcmp(memmap_type_name(MEM_KEEL), "keel") == 0);
    CHECK(strcmp(memmap_type_name(MEM_MODULE), "module") == 0);
    CHECK(strcmp(memmap_type_name(12), "type 12") == 0);
}

/* Random hostile maps: the invariant holds and every byte's type matches a
 * brute-force evaluation of the raw map at sampled addresses. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint32_t rank(uint32_t t)
{
    static const uint32_t r[] = { [MEM_RAM] = 0, [MEM_ACPI] = 3, [MEM_NVS] = 4,
                                  [MEM_UNUSABLE] = 5, [MEM_RESERVED] = 6 };
    return r[t];
}

static uint32_t brute_type(uint64_t addr)
{
    uint32_t best = 0;
    for (uint32_t i = 0; i < raw.nr; i++)
        if (raw.r[i].start <= addr && addr < raw.r[i].end &&
            (best == 0 || rank(raw.r[i].type) > rank(best)))
            best = raw.r[i].type;
    return best;
}

static uint32_t map_type(uint64_t addr)
{
    for (uint32_t i = 0; i < map.nr; i++)
        if (map.r[i].start <= addr && addr < map.r[i].end)
            return map.r[i].type;
    return 0;
}

/* Every byte of the page at pg is RAM in the raw map (exact, not sampled). */
static bool page_is_ram(uint64_t pg)
{
    uint64_t pos = pg, end = pg + 0x1000;
    bool moved = true;

    for (uint32_t i = 0; i < raw.nr; i++)
        if (raw.r[i].type != MEM_RAM && raw.r[i].start < end && pg < raw.r[i].end)
            return false;
    while (pos < end && moved) {
        moved = false;
        for (uint32_t i = 0; i < raw.nr; i++)
            if (raw.r[i].type == MEM_RAM && raw.r[i].start <= pos &&
                pos < raw.r[i].end) {
                pos = raw.r[i].end;
                moved = true;
            }
    }
    return pos >= end;
}

TEST(random_maps_match_brute_force)
{
    for (int round = 0; round < 200; round++) {
        raw.nr = 0;
        uint32_t n = 1 + rng() % 40;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t start = rng() % 0x100000;
            uint64_t len = rng() % 0x20000;
            CHECK(memmap_add(&raw, start, len, 1 + rng() % 5) == 0);
        }
        sanitize();
        for (int k = 0; k < 2000; k++) {
            uint64_t addr = rng() % 0x120000;
            uint32_t want = brute_type(addr), got = map_type(addr);
            if (want == MEM_RAM) {
                /* RAM survives exactly where its whole page is RAM */
                CHECK_EQ(got, page_is_ram(addr & ~(uint64_t)0xfff) ? MEM_RAM : 0);
            } else {
                CHECK_EQ(got, want);
            }
        }
    }
}
