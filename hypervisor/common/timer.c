// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU timer queues and the TIMER_SOFTIRQ that runs expired timers.
 *
 * Each CPU's queue is a binary min-heap (0-based, keyed on expires) of
 * pointers to the active timers bound to that CPU, with a fixed capacity
 * allocated once by timer_cpu_init(); each timer records its slot so it can
 * be removed or re-keyed in O(log n).  A per-CPU spinlock (taken with
 * interrupts off) protects the heap and the status/cpu of the timers in it.
 *
 * A timer's queue is found through t->cpu, which changes only with both the
 * old and the new queue locked (migrate_timer); timer_lock() re-checks it
 * after locking.  While a handler runs the timer is out of the heap and the
 * queue's 'running' points to it, so kill_timer() can wait for it.
 *
 * Reprogramming: when the earliest deadline of a queue changes, the owning
 * CPU programs its one-shot interrupt itself (arch_timer_program); another
 * CPU instead raises TIMER_SOFTIRQ there when the new deadline is earlier
 * than the one programmed.  A later or removed head on a remote CPU only
 * costs that CPU a spurious wake-up, after which it reprograms.
 */
#include <asm/irqflags.h>
#include <asm/processor.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <keel/xmalloc.h>

struct timer_queue {
    spinlock_t lock;
    struct timer **heap;        /* TIMER_QUEUE_CAPACITY slots, or NULL */
    uint32_t size;
    s_time_t programmed;        /* deadline the owner CPU last programmed */
    struct timer *running;      /* handler running now (atomic) */
} __aligned(64);

/* Queue locks have level 0: migrate_timer holds two of them at once. */
static struct timer_queue timer_queues[NR_CPUS] = {
    [0 ... NR_CPUS - 1] = { .lock = SPIN_LOCK_UNLOCKED_LEVEL("timer_queue", 0) }
};

BUILD_BUG_ON(NR_CPUS > UINT16_MAX);

/* ---- The heap (queue lock held) ---------------------------------------- */

static void heap_put(struct timer_queue *q, uint32_t i, struct timer *t)
{
    q->heap[i] = t;
    t->heap_index = i;
}

static bool heap_less(const struct timer_queue *q, uint32_t a, uint32_t b)
{
    return q->heap[a]->expires < q->heap[b]->expires;
}

static void heap_swap(struct timer_queue *q, uint32_t a, uint32_t b)
{
    struct timer *ta = q->heap[a];

    heap_put(q, a, q->heap[b]);
    heap_put(q, b, ta);
}

static void heap_sift_up(struct timer_queue *q, uint32_t i)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (!heap_less(q, i, parent))
            return;
        heap_swap(q, i, parent);
        i = parent;
    }
}

static void heap_sift_down(struct timer_queue *q, uint32_t i)
{
    for (;;) {
        uint32_t left = 2 * i + 1, right = left + 1, min = i;

        if (left < q->size && heap_less(q, left, min))
            min = left;
        if (right < q->size && heap_less(q, right, min))
            min = right;
        if (min == i)
            return;
        heap_swap(q, i, min);
        i = min;
    }
}

/* Restore the heap order around slot i after its key changed. */
static void heap_fix(struct timer_queue *q, uint32_t i)
{
    if (i > 0 && heap_less(q, i, (i - 1) / 2))
        heap_sift_up(q, i);
    else
        heap_sift_down(q, i);
}

/* The caller has checked that the heap has room. */
static void heap_insert(struct timer_queue *q, struct timer *t)
{
    heap_put(q, q->size, t);
    q->size++;
    heap_sift_up(q, q->size - 1);
}

static void heap_remove(struct timer_queue *q, struct timer *t)
{
    uint32_t i = t->heap_index;
    struct timer *last;

    BUG_ON(i >= q->size || q->heap[i] != t);
    q->size--;
    last = q->heap[q->size];
    q->heap[q->size] = NULL;
    if (i != q->size) {
        heap_put(q, i, last);
        heap_fix(q, i);
    }
}

/* The queue's earliest deadline; 0 when empty (never 0 otherwise). */
static s_time_t queue_deadline(const struct timer_queue *q)
{
    if (q->size == 0)
        return 0;
    return MAX(q->heap[0]->expires, (s_time_t)1);
}

/* ---- Reprogramming (queue lock held) ----------------------------------- */

/* On the queue's own CPU: a past deadline is handled by the softirq. */
static void program_local(struct timer_queue *q, s_time_t deadline)
{
    q->programmed = deadline;
    if (deadline != 0 && deadline <= NOW())
        raise_softirq(TIMER_SOFTIRQ);
    else
        arch_timer_program(deadline);
}

