// SPDX-License-Identifier: GPL-2.0-only
/*
 * Builds a PVH domain's ACPI tables (RSDP, XSDT, RSDT, FADT, DSDT, MADT)
 * into guest-physical memory through gpa_write_ops: the layout, the byte
 * encodings of each table, the checksums and the parameter checks.  See
 * keel/acpi_build.h for what the guest gets and why.
 *
 * Tables are assembled in small stack buffers (the FADT, 268 bytes, is the
 * largest); the MADT, whose length grows with the vCPU count, is written in
 * chunks and checksummed as it goes.  The area is zeroed first, so padding
 * between tables is zero.
 */
#include <keel/acpi_build.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define HDR_LEN             36
#define RSDP_LEN            36
#define RSDP_V1_LEN         20
#define XSDT_ENTRIES        2       /* FADT, MADT */
#define FADT_LEN            268     /* revision 5 (ACPI 5.0) */
#define MADT_HDR_LEN        44
#define MADT_LAPIC_LEN      8
#define TABLE_ALIGN         8
#define RSDP_ALIGN          16
#define LIMIT_4G            (1ULL << 32)

#define REV_RSDP            2
#define REV_XSDT            1
#define REV_RSDT            1
#define REV_FADT            5
#define REV_MADT            3       /* ACPI 5.0, like the FADT */
#define REV_DSDT            2       /* >= 2: 64-bit AML integers */

#define CREATOR_ID          "KEEL"
#define CREATOR_REVISION    1

/* FADT field offsets. */
#define FADT_DSDT           40
#define FADT_P_LVL2_LAT     96
#define FADT_P_LVL3_LAT     98
#define FADT_BOOT_ARCH      109
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_SLEEP_CONTROL  244
#define FADT_SLEEP_STATUS   256

/* FADT flags. */
#define FADT_WBINVD         (1u << 0)
#define FADT_PROC_C1        (1u << 2)
#define FADT_PWR_BUTTON     (1u << 4)   /* set: no fixed power button */
#define FADT_SLP_BUTTON     (1u << 5)   /* set: no fixed sleep button */
#define FADT_RESET_REG_SUP  (1u << 10)
#define FADT_HW_REDUCED     (1u << 20)

/* IAPC_BOOT_ARCH: bit 1 (8042 present) stays clear, as for Xen's PVH. */
#define BOOT_ARCH_NO_VGA    (1u << 2)
#define BOOT_ARCH_NO_RTC    (1u << 5)   /* no CMOS RTC: FADT revision >= 5 */

/* C2/C3 latencies above 100/1000 us: those states are not supported. */
#define NO_C2_LATENCY       0x0FFF
#define NO_C3_LATENCY       0x0FFF

#define GAS_LEN             12
#define GAS_SPACE_IO        1
#define GAS_ACCESS_BYTE     1

#define MADT_TYPE_LAPIC     0
#define MADT_LAPIC_ENABLED  (1u << 0)

#define MADT_CHUNK          32      /* LAPIC entries per write */

/*
 * The DSDT body, hand-assembled; ASL:  Name (\_S5, Package (0x04)
 *                                        { 0x05, 0x05, 0x00, 0x00 })
 * (iasl would drop the root prefix, redundant at the DSDT's root scope.)
 * With HW_REDUCED_ACPI the guest enters S5 by writing SLP_TYPa << 2 |
 * SLP_EN to the FADT's sleep control register, so the value only has to
 * agree with whoever traps that register; 5 reads as "S5".
 */
static const uint8_t dsdt_aml[] = {
    0x08,                       /* NameOp */
    0x5C,                       /* RootChar '\' */
    '_', 'S', '5', '_',         /* NameSeg _S5_ */
    0x12,                       /* PackageOp */
    0x08,                       /* PkgLength: 8 bytes, counting itself */
    0x04,                       /* NumElements */
    0x0A, ACPI_BUILD_S5_SLP_TYP, /* BytePrefix 5: SLP_TYPa */
    0x0A, ACPI_BUILD_S5_SLP_TYP, /* BytePrefix 5: SLP_TYPb */
    0x00,                       /* ZeroOp: reserved */
    0x00,                       /* ZeroOp: reserved */
};

