// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for the PVH ACPI table builder (hypervisor/common/acpi_build.c):
 * tables are built into a heap buffer standing for guest memory (exactly the
 * area's size, so ASan catches any write past it) and read back with Keel's
 * own ACPI parser (hypervisor/arch/x86/acpi/), which rejects bad checksums,
 * lengths and signatures.  Also: sizes, alignment, parameter and area
 * errors, callback failures, and the optional FADT registers.
 */
#include "ktest.h"

#include <asm/acpi.h>
#include <keel/acpi_build.h>
#include <errno.h>
#include <string.h>

#define AREA_GPA    0xFC001000ull

/* ---- guest memory -------------------------------------------------------- */

struct guest_mem {
    uint64_t base;
    uint64_t size;
    uint8_t *data;
    uint32_t calls;         /* callback calls so far */
    uint32_t fail_at;       /* fail the call with this number (1-based); 0: never */
};

static struct guest_mem gm;

static void mem_reset(uint64_t base, uint64_t size, uint8_t fill)
{
    free(gm.data);
    gm = (struct guest_mem){ .base = base, .size = size,
                             .data = malloc(size ? size : 1) };
    CHECK(gm.data != NULL);
    memset(gm.data, fill, size);
}

static uint8_t *at(uint64_t gpa, uint64_t len)
{
    CHECK(gpa >= gm.base && len <= gm.size && gpa - gm.base <= gm.size - len);
    return gm.data + (gpa - gm.base);
}

static int bounds(void *ctx, uint64_t gpa, uint64_t len)
{
    CHECK(ctx == &gm);
    gm.calls++;
    if (gm.fail_at && gm.calls == gm.fail_at)
        return -EIO;
    if (gpa < gm.base || len > gm.size || gpa - gm.base > gm.size - len) {
        CHECK(!"write outside the area");
        return -EFAULT;
    }
    return 0;
}

static int copy_cb(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    int rc = bounds(ctx, gpa, len);

    if (!rc)
        memcpy(gm.data + (gpa - gm.base), src, len);
    return rc;
}

static int zero_cb(void *ctx, uint64_t gpa, uint64_t len)
{
    int rc = bounds(ctx, gpa, len);

    if (!rc)
        memset(gm.data + (gpa - gm.base), 0, len);
    return rc;
}

static const struct gpa_write_ops ops = {
    .ctx = &gm, .copy_to_gpa = copy_cb, .zero_gpa = zero_cb,
};

/* The parser's view of physical memory: the guest area only. */
const void *acpi_map(uint64_t phys, uint64_t len)
{
    if (!gm.data || phys < gm.base || len > gm.size ||
        phys - gm.base > gm.size - len)
        return NULL;
    return gm.data + (phys - gm.base);
}

/* ---- helpers ------------------------------------------------------------- */

static struct acpi_build_params params(uint32_t nr_vcpus)
{
    return (struct acpi_build_params){
        .nr_vcpus = nr_vcpus,
        .lapic_address = ACPI_BUILD_LAPIC_ADDR,
    };
}

static uint64_t size_of(uint32_t nr_vcpus)
{
    struct acpi_build_params p = params(nr_vcpus);
    uint64_t size = 0;

    CHECK_EQ(acpi_build_size(&p, &size), 0);
    return size;
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

static uint8_t sum(const uint8_t *p, uint64_t len)
{
    uint8_t s = 0;

    for (uint64_t i = 0; i < len; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

static struct acpi_info info;

/* Build with 'p' into an area of exactly the needed size; returns the RSDP. */
static uint64_t build_p(const struct acpi_build_params *p)
{
    uint64_t size = 0, rsdp = 0;

    CHECK_EQ(acpi_build_size(p, &size), 0);
    mem_reset(AREA_GPA, size, 0xA5);
    CHECK_EQ(acpi_build_tables(p, AREA_GPA, size, &ops, &rsdp), 0);
    CHECK_EQ(rsdp, AREA_GPA);
    return rsdp;
}

static uint64_t build(uint32_t nr_vcpus)
{
    struct acpi_build_params p = params(nr_vcpus);

    return build_p(&p);
}

/* Parse as a guest would: the RSDP copy, then the tables. */
static int parse(uint64_t rsdp_gpa)
{
    struct acpi_rsdp rsdp;

    ktest_log_clear();
    CHECK_EQ(acpi_rsdp_from_copy(at(rsdp_gpa, ACPI_RSDP_V2_LEN),
                                 ACPI_RSDP_V2_LEN, &rsdp), 0);
    return acpi_parse(&rsdp, &info);
}

static const struct acpi_table_ref *ref(const char *sig)
{
    const struct acpi_table_ref *r = acpi_find_table(&info, sig);

    CHECK(r != NULL);
    return r;
}

/* ---- what the guest sees ------------------------------------------------- */

static void check_madt(uint32_t n)
{
    CHECK(info.madt_present);
    CHECK_EQ(info.lapic_address, 0xFEE00000);
    CHECK_EQ(info.madt_flags, 0);
    CHECK_EQ(info.nr_cpus, n);
    for (uint32_t i = 0; i < n && i < ACPI_MAX_CPUS; i++) {
        CHECK_EQ(info.cpus[i].apic_id, i);
        CHECK_EQ(info.cpus[i].acpi_uid, i);
        CHECK(info.cpus[i].enabled);
        CHECK(!info.cpus[i].online_capable);
        CHECK(!info.cpus[i].x2apic);
    }
    CHECK_EQ(info.nr_ioapics, 0);
    CHECK_EQ(info.nr_overrides, 0);
    CHECK_EQ(info.nr_lapic_nmis, 0);
}

static void check_fadt(void)
{
    const struct acpi_fadt *f = &info.fadt;

    CHECK(f->present);
    CHECK_EQ(f->revision, 5);
    CHECK(f->hw_reduced);
    CHECK(f->flags & ACPI_FADT_HW_REDUCED);
    CHECK_EQ(f->sci_irq, 0);
    CHECK_EQ(f->iapc_boot_arch, (1u << 2) | (1u << 5));  /* no VGA, no RTC */
    CHECK_EQ(f->facs, 0);
    CHECK_EQ(f->dsdt, ref("DSDT")->phys);
    CHECK_EQ(f->pm_timer.address, 0);
    CHECK_EQ(f->pm1a_evt.address, 0);
    CHECK_EQ(f->pm1b_evt.address, 0);
    CHECK_EQ(f->pm1a_cnt.address, 0);
    CHECK_EQ(f->pm1b_cnt.address, 0);
    CHECK_EQ(f->reset_reg.address, 0);
    CHECK(!f->reset_supported);
}

static void check_all(uint64_t rsdp_gpa, uint32_t n)
{
    CHECK_EQ(parse(rsdp_gpa), 0);
    CHECK(!ktest_log_contains("ACPI"));     /* not one warning */
    CHECK_EQ(info.rsdp.revision, 2);
    CHECK_EQ(info.rsdp.raw_len, 36);
    CHECK(info.root_is_xsdt);
    CHECK_EQ(info.root_phys, info.rsdp.xsdt);
    CHECK(info.rsdp.rsdt != 0);
    /* The table list: the XSDT, what it lists, the DSDT; nothing else. */
    CHECK_EQ(info.nr_tables, 4);
    CHECK(!memcmp(info.tables[0].sig, "XSDT", 5));
    CHECK(!memcmp(info.tables[1].sig, "FACP", 5));
    CHECK(!memcmp(info.tables[2].sig, "APIC", 5));
    CHECK(!memcmp(info.tables[3].sig, "DSDT", 5));
    CHECK_EQ(ref("APIC")->length, 44 + 8 * n);
    CHECK_EQ(ref("FACP")->length, 268);
    check_madt(n);
    check_fadt();
    CHECK(!info.hpet.present);
    CHECK_EQ(info.nr_mcfg, 0);
    CHECK(info.s5_valid);
    CHECK_EQ(info.s5_slp_typa, ACPI_BUILD_S5_SLP_TYP);
    CHECK_EQ(info.s5_slp_typb, ACPI_BUILD_S5_SLP_TYP);
}

TEST(sizes)
{
    CHECK_EQ(size_of(1), 524);
    CHECK_EQ(size_of(2), 532);
    CHECK_EQ(size_of(64), 1028);
    CHECK_EQ(size_of(255), 2556);
}

TEST(parses_1_2_64_255)
{
    static const uint32_t counts[] = { 1, 2, 3, 31, 32, 33, 64, 254, 255 };

    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        check_all(build(counts[i]), counts[i]);
}

TEST(checksums_alignment_layout)
{
    uint64_t rsdp = build(64), end = AREA_GPA + size_of(64), prev_end;
    const uint8_t *r = at(rsdp, 36);
    uint64_t sums_len = 0;

    CHECK_EQ(rsdp % 16, 0);
    CHECK(!memcmp(r, "RSD PTR ", 8));
    CHECK_EQ(sum(r, 20), 0);
    CHECK_EQ(sum(r, 36), 0);
    CHECK_EQ(r[15], 2);
    CHECK_EQ(rd32(r + 20), 36);
    CHECK_EQ(r[33] | r[34] | r[35], 0);
    CHECK(parse(rsdp) == 0);
    prev_end = rsdp + 36;
    /* Tables in address order, 8-byte aligned, each summing to 0, the gaps
     * zero, the last ending exactly at the end of the area. */
    const char *order[] = { "XSDT", "RSDT", "FACP", "DSDT", "APIC" };
    uint64_t addr[] = { info.rsdp.xsdt, info.rsdp.rsdt, ref("FACP")->phys,
                        ref("DSDT")->phys, ref("APIC")->phys };
    for (int i = 0; i < 5; i++) {
        const uint8_t *t = at(addr[i], 36);
        uint32_t len = rd32(t + 4);

        CHECK(!memcmp(t, order[i], 4));
        CHECK_EQ(addr[i] % 8, 0);
        CHECK(addr[i] >= prev_end && addr[i] - prev_end < 8);
        for (uint64_t g = prev_end; g < addr[i]; g++)
            CHECK_EQ(*at(g, 1), 0);
        CHECK_EQ(sum(at(addr[i], len), len), 0);
        CHECK(!memcmp(t + 10, "KEEL  ", 6));
        CHECK(!memcmp(t + 16, "KEELPVH ", 8));
        CHECK(!memcmp(t + 28, "KEEL", 4));
        sums_len += len;
        prev_end = addr[i] + len;
    }
    CHECK_EQ(prev_end, end);
    CHECK(sums_len > 0);
    CHECK(!memcmp(r + 9, "KEEL  ", 6));
    /* Both root tables list the FADT then the MADT. */
    CHECK_EQ(rd64(at(info.rsdp.xsdt + 36, 8)), ref("FACP")->phys);
    CHECK_EQ(rd64(at(info.rsdp.xsdt + 44, 8)), ref("APIC")->phys);
    CHECK_EQ(rd32(at(info.rsdp.rsdt + 36, 4)), ref("FACP")->phys);
    CHECK_EQ(rd32(at(info.rsdp.rsdt + 40, 4)), ref("APIC")->phys);
    /* DSDT and X_DSDT agree. */
    CHECK_EQ(rd32(at(ref("FACP")->phys + 40, 4)), ref("DSDT")->phys);
    CHECK_EQ(rd64(at(ref("FACP")->phys + 140, 8)), ref("DSDT")->phys);
}

TEST(dsdt_aml_bytes)
{
    /* Name (\_S5, Package (0x04) { 0x05, 0x05, 0x00, 0x00 }).  Checked once
     * against iasl 20200925: it emits the same bytes minus the 0x5C root
     * prefix (redundant at root scope), and disassembles these back to
     * the same Name. */
    static const uint8_t aml[] = {
        0x08, 0x5C, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x08, 0x04,
        0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00,
    };
    uint8_t a = 0, b = 0;

    CHECK_EQ(parse(build(1)), 0);
    const uint8_t *d = at(ref("DSDT")->phys, ref("DSDT")->length);
    CHECK_EQ(ref("DSDT")->length, 36 + sizeof(aml));
    CHECK(!memcmp(d + 36, aml, sizeof(aml)));
    CHECK_EQ(d[8], 2);
    CHECK_EQ(acpi_aml_sleep_type(d + 36, sizeof(aml), 5, &a, &b), 0);
    CHECK_EQ(a, 5);
    CHECK_EQ(b, 5);
    CHECK_EQ(acpi_aml_sleep_type(d + 36, sizeof(aml), 3, &a, &b), -ENOENT);
}

TEST(parser_rejects_corruption)
{
    uint64_t rsdp = build(4);
    uint8_t *m;

    /* A flipped byte in the MADT: the parser's checksum check drops it. */
    CHECK_EQ(parse(rsdp), 0);
    m = at(ref("APIC")->phys, 60);
    m[50] ^= 1;
    CHECK_EQ(parse(rsdp), 0);
    CHECK(!info.madt_present);
    CHECK(ktest_log_contains("bad checksum"));
    m[50] ^= 1;
    /* A bad XSDT: the RSDT, listing the same tables, takes over. */
    *at(info.rsdp.xsdt + 9, 1) ^= 0xFF;
    CHECK_EQ(parse(rsdp), 0);
    CHECK(!info.root_is_xsdt);
    check_madt(4);
    check_fadt();
    CHECK(info.s5_valid);
}

TEST(oem_strings)
{
    struct acpi_build_params p = params(2);
    uint64_t rsdp;

    memcpy(p.oem_id, "ABCDEF", 7);
    memcpy(p.oem_table_id, "TBL", 4);
    p.oem_revision = 0x12345678;
    rsdp = build_p(&p);
    CHECK_EQ(parse(rsdp), 0);
    CHECK(!memcmp(info.rsdp.oem_id, "ABCDEF", 7));
    const uint8_t *t = at(ref("APIC")->phys, 36);
    CHECK(!memcmp(t + 10, "ABCDEF", 6));
    CHECK(!memcmp(t + 16, "TBL     ", 8));
    CHECK_EQ(rd32(t + 24), 0x12345678);

    uint64_t size;
    p = params(2);
    p.oem_id[0] = '\n';
    CHECK_EQ(acpi_build_size(&p, &size), -EINVAL);
    p = params(2);
    memset(p.oem_table_id, 'X', sizeof(p.oem_table_id));   /* no NUL */
    CHECK_EQ(acpi_build_size(&p, &size), -EINVAL);
}

TEST(optional_registers)
{
    struct acpi_build_params p = params(1);
    const uint8_t *f;

    p.sleep_port = 0x600;
    p.reset_port = 0x604;
    p.reset_value = 0x0E;
    CHECK_EQ(parse(build_p(&p)), 0);
    CHECK(info.fadt.hw_reduced);
    CHECK(info.fadt.reset_supported);
    CHECK_EQ(info.fadt.reset_reg.space_id, ACPI_SPACE_IO);
    CHECK_EQ(info.fadt.reset_reg.bit_width, 8);
    CHECK_EQ(info.fadt.reset_reg.address, 0x604);
    CHECK_EQ(info.fadt.reset_value, 0x0E);
    f = at(ref("FACP")->phys, 268);
    for (int off = 244; off <= 256; off += 12) {     /* SLEEP_CONTROL/STATUS */
        CHECK_EQ(f[off], ACPI_SPACE_IO);
        CHECK_EQ(f[off + 1], 8);
        CHECK_EQ(f[off + 3], 1);
        CHECK_EQ(rd64(f + off + 4), 0x600);
    }
    /* Without them: all zero. */
    CHECK_EQ(parse(build(1)), 0);
    f = at(ref("FACP")->phys, 268);
    for (int i = 244; i < 268; i++)
        CHECK_EQ(f[i], 0);
}

/* ---- errors -------------------------------------------------------------- */

static int try_build(const struct acpi_build_params *p, uint64_t gpa,
                     uint64_t size)
{
    uint64_t rsdp = 0xDEAD;
    int rc;

    gm.calls = 0;
    rc = acpi_build_tables(p, gpa, size, &ops, &rsdp);
    if (rc) {
        CHECK_EQ(gm.calls, 0);              /* nothing written */
        CHECK_EQ(rsdp, 0xDEAD);
    }
    return rc;
}

TEST(bad_vcpu_counts)
{
    struct acpi_build_params p;
    uint64_t size = 7;

    mem_reset(AREA_GPA, 4096, 0);
    p = params(0);
    CHECK_EQ(acpi_build_size(&p, &size), -EINVAL);
    CHECK_EQ(try_build(&p, AREA_GPA, 4096), -EINVAL);
    p = params(256);
    CHECK_EQ(acpi_build_size(&p, &size), -EINVAL);
    CHECK_EQ(try_build(&p, AREA_GPA, 4096), -EINVAL);
    CHECK_EQ(size, 7);
    p = params(1);
    p.lapic_address = 0;
    CHECK_EQ(try_build(&p, AREA_GPA, 4096), -EINVAL);
}

TEST(area_one_byte_short)
{
    static const uint32_t counts[] = { 1, 2, 64, 255 };

    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        struct acpi_build_params p = params(counts[i]);
        uint64_t need = size_of(counts[i]);

        mem_reset(AREA_GPA, need, 0);
        CHECK_EQ(try_build(&p, AREA_GPA, need - 1), -ENOSPC);
        CHECK_EQ(try_build(&p, AREA_GPA, 0), -ENOSPC);
        CHECK_EQ(try_build(&p, AREA_GPA, need), 0);
    }
}

TEST(area_placement)
{
    struct acpi_build_params p = params(8);
    uint64_t need = size_of(8), top = (1ull << 32) - ALIGN_UP(need, 16);

    mem_reset(AREA_GPA, need, 0);
    CHECK_EQ(try_build(&p, 1ull << 32, need), -EINVAL);          /* at 4 GiB */
    CHECK_EQ(try_build(&p, 0x100000000000ull, 1 << 20), -EINVAL);
    CHECK_EQ(try_build(&p, (1ull << 32) - 16, 1 << 20), -EINVAL); /* crosses */
    CHECK_EQ(try_build(&p, ~0ull - 15, 64), -EINVAL);            /* wraps */
    CHECK_EQ(try_build(&p, AREA_GPA, ~0ull), -EINVAL);           /* wraps */
    CHECK_EQ(try_build(&p, AREA_GPA + 8, need), -EINVAL);        /* unaligned */
    /* Ending exactly at 4 GiB is fine. */
    mem_reset(top, need, 0);
    CHECK_EQ(try_build(&p, top, need), 0);
    struct acpi_rsdp r;
    CHECK_EQ(acpi_rsdp_from_copy(at(top, 36), 36, &r), 0);
    CHECK_EQ(acpi_parse(&r, &info), 0);
    check_madt(8);
}

TEST(larger_area_untouched_beyond_tables)
{
    struct acpi_build_params p = params(3);
    uint64_t need = size_of(3), rsdp = 0;

    mem_reset(0x1000, need + 100, 0xA5);
    CHECK_EQ(acpi_build_tables(&p, 0x1000, need + 100, &ops, &rsdp), 0);
    CHECK_EQ(rsdp, 0x1000);
    for (uint64_t i = need; i < need + 100; i++)
        CHECK_EQ(gm.data[i], 0xA5);
    check_all(rsdp, 3);
}

TEST(null_arguments)
{
    struct acpi_build_params p = params(1);
    struct gpa_write_ops no_copy = ops, no_zero = ops;
    uint64_t rsdp;

    no_copy.copy_to_gpa = NULL;
    no_zero.zero_gpa = NULL;
    mem_reset(AREA_GPA, 4096, 0);
    CHECK_EQ(acpi_build_size(NULL, &rsdp), -EINVAL);
    CHECK_EQ(acpi_build_size(&p, NULL), -EINVAL);
    CHECK_EQ(acpi_build_tables(NULL, AREA_GPA, 4096, &ops, &rsdp), -EINVAL);
    CHECK_EQ(acpi_build_tables(&p, AREA_GPA, 4096, NULL, &rsdp), -EINVAL);
    CHECK_EQ(acpi_build_tables(&p, AREA_GPA, 4096, &no_copy, &rsdp), -EINVAL);
    CHECK_EQ(acpi_build_tables(&p, AREA_GPA, 4096, &no_zero, &rsdp), -EINVAL);
    CHECK_EQ(acpi_build_tables(&p, AREA_GPA, 4096, &ops, NULL), -EINVAL);
}

TEST(callback_errors_returned)
{
    struct acpi_build_params p = params(100);       /* MADT in 4 chunks */
    uint64_t need = size_of(100), rsdp;
    uint32_t total;

    mem_reset(AREA_GPA, need, 0);
    gm.calls = 0;
    CHECK_EQ(acpi_build_tables(&p, AREA_GPA, need, &ops, &rsdp), 0);
    total = gm.calls;
    CHECK(total >= 7);
    for (uint32_t k = 1; k <= total; k++) {
        rsdp = 0xDEAD;
        gm.calls = 0;
        gm.fail_at = k;
        CHECK_EQ(acpi_build_tables(&p, AREA_GPA, need, &ops, &rsdp), -EIO);
        CHECK_EQ(gm.calls, k);                      /* stopped at once */
        CHECK_EQ(rsdp, 0xDEAD);
    }
    gm.fail_at = 0;
}
