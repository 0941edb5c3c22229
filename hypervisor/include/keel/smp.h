/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPUs as common code sees them: logical CPU numbers 0..nr_cpu_ids-1 (never
 * APIC IDs), which of them are online, and cross-CPU calls.  The arch code
 * (arch/x86/smpboot.c, arch/x86/smp.c) implements these.  Host unit tests
 * provide smp_processor_id() themselves.
 */
#ifndef KEEL_SMP_H
#define KEEL_SMP_H

#include <keel/types.h>

#define NR_CPUS 256

typedef struct {
    uint64_t bits[NR_CPUS / 64];
} cpumask_t;

static inline void cpumask_set(cpumask_t *m, unsigned int cpu)
{
    __atomic_fetch_or(&m->bits[cpu / 64], 1ULL << (cpu % 64), __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(cpumask_t *m, unsigned int cpu)
{
    __atomic_fetch_and(&m->bits[cpu / 64], ~(1ULL << (cpu % 64)), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test(const cpumask_t *m, unsigned int cpu)
{
    return __atomic_load_n(&m->bits[cpu / 64], __ATOMIC_ACQUIRE) & (1ULL << (cpu % 64));
}

#define for_each_cpu(cpu, mask) \
    for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) if (cpumask_test((mask), (cpu)))

extern cpumask_t cpu_online_map;
extern unsigned int nr_cpu_ids;         /* CPUs found and allowed (maxcpus=) */

unsigned int smp_processor_id(void);

static inline bool cpu_online(unsigned int cpu)
{
    return cpu < NR_CPUS && cpumask_test(&cpu_online_map, cpu);
}

/* Run fn(arg) on every CPU in mask (this one included if set), from IPI
 * context with interrupts off; with wait, return after all have finished. */
void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *), void *arg, bool wait);

/* Wake a CPU so that it looks at its pending softirqs. */
void smp_send_event_check(unsigned int cpu);

#endif
