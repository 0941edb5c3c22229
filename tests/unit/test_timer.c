// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the per-CPU timer queues (hypervisor/common/timer.c) and
 * softirqs (hypervisor/common/softirq.c).
 *
 * The test plays the arch: NOW() is a fake clock the test advances,
 * smp_processor_id() is a thread-local "current CPU", and each CPU has a fake
 * one-shot timer (hw_deadline) that arch_timer_program() sets and that
 * "fires" (raises TIMER_SOFTIRQ) when the clock passes it.  So a queue that
 * forgets to reprogram shows up as timers that never fire.
 */
#include "ktest.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <keel/errno.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <keel/xmalloc.h>

/* ---- The fake arch ------------------------------------------------------ */

__thread unsigned long host_irq_flags = 0x200;
static __thread unsigned int this_cpu;
static s_time_t fake_now;

#define MAX_HOOK_CALLS 64
struct hook_call {
    unsigned int cpu;
    s_time_t deadline;
};
static struct hook_call hook_calls[MAX_HOOK_CALLS];
static unsigned int nr_hook_calls;              /* single-threaded tests only */
static s_time_t hw_deadline[NR_CPUS];           /* each written by its own CPU */
static unsigned int event_checks[NR_CPUS];      /* atomic */

unsigned int smp_processor_id(void)
{
    return this_cpu;
}

