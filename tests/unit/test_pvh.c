// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for the PVH start info builder (hypervisor/common/pvh_start_info.c):
 * a known request laid out in a host buffer standing for guest memory and
 * checked byte by byte (read back as little-endian fields at the offsets of
 * Xen's layout, not through the structs), then the limits: area too small by
 * one byte, areas wrapping or above 4 GiB, too many modules or map entries,
 * too long command lines, modules overlapping the area, failing callbacks.
 */
#include "ktest.h"

#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/pvh.h>

#include <stddef.h>

#define GUEST_SIZE  0x200000ULL     /* guest memory: GPA [0, 2 MiB) */

struct guest_mem {
    uint8_t mem[GUEST_SIZE];
    int copies;
    int fail_at;                    /* 1-based copy to fail, 0: never */
};

static int mem_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    struct guest_mem *g = ctx;

    CHECK(gpa <= GUEST_SIZE && len <= GUEST_SIZE - gpa);
    if (gpa > GUEST_SIZE || len > GUEST_SIZE - gpa)
        return -EFAULT;
    if (++g->copies == g->fail_at)
        return -EIO;
    memcpy(g->mem + gpa, src, len);
    return 0;
}

static struct guest_mem *guest_new(void)
{
    struct guest_mem *g = calloc(1, sizeof(*g));

    memset(g->mem, 0xaa, sizeof(g->mem));
    return g;
}

static struct gpa_write_ops guest_ops(struct guest_mem *g)
{
    return (struct gpa_write_ops){ .ctx = g, .copy_to_gpa = mem_copy };
}

static uint64_t rd(const struct guest_mem *g, uint64_t gpa, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | g->mem[gpa + i];
    return v;
}

static bool untouched(const struct guest_mem *g, uint64_t from, uint64_t to)
{
    for (uint64_t a = from; a < to; a++)
        if (g->mem[a] != 0xaa)
            return false;
    return true;
}

static const char kernel_cmdline[] = "console=hvc0 root=/dev/xvda1 ro";

static const struct pvh_module two_modules[] = {
    { 0x100000, 0x23456, "initrd" },
    { 0x180000, 0x1000, NULL },
};

