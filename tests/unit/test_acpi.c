// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for the ACPI table parser (hypervisor/arch/x86/acpi/): the tables
 * QEMU 7.2 + SeaBIOS build for -M q35 and -M pc (-smp 4), captured by
 * tests/unit/fixtures/acpi/capture.py, must parse to exact values; corrupted
 * copies must be skipped with a warning while the rest still parses; random
 * byte flips must never crash or read out of bounds (ASan).
 *
 * acpi_map() here is a lookup into a memory image: a zeroed 1 MiB of low
 * memory holding the fixture's low ranges (BDA word, RSDP), plus one exact-
 * size heap block per fixture range above 1 MiB, so any overrun hits ASan.
 */
#include "ktest.h"

#include <asm/acpi.h>
#include <errno.h>
#include <string.h>

__asm__(".section .rodata\n"
        ".balign 8\n"
        "fx_q35_start:\n"
        ".incbin \"tests/unit/fixtures/acpi/q35.bin\"\n"
        "fx_q35_end:\n"
        ".balign 8\n"
        "fx_pc_start:\n"
        ".incbin \"tests/unit/fixtures/acpi/pc.bin\"\n"
        "fx_pc_end:\n"
        ".previous\n");
extern const uint8_t fx_q35_start[], fx_q35_end[], fx_pc_start[], fx_pc_end[];

/* ---- the memory image ---------------------------------------------------- */

#define LOW_MEM     0x100000u
#define MAX_REGIONS 16

struct region {
    uint64_t base;
    uint64_t len;
    uint8_t *data;
};

static struct region regions[MAX_REGIONS];
static int nr_regions;

const void *acpi_map(uint64_t phys, uint64_t len)
{
    for (int i = 0; i < nr_regions; i++) {
        struct region *r = &regions[i];

        if (phys >= r->base && len <= r->len && phys - r->base <= r->len - len)
            return r->data + (phys - r->base);
    }
    return NULL;
}

static uint8_t *mem(uint64_t phys, uint64_t len)
{
    uint8_t *p = (uint8_t *)acpi_map(phys, len);

    CHECK(p != NULL);
    return p;
}

static void add_region(uint64_t base, uint64_t len)
{
    CHECK(nr_regions < MAX_REGIONS);
    regions[nr_regions++] = (struct region){ base, len, calloc(1, len ? len : 1) };
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void wr64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Load a fixture (format: see capture.py) into a fresh memory image. */
static void load_fixture(const uint8_t *start, const uint8_t *end)
{
    size_t size = (size_t)(end - start), off = 16;
    uint32_t n;

    while (nr_regions > 0)
        free(regions[--nr_regions].data);
    add_region(0, LOW_MEM);
    CHECK(size >= 16 && !memcmp(start, "KACPIFX1", 8));
    n = rd32(start + 8);
    for (uint32_t i = 0; i < n; i++) {
        CHECK(off + 16 <= size);
        uint64_t base = rd64(start + off);
        uint32_t len = rd32(start + off + 8);

        off += 16;
        CHECK(off + len <= size);
        if (base + len <= LOW_MEM) {
            memcpy(regions[0].data + base, start + off, len);
        } else {
            add_region(base, len);
            memcpy(regions[nr_regions - 1].data, start + off, len);
        }
        off += (len + 7) & ~7u;
    }
}

static void load_q35(void)
{
    load_fixture(fx_q35_start, fx_q35_end);
}

static void load_pc(void)
{
    load_fixture(fx_pc_start, fx_pc_end);
}

/* ---- table surgery ------------------------------------------------------- */

#define Q35_RSDP  0xf59e0
#define Q35_RSDT  0x7fe23b3
#define Q35_FADT  0x7fe2193
#define Q35_MADT  0x7fe2287
#define Q35_HPET  0x7fe2317
#define Q35_MCFG  0x7fe234f
#define Q35_WAET  0x7fe238b
#define Q35_DSDT  0x7fe0040
#define Q35_FACS  0x7fe0000
#define PC_RSDP   0xf59d0
#define PC_FADT   0x7fe1a57
#define PC_MADT   0x7fe1acb
#define PC_DSDT   0x7fe0040

static uint8_t *table(uint64_t phys)
{
    uint8_t *hdr = mem(phys, 36);

    return mem(phys, rd32(hdr + 4));
}

static void fix_checksum(uint64_t phys)
{
    uint8_t *t = table(phys);
    uint32_t len = rd32(t + 4);
    uint8_t sum = 0;

    t[9] = 0;
    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + t[i]);
    t[9] = (uint8_t)-sum;
}

static void set_length(uint64_t phys, uint32_t len)
{
    wr32(mem(phys, 36) + 4, len);
}

static struct acpi_info info;

static int parse_scan(void)
{
    ktest_log_clear();
    return acpi_init(NULL, 0, &info);
}

static bool listed(const char *sig)
{
    return acpi_find_table(&info, sig) != NULL;
}

/* Offset of the first occurrence of 'what' in the DSDT body. */
static uint32_t dsdt_find(uint64_t dsdt, const char *what)
{
    uint8_t *t = table(dsdt);
    uint32_t len = rd32(t + 4), n = (uint32_t)strlen(what);

    for (uint32_t i = 36; i + n <= len; i++)
        if (!memcmp(t + i, what, n))
            return i;
    return 0;
}

/* ---- the captured tables ------------------------------------------------- */

static void check_qemu_madt(void)
{
    static const struct { uint8_t src; uint32_t gsi; uint16_t flags; } iso[] = {
        { 0, 2, 0 }, { 5, 5, 0xd }, { 9, 9, 0xd }, { 10, 10, 0xd }, { 11, 11, 0xd },
    };

    CHECK(info.madt_present);
    CHECK_EQ(info.lapic_address, 0xfee00000);
    CHECK_EQ(info.madt_flags, ACPI_MADT_PCAT_COMPAT);
    CHECK_EQ(info.nr_cpus, 4);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_EQ(info.cpus[i].apic_id, i);
        CHECK_EQ(info.cpus[i].acpi_uid, i);
        CHECK(info.cpus[i].enabled);
        CHECK(!info.cpus[i].online_capable);
        CHECK(!info.cpus[i].x2apic);
    }
    CHECK_EQ(info.nr_ioapics, 1);
    CHECK_EQ(info.ioapics[0].id, 0);
    CHECK_EQ(info.ioapics[0].address, 0xfec00000);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.nr_overrides, 5);
    for (uint32_t i = 0; i < 5; i++) {
        CHECK_EQ(info.overrides[i].bus, 0);
        CHECK_EQ(info.overrides[i].source, iso[i].src);
        CHECK_EQ(info.overrides[i].gsi, iso[i].gsi);
        CHECK_EQ(info.overrides[i].flags, iso[i].flags);
    }
    CHECK_EQ(info.nr_nmi_sources, 0);
    CHECK_EQ(info.nr_lapic_nmis, 1);
    CHECK_EQ(info.lapic_nmis[0].acpi_uid, ACPI_UID_ALL);
    CHECK_EQ(info.lapic_nmis[0].flags, 0);
    CHECK_EQ(info.lapic_nmis[0].lint, 1);
}

