// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI table discovery: the RSDP (a boot loader's copy, or a scan of the
 * EBDA and the BIOS area), table header validation, the walk of the XSDT
 * (RSDT when the XSDT is absent or bad), the list of valid tables, and the
 * dispatch of each table to its parser.  The FADT's DSDT and FACS are
 * followed after the walk; the DSDT is scanned for \_S5.
 *
 * Only the first MADT, FADT, HPET and MCFG are parsed; later ones are listed
 * but ignored with a warning.  A table listed twice (same address) is listed
 * once.
 */
#include <asm/acpi.h>
#include <keel/errno.h>
#include <keel/lib.h>

#include "acpi_priv.h"

#define EBDA_SEG_PTR     0x40E
#define EBDA_SCAN_LEN    1024
#define EBDA_LOWEST      0x500      /* above the BIOS data area */
#define EBDA_END         0xA0000
#define BIOS_AREA_START  0xE0000
#define BIOS_AREA_LEN    0x20000
#define FACS_MIN_LEN     64

static const char rsdp_sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };

/* ---- RSDP ---------------------------------------------------------------- */

/* The extended (revision >= 2) part: true when it can be trusted. */
static bool rsdp_ext_ok(const uint8_t *p, uint32_t avail, const char *where)
{
    uint32_t len;

    if (avail < ACPI_RSDP_V2_LEN) {
        pr_warn("ACPI: RSDP %s: revision %u but only %u bytes, using the RSDT\n",
                where, p[15], avail);
        return false;
    }
    len = acpi_rd32(p + 20);
    if (len < ACPI_RSDP_V2_LEN || len > avail) {
        pr_warn("ACPI: RSDP %s: bad length %u, using the RSDT\n", where, len);
        return false;
    }
    if (acpi_sum(p, len)) {
        pr_warn("ACPI: RSDP %s: bad extended checksum, using the RSDT\n", where);
        return false;
    }
    return true;
}

static int rsdp_validate(const uint8_t *p, uint32_t avail, uint64_t phys,
                         const char *where, struct acpi_rsdp *out)
{
    bool ext;

    if (avail < ACPI_RSDP_V1_LEN) {
        pr_warn("ACPI: RSDP %s: only %u bytes\n", where, avail);
        return -EINVAL;
    }
    if (memcmp(p, rsdp_sig, sizeof(rsdp_sig))) {
        pr_warn("ACPI: RSDP %s: bad signature\n", where);
        return -EINVAL;
    }
    if (acpi_sum(p, ACPI_RSDP_V1_LEN)) {
        pr_warn("ACPI: RSDP %s: bad checksum\n", where);
        return -EINVAL;
    }
    ext = p[15] >= 2 && rsdp_ext_ok(p, avail, where);

    memset(out, 0, sizeof(*out));
    out->phys = phys;
    out->revision = p[15];
    for (int i = 0; i < 6; i++)
        out->oem_id[i] = (p[9 + i] >= 0x20 && p[9 + i] < 0x7f) ? (char)p[9 + i] : '?';
    out->rsdt = acpi_rd32(p + 16);
    out->xsdt = ext ? acpi_rd64(p + 24) : 0;
    out->raw_len = ext ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN;
    memcpy(out->raw, p, out->raw_len);
    if (!out->rsdt && !out->xsdt) {
        pr_warn("ACPI: RSDP %s: no RSDT or XSDT address\n", where);
        return -EINVAL;
    }
    return 0;
}

int acpi_rsdp_from_copy(const void *buf, uint32_t len, struct acpi_rsdp *out)
{
    if (!buf)
        return -EINVAL;
    return rsdp_validate(buf, len, 0, "copy", out);
}

static int rsdp_scan_region(uint64_t base, uint32_t size, struct acpi_rsdp *out)
{
    const uint8_t *p = acpi_map(base, size);
    char where[32];

    if (!p) {
        pr_warn("ACPI: cannot map %#llx-%#llx to look for the RSDP\n",
                (unsigned long long)base, (unsigned long long)(base + size - 1));
        return -ENOENT;
    }
    for (uint32_t off = 0; off + ACPI_RSDP_V1_LEN <= size; off += 16) {
        if (memcmp(p + off, rsdp_sig, sizeof(rsdp_sig)))
            continue;
        snprintf(where, sizeof(where), "at %#llx", (unsigned long long)(base + off));
        if (!rsdp_validate(p + off, size - off, base + off, where, out))
            return 0;
    }
    return -ENOENT;
}

int acpi_rsdp_scan(struct acpi_rsdp *out)
{
    const uint8_t *bda = acpi_map(EBDA_SEG_PTR, 2);
    uint64_t ebda = bda ? (uint64_t)acpi_rd16(bda) << 4 : 0;

    if (ebda >= EBDA_LOWEST && ebda < EBDA_END &&
        !rsdp_scan_region(ebda, (uint32_t)MIN((uint64_t)EBDA_SCAN_LEN, EBDA_END - ebda), out))
        return 0;
    if (!rsdp_scan_region(BIOS_AREA_START, BIOS_AREA_LEN, out))
        return 0;
    pr_warn("ACPI: no RSDP found\n");
    return -ENOENT;
}