static const struct hvm_memmap_table_entry three_ranges[] = {
    { 0x0, 0x9f000, XEN_HVM_MEMMAP_TYPE_RAM, 0xdeadbeef },  /* reserved is ignored */
    { 0x100000, 0x7ff00000, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
    { 0xfc000000, 0x1000000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 },
};

static struct pvh_start_params dom0_params(void)
{
    return (struct pvh_start_params){
        .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
        .cmdline = kernel_cmdline,
        .modules = two_modules, .nr_modules = 2,
        .rsdp_paddr = 0xfc000000,
        .memmap = three_ranges, .nr_memmap = 3,
    };
}

TEST(abi_values_and_layout)
{
    CHECK_EQ(SIF_PRIVILEGED, 1);
    CHECK_EQ(SIF_INITDOMAIN, 2);
    CHECK_EQ(XEN_HVM_START_MAGIC_VALUE, 0x336ec578);
    CHECK_EQ(XEN_HVM_MEMMAP_TYPE_RAM, 1);
    CHECK_EQ(XEN_HVM_MEMMAP_TYPE_PMEM, 7);
    CHECK_EQ(sizeof(struct hvm_start_info), 56);
    CHECK_EQ(offsetof(struct hvm_start_info, modlist_paddr), 16);
    CHECK_EQ(offsetof(struct hvm_start_info, rsdp_paddr), 32);
    CHECK_EQ(offsetof(struct hvm_start_info, memmap_paddr), 40);
    CHECK_EQ(offsetof(struct hvm_start_info, memmap_entries), 48);
    CHECK_EQ(sizeof(struct hvm_modlist_entry), 32);
    CHECK_EQ(offsetof(struct hvm_modlist_entry, cmdline_paddr), 16);
    CHECK_EQ(sizeof(struct hvm_memmap_table_entry), 24);
    CHECK_EQ(offsetof(struct hvm_memmap_table_entry, type), 16);
}

/* The known layout, from an unaligned area start 0x6004:
 *   0x6008 start info (56)   0x6040 modlist (2 x 32)   0x6080 memmap (3 x 24)
 *   0x60c8 kernel command line (32 with NUL)   0x60e8 "initrd" (7)   end 0x60ef */
TEST(known_layout_exact_bytes)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = dom0_params();
    uint64_t si = 0, size = 0;

    CHECK_EQ(sizeof(kernel_cmdline), 32);
    CHECK_EQ(pvh_start_info_size(&p, 0x6004, &size), 0);
    CHECK_EQ(size, 0x60ef - 0x6004);
    CHECK_EQ(pvh_build_start_info(&p, 0x6004, 0x1000, &ops, &si), 0);
    CHECK_EQ(si, 0x6008);

    CHECK_EQ(rd(g, 0x6008, 4), 0x336ec578);             /* magic */
    CHECK(memcmp(&g->mem[0x6008], "\x78\xc5\x6e\x33", 4) == 0);
    CHECK_EQ(rd(g, 0x6008 + 4, 4), 1);                  /* version */
    CHECK_EQ(rd(g, 0x6008 + 8, 4), 3);                  /* flags */
    CHECK_EQ(rd(g, 0x6008 + 12, 4), 2);                 /* nr_modules */
    CHECK_EQ(rd(g, 0x6008 + 16, 8), 0x6040);            /* modlist_paddr */
    CHECK_EQ(rd(g, 0x6008 + 24, 8), 0x60c8);            /* cmdline_paddr */
    CHECK_EQ(rd(g, 0x6008 + 32, 8), 0xfc000000);        /* rsdp_paddr */
    CHECK_EQ(rd(g, 0x6008 + 40, 8), 0x6080);            /* memmap_paddr */
    CHECK_EQ(rd(g, 0x6008 + 48, 4), 3);                 /* memmap_entries */
    CHECK_EQ(rd(g, 0x6008 + 52, 4), 0);                 /* reserved */

    CHECK_EQ(rd(g, 0x6040, 8), 0x100000);
    CHECK_EQ(rd(g, 0x6040 + 8, 8), 0x23456);
    CHECK_EQ(rd(g, 0x6040 + 16, 8), 0x60e8);
    CHECK_EQ(rd(g, 0x6040 + 24, 8), 0);
    CHECK_EQ(rd(g, 0x6060, 8), 0x180000);
    CHECK_EQ(rd(g, 0x6060 + 8, 8), 0x1000);
    CHECK_EQ(rd(g, 0x6060 + 16, 8), 0);                 /* no command line */
    CHECK_EQ(rd(g, 0x6060 + 24, 8), 0);

    for (int i = 0; i < 3; i++) {
        uint64_t e = 0x6080 + 24 * i;

        CHECK_EQ(rd(g, e, 8), three_ranges[i].addr);
        CHECK_EQ(rd(g, e + 8, 8), three_ranges[i].size);
        CHECK_EQ(rd(g, e + 16, 4), three_ranges[i].type);
        CHECK_EQ(rd(g, e + 20, 4), 0);
    }
    CHECK(memcmp(&g->mem[0x60c8], kernel_cmdline, 32) == 0);
    CHECK(memcmp(&g->mem[0x60e8], "initrd", 7) == 0);
    CHECK(untouched(g, 0, 0x6008));
    CHECK(untouched(g, 0x60ef, GUEST_SIZE));
    free(g);
}

TEST(minimal_start_info)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = { 0 };
    uint64_t si = 0;

    CHECK_EQ(pvh_build_start_info(&p, 0x7000, 56, &ops, &si), 0);
    CHECK_EQ(si, 0x7000);
    CHECK_EQ(rd(g, 0x7000, 4), XEN_HVM_START_MAGIC_VALUE);
    CHECK_EQ(rd(g, 0x7004, 4), 1);
    for (int off = 8; off < 56; off += 4)
        CHECK_EQ(rd(g, 0x7000 + off, 4), 0);
    CHECK(untouched(g, 0x7038, GUEST_SIZE));
    CHECK_EQ(g->copies, 1);

    /* An empty command line is still a command line. */
    p.cmdline = "";
    CHECK_EQ(pvh_build_start_info(&p, 0x7000, 57, &ops, &si), 0);
    CHECK_EQ(rd(g, 0x7000 + 24, 8), 0x7038);
    CHECK_EQ(g->mem[0x7038], 0);
    free(g);
}

