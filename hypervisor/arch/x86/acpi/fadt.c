// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FADT ("FACP") parser, revision-aware: the ACPI 1.0 part (116 bytes:
 * FACS, DSDT, SCI, 32-bit I/O port blocks, flags) always; the ACPI 2.0+
 * fields (reset register and value, IAPC_BOOT_ARCH, X_ addresses and GAS
 * blocks) only when the revision is >= 2 (>= 3 for IAPC_BOOT_ARCH) and the
 * table is long enough to hold them.  An X_ field, when non-zero, supersedes
 * its 32-bit twin (a disagreement is logged).
 */
#include <asm/acpi.h>
#include <keel/lib.h>

#include "acpi_priv.h"

/* Byte offsets of the fields used. */
#define FADT_FACS           36
#define FADT_DSDT           40
#define FADT_SCI_INT        46
#define FADT_PM1A_EVT       56
#define FADT_PM1B_EVT       60
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_PM_TMR         76
#define FADT_PM1_EVT_LEN    88
#define FADT_PM1_CNT_LEN    89
#define FADT_PM_TMR_LEN     91
#define FADT_BOOT_ARCH      109
#define FADT_FLAGS          112
#define FADT_V1_LEN         116
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_FACS         132
#define FADT_X_DSDT         140
#define FADT_X_PM1A_EVT     148
#define FADT_X_PM1B_EVT     160
#define FADT_X_PM1A_CNT     172
#define FADT_X_PM1B_CNT     184
#define FADT_X_PM_TMR       208

struct fadt_view {
    const uint8_t *t;
    uint32_t len;
    bool v2;            /* revision >= 2: the extended fields may be used */
};

/* The extended field [off, off + size) exists in this FADT. */
static bool has(const struct fadt_view *f, uint32_t off, uint32_t size)
{
    return f->v2 && off + size <= f->len;
}

/* A 64-bit address with its 32-bit twin: the X_ one when non-zero. */
static uint64_t pick_addr(const struct fadt_view *f, uint32_t off32,
                          uint32_t off64, const char *what)
{
    uint64_t a32 = acpi_rd32(f->t + off32);
    uint64_t a64 = has(f, off64, 8) ? acpi_rd64(f->t + off64) : 0;

    if (!a64)
        return a32;
    if (a32 && a32 != a64)
        pr_warn("ACPI: FADT: %s %#llx and X_%s %#llx differ, using X_%s\n", what,
                (unsigned long long)a32, what, (unsigned long long)a64, what);
    return a64;
}

/* A *_LEN field (bytes) as a GAS bit width. */
static uint8_t block_bits(uint8_t blk_len)
{
    return blk_len <= 31 ? (uint8_t)(blk_len * 8) : 0;
}

/* A register block: the X_ GAS when present, else the 32-bit I/O port with
 * 'blk_len' bytes. */
static void pick_block(const struct fadt_view *f, uint32_t off32, uint32_t off_gas,
                       uint8_t blk_len, const char *what, struct acpi_gas *out)
{
    uint32_t port = acpi_rd32(f->t + off32);

    memset(out, 0, sizeof(*out));
    if (has(f, off_gas, ACPI_GAS_LEN))
        acpi_rd_gas(f->t + off_gas, out);
    if (out->address) {
        if (!out->bit_width)
            out->bit_width = block_bits(blk_len);
        if (port && (out->space_id != ACPI_SPACE_IO || out->address != port))
            pr_warn("ACPI: FADT: %s port %#x and X_%s %#llx differ, using X_%s\n",
                    what, port, what, (unsigned long long)out->address, what);
        return;
    }
    if (!port)
        return;
    out->space_id = ACPI_SPACE_IO;
    out->bit_width = block_bits(blk_len);
    out->address = port;
}

static void parse_reset(const struct fadt_view *f, struct acpi_fadt *fadt)
{
    if (!has(f, FADT_RESET_REG, ACPI_GAS_LEN + 1))
        return;
    acpi_rd_gas(f->t + FADT_RESET_REG, &fadt->reset_reg);
    fadt->reset_value = f->t[FADT_RESET_VALUE];
    fadt->reset_supported = (fadt->flags & ACPI_FADT_RESET_REG_SUP) &&
                            fadt->reset_reg.address;
}

void acpi_parse_fadt(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
    struct acpi_fadt *fadt = &info->fadt;
    struct fadt_view f = { .t = t, .len = len };
    uint8_t evt_len, cnt_len;

    if (len < FADT_V1_LEN) {
        pr_warn("ACPI: FADT: length %u too short, skipped\n", len);
        return;
    }
    memset(fadt, 0, sizeof(*fadt));
    f.v2 = t[8] >= 2;
    evt_len = t[FADT_PM1_EVT_LEN];
    cnt_len = t[FADT_PM1_CNT_LEN];
    fadt->present = true;
    fadt->revision = t[8];
    fadt->flags = acpi_rd32(t + FADT_FLAGS);
    fadt->sci_irq = acpi_rd16(t + FADT_SCI_INT);
    fadt->pm_timer_32bit = fadt->flags & ACPI_FADT_TMR_VAL_EXT;
    fadt->hw_reduced = fadt->flags & ACPI_FADT_HW_REDUCED;
    if (t[8] >= 3 && len >= FADT_BOOT_ARCH + 2)
        fadt->iapc_boot_arch = acpi_rd16(t + FADT_BOOT_ARCH);

    fadt->facs = pick_addr(&f, FADT_FACS, FADT_X_FACS, "FIRMWARE_CTRL");
    fadt->dsdt = pick_addr(&f, FADT_DSDT, FADT_X_DSDT, "DSDT");

    pick_block(&f, FADT_PM_TMR, FADT_X_PM_TMR, t[FADT_PM_TMR_LEN], "PM_TMR_BLK",
               &fadt->pm_timer);
    pick_block(&f, FADT_PM1A_EVT, FADT_X_PM1A_EVT, evt_len, "PM1a_EVT_BLK",
               &fadt->pm1a_evt);
    pick_block(&f, FADT_PM1B_EVT, FADT_X_PM1B_EVT, evt_len, "PM1b_EVT_BLK",
               &fadt->pm1b_evt);
    pick_block(&f, FADT_PM1A_CNT, FADT_X_PM1A_CNT, cnt_len, "PM1a_CNT_BLK",
               &fadt->pm1a_cnt);
    pick_block(&f, FADT_PM1B_CNT, FADT_X_PM1B_CNT, cnt_len, "PM1b_CNT_BLK",
               &fadt->pm1b_cnt);
    parse_reset(&f, fadt);
}