/* ---- table headers ------------------------------------------------------- */

const uint8_t *acpi_table_check(uint64_t phys, const char *sig, uint32_t *len_out)
{
    const uint8_t *hdr, *t;
    char name[5];
    uint32_t len;

    hdr = phys ? acpi_map(phys, ACPI_HEADER_LEN) : NULL;
    if (!hdr) {
        pr_warn("ACPI: %s table at %#llx: header not mappable, skipped\n",
                sig ? sig : "a", (unsigned long long)phys);
        return NULL;
    }
    acpi_sig_str(hdr, name);
    if (sig && memcmp(hdr, sig, 4)) {
        pr_warn("ACPI: %s at %#llx: signature is '%s', skipped\n",
                sig, (unsigned long long)phys, name);
        return NULL;
    }
    len = acpi_rd32(hdr + 4);
    if (len < ACPI_HEADER_LEN || len > ACPI_TABLE_MAX_LEN) {
        pr_warn("ACPI: %s at %#llx: bad length %u, skipped\n",
                name, (unsigned long long)phys, len);
        return NULL;
    }
    t = phys + len > phys ? acpi_map(phys, len) : NULL;
    if (!t) {
        pr_warn("ACPI: %s at %#llx: length %u runs past mappable memory, skipped\n",
                name, (unsigned long long)phys, len);
        return NULL;
    }
    if (acpi_sum(t, len)) {
        pr_warn("ACPI: %s at %#llx: bad checksum, skipped\n",
                name, (unsigned long long)phys);
        return NULL;
    }
    *len_out = len;
    return t;
}

/* The FACS has no checksum: signature and length only. */
static bool facs_check(uint64_t phys, uint32_t *len_out)
{
    const uint8_t *hdr = acpi_map(phys, FACS_MIN_LEN);
    uint32_t len;

    if (!hdr) {
        pr_warn("ACPI: FACS at %#llx: not mappable, skipped\n",
                (unsigned long long)phys);
        return false;
    }
    len = acpi_rd32(hdr + 4);
    if (memcmp(hdr, "FACS", 4) || len < FACS_MIN_LEN || len > ACPI_TABLE_MAX_LEN ||
        phys + len < phys || !acpi_map(phys, len)) {
        pr_warn("ACPI: FACS at %#llx: bad signature or length, skipped\n",
                (unsigned long long)phys);
        return false;
    }
    *len_out = len;
    return true;
}

/* ---- the table list ------------------------------------------------------ */

const struct acpi_table_ref *acpi_find_table(const struct acpi_info *info,
                                             const char *sig)
{
    for (uint32_t i = 0; i < info->nr_tables; i++)
        if (!memcmp(info->tables[i].sig, sig, 4))
            return &info->tables[i];
    return NULL;
}

/* false when the table at 'phys' is already listed */
static bool record_table(struct acpi_info *info, const uint8_t *sig,
                         uint64_t phys, uint32_t len)
{
    struct acpi_table_ref *ref;
    char name[5];

    acpi_sig_str(sig, name);
    for (uint32_t i = 0; i < info->nr_tables; i++) {
        if (info->tables[i].phys == phys) {
            pr_warn("ACPI: %s at %#llx listed twice, ignored\n",
                    name, (unsigned long long)phys);
            return false;
        }
    }
    if (info->nr_tables == ACPI_MAX_TABLES) {
        pr_warn("ACPI: more than %u tables, %s at %#llx not listed\n",
                ACPI_MAX_TABLES, name, (unsigned long long)phys);
        return true;
    }
    ref = &info->tables[info->nr_tables++];
    memcpy(ref->sig, name, sizeof(ref->sig));
    ref->phys = phys;
    ref->length = len;
    return true;
}

/* ---- the walk ------------------------------------------------------------ */

struct seen {
    bool madt, fadt, hpet, mcfg;
};

static bool first_of(bool *seen, const char *sig, uint64_t phys)
{
    if (*seen) {
        pr_warn("ACPI: another %s at %#llx, ignored\n", sig,
                (unsigned long long)phys);
        return false;
    }
    *seen = true;
    return true;
}

static void dispatch(const uint8_t *t, uint32_t len, uint64_t phys,
                     struct acpi_info *info, struct seen *seen)
{
    if (!memcmp(t, "APIC", 4) && first_of(&seen->madt, "MADT", phys))
        acpi_parse_madt(t, len, info);
    else if (!memcmp(t, "FACP", 4) && first_of(&seen->fadt, "FADT", phys))
        acpi_parse_fadt(t, len, info);
    else if (!memcmp(t, "HPET", 4) && first_of(&seen->hpet, "HPET", phys))
        acpi_parse_hpet(t, len, info);
    else if (!memcmp(t, "MCFG", 4) && first_of(&seen->mcfg, "MCFG", phys))
        acpi_parse_mcfg(t, len, info);
}

