/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU state of the hypervisor.  Each CPU's GS base points at its
 * struct cpu_info, whose first field points to itself; smp_processor_id()
 * reads the logical CPU number from it.  Logical numbers (0 = the boot CPU,
 * then in MADT order) are never APIC IDs.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/config.h>
#include <keel/smp.h>
#include <keel/types.h>

struct __packed tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct cpu_info {
    struct cpu_info *self;      /* %gs:0 */
    uint32_t cpu_id;            /* %gs:8, logical CPU number */
    uint32_t apic_id;
    uint64_t stack_base;        /* the CPU's stack is [stack_base, stack_top) */
    uint64_t stack_top;
    uint64_t ist_base;          /* IST stacks: NR_IST_STACKS * IST_STACK_SIZE */
    uint64_t gdt[5] __aligned(16);
    struct tss64 tss __aligned(16);
};

#define NR_IST_STACKS   3
#define CPU_INFO_CPU_ID 8

extern struct cpu_info *cpu_info_of[NR_CPUS];

static inline struct cpu_info *this_cpu(void)
{
    struct cpu_info *ci;

    __asm__ volatile("mov %%gs:0, %0" : "=r"(ci));
    return ci;
}

/* Point this CPU's GS base at ci (and register it under ci->cpu_id). */
void percpu_set(struct cpu_info *ci);

#endif