/* The exact size fits; one byte less is refused and writes nothing. */
TEST(area_too_small_refused)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = dom0_params();
    uint64_t size = 0, si = 0x1234;

    CHECK_EQ(pvh_start_info_size(&p, 0x8000, &size), 0);
    CHECK_EQ(size, 56 + 64 + 72 + 32 + 7);
    for (uint64_t s = 0; s < size; s++) {
        ktest_log_clear();
        CHECK_EQ(pvh_build_start_info(&p, 0x8000, s, &ops, &si), -ENOSPC);
    }
    CHECK(ktest_log_contains("area has"));
    CHECK_EQ(si, 0x1234);
    CHECK_EQ(g->copies, 0);
    CHECK(untouched(g, 0, GUEST_SIZE));
    CHECK_EQ(pvh_build_start_info(&p, 0x8000, size, &ops, &si), 0);
    CHECK_EQ(si, 0x8000);
    CHECK(untouched(g, 0x8000 + size, GUEST_SIZE));
    /* Alignment padding counts against the area. */
    CHECK_EQ(pvh_build_start_info(&p, 0x8001, size, &ops, &si), -ENOSPC);
    CHECK_EQ(pvh_build_start_info(&p, 0x8001, size + 7, &ops, &si), 0);
    free(g);
}

TEST(area_placement_refused)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = dom0_params();
    uint64_t si;

    CHECK_EQ(pvh_build_start_info(&p, ~0ULL - 0x10, 0x100, &ops, &si), -EINVAL);
    CHECK(ktest_log_contains("wraps"));
    CHECK_EQ(pvh_build_start_info(&p, 1ULL << 32, 0x1000, &ops, &si), -EINVAL);
    CHECK(ktest_log_contains("above 4 GiB"));
    CHECK_EQ(pvh_build_start_info(&p, (1ULL << 32) - 0x80, 0x1000, &ops, &si), -EINVAL);
    CHECK(ktest_log_contains("would end at 0x1000000"));
    CHECK_EQ(g->copies, 0);
    free(g);
}

TEST(counts_bounded)
{
    static struct pvh_module mods[PVH_MAX_MODULES + 1];
    static struct hvm_memmap_table_entry map[PVH_MAX_MEMMAP + 1];
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = { 0 };
    uint64_t si;

    for (int i = 0; i <= PVH_MAX_MODULES; i++)
        mods[i] = (struct pvh_module){ 0x100000 + i * 0x1000, 0x1000, "m" };
    for (int i = 0; i <= PVH_MAX_MEMMAP; i++)
        map[i] = (struct hvm_memmap_table_entry){ i * 0x10000ULL, 0x10000, 1, 0 };
    p.modules = mods;
    p.memmap = map;
    p.nr_modules = PVH_MAX_MODULES;
    p.nr_memmap = PVH_MAX_MEMMAP;
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), 0);
    CHECK_EQ(rd(g, si + 12, 4), PVH_MAX_MODULES);
    CHECK_EQ(rd(g, si + 48, 4), PVH_MAX_MEMMAP);
    /* The last module's command line is the last thing written. */
    uint64_t last_mod = si + 56 + 32 * (PVH_MAX_MODULES - 1);
    CHECK_EQ(rd(g, last_mod, 8), 0x100000 + (PVH_MAX_MODULES - 1) * 0x1000);
    CHECK_EQ(g->mem[rd(g, last_mod + 16, 8)], 'm');

    p.nr_modules = PVH_MAX_MODULES + 1;
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), -E2BIG);
    p.nr_modules = 1;
    p.nr_memmap = PVH_MAX_MEMMAP + 1;
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), -E2BIG);
    p.nr_memmap = 1;
    p.memmap = NULL;
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), -EINVAL);
    p.memmap = map;
    p.modules = NULL;
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), -EINVAL);
    free(g);
}