static const uint8_t *pick_root(const struct acpi_rsdp *rsdp,
                                struct acpi_info *info, uint32_t *len)
{
    const uint8_t *t;

    if (rsdp->revision >= 2 && rsdp->xsdt) {
        t = acpi_table_check(rsdp->xsdt, "XSDT", len);
        if (t) {
            info->root_phys = rsdp->xsdt;
            info->root_is_xsdt = true;
            return t;
        }
        pr_warn("ACPI: XSDT unusable, falling back to the RSDT\n");
    }
    if (!rsdp->rsdt) {
        pr_warn("ACPI: no RSDT\n");
        return NULL;
    }
    t = acpi_table_check(rsdp->rsdt, "RSDT", len);
    if (t)
        info->root_phys = rsdp->rsdt;
    return t;
}

static void walk_root(const uint8_t *root, uint32_t len, struct acpi_info *info)
{
    uint32_t esize = info->root_is_xsdt ? 8 : 4;
    uint32_t n = (len - ACPI_HEADER_LEN) / esize;
    const char *name = info->root_is_xsdt ? "XSDT" : "RSDT";
    struct seen seen = { 0 };

    if ((len - ACPI_HEADER_LEN) % esize)
        pr_warn("ACPI: %s: length %u is not a whole number of entries\n", name, len);
    if (n > ACPI_MAX_ROOT_ENTRIES) {
        pr_warn("ACPI: %s: %u entries, only the first %u used\n",
                name, n, ACPI_MAX_ROOT_ENTRIES);
        n = ACPI_MAX_ROOT_ENTRIES;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = root + ACPI_HEADER_LEN + i * esize;
        uint64_t phys = esize == 8 ? acpi_rd64(e) : acpi_rd32(e);
        const uint8_t *t;
        uint32_t tlen;

        if (!phys) {
            pr_warn("ACPI: %s entry %u is null, skipped\n", name, i);
            continue;
        }
        t = acpi_table_check(phys, NULL, &tlen);
        if (t && record_table(info, t, phys, tlen))
            dispatch(t, tlen, phys, info, &seen);
    }
}

static void parse_dsdt(struct acpi_info *info)
{
    uint64_t phys = info->fadt.dsdt;
    const uint8_t *t;
    uint32_t len;

    if (!phys) {
        pr_warn("ACPI: no DSDT, \\_S5 unknown\n");
        return;
    }
    t = acpi_table_check(phys, "DSDT", &len);
    if (!t)
        return;
    record_table(info, t, phys, len);   /* may also be in the root: still scan */
    if (acpi_aml_sleep_type(t + ACPI_HEADER_LEN, len - ACPI_HEADER_LEN, 5,
                            &info->s5_slp_typa, &info->s5_slp_typb) == 0)
        info->s5_valid = true;
    else
        pr_warn("ACPI: DSDT has no usable \\_S5\n");
}

static void parse_facs(struct acpi_info *info)
{
    uint32_t len;

    if (info->fadt.facs && facs_check(info->fadt.facs, &len))
        record_table(info, (const uint8_t *)"FACS", info->fadt.facs, len);
}

int acpi_parse(const struct acpi_rsdp *rsdp, struct acpi_info *info)
{
    const uint8_t *root;
    uint32_t len;

    memset(info, 0, sizeof(*info));
    info->rsdp = *rsdp;
    root = pick_root(rsdp, info, &len);
    if (!root) {
        pr_warn("ACPI: no usable RSDT or XSDT, ACPI tables ignored\n");
        return -EINVAL;
    }
    record_table(info, root, info->root_phys, len);
    walk_root(root, len, info);
    if (info->fadt.present) {
        parse_facs(info);
        parse_dsdt(info);
    } else {
        pr_warn("ACPI: no FADT\n");
    }
    if (!info->madt_present)
        pr_warn("ACPI: no MADT\n");
    return 0;
}

int acpi_init(const void *copy, uint32_t copy_len, struct acpi_info *info)
{
    struct acpi_rsdp from_copy, scanned;
    bool have_copy = copy_len && !acpi_rsdp_from_copy(copy, copy_len, &from_copy);

    if (have_copy && !acpi_parse(&from_copy, info))
        return 0;
    if (copy_len)
        pr_warn("ACPI: the loader's RSDP is unusable, scanning for one\n");
    if (acpi_rsdp_scan(&scanned)) {
        memset(info, 0, sizeof(*info));
        return -ENOENT;
    }
    if (have_copy && scanned.rsdt == from_copy.rsdt && scanned.xsdt == from_copy.xsdt)
        return -EINVAL;     /* the same tables, already found unusable */
    return acpi_parse(&scanned, info);
}
