// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MADT ("APIC") parser: local APIC address (and its 64-bit override),
 * processor local APIC and x2APIC entries, I/O APICs, interrupt source
 * overrides, NMI sources and local APIC / x2APIC NMI entries.
 *
 * The entry walk stops at an entry shorter than 2 bytes or running past the
 * table (so it always ends); an entry too short for its type is skipped.
 * Processors neither enabled nor online-capable, and duplicate or invalid
 * APIC IDs, are skipped.  Full arrays are logged once per kind.
 */
#include <asm/acpi.h>
#include <keel/lib.h>

#include "acpi_priv.h"

#define MADT_ENTRIES_OFF   44

#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2
#define MADT_NMI_SOURCE     3
#define MADT_LAPIC_NMI      4
#define MADT_LAPIC_ADDR     5
#define MADT_X2APIC         9
#define MADT_X2APIC_NMI     10

#define LAPIC_ENABLED        (1u << 0)
#define LAPIC_ONLINE_CAPABLE (1u << 1)

struct madt_state {
    struct acpi_info *info;
    bool full_cpus, full_ioapics, full_overrides, full_nmis, full_lapic_nmis;
};

/* Room in an array of 'max' with '*nr' used; logs once when full. */
static bool room(uint32_t nr, uint32_t max, bool *full, const char *what)
{
    if (nr < max)
        return true;
    if (!*full)
        pr_warn("ACPI: MADT: more than %u %s, the rest ignored\n", max, what);
    *full = true;
    return false;
}

static bool apic_id_known(const struct acpi_info *info, uint32_t apic_id)
{
    for (uint32_t i = 0; i < info->nr_cpus; i++)
        if (info->cpus[i].apic_id == apic_id)
            return true;
    return false;
}

static void add_cpu(struct madt_state *st, uint32_t apic_id, uint32_t uid,
                    uint32_t flags, bool x2apic)
{
    struct acpi_info *info = st->info;
    struct acpi_cpu *cpu;

    if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
        return;         /* not usable, now or later */
    if (apic_id_known(info, apic_id)) {
        pr_warn("ACPI: MADT: APIC ID %#x listed twice, ignored\n", apic_id);
        return;
    }
    if (!room(info->nr_cpus, ACPI_MAX_CPUS, &st->full_cpus, "CPUs"))
        return;
    cpu = &info->cpus[info->nr_cpus++];
    cpu->apic_id = apic_id;
    cpu->acpi_uid = uid;
    cpu->enabled = flags & LAPIC_ENABLED;
    cpu->online_capable = !cpu->enabled && (flags & LAPIC_ONLINE_CAPABLE);
    cpu->x2apic = x2apic;
}

static void add_ioapic(struct madt_state *st, const uint8_t *e)
{
    struct acpi_info *info = st->info;
    struct acpi_ioapic *io;

    if (!room(info->nr_ioapics, ACPI_MAX_IOAPICS, &st->full_ioapics, "IOAPICs"))
        return;
    io = &info->ioapics[info->nr_ioapics++];
    io->id = e[2];
    io->address = acpi_rd32(e + 4);
    io->gsi_base = acpi_rd32(e + 8);
}

static void add_override(struct madt_state *st, const uint8_t *e)
{
    struct acpi_info *info = st->info;
    struct acpi_irq_override *o;

    if (!room(info->nr_overrides, ACPI_MAX_OVERRIDES, &st->full_overrides,
              "interrupt source overrides"))
        return;
    o = &info->overrides[info->nr_overrides++];
    o->bus = e[2];
    o->source = e[3];
    o->gsi = acpi_rd32(e + 4);
    o->flags = acpi_rd16(e + 8);
}

static void add_nmi_source(struct madt_state *st, const uint8_t *e)
{
    struct acpi_info *info = st->info;
    struct acpi_nmi_source *n;

    if (!room(info->nr_nmi_sources, ACPI_MAX_NMI_SOURCES, &st->full_nmis,
              "NMI sources"))
        return;
    n = &info->nmi_sources[info->nr_nmi_sources++];
    n->flags = acpi_rd16(e + 2);
    n->gsi = acpi_rd32(e + 4);
}

static void add_lapic_nmi(struct madt_state *st, uint32_t uid, uint16_t flags,
                          uint8_t lint)
{
    struct acpi_info *info = st->info;
    struct acpi_lapic_nmi *n;

    if (!room(info->nr_lapic_nmis, ACPI_MAX_LAPIC_NMIS, &st->full_lapic_nmis,
              "local APIC NMI entries"))
        return;
    n = &info->lapic_nmis[info->nr_lapic_nmis++];
    n->acpi_uid = uid;
    n->flags = flags;
    n->lint = lint;
}

/* Minimum entry length per type; 0 for types not parsed. */
static uint8_t min_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:      return 8;
    case MADT_IOAPIC:     return 12;
    case MADT_OVERRIDE:   return 10;
    case MADT_NMI_SOURCE: return 8;
    case MADT_LAPIC_NMI:  return 6;
    case MADT_LAPIC_ADDR: return 12;
    case MADT_X2APIC:     return 16;
    case MADT_X2APIC_NMI: return 12;
    default:              return 0;
    }
}

static void parse_entry(struct madt_state *st, const uint8_t *e)
{
    switch (e[0]) {
    case MADT_LAPIC:
        if (e[3] == 0xFF)
            break;      /* not a valid xAPIC ID */
        add_cpu(st, e[3], e[2], acpi_rd32(e + 4), false);
        break;
    case MADT_X2APIC:
        if (acpi_rd32(e + 4) == 0xFFFFFFFFu)
            break;
        add_cpu(st, acpi_rd32(e + 4), acpi_rd32(e + 12), acpi_rd32(e + 8), true);
        break;
    case MADT_IOAPIC:
        add_ioapic(st, e);
        break;
    case MADT_OVERRIDE:
        add_override(st, e);
        break;
    case MADT_NMI_SOURCE:
        add_nmi_source(st, e);
        break;
    case MADT_LAPIC_NMI:
        add_lapic_nmi(st, e[2] == 0xFF ? ACPI_UID_ALL : e[2], acpi_rd16(e + 3), e[5]);
        break;
    case MADT_X2APIC_NMI:
        add_lapic_nmi(st, acpi_rd32(e + 4), acpi_rd16(e + 2), e[8]);
        break;
    case MADT_LAPIC_ADDR:
        st->info->lapic_address = acpi_rd64(e + 4);
        break;
    }
}

void acpi_parse_madt(const uint8_t *t, uint32_t len, struct acpi_info *info)
{
    struct madt_state st = { .info = info };
    uint32_t off = MADT_ENTRIES_OFF;

    if (len < MADT_ENTRIES_OFF) {
        pr_warn("ACPI: MADT: length %u too short, skipped\n", len);
        return;
    }
    info->madt_present = true;
    info->lapic_address = acpi_rd32(t + 36);
    info->madt_flags = acpi_rd32(t + 40);

    while (off + 2 <= len) {
        const uint8_t *e = t + off;
        uint8_t elen = e[1];

        if (elen < 2 || elen > len - off) {
            pr_warn("ACPI: MADT: entry at offset %u has bad length %u, rest ignored\n",
                    off, elen);
            break;
        }
        if (elen < min_len(e[0]))
            pr_warn("ACPI: MADT: type %u entry at offset %u too short (%u), skipped\n",
                    e[0], off, elen);
        else
            parse_entry(&st, e);
        off += elen;
    }
    if (off != len && off + 2 > len)
        pr_warn("ACPI: MADT: %u stray bytes at the end\n", len - off);
}