#define DSDT_LEN            (HDR_LEN + (uint32_t)sizeof(dsdt_aml))

/* Offsets of each structure from the start of the area. */
struct layout {
    uint64_t rsdp, xsdt, rsdt, fadt, dsdt, madt, end;
    uint32_t xsdt_len, rsdt_len, madt_len;
};

/* ---- byte helpers -------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t byte_sum(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

/* Fill a fixed-width, space-padded field from a C string. */
static void put_str(uint8_t *dst, uint32_t width, const char *s)
{
    uint32_t i = 0;

    for (; i < width && s[i]; i++)
        dst[i] = (uint8_t)s[i];
    for (; i < width; i++)
        dst[i] = ' ';
}

static const char *oem_id(const struct acpi_build_params *p)
{
    return p->oem_id[0] ? p->oem_id : ACPI_BUILD_OEM_ID;
}

static const char *oem_table_id(const struct acpi_build_params *p)
{
    return p->oem_table_id[0] ? p->oem_table_id : ACPI_BUILD_OEM_TABLE_ID;
}

/* An I/O port GAS: 8-bit register, byte access. */
static void put_io_gas(uint8_t *g, uint16_t port)
{
    g[0] = GAS_SPACE_IO;
    g[1] = 8;
    g[2] = 0;
    g[3] = GAS_ACCESS_BYTE;
    put64(g + 4, port);
}

/* ---- checks and layout --------------------------------------------------- */

/* NUL-terminated within 'size' bytes, printable ASCII. */
static bool str_ok(const char *s, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++) {
        if (!s[i])
            return true;
        if (s[i] < 0x20 || s[i] > 0x7E)
            return false;
    }
    return false;
}

static int check_params(const struct acpi_build_params *p)
{
    if (!p)
        return -EINVAL;
    if (p->nr_vcpus < 1 || p->nr_vcpus > ACPI_BUILD_MAX_VCPUS) {
        pr_warn("acpi_build: %u vCPUs, 1..%u supported\n", p->nr_vcpus,
                ACPI_BUILD_MAX_VCPUS);
        return -EINVAL;
    }
    if (!p->lapic_address) {
        pr_warn("acpi_build: no local APIC address\n");
        return -EINVAL;
    }
    if (!str_ok(p->oem_id, sizeof(p->oem_id)) ||
        !str_ok(p->oem_table_id, sizeof(p->oem_table_id))) {
        pr_warn("acpi_build: OEM ID or OEM table ID not printable ASCII\n");
        return -EINVAL;
    }
    return 0;
}

static void compute_layout(uint32_t nr_vcpus, struct layout *l)
{
    l->xsdt_len = HDR_LEN + XSDT_ENTRIES * 8;
    l->rsdt_len = HDR_LEN + XSDT_ENTRIES * 4;
    l->madt_len = MADT_HDR_LEN + nr_vcpus * MADT_LAPIC_LEN;

    l->rsdp = 0;
    l->xsdt = ALIGN_UP(l->rsdp + RSDP_LEN, (uint64_t)TABLE_ALIGN);
    l->rsdt = ALIGN_UP(l->xsdt + l->xsdt_len, (uint64_t)TABLE_ALIGN);
    l->fadt = ALIGN_UP(l->rsdt + l->rsdt_len, (uint64_t)TABLE_ALIGN);
    l->dsdt = ALIGN_UP(l->fadt + FADT_LEN, (uint64_t)TABLE_ALIGN);
    l->madt = ALIGN_UP(l->dsdt + DSDT_LEN, (uint64_t)TABLE_ALIGN);
    l->end = l->madt + l->madt_len;
}

int acpi_build_size(const struct acpi_build_params *p, uint64_t *size)
{
    struct layout l;
    int rc = check_params(p);

    if (rc)
        return rc;
    if (!size)
        return -EINVAL;
    compute_layout(p->nr_vcpus, &l);
    *size = l.end;
    return 0;
}