TEST(string_lengths_bounded)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = { 0 };
    struct pvh_module mod = { 0x100000, 0x1000, NULL };
    char *longest = malloc(PVH_CMDLINE_MAX + 1);
    uint64_t si, size;

    memset(longest, 'c', PVH_CMDLINE_MAX);
    longest[PVH_CMDLINE_MAX - 1] = 0;                   /* 2047 characters */
    p.cmdline = longest;
    CHECK_EQ(pvh_start_info_size(&p, 0x1000, &size), 0);
    CHECK_EQ(size, 56 + PVH_CMDLINE_MAX);
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), 0);
    CHECK_EQ(g->mem[0x1000 + 56 + PVH_CMDLINE_MAX - 1], 0);
    CHECK_EQ(g->mem[0x1000 + 56 + PVH_CMDLINE_MAX - 2], 'c');

    longest[PVH_CMDLINE_MAX - 1] = 'c';
    longest[PVH_CMDLINE_MAX] = 0;                       /* 2048: too long */
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), -E2BIG);
    CHECK(ktest_log_contains("command line longer"));
    CHECK_EQ(pvh_start_info_size(&p, 0x1000, &size), -E2BIG);

    p.cmdline = "ok";
    mod.cmdline = longest;
    p.modules = &mod;
    p.nr_modules = 1;
    CHECK_EQ(pvh_build_start_info(&p, 0x1000, 0x10000, &ops, &si), -E2BIG);
    CHECK(ktest_log_contains("module 0 command line"));
    free(longest);
    free(g);
}

TEST(ranges_checked)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = dom0_params();
    struct pvh_module mods[2] = { two_modules[0], two_modules[1] };
    struct hvm_memmap_table_entry map[3] = { three_ranges[0], three_ranges[1],
                                             three_ranges[2] };
    uint64_t si, size;

    p.modules = mods;
    p.memmap = map;
    CHECK_EQ(pvh_start_info_size(&p, 0x9000, &size), 0);

    mods[1] = (struct pvh_module){ ~0ULL - 0xfff, 0x2000, NULL };
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), -EINVAL);
    CHECK(ktest_log_contains("module 1"));
    /* Overlapping the area at either end, or inside it, is refused ... */
    mods[1] = (struct pvh_module){ 0x8000, 0x1001, NULL };
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), -EINVAL);
    CHECK(ktest_log_contains("overlaps the start info area"));
    mods[1] = (struct pvh_module){ 0x9000 + size - 1, 0x1000, NULL };
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), -EINVAL);
    mods[1] = (struct pvh_module){ 0x9010, 0x10, NULL };
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), -EINVAL);
    /* ... touching it is not, and neither is an empty module. */
    mods[1] = (struct pvh_module){ 0x8000, 0x1000, NULL };
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), 0);
    mods[1] = (struct pvh_module){ 0x9000 + size, 0x1000, NULL };
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), 0);
    mods[1] = (struct pvh_module){ 0x9010, 0, NULL };
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), 0);

    map[2].addr = ~0ULL - 10;
    CHECK_EQ(pvh_build_start_info(&p, 0x9000, 0x1000, &ops, &si), -EINVAL);
    CHECK(ktest_log_contains("memory map entry 2"));
    free(g);
}

TEST(callback_errors_and_bad_arguments)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct pvh_start_params p = dom0_params();
    uint64_t si = 0x5555, size;

    /* Writes: 2 strings, 2 modlist entries, 3 memmap entries, the start info. */
    for (int fail = 1; fail <= 8; fail++) {
        g->copies = 0;
        g->fail_at = fail;
        CHECK_EQ(pvh_build_start_info(&p, 0x6000, 0x1000, &ops, &si), -EIO);
        CHECK_EQ(g->copies, fail);
        CHECK_EQ(si, 0x5555);
    }
    g->copies = 0;
    g->fail_at = 9;
    CHECK_EQ(pvh_build_start_info(&p, 0x6000, 0x1000, &ops, &si), 0);
    CHECK_EQ(g->copies, 8);

    CHECK_EQ(pvh_build_start_info(NULL, 0x6000, 0x1000, &ops, &si), -EINVAL);
    CHECK_EQ(pvh_build_start_info(&p, 0x6000, 0x1000, NULL, &si), -EINVAL);
    CHECK_EQ(pvh_build_start_info(&p, 0x6000, 0x1000, &ops, NULL), -EINVAL);
    CHECK_EQ(pvh_start_info_size(NULL, 0x6000, &size), -EINVAL);
    ops.copy_to_gpa = NULL;
    CHECK_EQ(pvh_build_start_info(&p, 0x6000, 0x1000, &ops, &si), -EINVAL);
    free(g);
}
