/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI table discovery and parsing (hypervisor/arch/x86/acpi/): finds the
 * RSDP, walks the XSDT (or RSDT), validates every table header and extracts
 * what the hypervisor needs from the MADT, FADT, HPET, MCFG and the DSDT's
 * \_S5 object into one struct acpi_info.  It also lists every valid table
 * (signature, physical address, length) so dom0 can be handed them later.
 *
 * Firmware tables are hostile input: every table is checked (length >= 36,
 * mappable, checksum) before it is read, and no parser reads outside the
 * table.  A bad table is skipped with a warning naming it and the reason;
 * parsing goes on with the others.  Nothing here allocates memory.
 */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <keel/types.h>

/*
 * Provided by the environment: a pointer through which the 'len' bytes of
 * host-physical memory at 'phys' may be read, or NULL when that range cannot
 * be mapped.  (Hypervisor: firmware_map() in arch/x86/mm.c, which maps
 * firmware ranges read-only on demand; host tests: a lookup into a fixture
 * memory image.)
 */
const void *acpi_map(uint64_t phys, uint64_t len);

#define ACPI_MAX_CPUS        256
#define ACPI_MAX_IOAPICS     32
#define ACPI_MAX_OVERRIDES   32
#define ACPI_MAX_NMI_SOURCES 8
#define ACPI_MAX_LAPIC_NMIS  ACPI_MAX_CPUS    /* often one per CPU */
#define ACPI_MAX_MCFG        16
#define ACPI_MAX_TABLES      64
#define ACPI_MAX_ROOT_ENTRIES 256      /* RSDT/XSDT entries looked at */
#define ACPI_TABLE_MAX_LEN   (16u << 20) /* larger "tables" are rejected */

#define ACPI_HEADER_LEN      36
#define ACPI_RSDP_V1_LEN     20
#define ACPI_RSDP_V2_LEN     36

/* Generic Address Structure address spaces. */
#define ACPI_SPACE_MEMORY    0
#define ACPI_SPACE_IO        1
#define ACPI_SPACE_PCI_CFG   2

/* acpi_cpu/acpi_lapic_nmi: a LAPIC NMI entry for every processor. */
#define ACPI_UID_ALL         0xFFFFFFFFu

/* MADT flags (acpi_info.madt_flags). */
#define ACPI_MADT_PCAT_COMPAT (1u << 0)

/* FADT flags (acpi_fadt.flags). */
#define ACPI_FADT_TMR_VAL_EXT   (1u << 8)
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED    (1u << 20)

/* A Generic Address Structure, unpacked.  address == 0: not present. */
struct acpi_gas {
    uint8_t space_id;
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};

/* The RSDP, as found (by scanning) or as copied by the boot loader. */
struct acpi_rsdp {
    uint64_t phys;          /* where it was found; 0 for a loader's copy */
    uint8_t revision;       /* 0: ACPI 1.0 (RSDT only); >= 2: has an XSDT */
    char oem_id[7];         /* NUL-terminated */
    uint32_t rsdt;
    uint64_t xsdt;          /* 0 when revision < 2 */
    uint8_t raw[ACPI_RSDP_V2_LEN];
    uint32_t raw_len;       /* 20 or 36 */
};

/* One valid table found, for handing to dom0. */
struct acpi_table_ref {
    char sig[5];            /* NUL-terminated */
    uint64_t phys;
    uint32_t length;
};

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t acpi_uid;
    bool enabled;           /* usable now */
    bool online_capable;    /* disabled but may be brought online later */
    bool x2apic;            /* from an x2APIC entry */
};

struct acpi_ioapic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};

/* An interrupt source override: ISA IRQ 'source' on 'bus' is 'gsi'. */
struct acpi_irq_override {
    uint8_t bus;
    uint8_t source;
    uint32_t gsi;
    uint16_t flags;         /* MPS INTI flags: polarity bits 0-1, trigger 2-3 */
};

struct acpi_nmi_source {
    uint32_t gsi;
    uint16_t flags;
};

struct acpi_lapic_nmi {
    uint32_t acpi_uid;      /* ACPI_UID_ALL for every processor */
    uint16_t flags;
    uint8_t lint;           /* LINT0 or LINT1 */
};

struct acpi_mcfg_entry {
    uint64_t base;          /* ECAM base of bus 0 in this segment */
    uint16_t segment;
    uint8_t bus_start;
    uint8_t bus_end;
};

