/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Saving, disabling and restoring this CPU's interrupt flag.  Host unit
 * tests (KEEL_HOST_TEST) get a per-thread software flag instead.
 */
#ifndef ASM_IRQFLAGS_H
#define ASM_IRQFLAGS_H

#include <keel/types.h>

#define X86_EFLAGS_IF   (1UL << 9)

#ifdef KEEL_HOST_TEST
extern __thread unsigned long host_irq_flags;
static inline unsigned long local_irq_save(void)
{
    unsigned long f = host_irq_flags;
    host_irq_flags = 0;
    return f;
}
static inline void local_irq_restore(unsigned long f) { host_irq_flags = f; }
static inline bool local_irq_is_enabled(void) { return host_irq_flags & X86_EFLAGS_IF; }
#else
static inline unsigned long local_irq_save(void)
{
    unsigned long f;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(f) : : "memory");
    return f;
}

static inline void local_irq_restore(unsigned long f)
{
    if (f & X86_EFLAGS_IF)
        __asm__ volatile("sti" ::: "memory");
}

static inline bool local_irq_is_enabled(void)
{
    unsigned long f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f & X86_EFLAGS_IF;
}
#endif

#endif
