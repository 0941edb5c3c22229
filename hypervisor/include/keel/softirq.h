/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Softirqs: deferred work that a CPU runs when it next calls do_softirq()
 * (idle loop, return to guest), with interrupts enabled.  Each CPU has an
 * atomic bitmask of pending softirqs; interrupt handlers and other CPUs set
 * bits, the CPU itself clears and runs them, lowest number first.
 * Owner: hypervisor/common/softirq.c.
 */
#ifndef KEEL_SOFTIRQ_H
#define KEEL_SOFTIRQ_H

#include <keel/types.h>

/* Lower numbers run first. */
enum softirq_nr {
    TIMER_SOFTIRQ = 0,          /* run expired timers, reprogram (timer.c) */
    RCU_SOFTIRQ,
    SCHEDULE_SOFTIRQ,           /* pick the next vCPU */
    TASKLET_SOFTIRQ,
    NR_COMMON_SOFTIRQS,
    /* Arch-specific softirqs follow; add them here. */
    NR_SOFTIRQS = 16
};

typedef void (*softirq_handler_t)(void);

/* Install the handler of softirq nr (replaces any earlier one). */
void open_softirq(unsigned int nr, softirq_handler_t handler);

/* Mark nr pending on this CPU; it runs at this CPU's next do_softirq(). */
void raise_softirq(unsigned int nr);

/* Mark nr pending on cpu; wakes it with smp_send_event_check() when cpu is
 * another CPU and the bit was not already pending. */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);

/* The pending mask of cpu (bit n = softirq n). */
uint32_t softirq_pending(unsigned int cpu);

/*
 * Run this CPU's pending softirqs, highest priority first, until none is
 * pending.  Call with interrupts enabled, never from interrupt context.  A
 * nested call (from inside a handler) returns at once.
 */
void do_softirq(void);

/*
 * For a softirq handler that leaves without returning to do_softirq() (the
 * scheduler switching to another stack): ends this CPU's softirq section so
 * that the next do_softirq() on this CPU runs normally.
 */
void softirq_leave_noreturn(void);

#endif