static void check_qemu_hpet(void)
{
    CHECK(info.hpet.present);
    CHECK_EQ(info.hpet.block_id, 0x8086a201);
    CHECK_EQ(info.hpet.base.space_id, ACPI_SPACE_MEMORY);
    CHECK_EQ(info.hpet.base.address, 0xfed00000);
    CHECK_EQ(info.hpet.nr_comparators, 3);
    CHECK(info.hpet.counter_64bit);
    CHECK_EQ(info.hpet.number, 0);
    CHECK_EQ(info.hpet.min_tick, 0);
}

static void check_io_gas(const struct acpi_gas *g, uint64_t port, uint8_t bits)
{
    CHECK_EQ(g->space_id, ACPI_SPACE_IO);
    CHECK_EQ(g->address, port);
    CHECK_EQ(g->bit_width, bits);
}

TEST(q35_tables_parse_exactly)
{
    load_q35();
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.rsdp.phys, Q35_RSDP);
    CHECK_EQ(info.rsdp.revision, 0);
    CHECK(!strcmp(info.rsdp.oem_id, "BOCHS "));
    CHECK_EQ(info.root_phys, Q35_RSDT);
    CHECK(!info.root_is_xsdt);
    check_qemu_madt();
    check_qemu_hpet();

    CHECK(info.fadt.present);
    CHECK_EQ(info.fadt.revision, 3);
    CHECK_EQ(info.fadt.flags, 0x84a5);
    CHECK_EQ(info.fadt.sci_irq, 9);
    CHECK_EQ(info.fadt.iapc_boot_arch, 0x0002);
    CHECK_EQ(info.fadt.dsdt, Q35_DSDT);
    CHECK_EQ(info.fadt.facs, Q35_FACS);
    check_io_gas(&info.fadt.pm_timer, 0x608, 32);
    CHECK(!info.fadt.pm_timer_32bit);
    check_io_gas(&info.fadt.pm1a_evt, 0x600, 32);
    check_io_gas(&info.fadt.pm1a_cnt, 0x604, 16);
    CHECK_EQ(info.fadt.pm1b_evt.address, 0);
    CHECK_EQ(info.fadt.pm1b_cnt.address, 0);
    check_io_gas(&info.fadt.reset_reg, 0xcf9, 8);
    CHECK_EQ(info.fadt.reset_value, 0x0f);      /* QEMU 7.2's ICH9: 0x0f */
    CHECK(info.fadt.reset_supported);
    CHECK(!info.fadt.hw_reduced);

    CHECK_EQ(info.nr_mcfg, 1);
    CHECK_EQ(info.mcfg[0].base, 0xb0000000);
    CHECK_EQ(info.mcfg[0].segment, 0);
    CHECK_EQ(info.mcfg[0].bus_start, 0);
    CHECK_EQ(info.mcfg[0].bus_end, 255);

    CHECK(info.s5_valid);
    CHECK_EQ(info.s5_slp_typa, 0);
    CHECK_EQ(info.s5_slp_typb, 0);
    CHECK(!ktest_log_contains("ACPI"));         /* no warnings at all */
}

TEST(q35_table_list)
{
    static const struct { const char *sig; uint64_t phys; uint32_t len; } want[] = {
        { "RSDT", Q35_RSDT, 56 }, { "FACP", Q35_FADT, 244 }, { "APIC", Q35_MADT, 144 },
        { "HPET", Q35_HPET, 56 }, { "MCFG", Q35_MCFG, 60 }, { "WAET", Q35_WAET, 40 },
        { "FACS", Q35_FACS, 64 }, { "DSDT", Q35_DSDT, 8531 },
    };

    load_q35();
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.nr_tables, ARRAY_SIZE(want));
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        CHECK(!strcmp(info.tables[i].sig, want[i].sig));
        CHECK_EQ(info.tables[i].phys, want[i].phys);
        CHECK_EQ(info.tables[i].length, want[i].len);
    }
    CHECK(acpi_find_table(&info, "SSDT") == NULL);
}

TEST(pc_tables_parse_exactly)
{
    load_pc();
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.rsdp.phys, PC_RSDP);
    check_qemu_madt();
    check_qemu_hpet();

    /* A revision 1 FADT (116 bytes): 32-bit ports only, no reset register. */
    CHECK(info.fadt.present);
    CHECK_EQ(info.fadt.revision, 1);
    CHECK_EQ(info.fadt.flags, 0x80a5);
    CHECK_EQ(info.fadt.sci_irq, 9);
    CHECK_EQ(info.fadt.iapc_boot_arch, 0);
    CHECK_EQ(info.fadt.dsdt, PC_DSDT);
    CHECK_EQ(info.fadt.facs, 0x7fe0000);
    /* QEMU 7.2 moved PIIX4 PM to 0x600 (older QEMU: 0xb000). */
    check_io_gas(&info.fadt.pm_timer, 0x608, 32);
    check_io_gas(&info.fadt.pm1a_evt, 0x600, 32);
    check_io_gas(&info.fadt.pm1a_cnt, 0x604, 16);
    CHECK_EQ(info.fadt.reset_reg.address, 0);
    CHECK(!info.fadt.reset_supported);

    CHECK_EQ(info.nr_mcfg, 0);
    CHECK(!listed("MCFG"));
    CHECK(listed("DSDT") && listed("FACS") && listed("WAET"));
    CHECK_EQ(info.nr_tables, 7);
    CHECK(info.s5_valid);
    CHECK_EQ(info.s5_slp_typa, 0);
    CHECK_EQ(info.s5_slp_typb, 0);
    CHECK(!ktest_log_contains("ACPI"));
}

/* ---- finding the RSDP ---------------------------------------------------- */

