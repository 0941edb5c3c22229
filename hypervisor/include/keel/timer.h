/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System time and per-CPU one-shot timers.  Owner: hypervisor/common/timer.c.
 *
 * Time is s_time_t nanoseconds since boot, read with NOW() (arch code).
 *
 * A struct timer is embedded in its owner and bound to one CPU, whose queue
 * (a binary min-heap of fixed capacity, under a per-CPU spinlock) holds it
 * while it is active.  Its function runs from that CPU's TIMER_SOFTIRQ with
 * the queue lock dropped and interrupts enabled, once per set_timer(); it may
 * re-arm its own timer (periodic timers).  Any function here may be called
 * from any CPU, with interrupts on or off, including from interrupt context,
 * except kill_timer() which may wait for a running handler.
 *
 * Arch hooks (provided by the arch, or by the host test):
 *   s_time_t NOW(void);
 *   void arch_timer_program(s_time_t deadline);
 *       Program this CPU's one-shot interrupt for deadline (0 = none).  A
 *       deadline that is already past must still cause a prompt interrupt.
 *       The interrupt handler only does raise_softirq(TIMER_SOFTIRQ).
 */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <keel/types.h>

typedef int64_t s_time_t;

#define SECONDS(s)      ((s_time_t)(s) * 1000000000LL)
#define MILLISECS(ms)   ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us)   ((s_time_t)(us) * 1000LL)
#define STIME_MAX       INT64_MAX

s_time_t NOW(void);
void arch_timer_program(s_time_t deadline);

/* Timers each CPU's queue can hold; set_timer() beyond it fails (-ENOSPC). */
#define TIMER_QUEUE_CAPACITY 4096

enum timer_status {
    TIMER_INACTIVE = 0,         /* initialised, not queued */
    TIMER_ACTIVE,               /* in its CPU's queue */
    TIMER_KILLED,               /* kill_timer() done; never runs again */
};

struct timer {
    s_time_t expires;           /* the last deadline set */
    void (*fn)(void *data);
    void *data;
    uint32_t heap_index;        /* slot in the CPU queue while active */
    uint16_t cpu;               /* queue it belongs to (atomic reads) */
    uint8_t status;             /* enum timer_status (atomic reads) */
};

/* Boot: opens TIMER_SOFTIRQ and sets up the boot CPU's queue (the current
 * CPU).  0 or -ENOMEM. */
int timer_init(void);

/* Allocates cpu's queue; call before cpu uses or receives timers (CPU
 * bring-up, from any CPU, not from interrupt context).  0 or -ENOMEM;
 * calling it again for a CPU that has a queue is a no-op. */
int timer_cpu_init(unsigned int cpu);

/* Prepare t (inactive, bound to cpu).  t must not be active. */
void init_timer(struct timer *t, void (*fn)(void *data), void *data,
                unsigned int cpu);

/*
 * Arm t to fire at expires (re-arms it if already active).  A deadline in
 * the past fires at the CPU's next TIMER_SOFTIRQ.  Returns 0, -ENOSPC when
 * the CPU's queue is full (logged; t keeps its previous state), -EINVAL for a
 * killed timer, -ENODEV when t's CPU has no queue (logged).
 */
int set_timer(struct timer *t, s_time_t expires);

/* Deactivate t; a handler already running is not waited for. */
void stop_timer(struct timer *t);

/*
 * Bind t to new_cpu, moving it to that queue if active (its deadline is kept).
 * Safe while its handler runs on the old CPU: a re-arm from the handler lands
 * on new_cpu.  (Armed by someone else meanwhile, it may then run on new_cpu
 * while the old run finishes, as in Xen.)  0, -ENOSPC when new_cpu's queue
 * is full (t stays where it was), -EINVAL for a killed timer, -ENODEV when
 * new_cpu has no queue.
 */
int migrate_timer(struct timer *t, unsigned int new_cpu);

/*
 * Deactivate t for good: on return its handler is not running on any CPU
 * (waits for it) and will never run again; set_timer() then fails.  Called
 * from t's own handler it does not wait for itself.  t may be freed after.
 */
void kill_timer(struct timer *t);

static inline bool timer_is_active(const struct timer *t)
{
    return __atomic_load_n(&t->status, __ATOMIC_ACQUIRE) == TIMER_ACTIVE;
}

static inline s_time_t timer_expires(const struct timer *t)
{
    return __atomic_load_n(&t->expires, __ATOMIC_RELAXED);
}

/* Number of active timers on cpu (diagnostics and tests). */
uint32_t timer_queue_length(unsigned int cpu);

#endif