s_time_t NOW(void)
{
    return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

void arch_timer_program(s_time_t deadline)
{
    unsigned int n = __atomic_fetch_add(&nr_hook_calls, 1, __ATOMIC_RELAXED);

    if (n < MAX_HOOK_CALLS)
        hook_calls[n] = (struct hook_call){ this_cpu, deadline };
    hw_deadline[this_cpu] = deadline;
}

void smp_send_event_check(unsigned int cpu)
{
    __atomic_fetch_add(&event_checks[cpu], 1, __ATOMIC_SEQ_CST);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *xzalloc(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

/* The fake one-shot timer interrupt of the current CPU, then its softirqs. */
static void cpu_poll(void)
{
    s_time_t hw = hw_deadline[this_cpu];

    if (hw != 0 && hw <= NOW()) {
        hw_deadline[this_cpu] = 0;
        raise_softirq(TIMER_SOFTIRQ);
    }
    if (softirq_pending(this_cpu))
        do_softirq();
}

static void advance_to(s_time_t t)
{
    __atomic_store_n(&fake_now, t, __ATOMIC_SEQ_CST);
    cpu_poll();
}

static void setup_cpus(unsigned int n)
{
    CHECK_EQ(timer_init(), 0);
    for (unsigned int cpu = 0; cpu < n; cpu++)
        CHECK_EQ(timer_cpu_init(cpu), 0);
}

static __thread uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- A recording timer -------------------------------------------------- */

#define MAX_FIRES 20000
struct fire {
    int id;
    s_time_t expires;
    unsigned int cpu;
};
static struct fire fires[MAX_FIRES];
static unsigned int nr_fires;

struct rec_timer {
    struct timer timer;
    int id;
};

static void record_fire(void *data)
{
    struct rec_timer *rt = data;

    CHECK(host_irq_flags & 0x200);      /* runs with interrupts enabled */
    CHECK(!timer_is_active(&rt->timer));
    CHECK(nr_fires < MAX_FIRES);
    fires[nr_fires++] = (struct fire){ rt->id, timer_expires(&rt->timer), this_cpu };
}

static void rec_init(struct rec_timer *rt, int id, unsigned int cpu)
{
    rt->id = id;
    init_timer(&rt->timer, record_fire, rt, cpu);
}

/* ---- Softirqs ----------------------------------------------------------- */

static int sirq_order[32];
static unsigned int nr_sirq;

static void sirq_log(int nr)
{
    CHECK(nr_sirq < ARRAY_SIZE(sirq_order));
    sirq_order[nr_sirq++] = nr;
}

static void sirq_0(void) { sirq_log(0); }
static void sirq_5(void) { sirq_log(5); }
static void sirq_2(void)
{
    sirq_log(2);
    if (nr_sirq < 3)
        raise_softirq(0);       /* higher priority: runs before 5 */
    do_softirq();               /* nested: must return at once */
}

TEST(softirq_priority_order)
{
    open_softirq(0, sirq_0);
    open_softirq(2, sirq_2);
    open_softirq(5, sirq_5);
    raise_softirq(5);
    raise_softirq(2);
    CHECK_EQ(softirq_pending(0), (1u << 5) | (1u << 2));
    do_softirq();
    CHECK_EQ(nr_sirq, 3);
    CHECK_EQ(sirq_order[0], 2);
    CHECK_EQ(sirq_order[1], 0);
    CHECK_EQ(sirq_order[2], 5);
    CHECK_EQ(softirq_pending(0), 0);
    /* Raising twice before running runs once. */
    raise_softirq(5);
    raise_softirq(5);
    do_softirq();
    CHECK_EQ(nr_sirq, 4);
}

TEST(softirq_remote_raise_wakes_only_remote)
{
    open_softirq(SCHEDULE_SOFTIRQ, sirq_5);
    this_cpu = 0;
    cpu_raise_softirq(0, SCHEDULE_SOFTIRQ);
    CHECK_EQ(event_checks[0], 0);
    cpu_raise_softirq(1, SCHEDULE_SOFTIRQ);
    CHECK_EQ(event_checks[1], 1);
    cpu_raise_softirq(1, SCHEDULE_SOFTIRQ);     /* still pending: no 2nd IPI */
    CHECK_EQ(event_checks[1], 1);
    cpu_raise_softirq(1, TIMER_SOFTIRQ);        /* a new bit: IPI again */
    CHECK_EQ(event_checks[1], 2);
    CHECK_EQ(softirq_pending(1), (1u << SCHEDULE_SOFTIRQ) | (1u << TIMER_SOFTIRQ));
    CHECK_EQ(softirq_pending(0), 1u << SCHEDULE_SOFTIRQ);
    do_softirq();                               /* CPU0's only */
    CHECK_EQ(nr_sirq, 1);
    CHECK_EQ(softirq_pending(0), 0);
    CHECK(softirq_pending(1) != 0);
}

TEST(softirq_unopened_is_logged)
{
    raise_softirq(TASKLET_SOFTIRQ);
    do_softirq();
    CHECK(ktest_log_contains("no handler"));
    CHECK_EQ(softirq_pending(0), 0);
}

static jmp_buf noreturn_jmp;

static void sirq_noreturn(void)
{
    sirq_log(1);
    softirq_leave_noreturn();
    longjmp(noreturn_jmp, 1);   /* as a stack switch would */
}

TEST(softirq_handler_leaving_without_return)
{
    open_softirq(1, sirq_noreturn);
    open_softirq(5, sirq_5);
    raise_softirq(1);
    raise_softirq(5);
    if (setjmp(noreturn_jmp) == 0)
        do_softirq();
    CHECK_EQ(nr_sirq, 1);
    CHECK_EQ(softirq_pending(0), 1u << 5);
    do_softirq();               /* not mistaken for a nested call */
    CHECK_EQ(nr_sirq, 2);
    CHECK_EQ(sirq_order[1], 5);
}

static void abort_handler(int sig)
{
    (void)sig;
    _exit(0);
}

TEST(softirq_with_interrupts_disabled_is_a_bug)
{
    signal(SIGABRT, abort_handler);     /* panic() aborts: that is a pass */
    host_irq_flags = 0;
    do_softirq();
    CHECK(!"do_softirq ran with interrupts disabled");
}

/* ---- Timers on one CPU -------------------------------------------------- */

TEST(timer_random_deadlines_fire_in_order)
{
    enum { N = 1000 };
    static struct rec_timer t[N];

    setup_cpus(1);
    for (int i = 0; i < N; i++) {
        rec_init(&t[i], i, 0);
        /* unique deadlines 1000..1000+N*7 in random order */
        CHECK_EQ(set_timer(&t[i].timer, 1000 + (s_time_t)((i * 7919) % N) * 7), 0);
    }
    CHECK_EQ(timer_queue_length(0), N);
    advance_to(1000 + (N / 2) * 7 - 1);        /* the first half fires */
    CHECK_EQ(nr_fires, N / 2);
    advance_to(SECONDS(1));
    CHECK_EQ(nr_fires, N);
    for (unsigned int i = 0; i < nr_fires; i++)
        CHECK_EQ(fires[i].expires, 1000 + (s_time_t)i * 7);
    CHECK_EQ(timer_queue_length(0), 0);
    CHECK_EQ(hw_deadline[0], 0);               /* nothing left: disarmed */
}

TEST(timer_stopped_never_fire)
{
    enum { N = 100 };
    static struct rec_timer t[N];

    setup_cpus(1);
    for (int i = 0; i < N; i++) {
        rec_init(&t[i], i, 0);
        CHECK_EQ(set_timer(&t[i].timer, 100 + i), 0);
    }
    for (int i = 0; i < N; i += 2)
        stop_timer(&t[i].timer);
    stop_timer(&t[1].timer);
    stop_timer(&t[1].timer);                    /* stopping twice is fine */
    CHECK(!timer_is_active(&t[0].timer));
    CHECK(timer_is_active(&t[3].timer));
    advance_to(1000);
    CHECK_EQ(nr_fires, N / 2 - 1);
    for (unsigned int i = 0; i < nr_fires; i++) {
        CHECK(fires[i].id % 2 == 1 && fires[i].id != 1);
        CHECK(!timer_is_active(&t[fires[i].id].timer));
    }
}

TEST(timer_past_deadline_fires_at_next_softirq)
{
    struct rec_timer t;

    setup_cpus(1);
    advance_to(5000);
    rec_init(&t, 1, 0);
    nr_hook_calls = 0;
    CHECK_EQ(set_timer(&t.timer, 100), 0);
    CHECK(softirq_pending(0) & (1u << TIMER_SOFTIRQ));
    CHECK_EQ(nr_fires, 0);
    do_softirq();
    CHECK_EQ(nr_fires, 1);
    CHECK_EQ(fires[0].expires, 100);
}

struct periodic {
    struct timer timer;
    s_time_t period;
    unsigned int count;
};

static void periodic_fn(void *data)
{
    struct periodic *p = data;

    p->count++;
    CHECK_EQ(set_timer(&p->timer, timer_expires(&p->timer) + p->period), 0);
}

TEST(timer_periodic_rearms_from_handler)
{
    struct periodic p = { .period = MICROSECS(10) };
    struct rec_timer other;

    setup_cpus(1);
    init_timer(&p.timer, periodic_fn, &p, 0);
    rec_init(&other, 7, 0);
    CHECK_EQ(set_timer(&p.timer, MICROSECS(10)), 0);
    CHECK_EQ(set_timer(&other.timer, MICROSECS(35)), 0);
    for (s_time_t t = MICROSECS(1); t <= MICROSECS(100); t += MICROSECS(1))
        advance_to(t);
    CHECK_EQ(p.count, 10);
    CHECK_EQ(nr_fires, 1);
    CHECK(timer_is_active(&p.timer));
    CHECK_EQ(timer_expires(&p.timer), MICROSECS(110));
    CHECK_EQ(hw_deadline[0], MICROSECS(110));
    /* A late interrupt catches up within one softirq pass. */
    advance_to(MICROSECS(150));
    CHECK_EQ(p.count, 15);
    CHECK_EQ(hw_deadline[0], MICROSECS(160));
    stop_timer(&p.timer);
    CHECK_EQ(hw_deadline[0], 0);
}

TEST(timer_earlier_deadline_reprograms_hook)
{
    struct rec_timer a, b, c;

    setup_cpus(2);
    this_cpu = 0;
    rec_init(&a, 1, 0);
    rec_init(&b, 2, 0);
    rec_init(&c, 3, 0);
    nr_hook_calls = 0;
    CHECK_EQ(set_timer(&a.timer, 1000), 0);
    CHECK_EQ(nr_hook_calls, 1);
    CHECK_EQ(hook_calls[0].deadline, 1000);
    CHECK_EQ(set_timer(&b.timer, 2000), 0);    /* later: head unchanged */
    CHECK_EQ(nr_hook_calls, 1);
    CHECK_EQ(set_timer(&c.timer, 500), 0);     /* earlier: new head */
    CHECK_EQ(nr_hook_calls, 2);
    CHECK_EQ(hook_calls[1].deadline, 500);
    stop_timer(&c.timer);                      /* head removed */
    CHECK_EQ(nr_hook_calls, 3);
    CHECK_EQ(hook_calls[2].deadline, 1000);
    CHECK_EQ(set_timer(&a.timer, 3000), 0);    /* head pushed back */
    CHECK_EQ(nr_hook_calls, 4);
    CHECK_EQ(hook_calls[3].deadline, 2000);
    stop_timer(&b.timer);
    stop_timer(&a.timer);
    CHECK_EQ(nr_hook_calls, 6);
    CHECK_EQ(hook_calls[5].deadline, 0);
    for (unsigned int i = 0; i < nr_hook_calls; i++)
        CHECK_EQ(hook_calls[i].cpu, 0);

    /* A timer of CPU1 armed from CPU0: CPU1 is woken, CPU0's hook untouched. */
    struct rec_timer r;
    rec_init(&r, 4, 1);
    CHECK_EQ(set_timer(&r.timer, 700), 0);
    CHECK_EQ(nr_hook_calls, 6);
    CHECK_EQ(event_checks[1], 1);
    CHECK(softirq_pending(1) & (1u << TIMER_SOFTIRQ));
    this_cpu = 1;
    do_softirq();                               /* CPU1 programs itself */
    CHECK_EQ(nr_hook_calls, 7);
    CHECK_EQ(hook_calls[6].cpu, 1);
    CHECK_EQ(hook_calls[6].deadline, 700);
    /* Moving an earlier timer to CPU1 wakes it again. */
    this_cpu = 0;
    CHECK_EQ(set_timer(&c.timer, 10), 0);      /* (c is CPU0's) */
    CHECK_EQ(migrate_timer(&c.timer, 1), 0);   /* earlier than 700: IPI */
    CHECK_EQ(event_checks[1], 2);
    CHECK_EQ(hw_deadline[0], 0);               /* CPU0's queue is empty */
    this_cpu = 1;
    do_softirq();
    CHECK_EQ(hw_deadline[1], 10);
    /* Remote changes that leave CPU1 waking early enough send no IPI. */
    this_cpu = 0;
    stop_timer(&c.timer);                      /* CPU1's head, removed */
    CHECK_EQ(set_timer(&b.timer, 500), 0);
    CHECK_EQ(migrate_timer(&b.timer, 1), 0);   /* new head 500 > 10 */
    CHECK_EQ(event_checks[1], 2);
    CHECK_EQ(softirq_pending(1), 0);
    /* CPU1 wakes at 10 for nothing and reprograms for 500. */
    this_cpu = 1;
    advance_to(10);
    CHECK_EQ(hw_deadline[1], 500);
    CHECK_EQ(nr_fires, 0);
    advance_to(700);
    CHECK_EQ(nr_fires, 2);
    CHECK_EQ(fires[0].id, 2);
    CHECK_EQ(fires[1].id, 4);
}

static struct timer kill_self_timer;
static unsigned int kill_self_runs;

static void kill_self_fn(void *data)
{
    (void)data;
    kill_self_runs++;
    set_timer(&kill_self_timer, NOW() + 1);
    kill_timer(&kill_self_timer);              /* from its own handler */
    CHECK(!timer_is_active(&kill_self_timer));
}

TEST(timer_kill)
{
    struct rec_timer a;

    setup_cpus(2);
    rec_init(&a, 1, 0);
    CHECK_EQ(set_timer(&a.timer, 100), 0);
    kill_timer(&a.timer);
    CHECK(!timer_is_active(&a.timer));
    CHECK_EQ(set_timer(&a.timer, 200), -EINVAL);
    CHECK_EQ(migrate_timer(&a.timer, 1), -EINVAL);
    stop_timer(&a.timer);
    kill_timer(&a.timer);                       /* twice is harmless */
    advance_to(1000);
    CHECK_EQ(nr_fires, 0);
    CHECK_EQ(timer_queue_length(0), 0);

    init_timer(&kill_self_timer, kill_self_fn, NULL, 0);
    CHECK_EQ(set_timer(&kill_self_timer, 1100), 0);
    advance_to(1100);
    advance_to(2000);
    CHECK_EQ(kill_self_runs, 1);
    CHECK_EQ(set_timer(&kill_self_timer, 3000), -EINVAL);
}

TEST(timer_queue_overflow_refused)
{
    static struct rec_timer t[TIMER_QUEUE_CAPACITY + 1];

    setup_cpus(2);
    for (int i = 0; i < TIMER_QUEUE_CAPACITY; i++) {
        rec_init(&t[i], i, 0);
        CHECK_EQ(set_timer(&t[i].timer, 1000 + i), 0);
    }
    CHECK(!ktest_log_contains("queue full"));
    rec_init(&t[TIMER_QUEUE_CAPACITY], TIMER_QUEUE_CAPACITY, 0);
    CHECK_EQ(set_timer(&t[TIMER_QUEUE_CAPACITY].timer, 50), -ENOSPC);
    CHECK(ktest_log_contains("CPU0 timer queue full"));
    CHECK(!timer_is_active(&t[TIMER_QUEUE_CAPACITY].timer));
    CHECK_EQ(hw_deadline[0], 1000);            /* refused timer not the head */
    /* Re-arming a queued timer needs no room. */
    CHECK_EQ(set_timer(&t[5].timer, 10), 0);
    CHECK_EQ(hw_deadline[0], 10);
    /* Nor can a timer migrate into the full queue. */
    ktest_log_clear();
    struct rec_timer m;
    rec_init(&m, -1, 1);
    CHECK_EQ(set_timer(&m.timer, 20), 0);
    CHECK_EQ(migrate_timer(&m.timer, 0), -ENOSPC);
    CHECK(ktest_log_contains("queue full"));
    CHECK(timer_is_active(&m.timer));
    CHECK_EQ(timer_queue_length(1), 1);
    advance_to(SECONDS(1));
    CHECK_EQ(nr_fires, TIMER_QUEUE_CAPACITY);
    CHECK_EQ(fires[0].id, 5);
}

TEST(timer_without_queue_refused)
{
    struct rec_timer t;

    setup_cpus(1);
    rec_init(&t, 1, 3);
    CHECK_EQ(set_timer(&t.timer, 10), -ENODEV);
    CHECK(ktest_log_contains("CPU3 has no timer queue"));
    rec_init(&t, 1, 0);
    CHECK_EQ(migrate_timer(&t.timer, 3), -ENODEV);
}

TEST(timer_migrate_between_cpus)
{
    struct rec_timer a, b;

    setup_cpus(2);
    this_cpu = 0;
    rec_init(&a, 1, 0);
    rec_init(&b, 2, 0);
    CHECK_EQ(set_timer(&a.timer, 1000), 0);
    CHECK_EQ(migrate_timer(&a.timer, 1), 0);   /* active */
    CHECK_EQ(migrate_timer(&b.timer, 1), 0);   /* inactive */
    CHECK_EQ(migrate_timer(&b.timer, 1), 0);   /* already there */
    CHECK_EQ(timer_queue_length(0), 0);
    CHECK_EQ(timer_queue_length(1), 1);
    CHECK_EQ(hw_deadline[0], 0);
    CHECK(timer_is_active(&a.timer));
    CHECK_EQ(timer_expires(&a.timer), 1000);
    CHECK_EQ(set_timer(&b.timer, 900), 0);
    CHECK_EQ(timer_queue_length(1), 2);
    advance_to(2000);                           /* CPU0: nothing */
    CHECK_EQ(nr_fires, 0);
    this_cpu = 1;
    cpu_poll();
    CHECK_EQ(nr_fires, 2);
    CHECK_EQ(fires[0].id, 2);
    CHECK_EQ(fires[1].id, 1);
    CHECK_EQ(fires[0].cpu, 1);
    CHECK_EQ(fires[1].cpu, 1);
}

/* ---- Against a reference model ------------------------------------------ */

enum { MODEL_TIMERS = 300, MODEL_OPS = 10000 };

struct model {
    bool active;
    s_time_t expires;
};

static int cmp_fire(const void *a, const void *b)
{
    const struct fire *fa = a, *fb = b;

    if (fa->expires != fb->expires)
        return fa->expires < fb->expires ? -1 : 1;
    return fa->id - fb->id;
}

/* Run the clock to 'to' and check exactly the model's due timers fired,
 * in deadline order. */
static void model_advance(struct model *m, s_time_t to)
{
    static struct fire expect[MODEL_TIMERS];
    unsigned int n = 0;

    for (int i = 0; i < MODEL_TIMERS; i++) {
        if (m[i].active && m[i].expires <= to) {
            expect[n++] = (struct fire){ i, m[i].expires, 0 };
            m[i].active = false;
        }
    }
    qsort(expect, n, sizeof(expect[0]), cmp_fire);
    nr_fires = 0;
    advance_to(to);
    CHECK_EQ(nr_fires, n);
    for (unsigned int i = 1; i < nr_fires; i++)
        CHECK(fires[i - 1].expires <= fires[i].expires);
    qsort(fires, nr_fires, sizeof(fires[0]), cmp_fire);   /* ties: any order */
    for (unsigned int i = 0; i < n; i++) {
        CHECK_EQ(fires[i].id, expect[i].id);
        CHECK_EQ(fires[i].expires, expect[i].expires);
    }
}

static s_time_t model_min(const struct model *m)
{
    s_time_t min = 0;

    for (int i = 0; i < MODEL_TIMERS; i++)
        if (m[i].active && (min == 0 || m[i].expires < min))
            min = m[i].expires;
    return min;
}

TEST(timer_random_ops_match_model)
{
    static struct rec_timer t[MODEL_TIMERS];
    static struct model m[MODEL_TIMERS];
    s_time_t now = 1000;
    unsigned int active = 0;

    setup_cpus(1);
    advance_to(now);
    for (int i = 0; i < MODEL_TIMERS; i++)
        rec_init(&t[i], i, 0);
    for (int op = 0; op < MODEL_OPS; op++) {
        int i = (int)(rnd() % MODEL_TIMERS);
        unsigned int kind = rnd() % 10;

        if (kind < 6) {
            /* mostly future, sometimes now or already past; ties happen */
            s_time_t when = now - 20 + (s_time_t)(rnd() % 2000);
            CHECK_EQ(set_timer(&t[i].timer, when), 0);
            m[i] = (struct model){ true, when };
        } else if (kind < 8) {
            stop_timer(&t[i].timer);
            m[i].active = false;
        } else {
            now += (s_time_t)(rnd() % 300);
            model_advance(m, now);
        }
        active = 0;
        for (int k = 0; k < MODEL_TIMERS; k++) {
            active += m[k].active;
            CHECK_EQ(timer_is_active(&t[k].timer), m[k].active);
        }
        CHECK_EQ(timer_queue_length(0), active);
        /* The fake hardware is armed for the head, or a softirq is due. */
        s_time_t head = model_min(m);
        if (head > now)
            CHECK_EQ(hw_deadline[0], head);
        else if (head != 0)
            CHECK(softirq_pending(0) & (1u << TIMER_SOFTIRQ));
        else
            CHECK_EQ(hw_deadline[0], 0);
    }
    model_advance(m, now + SECONDS(1));
    CHECK_EQ(timer_queue_length(0), 0);
}

/* ---- Two CPUs as threads ------------------------------------------------ */

static bool threads_stop;       /* atomic */

static void *cpu_thread(void *arg)
{
    this_cpu = (unsigned int)(uintptr_t)arg;
    while (!__atomic_load_n(&threads_stop, __ATOMIC_ACQUIRE)) {
        cpu_poll();
        sched_yield();
    }
    return NULL;
}

struct mig_timer {
    struct timer timer;
    unsigned int in_handler;    /* atomic */
    unsigned int runs;          /* atomic */
    unsigned int runs_on[2];    /* atomic */
    bool killed;                /* atomic: set once kill_timer returned */
    bool bad;                   /* atomic: overlap or run after kill */
};

static void mig_fn(void *data)
{
    struct mig_timer *mt = data;
    unsigned int cpu = smp_processor_id();

    if (__atomic_fetch_add(&mt->in_handler, 1, __ATOMIC_SEQ_CST) != 0 ||
        __atomic_load_n(&mt->killed, __ATOMIC_SEQ_CST) || cpu > 1)
        __atomic_store_n(&mt->bad, true, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&mt->runs, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&mt->runs_on[cpu & 1], 1, __ATOMIC_SEQ_CST);
    if (rnd() % 8 == 0)
        usleep(50);             /* widen the window for migrate/kill */
    int rc = set_timer(&mt->timer, NOW() + 10);
    if (rc != 0 && rc != -EINVAL)
        __atomic_store_n(&mt->bad, true, __ATOMIC_SEQ_CST);
    __atomic_fetch_sub(&mt->in_handler, 1, __ATOMIC_SEQ_CST);
}

static bool mig_enough(struct mig_timer *mt, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (__atomic_load_n(&mt[i].runs_on[0], __ATOMIC_SEQ_CST) < 50 ||
            __atomic_load_n(&mt[i].runs_on[1], __ATOMIC_SEQ_CST) < 50)
            return false;
    return true;
}

TEST(timer_migrate_and_kill_with_two_cpu_threads)
{
    static struct mig_timer mt[4];
    pthread_t th[2];

    setup_cpus(2);
    this_cpu = 2;               /* the main thread is a third CPU, no queue */
    for (unsigned int i = 0; i < ARRAY_SIZE(mt); i++) {
        init_timer(&mt[i].timer, mig_fn, &mt[i], i & 1);
        CHECK_EQ(set_timer(&mt[i].timer, 10), 0);
    }
    for (uintptr_t c = 0; c < 2; c++)
        CHECK_EQ(pthread_create(&th[c], NULL, cpu_thread, (void *)c), 0);
    /* Migrate at random while time runs, until every timer has run often on
     * both CPUs (however the host schedules the threads) or 30 s passed. */
    time_t give_up = time(NULL) + 30;
    for (int iter = 0; iter < 20000 || !mig_enough(mt, ARRAY_SIZE(mt)); iter++) {
        struct mig_timer *x = &mt[rnd() % ARRAY_SIZE(mt)];

        if (time(NULL) > give_up)
            break;

        CHECK_EQ(migrate_timer(&x->timer, rnd() & 1), 0);
        __atomic_fetch_add(&fake_now, 3, __ATOMIC_SEQ_CST);
        if (iter % 64 == 0)
            usleep(10);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(mt); i++) {
        kill_timer(&mt[i].timer);
        /* Returned: not running anywhere, and never again. */
        CHECK_EQ(__atomic_load_n(&mt[i].in_handler, __ATOMIC_SEQ_CST), 0);
        __atomic_store_n(&mt[i].killed, true, __ATOMIC_SEQ_CST);
    }
    unsigned int runs_at_kill[ARRAY_SIZE(mt)];
    for (unsigned int i = 0; i < ARRAY_SIZE(mt); i++)
        runs_at_kill[i] = __atomic_load_n(&mt[i].runs, __ATOMIC_SEQ_CST);
    for (int iter = 0; iter < 200; iter++) {
        __atomic_fetch_add(&fake_now, 100, __ATOMIC_SEQ_CST);
        usleep(100);
    }
    __atomic_store_n(&threads_stop, true, __ATOMIC_RELEASE);
    for (int c = 0; c < 2; c++)
        pthread_join(th[c], NULL);
    for (unsigned int i = 0; i < ARRAY_SIZE(mt); i++) {
        CHECK(!mt[i].bad);
        CHECK_EQ(mt[i].runs, runs_at_kill[i]);
        CHECK(mt[i].runs_on[0] >= 50 && mt[i].runs_on[1] >= 50);
        CHECK(!timer_is_active(&mt[i].timer));
    }
    CHECK_EQ(timer_queue_length(0), 0);
    CHECK_EQ(timer_queue_length(1), 0);
}

static void slow_fn(void *data)
{
    struct mig_timer *mt = data;

    __atomic_fetch_add(&mt->in_handler, 1, __ATOMIC_SEQ_CST);
    usleep(20000);
    __atomic_fetch_add(&mt->runs, 1, __ATOMIC_SEQ_CST);
    set_timer(&mt->timer, NOW());               /* refused once killed */
    __atomic_fetch_sub(&mt->in_handler, 1, __ATOMIC_SEQ_CST);
}

TEST(timer_kill_waits_for_running_handler)
{
    static struct mig_timer mt;
    pthread_t th;

    setup_cpus(1);
    this_cpu = 1;                               /* main thread: CPU1 */
    init_timer(&mt.timer, slow_fn, &mt, 0);
    CHECK_EQ(set_timer(&mt.timer, 0), 0);
    CHECK_EQ(pthread_create(&th, NULL, cpu_thread, (void *)0), 0);
    while (__atomic_load_n(&mt.in_handler, __ATOMIC_SEQ_CST) == 0)
        sched_yield();
    kill_timer(&mt.timer);
    CHECK_EQ(__atomic_load_n(&mt.in_handler, __ATOMIC_SEQ_CST), 0);
    unsigned int runs = __atomic_load_n(&mt.runs, __ATOMIC_SEQ_CST);
    CHECK(runs >= 1);
    usleep(50000);
    CHECK_EQ(__atomic_load_n(&mt.runs, __ATOMIC_SEQ_CST), runs);
    CHECK(!timer_is_active(&mt.timer));
    __atomic_store_n(&threads_stop, true, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
}