static int check_area(uint64_t area_gpa, uint64_t area_size, uint64_t need)
{
    if (area_gpa & (RSDP_ALIGN - 1)) {
        pr_warn("acpi_build: area %#llx not 16-byte aligned\n",
                (unsigned long long)area_gpa);
        return -EINVAL;
    }
    if (area_gpa + area_size < area_gpa || area_gpa >= LIMIT_4G ||
        need > LIMIT_4G - area_gpa) {
        pr_warn("acpi_build: area %#llx+%#llx wraps or the tables would not "
                "end below 4 GiB\n", (unsigned long long)area_gpa,
                (unsigned long long)area_size);
        return -EINVAL;
    }
    if (area_size < need) {
        pr_warn("acpi_build: area of %llu bytes, %llu needed\n",
                (unsigned long long)area_size, (unsigned long long)need);
        return -ENOSPC;
    }
    return 0;
}

/* ---- the tables ---------------------------------------------------------- */

/* A standard header; the checksum byte is left 0. */
static void put_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev,
                       const struct acpi_build_params *p)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    t[9] = 0;
    put_str(t + 10, 6, oem_id(p));
    put_str(t + 16, 8, oem_table_id(p));
    put32(t + 24, p->oem_revision);
    memcpy(t + 28, CREATOR_ID, 4);
    put32(t + 32, CREATOR_REVISION);
}

static void set_checksum(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = (uint8_t)-byte_sum(t, len);
}

static int write_rsdp(const struct gpa_write_ops *ops, uint64_t base,
                      const struct layout *l, const struct acpi_build_params *p)
{
    uint8_t r[RSDP_LEN] = { 0 };

    memcpy(r, "RSD PTR ", 8);
    put_str(r + 9, 6, oem_id(p));
    r[15] = REV_RSDP;
    put32(r + 16, (uint32_t)(base + l->rsdt));
    put32(r + 20, RSDP_LEN);
    put64(r + 24, base + l->xsdt);
    r[8] = (uint8_t)-byte_sum(r, RSDP_V1_LEN);
    r[32] = (uint8_t)-byte_sum(r, RSDP_LEN);
    return ops->copy_to_gpa(ops->ctx, base + l->rsdp, r, RSDP_LEN);
}

/* The XSDT (entry size 8) or the RSDT (entry size 4). */
static int write_root(const struct gpa_write_ops *ops, uint64_t base,
                      const struct layout *l, const struct acpi_build_params *p,
                      bool xsdt)
{
    uint8_t t[HDR_LEN + XSDT_ENTRIES * 8] = { 0 };
    uint32_t len = xsdt ? l->xsdt_len : l->rsdt_len;
    const uint64_t entries[XSDT_ENTRIES] = { base + l->fadt, base + l->madt };

    put_header(t, xsdt ? "XSDT" : "RSDT", len, xsdt ? REV_XSDT : REV_RSDT, p);
    for (uint32_t i = 0; i < XSDT_ENTRIES; i++) {
        if (xsdt)
            put64(t + HDR_LEN + i * 8, entries[i]);
        else
            put32(t + HDR_LEN + i * 4, (uint32_t)entries[i]);
    }
    set_checksum(t, len);
    return ops->copy_to_gpa(ops->ctx, base + (xsdt ? l->xsdt : l->rsdt), t, len);
}

static int write_fadt(const struct gpa_write_ops *ops, uint64_t base,
                      const struct layout *l, const struct acpi_build_params *p)
{
    uint8_t t[FADT_LEN] = { 0 };
    uint32_t flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON |
                     FADT_SLP_BUTTON | FADT_HW_REDUCED;

    put_header(t, "FACP", FADT_LEN, REV_FADT, p);
    put32(t + FADT_DSDT, (uint32_t)(base + l->dsdt));
    put64(t + FADT_X_DSDT, base + l->dsdt);
    put16(t + FADT_P_LVL2_LAT, NO_C2_LATENCY);
    put16(t + FADT_P_LVL3_LAT, NO_C3_LATENCY);
    put16(t + FADT_BOOT_ARCH, BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_RTC);
    if (p->reset_port) {
        flags |= FADT_RESET_REG_SUP;
        put_io_gas(t + FADT_RESET_REG, p->reset_port);
        t[FADT_RESET_VALUE] = p->reset_value;
    }
    if (p->sleep_port) {
        put_io_gas(t + FADT_SLEEP_CONTROL, p->sleep_port);
        put_io_gas(t + FADT_SLEEP_STATUS, p->sleep_port);
    }
    put32(t + FADT_FLAGS, flags);
    set_checksum(t, FADT_LEN);
    return ops->copy_to_gpa(ops->ctx, base + l->fadt, t, FADT_LEN);
}