TEST(rsdp_from_loader_copy)
{
    uint8_t copy[20];

    load_q35();
    memcpy(copy, mem(Q35_RSDP, 20), 20);
    memset(mem(Q35_RSDP, 20), 0, 20);      /* only the copy can be found */
    ktest_log_clear();
    CHECK_EQ(acpi_init(copy, sizeof(copy), &info), 0);
    CHECK_EQ(info.rsdp.phys, 0);
    CHECK_EQ(info.rsdp.rsdt, Q35_RSDT);
    CHECK_EQ(info.rsdp.raw_len, 20);
    CHECK(!memcmp(info.rsdp.raw, copy, 20));
    CHECK_EQ(info.nr_cpus, 4);
    CHECK(info.s5_valid);
}

TEST(rsdp_bad_copy_falls_back_to_scan)
{
    uint8_t copy[20];

    load_q35();
    memcpy(copy, mem(Q35_RSDP, 20), 20);
    copy[8] ^= 1;                           /* breaks the checksum */
    ktest_log_clear();
    CHECK_EQ(acpi_init(copy, sizeof(copy), &info), 0);
    CHECK(ktest_log_contains("RSDP copy: bad checksum"));
    CHECK_EQ(info.rsdp.phys, Q35_RSDP);
    CHECK_EQ(info.nr_cpus, 4);

    memcpy(copy, "RSD PTX ", 8);
    CHECK_EQ(acpi_rsdp_from_copy(copy, 20, &info.rsdp), -EINVAL);
    CHECK(ktest_log_contains("bad signature"));
    CHECK_EQ(acpi_rsdp_from_copy(copy, 12, &info.rsdp), -EINVAL);
}

TEST(rsdp_found_in_ebda)
{
    uint8_t *low;

    load_q35();
    low = mem(0, LOW_MEM);
    low[0x40E] = 0xC0;                      /* EBDA segment 0x9FC0 */
    low[0x40F] = 0x9F;
    memcpy(low + 0x9FC10, low + Q35_RSDP, 20);
    memset(low + Q35_RSDP, 0, 20);
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.rsdp.phys, 0x9FC10);
    CHECK_EQ(info.nr_cpus, 4);
}

TEST(rsdp_scan_skips_bad_candidates)
{
    uint8_t *low;

    load_q35();
    low = mem(0, LOW_MEM);
    memcpy(low + 0xE0000, "RSD PTR ", 8);   /* stale, bad checksum */
    memcpy(low + 0xE0101, low + Q35_RSDP, 20); /* not 16-byte aligned */
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.rsdp.phys, Q35_RSDP);
    CHECK(ktest_log_contains("RSDP at 0xe0000: bad checksum"));

    memset(low + Q35_RSDP, 0, 20);
    CHECK_EQ(parse_scan(), -ENOENT);
    CHECK(ktest_log_contains("no RSDP found"));
}

/* Build a revision 2 RSDP and an XSDT (at 0x20000000) listing the RSDT's
 * tables; return the RSDP bytes in 'rsdp'. */
static void make_xsdt(uint8_t rsdp[36])
{
    const uint8_t *rsdt = table(Q35_RSDT);
    uint32_t n = (rd32(rsdt + 4) - 36) / 4;
    uint8_t *x, sum = 0;

    add_region(0x20000000, 36 + 8 * n);
    x = mem(0x20000000, 36 + 8 * n);
    memcpy(x, rsdt, 36);
    memcpy(x, "XSDT", 4);
    wr32(x + 4, 36 + 8 * n);
    for (uint32_t i = 0; i < n; i++)
        wr64(x + 36 + 8 * i, rd32(rsdt + 36 + 4 * i));
    fix_checksum(0x20000000);

    memcpy(rsdp, mem(Q35_RSDP, 20), 20);
    rsdp[15] = 2;
    rsdp[8] = 0;
    for (int i = 0; i < 20; i++)
        sum = (uint8_t)(sum + rsdp[i]);
    rsdp[8] = (uint8_t)-sum;
    wr32(rsdp + 20, 36);
    wr64(rsdp + 24, 0x20000000);
    memset(rsdp + 32, 0, 4);
    sum = 0;
    for (int i = 0; i < 36; i++)
        sum = (uint8_t)(sum + rsdp[i]);
    rsdp[32] = (uint8_t)-sum;
}

TEST(xsdt_preferred_and_rsdt_fallback)
{
    uint8_t rsdp[36];

    load_q35();
    make_xsdt(rsdp);
    ktest_log_clear();
    CHECK_EQ(acpi_init(rsdp, 36, &info), 0);
    CHECK(info.root_is_xsdt);
    CHECK_EQ(info.root_phys, 0x20000000);
    CHECK_EQ(info.rsdp.raw_len, 36);
    CHECK(listed("XSDT") && !listed("RSDT"));
    CHECK_EQ(info.nr_cpus, 4);
    CHECK_EQ(info.nr_mcfg, 1);
    CHECK(info.s5_valid);
    CHECK(!ktest_log_contains("ACPI"));

    /* The same revision 2 RSDP found by the scan. */
    memset(mem(Q35_RSDP, 20), 0, 20);
    memcpy(mem(0xE0010, 36), rsdp, 36);
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.rsdp.phys, 0xE0010);
    CHECK_EQ(info.rsdp.revision, 2);
    CHECK(info.root_is_xsdt);
    CHECK(!ktest_log_contains("ACPI"));

    /* A bad XSDT: the RSDT is used instead. */
    mem(0x20000000, 36)[20] ^= 0x55;
    ktest_log_clear();
    CHECK_EQ(acpi_init(rsdp, 36, &info), 0);
    CHECK(ktest_log_contains("XSDT at 0x20000000: bad checksum"));
    CHECK(ktest_log_contains("falling back to the RSDT"));
    CHECK(!info.root_is_xsdt);
    CHECK_EQ(info.nr_cpus, 4);

    /* A v2 RSDP whose extended checksum is bad: v1 part (RSDT) only. */
    mem(0x20000000, 36)[20] ^= 0x55;
    rsdp[33] ^= 1;
    ktest_log_clear();
    CHECK_EQ(acpi_init(rsdp, 36, &info), 0);
    CHECK(ktest_log_contains("bad extended checksum"));
    CHECK(!info.root_is_xsdt);

    /* Revision 2 but only the 20-byte part was copied. */
    rsdp[33] ^= 1;
    ktest_log_clear();
    CHECK_EQ(acpi_init(rsdp, 20, &info), 0);
    CHECK(ktest_log_contains("only 20 bytes"));
    CHECK(!info.root_is_xsdt);
}

/* ---- corrupted tables ---------------------------------------------------- */

