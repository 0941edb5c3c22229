/* SPDX-License-Identifier: GPL-2.0-only */
/* Bringing up the application processors, and the per-CPU idle loop. */
#ifndef ASM_SMPBOOT_H
#define ASM_SMPBOOT_H

#include <asm/acpi.h>
#include <asm/percpu.h>

#define TRAMPOLINE_PHYS 0x8000

/* The parameters at the end of boot/trampoline.S. */
struct trampoline_params {
    uint64_t cr3;
    uint64_t stack;
    uint64_t entry;
    uint64_t cpu_info;
};

void smp_prepare_boot_cpu(void);
void smp_boot_cpus(const struct acpi_info *acpi, uint32_t max_cpus);
__noreturn void idle_loop(void);

#endif
