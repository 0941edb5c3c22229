// SPDX-License-Identifier: MIT
/*
 * test-acpi: the ACPI tables a PVH domain is given.  From the RSDP named in
 * the start info: checksums, an XSDT listing a FADT and a MADT, a MADT with
 * one enabled local APIC per vCPU (APIC ID n for vCPU n), a DSDT with \_S5,
 * and a HW-reduced FADT whose sleep control register powers the domain off
 * when SLP_TYP 5 is written with SLP_EN, as Linux does at poweroff.
 */
#include "cpu.h"
#include "guest.h"

#define FADT_FLAGS          112
#define FADT_HW_REDUCED     (1u << 20)
#define FADT_DSDT           40
#define FADT_X_DSDT         140
#define FADT_SLEEP_CONTROL  244     /* a GAS: space, width, offset, size, address */
#define MADT_LAPIC          0

struct __attribute__((packed)) acpi_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem_id[6], oem_table_id[8];
    uint32_t oem_revision, creator_id, creator_revision;
};

static bool checksum_ok(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + b[i]);
    return sum == 0;
}

static const struct acpi_header *table_at(uint64_t pa, const char *sig)
{
    const struct acpi_header *h = (const void *)(uintptr_t)pa;

    if (!pa || memcmp(h->sig, sig, 4) || h->length < sizeof(*h) || !checksum_ok(h, h->length))
        return NULL;
    return h;
}

static const struct acpi_header *find_in_xsdt(const struct acpi_header *xsdt, const char *sig)
{
    uint32_t n = (xsdt->length - sizeof(*xsdt)) / 8;
    const uint8_t *entries = (const uint8_t *)(xsdt + 1);

    for (uint32_t i = 0; i < n; i++) {
        uint64_t pa;
        memcpy(&pa, entries + i * 8, 8);
        const struct acpi_header *t = table_at(pa, sig);
        if (t)
            return t;
    }
    return NULL;
}

static uint32_t count_lapics(const struct acpi_header *madt, uint32_t *ids_ok)
{
    const uint8_t *p = (const uint8_t *)madt + 44, *end = (const uint8_t *)madt + madt->length;
    uint32_t n = 0;

    *ids_ok = 1;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
        if (p[0] == MADT_LAPIC && p[1] == 8) {
            uint32_t flags;
            memcpy(&flags, p + 4, 4);
            if (p[3] != n || !(flags & 1))
                *ids_ok = 0;
            n++;
        }
        p += p[1];
    }
    return n;
}

static bool has_s5(const struct acpi_header *dsdt)
{
    const char *p = (const char *)dsdt;

    for (uint32_t i = sizeof(*dsdt); i + 4 <= dsdt->length; i++)
        if (!memcmp(p + i, "_S5_", 4))
            return true;
    return false;
}

const char test_title[] = "acpi";

void test_main(void)
{
    const uint8_t *rsdp = (const void *)(uintptr_t)start_info->rsdp_paddr;
    uint32_t nr_vcpus = (cpuid(1).ebx >> 16) & 0xff, ids_ok, flags;
    const struct acpi_header *xsdt, *fadt, *madt, *dsdt;
    uint64_t xsdt_pa, dsdt_pa, sleep_addr;

    if (!rsdp)
        test_abort("no RSDP in the start info");
    CHECK(!memcmp(rsdp, "RSD PTR ", 8) && checksum_ok(rsdp, 20) && checksum_ok(rsdp, 36),
          "RSDP at %p is invalid", rsdp);
    memcpy(&xsdt_pa, rsdp + 24, 8);
    xsdt = table_at(xsdt_pa, "XSDT");
    if (!xsdt)
        test_abort("no valid XSDT at 0x%lx", xsdt_pa);
    fadt = find_in_xsdt(xsdt, "FACP");
    madt = find_in_xsdt(xsdt, "APIC");
    if (!fadt || !madt)
        test_abort("XSDT lacks a FADT or a MADT");
    memcpy(&flags, (const uint8_t *)fadt + FADT_FLAGS, 4);
    CHECK(flags & FADT_HW_REDUCED, "FADT is not HW-reduced (flags 0x%x)", flags);
    memcpy(&dsdt_pa, (const uint8_t *)fadt + FADT_X_DSDT, 8);
    dsdt = table_at(dsdt_pa, "DSDT");
    CHECK(dsdt && has_s5(dsdt), "no DSDT with \\_S5 at 0x%lx", dsdt_pa);
    CHECK(count_lapics(madt, &ids_ok) == nr_vcpus && ids_ok,
          "MADT: %u local APICs for %u vCPUs", count_lapics(madt, &ids_ok), nr_vcpus);
    printf("ACPI: RSDP 0x%lx, FADT HW-reduced, MADT %u CPUs, DSDT with \\_S5\n",
           start_info->rsdp_paddr, nr_vcpus);

    memcpy(&sleep_addr, (const uint8_t *)fadt + FADT_SLEEP_CONTROL + 4, 8);
    if (test_failures() || !sleep_addr || sleep_addr > 0xffff)
        test_abort("no sleep control register to power off with");
    printf("ACPI: entering S5 through port 0x%lx\n", sleep_addr);
    outb((uint16_t)sleep_addr, (5 << 2) | 0x20);
    test_fail("still running after the S5 write");
}
