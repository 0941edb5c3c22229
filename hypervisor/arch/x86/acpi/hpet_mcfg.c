// SPDX-License-Identifier: GPL-2.0-only
/*
 * The HPET table parser (event timer block id, base address GAS, number,
 * minimum tick) and the MCFG parser (PCI Express ECAM regions: base,
 * segment, bus range).  MCFG entries with a zero base or an inverted bus
 * range are skipped with a warning.
 */
#include <asm/acpi.h>
#include <keel/lib.h>

#include "acpi_priv.h"

#define HPET_LEN            56
#define HPET_BLOCK_ID       36
#define HPET_BASE           40
#define HPET_NUMBER         52
#define HPET_MIN_TICK       53
#define HPET_ID_COMPARATORS(id) ((((id) >> 8) & 0x1F) + 1)
#define HPET_ID_COUNT_64    (1u << 13)

#define MCFG_ENTRIES_OFF    44
#define MCFG_ENTRY_LEN      16

void acpi_parse_hpet(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
    struct acpi_hpet *hpet = &info->hpet;

    if (len < HPET_LEN) {
        pr_warn("ACPI: HPET: length %u too short, skipped\n", len);
        return;
    }
    memset(hpet, 0, sizeof(*hpet));
    hpet->block_id = acpi_rd32(t + HPET_BLOCK_ID);
    acpi_rd_gas(t + HPET_BASE, &hpet->base);
    hpet->number = t[HPET_NUMBER];
    hpet->min_tick = acpi_rd16(t + HPET_MIN_TICK);
    hpet->nr_comparators = (uint8_t)HPET_ID_COMPARATORS(hpet->block_id);
    hpet->counter_64bit = hpet->block_id & HPET_ID_COUNT_64;
    if (!hpet->base.address || hpet->base.space_id != ACPI_SPACE_MEMORY) {
        pr_warn("ACPI: HPET: base address %#llx in space %u unusable, skipped\n",
                (unsigned long long)hpet->base.address, hpet->base.space_id);
        return;
    }
    hpet->present = true;
}

void acpi_parse_mcfg(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
    uint32_t n;

    if (len < MCFG_ENTRIES_OFF) {
        pr_warn("ACPI: MCFG: length %u too short, skipped\n", len);
        return;
    }
    n = (len - MCFG_ENTRIES_OFF) / MCFG_ENTRY_LEN;
    if ((len - MCFG_ENTRIES_OFF) % MCFG_ENTRY_LEN)
        pr_warn("ACPI: MCFG: length %u is not a whole number of entries\n", len);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = t + MCFG_ENTRIES_OFF + i * MCFG_ENTRY_LEN;
        struct acpi_mcfg_entry *m;

        if (!acpi_rd64(e) || e[10] > e[11]) {
            pr_warn("ACPI: MCFG: entry %u (base %#llx, buses %u-%u) invalid, skipped\n",
                    i, (unsigned long long)acpi_rd64(e), e[10], e[11]);
            continue;
        }
        if (info->nr_mcfg == ACPI_MAX_MCFG) {
            pr_warn("ACPI: MCFG: more than %u entries, the rest ignored\n",
                    ACPI_MAX_MCFG);
            break;
        }
        m = &info->mcfg[info->nr_mcfg++];
        m->base = acpi_rd64(e);
        m->segment = acpi_rd16(e + 8);
        m->bus_start = e[10];
        m->bus_end = e[11];
    }
}