struct acpi_fadt {
    bool present;
    uint8_t revision;
    uint32_t flags;         /* ACPI_FADT_* */
    uint16_t sci_irq;
    uint16_t iapc_boot_arch; /* 0 when the FADT predates the field */
    uint64_t facs;          /* physical; 0 if none (X_ preferred) */
    uint64_t dsdt;          /* physical; 0 if none (X_ preferred) */
    /* Each register: the X_ GAS when present, else the 32-bit port as an
     * I/O GAS (bit_width from the *_LEN field).  address 0: absent. */
    struct acpi_gas pm_timer;
    bool pm_timer_32bit;    /* ACPI_FADT_TMR_VAL_EXT: 32-bit, else 24-bit */
    struct acpi_gas pm1a_evt, pm1b_evt;
    struct acpi_gas pm1a_cnt, pm1b_cnt;
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    bool reset_supported;   /* RESET_REG_SUP set and reset_reg present */
    bool hw_reduced;        /* HW_REDUCED_ACPI */
};

struct acpi_hpet {
    bool present;
    uint32_t block_id;      /* event timer block id (vendor, caps) */
    struct acpi_gas base;
    uint8_t number;
    uint8_t nr_comparators;
    bool counter_64bit;
    uint16_t min_tick;
};

struct acpi_info {
    struct acpi_rsdp rsdp;
    uint64_t root_phys;     /* the XSDT or RSDT walked */
    bool root_is_xsdt;

    uint32_t nr_tables;
    struct acpi_table_ref tables[ACPI_MAX_TABLES];

    /* MADT */
    bool madt_present;
    uint64_t lapic_address; /* after any LAPIC address override */
    uint32_t madt_flags;
    uint32_t nr_cpus;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    uint32_t nr_ioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    uint32_t nr_overrides;
    struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
    uint32_t nr_nmi_sources;
    struct acpi_nmi_source nmi_sources[ACPI_MAX_NMI_SOURCES];
    uint32_t nr_lapic_nmis;
    struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];

    struct acpi_fadt fadt;
    struct acpi_hpet hpet;

    uint32_t nr_mcfg;
    struct acpi_mcfg_entry mcfg[ACPI_MAX_MCFG];

    /* \_S5 from the DSDT: the SLP_TYPa/SLP_TYPb values for soft-off. */
    bool s5_valid;
    uint8_t s5_slp_typa, s5_slp_typb;
};

/* What the boot CPU found (arch/x86/setup.c), for power management and
 * later for dom0. */
extern struct acpi_info acpi_boot_info;

/* Validate an RSDP copy (e.g. from a multiboot2 ACPI tag) of 'len' bytes.
 * 0 and *out filled (out->phys = 0), or -EINVAL with a logged reason. */
int acpi_rsdp_from_copy(const void *buf, uint32_t len, struct acpi_rsdp *out);

/* Look for the RSDP in the first KiB of the EBDA (segment at 0x40E), then
 * in 0xE0000-0xFFFFF, on 16-byte boundaries.  0 or -ENOENT. */
int acpi_rsdp_scan(struct acpi_rsdp *out);

/* Walk the tables under 'rsdp' and fill *info (cleared first).  0 when a
 * root table (XSDT, else RSDT) was usable, else -EINVAL; individual bad
 * tables are skipped with a warning and do not make this fail. */
int acpi_parse(const struct acpi_rsdp *rsdp, struct acpi_info *info);

/* Boot entry point: use the loader's RSDP copy when 'copy_len' is non-zero
 * and it validates, else scan; then acpi_parse().  0, -ENOENT or -EINVAL. */
int acpi_init(const void *copy, uint32_t copy_len, struct acpi_info *info);

/* Check a table at 'phys': mappable header, 36 <= length <= ACPI_TABLE_MAX_LEN,
 * whole table mappable, checksum (and signature, when 'sig' is not NULL).
 * Returns the mapped table with its length in *len, or NULL with a warning. */
const uint8_t *acpi_table_check(uint64_t phys, const char *sig, uint32_t *len);

/* Scan AML (a DSDT/SSDT body) for Name(\_Sx_, Package(){a, b, ...}) with x
 * = 'state' (0-5) and return its SLP_TYPa/SLP_TYPb.  0 or -ENOENT. */
int acpi_aml_sleep_type(const uint8_t *aml, uint32_t len, unsigned int state,
                        uint8_t *slp_typa, uint8_t *slp_typb);

/* The parsers acpi_parse() calls, each given one validated table. */
void acpi_parse_madt(const uint8_t *t, uint32_t len, struct acpi_info *info);
void acpi_parse_fadt(const uint8_t *t, uint32_t len, struct acpi_info *info);
void acpi_parse_hpet(const uint8_t *t, uint32_t len, struct acpi_info *info);
void acpi_parse_mcfg(const uint8_t *t, uint32_t len, struct acpi_info *info);

/* The entry of 'info->tables' with that signature, or NULL. */
const struct acpi_table_ref *acpi_find_table(const struct acpi_info *info,
                                             const char *sig);

#endif