static void queue_head_changed(struct timer_queue *q, unsigned int cpu,
                               s_time_t old_deadline)
{
    s_time_t deadline = queue_deadline(q);

    if (deadline == old_deadline)
        return;
    if (cpu == smp_processor_id())
        program_local(q, deadline);
    else if (deadline != 0 && (q->programmed == 0 || deadline < q->programmed))
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

/* ---- Locking ----------------------------------------------------------- */

static unsigned int timer_cpu(const struct timer *t)
{
    return __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
}

static void timer_set_status(struct timer *t, enum timer_status s)
{
    __atomic_store_n(&t->status, (uint8_t)s, __ATOMIC_RELEASE);
}

/* Lock the queue t belongs to; t->cpu is stable until the unlock. */
static struct timer_queue *timer_lock(const struct timer *t, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = timer_cpu(t);
        struct timer_queue *q = &timer_queues[cpu];

        *flags = spin_lock_irqsave(&q->lock);
        if (likely(timer_cpu(t) == cpu))
            return q;
        spin_unlock_irqrestore(&q->lock, *flags);
    }
}

/* Lock the queues of CPUs a and b (one lock if equal), lower number first. */
static unsigned long queue_lock_pair(unsigned int a, unsigned int b)
{
    unsigned long flags = spin_lock_irqsave(&timer_queues[MIN(a, b)].lock);

    if (a != b)
        spin_lock(&timer_queues[MAX(a, b)].lock);
    return flags;
}

static void queue_unlock_pair(unsigned int a, unsigned int b, unsigned long flags)
{
    if (a != b)
        spin_unlock(&timer_queues[MAX(a, b)].lock);
    spin_unlock_irqrestore(&timer_queues[MIN(a, b)].lock, flags);
}

/* ---- Set-up ------------------------------------------------------------ */

static void timer_softirq(void);

int timer_cpu_init(unsigned int cpu)
{
    struct timer_queue *q;
    struct timer **heap;
    unsigned long flags;

    BUG_ON(cpu >= NR_CPUS);
    q = &timer_queues[cpu];
    if (__atomic_load_n(&q->heap, __ATOMIC_ACQUIRE) != NULL)
        return 0;
    heap = xzalloc(TIMER_QUEUE_CAPACITY * sizeof(*heap));
    if (heap == NULL) {
        pr_err("timer: no memory for CPU%u's timer queue\n", cpu);
        return -ENOMEM;
    }
    flags = spin_lock_irqsave(&q->lock);
    if (q->heap == NULL) {
        __atomic_store_n(&q->heap, heap, __ATOMIC_RELEASE);
        heap = NULL;
    }
    spin_unlock_irqrestore(&q->lock, flags);
    xfree(heap);
    return 0;
}

int timer_init(void)
{
    open_softirq(TIMER_SOFTIRQ, timer_softirq);
    return timer_cpu_init(smp_processor_id());
}

uint32_t timer_queue_length(unsigned int cpu)
{
    struct timer_queue *q;
    unsigned long flags;
    uint32_t n;

    BUG_ON(cpu >= NR_CPUS);
    q = &timer_queues[cpu];
    flags = spin_lock_irqsave(&q->lock);
    n = q->size;
    spin_unlock_irqrestore(&q->lock, flags);
    return n;
}

/* ---- The API ----------------------------------------------------------- */

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
                unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS || fn == NULL);
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->data = data;
    t->cpu = (uint16_t)cpu;
    t->status = TIMER_INACTIVE;
}

/* Refuse a queue that cannot take one more timer (logged). */
static int queue_check_room(const struct timer_queue *q, unsigned int cpu)
{
    if (q->heap == NULL) {
        pr_err("timer: CPU%u has no timer queue (timer_cpu_init not called)\n", cpu);
        return -ENODEV;
    }
    if (q->size >= TIMER_QUEUE_CAPACITY) {
        pr_err("timer: CPU%u timer queue full (%u timers), timer refused\n",
               cpu, (unsigned int)TIMER_QUEUE_CAPACITY);
        return -ENOSPC;
    }
    return 0;
}

static int timer_arm_locked(struct timer_queue *q, struct timer *t, s_time_t expires)
{
    unsigned int cpu = t->cpu;
    s_time_t old_deadline = queue_deadline(q);
    int rc;

    if (t->status == TIMER_KILLED)
        return -EINVAL;
    if (t->status == TIMER_ACTIVE) {
        __atomic_store_n(&t->expires, expires, __ATOMIC_RELAXED);
        heap_fix(q, t->heap_index);
    } else {
        rc = queue_check_room(q, cpu);
        if (rc != 0)
            return rc;
        __atomic_store_n(&t->expires, expires, __ATOMIC_RELAXED);
        heap_insert(q, t);
        timer_set_status(t, TIMER_ACTIVE);
    }
    queue_head_changed(q, cpu, old_deadline);
    return 0;
}