TEST(bad_checksum_madt_skipped)
{
    load_q35();
    table(Q35_MADT)[40] ^= 0x10;
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("APIC at 0x7fe2287: bad checksum, skipped"));
    CHECK(!info.madt_present);
    CHECK_EQ(info.nr_cpus, 0);
    CHECK(!listed("APIC"));
    CHECK(info.fadt.present && info.hpet.present && info.nr_mcfg == 1 && info.s5_valid);
}

TEST(bad_checksum_fadt_skipped)
{
    load_q35();
    table(Q35_FADT)[46] ^= 1;
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("FACP at 0x7fe2193: bad checksum"));
    CHECK(ktest_log_contains("no FADT"));
    CHECK(!info.fadt.present);
    CHECK(!info.s5_valid);                 /* the DSDT is reached via the FADT */
    CHECK(!listed("DSDT") && !listed("FACS"));
    CHECK_EQ(info.nr_cpus, 4);
    CHECK(info.hpet.present && info.nr_mcfg == 1);
}

TEST(bad_checksum_hpet_mcfg_waet_skipped)
{
    load_q35();
    table(Q35_HPET)[44] ^= 1;
    table(Q35_MCFG)[44] ^= 1;
    table(Q35_WAET)[36] ^= 1;
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("HPET at 0x7fe2317: bad checksum"));
    CHECK(ktest_log_contains("MCFG at 0x7fe234f: bad checksum"));
    CHECK(ktest_log_contains("WAET at 0x7fe238b: bad checksum"));
    CHECK(!info.hpet.present);
    CHECK_EQ(info.nr_mcfg, 0);
    CHECK(!listed("WAET") && !listed("HPET") && !listed("MCFG"));
    CHECK_EQ(info.nr_cpus, 4);
    CHECK(info.fadt.present && info.s5_valid);
}

TEST(bad_checksum_dsdt_and_rsdt)
{
    load_q35();
    table(Q35_DSDT)[100] ^= 1;
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("DSDT at 0x7fe0040: bad checksum"));
    CHECK(!info.s5_valid);
    CHECK(!listed("DSDT"));
    CHECK(info.fadt.present && info.nr_cpus == 4);

    load_q35();
    table(Q35_RSDT)[36] ^= 1;
    CHECK_EQ(parse_scan(), -EINVAL);
    CHECK(ktest_log_contains("RSDT at 0x7fe23b3: bad checksum"));
    CHECK(ktest_log_contains("no usable RSDT or XSDT"));
    CHECK_EQ(info.nr_cpus, 0);
}

TEST(truncated_lengths)
{
    load_q35();
    set_length(Q35_MADT, 20);               /* below a header */
    set_length(Q35_HPET, 40);               /* valid header, short table */
    fix_checksum(Q35_HPET);
    set_length(Q35_FADT, 100);              /* shorter than ACPI 1.0's */
    fix_checksum(Q35_FADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("APIC at 0x7fe2287: bad length 20"));
    CHECK(ktest_log_contains("HPET: length 40 too short"));
    CHECK(ktest_log_contains("FADT: length 100 too short"));
    CHECK(!info.madt_present && !info.hpet.present && !info.fadt.present);
    CHECK_EQ(info.nr_mcfg, 1);

    /* A MADT cut inside its entries: whole entries still parse. */
    load_q35();
    set_length(Q35_MADT, 44 + 8 + 8 + 3);
    fix_checksum(Q35_MADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.nr_cpus, 2);
    CHECK(ktest_log_contains("MADT: entry at offset 60 has bad length 8"));
}

TEST(lengths_past_mappable_memory)
{
    load_q35();
    set_length(Q35_DSDT, 0x100000);
    set_length(Q35_WAET, 0xffffffff);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("DSDT at 0x7fe0040: length 1048576 runs past mappable memory"));
    CHECK(ktest_log_contains("WAET at 0x7fe238b: bad length 4294967295"));
    CHECK(!info.s5_valid);
    CHECK_EQ(info.nr_cpus, 4);

    /* The last table of the image running one byte past its end. */
    load_q35();
    set_length(Q35_RSDT, 57);
    CHECK_EQ(parse_scan(), -EINVAL);
    CHECK(ktest_log_contains("RSDT at 0x7fe23b3: length 57 runs past mappable memory"));
}

TEST(root_entries_pointing_to_garbage)
{
    uint8_t *rsdt;

    load_q35();
    rsdt = table(Q35_RSDT);
    wr32(rsdt + 36 + 4 * 1, 0xdead0000);    /* APIC -> unmapped */
    wr32(rsdt + 36 + 4 * 2, 0x1000);        /* HPET -> zeroed low memory */
    wr32(rsdt + 36 + 4 * 3, 0);             /* MCFG -> null */
    wr32(rsdt + 36 + 4 * 4, 0xffffffe0);    /* WAET -> header not mappable */
    fix_checksum(Q35_RSDT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("table at 0xdead0000: header not mappable"));
    CHECK(ktest_log_contains("???? at 0x1000: bad length 0"));
    CHECK(ktest_log_contains("RSDT entry 3 is null"));
    CHECK(!info.madt_present && !info.hpet.present && info.nr_mcfg == 0);
    CHECK(info.fadt.present && info.s5_valid);
    CHECK_EQ(info.nr_tables, 4);            /* RSDT FACP FACS DSDT */
}

TEST(duplicate_and_odd_root_entries)
{
    uint8_t *rsdt;

    load_q35();
    rsdt = table(Q35_RSDT);
    wr32(rsdt + 36 + 4 * 4, Q35_MADT);      /* WAET slot -> MADT again */
    fix_checksum(Q35_RSDT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("APIC at 0x7fe2287 listed twice"));
    CHECK_EQ(info.nr_cpus, 4);              /* not counted twice */

    /* The DSDT listed in the root as well: listed once, still scanned. */
    load_q35();
    rsdt = table(Q35_RSDT);
    wr32(rsdt + 36 + 4 * 4, Q35_DSDT);
    fix_checksum(Q35_RSDT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("DSDT at 0x7fe0040 listed twice"));
    CHECK(info.s5_valid);
    CHECK_EQ(info.nr_tables, 7);

    /* A root length that is not a whole number of entries. */
    load_q35();
    set_length(Q35_RSDT, 55);
    fix_checksum(Q35_RSDT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("length 55 is not a whole number of entries"));
    CHECK_EQ(info.nr_mcfg, 1);              /* 4 of the 5 entries used */
    CHECK(!listed("WAET"));
}

