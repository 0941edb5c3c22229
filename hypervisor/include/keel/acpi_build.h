/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI tables for a PVH domain (hypervisor/common/acpi_build.c): a minimal,
 * hardware-reduced set that lets the guest find its vCPUs and learn \_S5.
 * Everything is written, checksummed, into one guest-physical area through
 * the same callbacks the ELF loader uses:
 *
 *     area_gpa + 0   RSDP   revision 2, 36 bytes, RSDT and XSDT addresses
 *              ...   XSDT   -> FADT, MADT
 *              ...   RSDT   -> FADT, MADT (the same tables, 32-bit entries)
 *              ...   FADT   revision 5, HW_REDUCED_ACPI, DSDT and X_DSDT
 *              ...   DSDT   AML: Name(\_S5_, Package(){5, 5, 0, 0})
 *              ...   MADT   local APIC address, one enabled Processor
 *                           Local APIC entry per vCPU (UID n, APIC ID n)
 *
 * The RSDP is at area_gpa (which must be 16-byte aligned); each table
 * follows on an 8-byte boundary, the gaps zeroed.  No FACS, no SCI, no PM1
 * blocks, no PM timer, no I/O APIC, no 8259s (MADT flags 0).  The FADT's
 * sleep control/status and reset registers are given only when the caller
 * names an I/O port for them (Keel must then trap that port).
 *
 * The guest finds the RSDP through hvm_start_info.rsdp_paddr.
 */
#ifndef KEEL_ACPI_BUILD_H
#define KEEL_ACPI_BUILD_H

#include <keel/elf_loader.h>    /* struct gpa_write_ops */
#include <keel/types.h>

/* xAPIC Processor Local APIC entries: APIC IDs 0..254 (0xFF is broadcast). */
#define ACPI_BUILD_MAX_VCPUS    255
#define ACPI_BUILD_LAPIC_ADDR   0xFEE00000u

/* Used when the params leave the OEM strings empty. */
#define ACPI_BUILD_OEM_ID       "KEEL"
#define ACPI_BUILD_OEM_TABLE_ID "KEELPVH"

/* The \_S5 package in the DSDT: SLP_TYPa, SLP_TYPb. */
#define ACPI_BUILD_S5_SLP_TYP   5

struct acpi_build_params {
    uint32_t nr_vcpus;          /* 1..255; vCPU n has APIC ID n, ACPI UID n */
    uint32_t lapic_address;     /* the MADT's local APIC address, non-zero */
    /* NUL-terminated printable ASCII, padded with spaces in the tables;
     * empty: the defaults above. */
    char oem_id[7];
    char oem_table_id[9];
    uint32_t oem_revision;
    /* Optional I/O ports; 0: absent. */
    uint16_t sleep_port;        /* FADT SLEEP_CONTROL_REG and SLEEP_STATUS_REG
                                 * (8-bit); the guest writes
                                 * SLP_TYP << 2 | SLP_EN (bit 5) there */
    uint16_t reset_port;        /* FADT RESET_REG (8-bit) + RESET_REG_SUP */
    uint8_t reset_value;        /* RESET_VALUE, when reset_port is set */
};

/*
 * The bytes acpi_build_tables() writes for 'p' (from the RSDP to the end of
 * the last table).  0, or -EINVAL for bad params.
 */
int acpi_build_size(const struct acpi_build_params *p, uint64_t *size);

/*
 * Write the tables into guest-physical [area_gpa, area_gpa + area_size)
 * through 'ops' and return the RSDP's address (area_gpa) in *rsdp_gpa.
 * Returns 0; -EINVAL for bad params, a NULL pointer or callback, an area
 * not 16-byte aligned or wrapping, or tables that would not end below
 * 4 GiB (the RSDT and the FADT's DSDT field hold 32-bit addresses);
 * -ENOSPC when the area is smaller than acpi_build_size(); or the first
 * callback error.  Nothing is written unless the checks pass.
 */
int acpi_build_tables(const struct acpi_build_params *p, uint64_t area_gpa,
                      uint64_t area_size, const struct gpa_write_ops *ops,
                      uint64_t *rsdp_gpa);

#endif
