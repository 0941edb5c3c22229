# SPDX-License-Identifier: GPL-2.0-only
# The PVH domain ACPI table builder (hypervisor/common/acpi_build.c), its
# output read back with Keel's own ACPI parser (hypervisor/arch/x86/acpi/).
UNIT_TESTS += acpi_build
acpi_build_SRCS := hypervisor/common/acpi_build.c \
                   hypervisor/arch/x86/acpi/tables.c hypervisor/arch/x86/acpi/madt.c \
                   hypervisor/arch/x86/acpi/fadt.c hypervisor/arch/x86/acpi/hpet_mcfg.c \
                   hypervisor/arch/x86/acpi/aml.c

$(BUILD)/tests/unit/acpi_build: hypervisor/arch/x86/include/asm/acpi.h \
    hypervisor/arch/x86/acpi/acpi_priv.h