TEST(madt_entry_lengths)
{
    uint8_t *madt;

    /* Length 0 on the first entry: the walk stops (no endless loop). */
    load_q35();
    madt = table(Q35_MADT);
    madt[44 + 1] = 0;
    fix_checksum(Q35_MADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("MADT: entry at offset 44 has bad length 0"));
    CHECK(info.madt_present);
    CHECK_EQ(info.nr_cpus, 0);

    /* Length 1 (would not advance past its own header). */
    load_q35();
    madt = table(Q35_MADT);
    madt[44 + 8 + 1] = 1;
    fix_checksum(Q35_MADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK_EQ(info.nr_cpus, 1);

    /* The last entry (LAPIC NMI at 138) running past the table. */
    load_q35();
    madt = table(Q35_MADT);
    CHECK_EQ(madt[138], 4);
    madt[139] = 0xff;
    fix_checksum(Q35_MADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("entry at offset 138 has bad length 255"));
    CHECK_EQ(info.nr_lapic_nmis, 0);
    CHECK_EQ(info.nr_overrides, 5);

    /* An entry too short for its type is skipped, the walk goes on. */
    load_q35();
    madt = table(Q35_MADT);
    CHECK_EQ(madt[76], 1);                  /* the IOAPIC entry */
    madt[76] = 9;                           /* now an x2APIC entry of 12 < 16 */
    fix_checksum(Q35_MADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("type 9 entry at offset 76 too short (12)"));
    CHECK_EQ(info.nr_ioapics, 0);
    CHECK_EQ(info.nr_overrides, 5);
}

TEST(missing_dsdt)
{
    uint8_t *fadt;

    load_q35();
    fadt = table(Q35_FADT);
    wr32(fadt + 40, 0);
    wr64(fadt + 140, 0);
    fix_checksum(Q35_FADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("no DSDT"));
    CHECK(!info.s5_valid && !listed("DSDT"));
    CHECK(info.fadt.present && listed("FACS"));

    /* The DSDT pointer aimed at another table: wrong signature. */
    load_pc();
    fadt = table(PC_FADT);
    wr32(fadt + 40, PC_MADT);
    fix_checksum(PC_FADT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("DSDT at 0x7fe1acb: signature is 'APIC'"));
    CHECK(!info.s5_valid);
}

TEST(dsdt_without_s5)
{
    uint32_t off;

    load_q35();
    off = dsdt_find(Q35_DSDT, "_S5_");
    CHECK(off != 0);
    table(Q35_DSDT)[off + 2] = '7';
    fix_checksum(Q35_DSDT);
    CHECK_EQ(parse_scan(), 0);
    CHECK(ktest_log_contains("DSDT has no usable \\_S5"));
    CHECK(!info.s5_valid);
    CHECK(listed("DSDT"));
}

TEST(fixture_dsdt_other_sleep_states)
{
    const uint8_t *dsdt;
    uint8_t a = 0xee, b = 0xee;

    load_pc();
    dsdt = table(PC_DSDT);
    /* \_S3_: Package(4){One, One, Zero, Zero} */
    CHECK_EQ(acpi_aml_sleep_type(dsdt + 36, rd32(dsdt + 4) - 36, 3, &a, &b), 0);
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 1);
    /* \_S4_: Package(4){0x02, 0x02, Zero, Zero} (BytePrefix) */
    CHECK_EQ(acpi_aml_sleep_type(dsdt + 36, rd32(dsdt + 4) - 36, 4, &a, &b), 0);
    CHECK_EQ(a, 2);
    CHECK_EQ(b, 2);
    CHECK_EQ(acpi_aml_sleep_type(dsdt + 36, rd32(dsdt + 4) - 36, 1, &a, &b), -ENOENT);
}

/* ---- the AML scan on hand-made bytes -------------------------------------- */

static int s5(const uint8_t *aml, uint32_t len, uint8_t *a, uint8_t *b)
{
    uint8_t *copy = malloc(len ? len : 1);   /* exact size: ASan sees overruns */
    int rc;

    memcpy(copy, aml, len);
    *a = *b = 0xee;
    rc = acpi_aml_sleep_type(copy, len, 5, a, b);
    free(copy);
    return rc;
}

TEST(aml_s5_encodings)
{
    static const uint8_t byte_prefix[] = { 0x10, 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                                           0x0A, 0x05, 0x0A, 0x07, 0x00, 0x00 };
    static const uint8_t root_one[] = { 0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
                                        0x01, 0x00, 0x00, 0x00 };
    static const uint8_t bare[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x07, 0x06 };
    static const uint8_t word_one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01,
                                        0x0B, 0x03, 0x04 };
    /* A two-byte PkgLength (0x80) and DWord/QWord prefixes. */
    static const uint8_t long_pkg_head[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x08,
                                             0x04, 0x0C, 0x06, 0, 0, 0, 0x0E, 0x05 };
    uint8_t long_pkg[6 + 0x80] = { 0 };
    /* A string "_S5_" (not after a NameOp) before the real object. */
    static const uint8_t decoy[] = { 0x0D, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0A,
                                     0x03, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02,
                                     0x01, 0x01 };
    uint8_t a, b;

    CHECK_EQ(s5(byte_prefix, sizeof(byte_prefix), &a, &b), 0);
    CHECK_EQ(a, 5);
    CHECK_EQ(b, 7);
    CHECK_EQ(s5(root_one, sizeof(root_one), &a, &b), 0);
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 0);
    CHECK_EQ(s5(bare, sizeof(bare), &a, &b), 0);
    CHECK_EQ(a, 7);
    CHECK_EQ(b, 6);
    CHECK_EQ(s5(word_one, sizeof(word_one), &a, &b), 0);
    CHECK_EQ(a, 3);
    CHECK_EQ(b, 4);
    memcpy(long_pkg, long_pkg_head, sizeof(long_pkg_head));
    CHECK_EQ(s5(long_pkg, sizeof(long_pkg), &a, &b), 0);
    CHECK_EQ(a, 6);
    CHECK_EQ(b, 5);
    CHECK_EQ(s5(decoy, sizeof(decoy), &a, &b), 0);
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 1);
}

