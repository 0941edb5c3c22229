/* SPDX-License-Identifier: GPL-2.0-only */
/* The legacy 8259 PICs and the IOAPICs: found, quiet, masked. */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <asm/acpi.h>

/* Remap the 8259s away from the exception vectors and mask every line. */
void pic_disable(void);

/* Map each IOAPIC from the MADT and mask every pin (they go to dom0 later). */
void ioapic_init(const struct acpi_info *acpi);

#endif
