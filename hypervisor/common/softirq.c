// SPDX-License-Identifier: GPL-2.0-only
/*
 * Softirqs: the per-CPU pending masks, the handler table and do_softirq().
 * Raising is a lock-free atomic OR; a CPU wakes another one with
 * smp_send_event_check() only when the bit it set was not already pending
 * (the earlier raiser already sent the wake-up and the bit is still unseen).
 */
#include <asm/irqflags.h>
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/smp.h>
#include <keel/softirq.h>

BUILD_BUG_ON(NR_SOFTIRQS > 32);
BUILD_BUG_ON(NR_COMMON_SOFTIRQS > NR_SOFTIRQS);

struct softirq_cpu {
    uint32_t pending;           /* atomic: bit n = softirq n pending */
    bool in_softirq;            /* only this CPU touches it */
} __aligned(64);

static struct softirq_cpu softirq_cpus[NR_CPUS];
static softirq_handler_t softirq_handlers[NR_SOFTIRQS];

void open_softirq(unsigned int nr, softirq_handler_t handler)
{
    BUG_ON(nr >= NR_SOFTIRQS || handler == NULL);
    __atomic_store_n(&softirq_handlers[nr], handler, __ATOMIC_RELEASE);
}

/* Set bit nr in cpu's mask; true when it was clear before. */
static bool softirq_mark(unsigned int cpu, unsigned int nr)
{
    uint32_t bit = 1U << nr;
    uint32_t old;

    BUG_ON(nr >= NR_SOFTIRQS || cpu >= NR_CPUS);
    old = __atomic_fetch_or(&softirq_cpus[cpu].pending, bit, __ATOMIC_SEQ_CST);
    return !(old & bit);
}

void raise_softirq(unsigned int nr)
{
    softirq_mark(smp_processor_id(), nr);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    bool newly = softirq_mark(cpu, nr);

    if (newly && cpu != smp_processor_id())
        smp_send_event_check(cpu);
}

uint32_t softirq_pending(unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    return __atomic_load_n(&softirq_cpus[cpu].pending, __ATOMIC_ACQUIRE);
}

/* Clear and return the highest-priority pending softirq, or NR_SOFTIRQS. */
static unsigned int softirq_take_next(struct softirq_cpu *sc)
{
    uint32_t pending = __atomic_load_n(&sc->pending, __ATOMIC_ACQUIRE);
    unsigned int nr;

    if (pending == 0)
        return NR_SOFTIRQS;
    nr = (unsigned int)__builtin_ctz(pending);
    __atomic_fetch_and(&sc->pending, ~(1U << nr), __ATOMIC_SEQ_CST);
    return nr;
}

static void softirq_run_one(unsigned int nr)
{
    softirq_handler_t fn = __atomic_load_n(&softirq_handlers[nr], __ATOMIC_ACQUIRE);

    if (fn == NULL) {
        pr_err("softirq: %u raised on CPU%u but has no handler\n",
               nr, smp_processor_id());
        return;
    }
    fn();
}

void do_softirq(void)
{
    struct softirq_cpu *sc = &softirq_cpus[smp_processor_id()];
    unsigned int nr;

    BUG_ON(!local_irq_is_enabled());
    if (sc->in_softirq)
        return;
    sc->in_softirq = true;
    while ((nr = softirq_take_next(sc)) < NR_SOFTIRQS)
        softirq_run_one(nr);
    sc->in_softirq = false;
}

void softirq_leave_noreturn(void)
{
    softirq_cpus[smp_processor_id()].in_softirq = false;
}