TEST(aml_s5_malformed)
{
    static const uint8_t truncated[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0A };
    static const uint8_t past_end[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3F, 0x02, 0x01, 0x01 };
    static const uint8_t pkg_short[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0A,
                                         0x01, 0x01 };
    static const uint8_t too_big[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0A,
                                       0x08, 0x00 };
    static const uint8_t ones[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xFF, 0x00 };
    static const uint8_t empty[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
    static const uint8_t no_pkg[] = { 0x08, '_', 'S', '5', '_', 0x0A, 0x05 };
    static const uint8_t name_last[] = { 0x08, '_', 'S', '5', '_' };
    static const uint8_t multi_cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0xC0 };
    uint8_t a, b;

    CHECK_EQ(s5(truncated, sizeof(truncated), &a, &b), -ENOENT);
    CHECK_EQ(s5(past_end, sizeof(past_end), &a, &b), -ENOENT);
    CHECK_EQ(s5(pkg_short, sizeof(pkg_short), &a, &b), -ENOENT);
    CHECK_EQ(s5(too_big, sizeof(too_big), &a, &b), -ENOENT);
    CHECK_EQ(s5(ones, sizeof(ones), &a, &b), -ENOENT);
    CHECK_EQ(s5(empty, sizeof(empty), &a, &b), -ENOENT);
    CHECK_EQ(s5(no_pkg, sizeof(no_pkg), &a, &b), -ENOENT);
    CHECK_EQ(s5(name_last, sizeof(name_last), &a, &b), -ENOENT);
    CHECK_EQ(s5(multi_cut, sizeof(multi_cut), &a, &b), -ENOENT);
    CHECK_EQ(s5(name_last, 3, &a, &b), -ENOENT);
    CHECK_EQ(s5(name_last, 0, &a, &b), -ENOENT);
    CHECK_EQ(a, 0xee);
    CHECK_EQ(acpi_aml_sleep_type(name_last, 5, 6, &a, &b), -EINVAL);
}

/* ---- MADT, FADT, HPET, MCFG on hand-made tables --------------------------- */

/* A table buffer of exactly 'len' bytes with a header of that length. */
static uint8_t *new_table(const char *sig, uint32_t len, uint8_t rev)
{
    uint8_t *t = calloc(1, len);

    memcpy(t, sig, 4);
    wr32(t + 4, len);
    t[8] = rev;
    return t;
}

static uint32_t put(uint8_t *t, uint32_t off, const uint8_t *e, uint8_t len)
{
    memcpy(t + off, e, len);
    return off + len;
}

TEST(madt_all_entry_kinds)
{
    static const uint8_t lapic_off[] = { 0, 8, 5, 5, 0, 0, 0, 0 };      /* unusable */
    static const uint8_t lapic_hot[] = { 0, 8, 6, 6, 2, 0, 0, 0 };      /* online-capable */
    static const uint8_t lapic_dup[] = { 0, 8, 7, 6, 1, 0, 0, 0 };      /* APIC ID 6 again */
    static const uint8_t lapic_ff[] = { 0, 8, 8, 0xff, 1, 0, 0, 0 };
    static const uint8_t x2apic[] = { 9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0,
                                      0x34, 0x12, 0, 0 };
    static const uint8_t nmi_src[] = { 3, 8, 0x05, 0, 23, 0, 0, 0 };
    static const uint8_t x2nmi[] = { 10, 12, 0x0d, 0, 0x34, 0x12, 0, 0, 0, 0, 0, 0 };
    static const uint8_t lapic_nmi[] = { 4, 6, 3, 0x05, 0, 1 };
    static const uint8_t addr_ovr[] = { 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 0x10, 0, 0, 0 };
    static const uint8_t unknown[] = { 0x7f, 3, 0 };
    uint8_t *t = new_table("APIC", 200, 5);
    uint32_t off = 44;

    wr32(t + 36, 0xfee00000);
    off = put(t, off, lapic_off, 8);
    off = put(t, off, lapic_hot, 8);
    off = put(t, off, lapic_dup, 8);
    off = put(t, off, lapic_ff, 8);
    off = put(t, off, x2apic, 16);
    off = put(t, off, nmi_src, 8);
    off = put(t, off, x2nmi, 12);
    off = put(t, off, lapic_nmi, 6);
    off = put(t, off, unknown, 3);
    off = put(t, off, addr_ovr, 12);
    wr32(t + 4, off);
    memset(&info, 0, sizeof(info));
    ktest_log_clear();
    acpi_parse_madt(t, off, &info);
    CHECK_EQ(info.lapic_address, 0x10fee00000ULL);
    CHECK_EQ(info.nr_cpus, 2);
    CHECK_EQ(info.cpus[0].apic_id, 6);
    CHECK(!info.cpus[0].enabled && info.cpus[0].online_capable);
    CHECK_EQ(info.cpus[1].apic_id, 0x100);
    CHECK_EQ(info.cpus[1].acpi_uid, 0x1234);
    CHECK(info.cpus[1].enabled && info.cpus[1].x2apic);
    CHECK(ktest_log_contains("APIC ID 0x6 listed twice"));
    CHECK_EQ(info.nr_nmi_sources, 1);
    CHECK_EQ(info.nmi_sources[0].gsi, 23);
    CHECK_EQ(info.nmi_sources[0].flags, 5);
    CHECK_EQ(info.nr_lapic_nmis, 2);
    CHECK_EQ(info.lapic_nmis[0].acpi_uid, 0x1234);
    CHECK_EQ(info.lapic_nmis[0].flags, 0xd);
    CHECK_EQ(info.lapic_nmis[0].lint, 0);
    CHECK_EQ(info.lapic_nmis[1].acpi_uid, 3);
    CHECK_EQ(info.lapic_nmis[1].flags, 5);
    CHECK_EQ(info.lapic_nmis[1].lint, 1);
    free(t);
}

