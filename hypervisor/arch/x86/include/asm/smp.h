/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 cross-CPU primitives beyond keel/smp.h. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <keel/smp.h>

void send_ipi(unsigned int cpu, uint32_t vector);
void flush_tlb_mask(const cpumask_t *mask);
void smp_init_ipis(void);

#endif
