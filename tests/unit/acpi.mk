# SPDX-License-Identifier: GPL-2.0-only
# ACPI table parsing (hypervisor/arch/x86/acpi/) against tables captured from
# QEMU (tests/unit/fixtures/acpi/, embedded with .incbin) and corrupted copies.
UNIT_TESTS += acpi
acpi_SRCS := hypervisor/arch/x86/acpi/tables.c hypervisor/arch/x86/acpi/madt.c \
             hypervisor/arch/x86/acpi/fadt.c hypervisor/arch/x86/acpi/hpet_mcfg.c \
             hypervisor/arch/x86/acpi/aml.c

$(BUILD)/tests/unit/acpi: tests/unit/fixtures/acpi/q35.bin tests/unit/fixtures/acpi/pc.bin \
    hypervisor/arch/x86/include/asm/acpi.h hypervisor/arch/x86/acpi/acpi_priv.h