TEST(madt_overflow_is_logged)
{
    uint32_t n = 300, nio = ACPI_MAX_IOAPICS + 2, niso = ACPI_MAX_OVERRIDES + 8;
    uint32_t len = 44 + 8 * n + 12 * nio + 10 * niso;
    uint8_t *t = new_table("APIC", len, 3);
    uint32_t off = 44;

    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[8] = { 0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0 };
        if (i >= 255)   /* an unknown type: skipped */
            e[0] = 0x7e;
        off = put(t, off, e, 8);
    }
    for (uint32_t i = 0; i < nio; i++) {
        uint8_t e[12] = { 1, 12, (uint8_t)i, 0, 0, 0, 0xc0, 0xfe, (uint8_t)(24 * i), 0, 0, 0 };
        off = put(t, off, e, 12);
    }
    for (uint32_t i = 0; i < niso; i++) {
        uint8_t e[10] = { 2, 10, 0, (uint8_t)i, (uint8_t)i, 0, 0, 0, 0, 0 };
        off = put(t, off, e, 10);
    }
    CHECK_EQ(off, len);
    memset(&info, 0, sizeof(info));
    ktest_log_clear();
    acpi_parse_madt(t, len, &info);
    CHECK_EQ(info.nr_cpus, 255);
    CHECK_EQ(info.nr_ioapics, ACPI_MAX_IOAPICS);
    CHECK(ktest_log_contains("more than 32 IOAPICs"));
    CHECK_EQ(info.nr_overrides, ACPI_MAX_OVERRIDES);
    CHECK(ktest_log_contains("more than 32 interrupt source overrides"));
    free(t);

    /* 300 x2APIC CPUs: the array fills. */
    len = 44 + 16 * n;
    t = new_table("APIC", len, 3);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[16] = { 9, 16, 0, 0, (uint8_t)i, (uint8_t)(i >> 8), 0, 0, 1, 0, 0, 0 };
        put(t, 44 + 16 * i, e, 16);
    }
    memset(&info, 0, sizeof(info));
    ktest_log_clear();
    acpi_parse_madt(t, len, &info);
    CHECK_EQ(info.nr_cpus, ACPI_MAX_CPUS);
    CHECK_EQ(info.cpus[255].apic_id, 255);
    CHECK(ktest_log_contains("more than 256 CPUs"));
    free(t);
}

static void gas(uint8_t *p, uint8_t space, uint8_t bits, uint64_t addr)
{
    p[0] = space;
    p[1] = bits;
    p[2] = 0;
    p[3] = 0;
    wr64(p + 4, addr);
}

TEST(fadt_revisions_and_x_fields)
{
    uint8_t *t = new_table("FACP", 276, 6);

    wr32(t + 36, 0x1000);                   /* FACS */
    wr32(t + 40, 0x2000);                   /* DSDT */
    t[46] = 20;                             /* SCI */
    wr32(t + 64, 0x1004);                   /* PM1a_CNT port */
    wr32(t + 76, 0x1008);                   /* PM_TMR port */
    t[89] = 2;
    t[91] = 4;
    wr32(t + 112, ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_HW_REDUCED | ACPI_FADT_RESET_REG_SUP);
    gas(t + 116, ACPI_SPACE_MEMORY, 8, 0xfe000000);
    t[128] = 0x42;
    wr64(t + 140, 0x3000);                  /* X_DSDT differs */
    gas(t + 172, ACPI_SPACE_IO, 0, 0x1004); /* X_PM1a_CNT, width left 0 */
    gas(t + 208, ACPI_SPACE_MEMORY, 32, 0xfe001000);

    memset(&info, 0, sizeof(info));
    ktest_log_clear();
    acpi_parse_fadt(t, 276, &info);
    CHECK(info.fadt.present);
    CHECK_EQ(info.fadt.facs, 0x1000);
    CHECK_EQ(info.fadt.dsdt, 0x3000);
    CHECK(ktest_log_contains("DSDT 0x2000 and X_DSDT 0x3000 differ"));
    CHECK_EQ(info.fadt.sci_irq, 20);
    CHECK(info.fadt.pm_timer_32bit && info.fadt.hw_reduced);
    CHECK_EQ(info.fadt.pm_timer.space_id, ACPI_SPACE_MEMORY);
    CHECK_EQ(info.fadt.pm_timer.address, 0xfe001000);
    CHECK(ktest_log_contains("PM_TMR_BLK port 0x1008 and X_PM_TMR_BLK"));
    check_io_gas(&info.fadt.pm1a_cnt, 0x1004, 16);
    CHECK(info.fadt.reset_supported);
    CHECK_EQ(info.fadt.reset_reg.address, 0xfe000000);
    CHECK_EQ(info.fadt.reset_value, 0x42);

    /* The same bytes as revision 1: the extended fields are not used. */
    t[8] = 1;
    memset(&info, 0, sizeof(info));
    acpi_parse_fadt(t, 276, &info);
    CHECK_EQ(info.fadt.dsdt, 0x2000);
    check_io_gas(&info.fadt.pm_timer, 0x1008, 32);
    CHECK(!info.fadt.reset_supported);
    CHECK_EQ(info.fadt.reset_reg.address, 0);

    /* Revision 3 but only 120 bytes: no room for the reset register. */
    t[8] = 3;
    memset(&info, 0, sizeof(info));
    acpi_parse_fadt(t, 120, &info);
    CHECK(info.fadt.present && !info.fadt.reset_supported);
    CHECK_EQ(info.fadt.dsdt, 0x2000);
    free(t);
}

TEST(hpet_and_mcfg_tables)
{
    uint8_t *h = new_table("HPET", 56, 1);
    uint8_t *m = new_table("MCFG", 44 + 16 * 3 + 4, 1);

    wr32(h + 36, 0x0000d701);               /* 24 comparators, 32-bit counter */
    gas(h + 40, ACPI_SPACE_MEMORY, 64, 0xfed01000);
    h[52] = 1;
    h[53] = 0x80;
    memset(&info, 0, sizeof(info));
    acpi_parse_hpet(h, 56, &info);
    CHECK(info.hpet.present);
    CHECK_EQ(info.hpet.nr_comparators, 24);
    CHECK(!info.hpet.counter_64bit);
    CHECK_EQ(info.hpet.min_tick, 0x80);
    CHECK_EQ(info.hpet.number, 1);
    gas(h + 40, ACPI_SPACE_IO, 64, 0xfed01000);
    ktest_log_clear();
    acpi_parse_hpet(h, 56, &info);
    CHECK(!info.hpet.present);
    CHECK(ktest_log_contains("HPET: base address 0xfed01000 in space 1 unusable"));

    wr64(m + 44, 0xe0000000);
    m[44 + 10] = 0;
    m[44 + 11] = 0x3f;
    wr64(m + 60, 0);                        /* invalid: no base */
    wr64(m + 76, 0xd0000000);
    m[76 + 8] = 1;
    m[76 + 10] = 0x10;
    m[76 + 11] = 0x1f;
    ktest_log_clear();
    acpi_parse_mcfg(m, 44 + 16 * 3 + 4, &info);
    CHECK_EQ(info.nr_mcfg, 2);
    CHECK_EQ(info.mcfg[1].base, 0xd0000000);
    CHECK_EQ(info.mcfg[1].segment, 1);
    CHECK_EQ(info.mcfg[1].bus_start, 0x10);
    CHECK_EQ(info.mcfg[1].bus_end, 0x1f);
    CHECK(ktest_log_contains("MCFG: entry 1"));
    CHECK(ktest_log_contains("not a whole number of entries"));
    free(h);
    free(m);
}