int set_timer(struct timer *t, s_time_t expires)
{
    unsigned long flags;
    struct timer_queue *q = timer_lock(t, &flags);
    int rc = timer_arm_locked(q, t, expires);

    spin_unlock_irqrestore(&q->lock, flags);
    return rc;
}

static void timer_deactivate_locked(struct timer_queue *q, struct timer *t)
{
    s_time_t old_deadline;

    if (t->status != TIMER_ACTIVE)
        return;
    old_deadline = queue_deadline(q);
    heap_remove(q, t);
    timer_set_status(t, TIMER_INACTIVE);
    queue_head_changed(q, t->cpu, old_deadline);
}

void stop_timer(struct timer *t)
{
    unsigned long flags;
    struct timer_queue *q = timer_lock(t, &flags);

    timer_deactivate_locked(q, t);
    spin_unlock_irqrestore(&q->lock, flags);
}

/* Both queues locked; t->cpu == from. */
static int timer_move_locked(struct timer *t, unsigned int from, unsigned int to)
{
    struct timer_queue *oq = &timer_queues[from], *nq = &timer_queues[to];
    s_time_t old_from, old_to;
    int rc;

    if (t->status == TIMER_KILLED)
        return -EINVAL;
    if (from == to)
        return 0;
    if (t->status != TIMER_ACTIVE) {
        if (nq->heap == NULL)
            return queue_check_room(nq, to);
        __atomic_store_n(&t->cpu, (uint16_t)to, __ATOMIC_RELEASE);
        return 0;
    }
    rc = queue_check_room(nq, to);
    if (rc != 0)
        return rc;
    old_from = queue_deadline(oq);
    old_to = queue_deadline(nq);
    heap_remove(oq, t);
    __atomic_store_n(&t->cpu, (uint16_t)to, __ATOMIC_RELEASE);
    heap_insert(nq, t);
    queue_head_changed(oq, from, old_from);
    queue_head_changed(nq, to, old_to);
    return 0;
}

int migrate_timer(struct timer *t, unsigned int new_cpu)
{
    unsigned int old_cpu;
    unsigned long flags;
    int rc;

    BUG_ON(new_cpu >= NR_CPUS);
    for (;;) {
        old_cpu = timer_cpu(t);
        flags = queue_lock_pair(old_cpu, new_cpu);
        if (likely(timer_cpu(t) == old_cpu))
            break;
        queue_unlock_pair(old_cpu, new_cpu, flags);
    }
    rc = timer_move_locked(t, old_cpu, new_cpu);
    queue_unlock_pair(old_cpu, new_cpu, flags);
    return rc;
}

/* Wait until t's handler runs on no CPU but (if called from it) this one. */
static void timer_wait_not_running(const struct timer *t)
{
    unsigned int self = smp_processor_id();

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        struct timer_queue *q = &timer_queues[cpu];

        if (cpu == self)
            continue;   /* running here means we are inside the handler */
        while (__atomic_load_n(&q->running, __ATOMIC_ACQUIRE) == t)
            cpu_relax();
    }
}

void kill_timer(struct timer *t)
{
    unsigned long flags;
    struct timer_queue *q = timer_lock(t, &flags);

    timer_deactivate_locked(q, t);
    timer_set_status(t, TIMER_KILLED);
    spin_unlock_irqrestore(&q->lock, flags);
    timer_wait_not_running(t);
}

/* ---- TIMER_SOFTIRQ ----------------------------------------------------- */

/*
 * Run every timer of this CPU whose deadline is not after the time read on
 * entry, earliest first, each with the lock dropped and interrupts as
 * do_softirq() had them (enabled).  A handler that re-arms its timer for a
 * time still not after that snapshot runs again in this pass; one that
 * re-arms later waits for the next interrupt.  Then program the new head.
 */
static void timer_softirq(void)
{
    struct timer_queue *q = &timer_queues[smp_processor_id()];
    unsigned long flags = spin_lock_irqsave(&q->lock);
    s_time_t now = NOW();

    while (q->size > 0 && q->heap[0]->expires <= now) {
        struct timer *t = q->heap[0];
        void (*fn)(void *) = t->fn;
        void *data = t->data;

        heap_remove(q, t);
        timer_set_status(t, TIMER_INACTIVE);
        __atomic_store_n(&q->running, t, __ATOMIC_RELAXED);
        spin_unlock_irqrestore(&q->lock, flags);

        fn(data);

        flags = spin_lock_irqsave(&q->lock);
        __atomic_store_n(&q->running, NULL, __ATOMIC_RELEASE);
    }
    program_local(q, queue_deadline(q));
    spin_unlock_irqrestore(&q->lock, flags);
}