static int write_dsdt(const struct gpa_write_ops *ops, uint64_t base,
                      const struct layout *l, const struct acpi_build_params *p)
{
    uint8_t t[DSDT_LEN];

    put_header(t, "DSDT", DSDT_LEN, REV_DSDT, p);
    memcpy(t + HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
    set_checksum(t, DSDT_LEN);
    return ops->copy_to_gpa(ops->ctx, base + l->dsdt, t, DSDT_LEN);
}

static void put_lapic(uint8_t *e, uint32_t vcpu)
{
    e[0] = MADT_TYPE_LAPIC;
    e[1] = MADT_LAPIC_LEN;
    e[2] = (uint8_t)vcpu;           /* ACPI processor UID */
    e[3] = (uint8_t)vcpu;           /* APIC ID */
    put32(e + 4, MADT_LAPIC_ENABLED);
}

/* The entries, MADT_CHUNK at a time; *sum accumulates their bytes. */
static int write_madt_entries(const struct gpa_write_ops *ops, uint64_t gpa,
                              uint32_t nr_vcpus, uint8_t *sum)
{
    uint8_t buf[MADT_CHUNK * MADT_LAPIC_LEN];

    for (uint32_t first = 0; first < nr_vcpus; first += MADT_CHUNK) {
        uint32_t n = MIN(nr_vcpus - first, (uint32_t)MADT_CHUNK);
        uint32_t len = n * MADT_LAPIC_LEN;
        int rc;

        for (uint32_t i = 0; i < n; i++)
            put_lapic(buf + i * MADT_LAPIC_LEN, first + i);
        *sum = (uint8_t)(*sum + byte_sum(buf, len));
        rc = ops->copy_to_gpa(ops->ctx, gpa + first * MADT_LAPIC_LEN, buf, len);
        if (rc)
            return rc;
    }
    return 0;
}

static int write_madt(const struct gpa_write_ops *ops, uint64_t base,
                      const struct layout *l, const struct acpi_build_params *p)
{
    uint8_t hdr[MADT_HDR_LEN];
    uint8_t sum = 0;
    int rc;

    rc = write_madt_entries(ops, base + l->madt + MADT_HDR_LEN, p->nr_vcpus,
                            &sum);
    if (rc)
        return rc;
    put_header(hdr, "APIC", l->madt_len, REV_MADT, p);
    put32(hdr + 36, p->lapic_address);
    put32(hdr + 40, 0);             /* flags: no PC-AT 8259s */
    hdr[9] = (uint8_t)-(uint8_t)(byte_sum(hdr, MADT_HDR_LEN) + sum);
    return ops->copy_to_gpa(ops->ctx, base + l->madt, hdr, MADT_HDR_LEN);
}

int acpi_build_tables(const struct acpi_build_params *p, uint64_t area_gpa,
                      uint64_t area_size, const struct gpa_write_ops *ops,
                      uint64_t *rsdp_gpa)
{
    struct layout l;
    int rc = check_params(p);

    if (rc)
        return rc;
    if (!ops || !ops->copy_to_gpa || !ops->zero_gpa || !rsdp_gpa)
        return -EINVAL;
    compute_layout(p->nr_vcpus, &l);
    rc = check_area(area_gpa, area_size, l.end);
    if (rc)
        return rc;

    rc = ops->zero_gpa(ops->ctx, area_gpa, l.end);
    if (!rc)
        rc = write_dsdt(ops, area_gpa, &l, p);
    if (!rc)
        rc = write_madt(ops, area_gpa, &l, p);
    if (!rc)
        rc = write_fadt(ops, area_gpa, &l, p);
    if (!rc)
        rc = write_root(ops, area_gpa, &l, p, true);
    if (!rc)
        rc = write_root(ops, area_gpa, &l, p, false);
    if (!rc)
        rc = write_rsdp(ops, area_gpa, &l, p);
    if (rc)
        return rc;
    *rsdp_gpa = area_gpa + l.rsdp;
    return 0;
}