/* ---- fuzzing --------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;           /* xorshift64 */
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

#define UNDO_MAX 4096
static struct { uint8_t *p; uint8_t old; } undo[UNDO_MAX];
static int nr_undo;

static void poke(uint8_t *p, uint8_t v)
{
    if (nr_undo < UNDO_MAX) {
        undo[nr_undo].p = p;
        undo[nr_undo].old = *p;
        nr_undo++;
        *p = v;
    }
}

static void undo_all(void)
{
    while (nr_undo > 0) {
        nr_undo--;
        *undo[nr_undo].p = undo[nr_undo].old;
    }
}

/* Re-sum every table that still looks like one, so corrupt contents get past
 * the checksum and into the parsers. */
static void fuzz_fix_checksums(const uint64_t *tables, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t *hdr = (uint8_t *)acpi_map(tables[i], 36), *t, sum = 0;
        uint32_t len;

        if (!hdr)
            continue;
        len = rd32(hdr + 4);
        t = (uint8_t *)acpi_map(tables[i], len);
        if (!t || len < 36)
            continue;
        for (uint32_t j = 0; j < len; j++)
            sum = (uint8_t)(sum + (j == 9 ? 0 : t[j]));
        poke(t + 9, (uint8_t)-sum);
    }
}

/* The RSDP copy acpi_init() gets while fuzzing (none: scan). */
static uint8_t fuzz_copy[36];
static uint32_t fuzz_copy_len;

static void fuzz_machine(void (*load)(void), uint64_t rsdp, const uint64_t *tables,
                         int nr_tables, uint64_t seed, int iterations)
{
    struct region *hi;
    uint8_t *low;
    int parsed_madt = 0, parsed_s5 = 0;

    load();
    CHECK(nr_regions >= 2);
    low = regions[0].data;
    rng_state = seed;
    for (int it = 0; it < iterations; it++) {
        int flips = 1 + (int)(rng() % 8);

        for (int f = 0; f < flips; f++) {
            uint32_t r = rng();
            uint8_t *p;

            if (r % 16 == 0)
                p = low + rsdp + rng() % 20;
            else if (r % 16 == 1)
                p = low + 0x40E + rng() % 2;
            else if (fuzz_copy_len && r % 16 == 2)
                p = fuzz_copy + rng() % fuzz_copy_len;
            else {
                hi = &regions[1 + rng() % (uint32_t)(nr_regions - 1)];
                p = hi->data + rng() % hi->len;
            }
            poke(p, (uint8_t)(*p ^ (1u << (rng() % 8))) ^ (uint8_t)(r % 3 == 0 ? rng() : 0));
        }
        if (rng() % 4 != 0)
            fuzz_fix_checksums(tables, nr_tables);
        ktest_log_clear();
        (void)acpi_init(fuzz_copy_len ? fuzz_copy : NULL, fuzz_copy_len, &info);
        CHECK(info.nr_tables <= ACPI_MAX_TABLES);
        CHECK(info.nr_cpus <= ACPI_MAX_CPUS);
        CHECK(info.nr_mcfg <= ACPI_MAX_MCFG);
        parsed_madt += info.madt_present;
        parsed_s5 += info.s5_valid;
        undo_all();
    }
    /* Most runs get past the checks into the parsers. */
    CHECK(parsed_madt > iterations / 2);
    CHECK(parsed_s5 > iterations / 2);
    /* The image is intact again. */
    CHECK_EQ(acpi_init(fuzz_copy_len ? fuzz_copy : NULL, fuzz_copy_len, &info), 0);
    CHECK_EQ(info.nr_cpus, 4);
}

static void load_q35_xsdt(void)
{
    load_q35();
    make_xsdt(fuzz_copy);
    fuzz_copy_len = 36;
}

TEST(fuzz_q35_xsdt_byte_flips)
{
    static const uint64_t tables[] = { 0x20000000, Q35_RSDT, Q35_FADT, Q35_MADT,
                                       Q35_HPET, Q35_MCFG, Q35_WAET, Q35_DSDT };

    freopen("/dev/null", "w", stderr);
    fuzz_machine(load_q35_xsdt, Q35_RSDP, tables, ARRAY_SIZE(tables), 0xa4093822299f31d0ULL,
                 20000);
    CHECK(info.root_is_xsdt);
}

TEST(fuzz_q35_byte_flips)
{
    static const uint64_t tables[] = { Q35_RSDT, Q35_FADT, Q35_MADT, Q35_HPET,
                                       Q35_MCFG, Q35_WAET, Q35_DSDT };

    freopen("/dev/null", "w", stderr);      /* thousands of warnings */
    fuzz_machine(load_q35, Q35_RSDP, tables, ARRAY_SIZE(tables), 0x9e3779b97f4a7c15ULL,
                 20000);
}

TEST(fuzz_pc_byte_flips)
{
    static const uint64_t tables[] = { 0x7fe1bbb, PC_FADT, PC_MADT, 0x7fe1b5b,
                                       0x7fe1b93, PC_DSDT };

    freopen("/dev/null", "w", stderr);
    fuzz_machine(load_pc, PC_RSDP, tables, ARRAY_SIZE(tables), 0x243f6a8885a308d3ULL,
                 20000);
}

/* Random bytes straight into each parser, in exact-size buffers. */
TEST(fuzz_parsers_random_bytes)
{
    freopen("/dev/null", "w", stderr);
    rng_state = 0x13198a2e03707344ULL;
    for (int it = 0; it < 50000; it++) {
        uint32_t len = 36 + rng() % 300;
        uint8_t *t = malloc(len), a, b;

        for (uint32_t i = 0; i < len; i++)
            t[i] = (uint8_t)(rng() % 4 ? rng() % 16 : rng());
        wr32(t + 4, len);
        memset(&info, 0, sizeof(info));
        switch (it % 5) {
        case 0: acpi_parse_madt(t, len, &info); break;
        case 1: acpi_parse_fadt(t, len, &info); break;
        case 2: acpi_parse_hpet(t, len, &info); break;
        case 3: acpi_parse_mcfg(t, len, &info); break;
        case 4:
            memcpy(t + rng() % (len - 8), "\x08_S5_\x12", 6);
            (void)acpi_aml_sleep_type(t, len, 5, &a, &b);
            break;
        }
        CHECK(info.nr_cpus <= ACPI_MAX_CPUS && info.nr_mcfg <= ACPI_MAX_MCFG);
        free(t);
    }
}
