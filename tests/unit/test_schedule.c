// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the scheduler (hypervisor/common/schedule.c): it owns the
 * vCPU state machine -- wake (offline or blocked to runnable, queued on its
 * CPU once, the CPU told), block, yield, kick (wake, or an event check to
 * the CPU it runs on), the stop of a domain's vCPUs for teardown (queued,
 * blocked, offline or running: each paused once, the domain destroyed by
 * whoever stops the last) -- the per-CPU FIFO run queues and round robin,
 * the 10 ms slice, and the races the after-run step closes: a vCPU woken
 * while still on its CPU is queued once, and an event pending when a vCPU
 * blocked puts it back on the queue (Xen's rule: a vCPU with an event to
 * take does not stay blocked).
 *
 * The test plays the rest of Keel: fake domains and vCPUs, the real
 * spinlocks, recording fakes for softirqs, timers, runstate and domain
 * teardown, and hvm_vcpu_run() running a per-case script of what the
 * guest does (block, yield, get woken, shut down ...) while on its CPU.
 */
#include "ktest.h"

#include <stdarg.h>
#include <string.h>

#include <keel/domain.h>
#include <keel/keyhandler.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <keel/vcpu_timer.h>

/* ---- Environment ------------------------------------------------------ */

__thread unsigned long host_irq_flags = 0x200;
static unsigned int this_cpu;
cpumask_t cpu_online_map = { { 0x3 } };

unsigned int smp_processor_id(void)
{
    return this_cpu;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

static s_time_t now_ns = 1000000;

s_time_t NOW(void)
{
    return now_ns;
}

#define MAX_RUNS 64

static struct {
    uint32_t softirq_raised[4];             /* SCHEDULE_SOFTIRQ, per CPU */
    uint32_t event_checks[4];
    uint32_t destroyed;
    struct domain *destroyed_dom;
    uint32_t poll_ends, time_updates, publishes;
    struct vcpu *ran[MAX_RUNS];             /* hvm_vcpu_run order */
    uint32_t nr_ran;
    s_time_t slice_deadline;
    uint32_t slices_set, slices_killed;
    int32_t last_runstate[8];
    bool pending[8];                        /* hvm_vcpu_has_pending_events, by vcpu_id */
    void (*guest)(struct vcpu *v, uint32_t nth);   /* what a vCPU does while it runs */
} fx;

void open_softirq(unsigned int nr, softirq_handler_t handler)
{
    (void)nr;
    (void)handler;
}

void raise_softirq(unsigned int nr)
{
    if (nr == SCHEDULE_SOFTIRQ)
        fx.softirq_raised[this_cpu]++;
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if (nr == SCHEDULE_SOFTIRQ)
        fx.softirq_raised[cpu]++;
}

void do_softirq(void)
{
}

void smp_send_event_check(unsigned int cpu)
{
    fx.event_checks[cpu]++;
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu)
{
    (void)t;
    (void)fn;
    (void)data;
    CHECK_EQ(cpu, this_cpu);
}

int set_timer(struct timer *t, s_time_t expires)
{
    (void)t;
    fx.slices_set++;
    fx.slice_deadline = expires;
    return 0;
}

void kill_timer(struct timer *t)
{
    (void)t;
    fx.slices_killed++;
}

void domain_vcpus_stopped(struct domain *d)
{
    fx.destroyed++;
    fx.destroyed_dom = d;
    CHECK_EQ(d->live_vcpus, 0);
}

void sched_poll_end(struct vcpu *v)
{
    (void)v;
    fx.poll_ends++;
}

void update_vcpu_time(struct vcpu *v)
{
    (void)v;
    fx.time_updates++;
}

void vcpu_runstate_change(struct vcpu *v, int32_t state, s_time_t now)
{
    CHECK_EQ(now, now_ns);
    fx.last_runstate[v->vcpu_id] = state;
}

void vcpu_runstate_publish(struct vcpu *v)
{
    (void)v;
    fx.publishes++;
}

bool hvm_vcpu_has_pending_events(struct vcpu *v)
{
    return fx.pending[v->vcpu_id];
}

/* The vCPU "runs": the case's script decides what it does; by default it
 * blocks (so schedule_cpu() ends). */
void hvm_vcpu_run(struct vcpu *v)
{
    uint32_t nth = 0;

    CHECK_EQ(v->state, VCPU_RUNNING);
    CHECK(v->on_cpu);
    CHECK_EQ(fx.last_runstate[v->vcpu_id], RUNSTATE_running);
    for (uint32_t i = 0; i < fx.nr_ran; i++)
        nth += fx.ran[i] == v;
    CHECK(fx.nr_ran < MAX_RUNS);
    fx.ran[fx.nr_ran++] = v;
    if (fx.guest)
        fx.guest(v, nth);
    else
        vcpu_block(v);
}

/* ---- Fake domains --------------------------------------------------------- */

static struct domain *made[8];     /* kept reachable for LeakSanitizer */
static uint32_t nr_made;

static struct domain *mkdom(uint16_t domid, uint32_t nr, const unsigned int *cpus)
{
    struct domain *d = calloc(1, sizeof(*d));

    made[nr_made++ % ARRAY_SIZE(made)] = d;
    d->domid = domid;
    d->nr_vcpus = d->live_vcpus = nr;
    d->state = DOMAIN_RUNNING;
    for (uint32_t i = 0; i < nr; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));
        v->vcpu_id = i;
        v->domain = d;
        v->state = VCPU_OFFLINE;
        v->processor = cpus ? cpus[i] : 0;
        d->vcpus[i] = v;
    }
    return d;
}

static void setup(void)
{
    memset(&fx, 0, sizeof(fx));
    for (uint32_t i = 0; i < 8; i++)
        fx.last_runstate[i] = -1;
    this_cpu = 0;
    scheduler_init();
}

/* The run order as "0 1 2 0 ..." (vcpu ids). */
static const char *order(void)
{
    static char buf[3 * MAX_RUNS + 1];
    size_t n = 0;

    buf[0] = 0;
    for (uint32_t i = 0; i < fx.nr_ran; i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u", i ? " " : "",
                              fx.ran[i]->vcpu_id);
    return buf;
}

/* ---- wake ------------------------------------------------------------------ */

TEST(wake_queues_an_offline_or_blocked_vcpu_once)
{
    struct domain *d;
    struct vcpu *v;

    setup();
    d = mkdom(1, 1, NULL);
    v = d->vcpus[0];
    vcpu_wake(v);
    CHECK_EQ(v->state, VCPU_RUNNABLE);
    CHECK_EQ(fx.softirq_raised[0], 1);              /* its CPU is told */
    CHECK_EQ(fx.last_runstate[0], RUNSTATE_runnable);
    vcpu_wake(v);                                   /* already runnable: nothing */
    CHECK_EQ(fx.softirq_raised[0], 1);
    schedule_cpu();
    CHECK_EQ(fx.nr_ran, 1);                         /* queued once, ran once */
    CHECK_EQ(v->state, VCPU_BLOCKED);
    CHECK_EQ(fx.last_runstate[0], RUNSTATE_blocked);
    CHECK(!v->on_cpu);
    vcpu_wake(v);                                   /* blocked: queued again */
    CHECK_EQ(v->state, VCPU_RUNNABLE);
    CHECK_EQ(fx.softirq_raised[0], 2);
    schedule_cpu();
    CHECK_EQ(fx.nr_ran, 2);
}

TEST(wake_does_nothing_to_running_paused_or_stopping)
{
    struct domain *d;

    setup();
    d = mkdom(1, 3, NULL);
    d->vcpus[0]->state = VCPU_RUNNING;
    d->vcpus[1]->state = VCPU_PAUSED;
    for (uint32_t i = 0; i < 2; i++)
        vcpu_wake(d->vcpus[i]);
    CHECK_EQ(d->vcpus[0]->state, VCPU_RUNNING);
    CHECK_EQ(d->vcpus[1]->state, VCPU_PAUSED);
    d->state = DOMAIN_SHUTDOWN;
    vcpu_wake(d->vcpus[2]);                         /* its domain is stopping */
    CHECK_EQ(d->vcpus[2]->state, VCPU_OFFLINE);
    CHECK_EQ(fx.softirq_raised[0], 0);
    schedule_cpu();
    CHECK_EQ(fx.nr_ran, 0);
}

TEST(each_cpu_has_its_own_queue)
{
    static const unsigned int cpus[] = { 1, 0, 1 };
    struct domain *d;

    setup();
    d = mkdom(1, 3, cpus);
    for (uint32_t i = 0; i < 3; i++)
        vcpu_wake(d->vcpus[i]);
    CHECK_EQ(fx.softirq_raised[1], 2);
    CHECK_EQ(fx.softirq_raised[0], 1);
    schedule_cpu();                                 /* CPU 0: vCPU 1 only */
    CHECK(strcmp(order(), "1") == 0);
    this_cpu = 1;
    schedule_cpu();
    CHECK(strcmp(order(), "1 0 2") == 0);
}

/* ---- run queue order --------------------------------------------------------- */

/* Each vCPU runs three slices (preempted: it stays RUNNING), then blocks. */
static void three_slices(struct vcpu *v, uint32_t nth)
{
    if (nth == 2)
        vcpu_block(v);
}

TEST(round_robin_in_wake_order)
{
    struct domain *d;

    setup();
    d = mkdom(1, 3, NULL);
    fx.guest = three_slices;
    vcpu_wake(d->vcpus[2]);
    vcpu_wake(d->vcpus[0]);
    vcpu_wake(d->vcpus[1]);
    schedule_cpu();
    CHECK(strcmp(order(), "2 0 1 2 0 1 2 0 1") == 0);
    for (uint32_t i = 0; i < 3; i++)
        CHECK_EQ(d->vcpus[i]->state, VCPU_BLOCKED);
    /* One slice each time, 10 ms from when it starts. */
    CHECK_EQ(fx.slices_set, 9);
    CHECK_EQ(fx.slices_killed, 9);
    CHECK_EQ(fx.slice_deadline, now_ns + 10000000);
    CHECK_EQ(fx.poll_ends, 9);
    CHECK_EQ(fx.time_updates, 9);
    CHECK_EQ(fx.publishes, 18);                     /* in and out */
}

static void yield_once(struct vcpu *v, uint32_t nth)
{
    if (nth == 0)
        vcpu_yield(v);
    else
        vcpu_block(v);
}

TEST(yield_goes_to_the_back_of_the_queue)
{
    struct domain *d;

    setup();
    d = mkdom(1, 2, NULL);
    fx.guest = yield_once;
    vcpu_wake(d->vcpus[0]);
    vcpu_wake(d->vcpus[1]);
    schedule_cpu();
    CHECK(strcmp(order(), "0 1 0 1") == 0);
    CHECK_EQ(fx.softirq_raised[0], 2 + 2);          /* two wakes, two yields */
    CHECK_EQ(d->vcpus[0]->state, VCPU_BLOCKED);
}

/* ---- the after-run races ---------------------------------------------------- */

/* Blocks; an event is already pending (it raced the block). */
static void block_with_event(struct vcpu *v, uint32_t nth)
{
    vcpu_block(v);
    fx.pending[v->vcpu_id] = nth == 0;
}

TEST(event_raced_with_block_requeues)
{
    struct domain *d;

    setup();
    d = mkdom(1, 1, NULL);
    fx.guest = block_with_event;
    vcpu_wake(d->vcpus[0]);
    schedule_cpu();
    CHECK(strcmp(order(), "0 0") == 0);             /* ran again at once */
    CHECK_EQ(d->vcpus[0]->state, VCPU_BLOCKED);
    CHECK_EQ(fx.softirq_raised[0], 1);
}

/* Blocks, and another CPU wakes it before its CPU is done with it. */
static struct domain *other_dom;

static void woken_while_on_cpu(struct vcpu *v, uint32_t nth)
{
    vcpu_block(v);
    if (v->vcpu_id == 0 && nth == 0) {
        this_cpu = 1;
        vcpu_wake(v);
        this_cpu = 0;
        CHECK_EQ(v->state, VCPU_RUNNABLE);
        /* It is not queued by the wake (it is still on its CPU) ... */
        vcpu_wake(other_dom->vcpus[0]);
    }
}

TEST(woken_while_still_on_its_cpu_is_queued_once)
{
    struct domain *d;

    setup();
    d = mkdom(1, 1, NULL);
    other_dom = mkdom(2, 1, NULL);
    other_dom->vcpus[0]->vcpu_id = 5;
    fx.guest = woken_while_on_cpu;
    vcpu_wake(d->vcpus[0]);
    schedule_cpu();
    /* ... but by its CPU after the run: behind the other domain's vCPU,
     * once (a double queueing would run it twice more). */
    CHECK(strcmp(order(), "0 5 0") == 0);
    CHECK_EQ(fx.softirq_raised[0], 2);              /* the two queueing wakes */
}

/* ---- kick ------------------------------------------------------------------- */

TEST(kick)
{
    static const unsigned int cpus[] = { 0, 1, 0, 1 };
    struct domain *d;

    setup();
    d = mkdom(1, 4, cpus);
    d->vcpus[0]->state = VCPU_BLOCKED;
    vcpu_kick(d->vcpus[0]);                         /* blocked: woken */
    CHECK_EQ(d->vcpus[0]->state, VCPU_RUNNABLE);
    d->vcpus[1]->state = VCPU_RUNNING;
    vcpu_kick(d->vcpus[1]);                         /* running elsewhere: made to exit */
    CHECK_EQ(fx.event_checks[1], 1);
    d->vcpus[2]->state = VCPU_RUNNING;
    vcpu_kick(d->vcpus[2]);                         /* running here: it will see it */
    d->vcpus[3]->state = VCPU_RUNNABLE;
    vcpu_kick(d->vcpus[3]);                         /* queued: it will see it */
    vcpu_kick(d->vcpus[0]);
    CHECK_EQ(fx.event_checks[0] + fx.event_checks[1], 1);
    CHECK_EQ(d->vcpus[2]->state, VCPU_RUNNING);
    CHECK_EQ(d->vcpus[3]->state, VCPU_RUNNABLE);
    CHECK_EQ(fx.softirq_raised[0], 1);
}

/* ---- stopping a domain ------------------------------------------------------- */

TEST(stop_domain_pauses_each_vcpu_once_then_destroys)
{
    struct domain *d, *bystander;

    setup();
    d = mkdom(1, 4, NULL);
    bystander = mkdom(2, 2, NULL);
    bystander->vcpus[0]->vcpu_id = 6;
    bystander->vcpus[1]->vcpu_id = 7;
    vcpu_wake(d->vcpus[0]);                         /* queued: first, */
    vcpu_wake(bystander->vcpus[0]);                 /* a bystander, */
    vcpu_wake(d->vcpus[1]);                         /* queued: last */
    d->vcpus[2]->state = VCPU_BLOCKED;              /* vCPU 3 never started */
    d->state = DOMAIN_SHUTDOWN;
    schedule_stop_domain(d);
    for (uint32_t i = 0; i < 4; i++)
        CHECK_EQ(d->vcpus[i]->state, VCPU_PAUSED);
    CHECK_EQ(d->live_vcpus, 0);
    CHECK_EQ(fx.destroyed, 1);
    CHECK(fx.destroyed_dom == d);
    schedule_stop_domain(d);                        /* again: nothing more */
    CHECK_EQ(fx.destroyed, 1);
    CHECK_EQ(d->live_vcpus, 0);
    /* The queue is intact: one queued behind the bystander runs after it. */
    vcpu_wake(bystander->vcpus[1]);
    schedule_cpu();
    CHECK(strcmp(order(), "6 7") == 0);
}

/* Running when its domain stops: its own CPU pauses it after the run, and
 * whichever CPU stops the last vCPU destroys the domain.  vCPU 1 runs on
 * CPU 1; meanwhile CPU 0 runs vCPU 0, which shuts the domain down. */
static struct domain *stopping;
static uint32_t destroyed_before_cpu1_done;

static void two_cpus(struct vcpu *v, uint32_t nth)
{
    (void)nth;
    if (v->vcpu_id == 1) {
        this_cpu = 0;
        schedule_cpu();                 /* CPU 0 runs vCPU 0 meanwhile */
        this_cpu = 1;
        destroyed_before_cpu1_done = fx.destroyed;
        return;                         /* still RUNNING: its exit is next */
    }
    stopping->state = DOMAIN_SHUTDOWN;
    schedule_stop_domain(stopping);
    CHECK_EQ(fx.event_checks[1], 1);    /* CPU 1 made to exit */
    CHECK_EQ(fx.event_checks[0], 0);
    CHECK_EQ(stopping->live_vcpus, 2);  /* both on their CPUs: none paused yet */
}

TEST(stop_domain_with_running_vcpus)
{
    static const unsigned int cpus[] = { 0, 1 };
    struct domain *d;

    setup();
    d = stopping = mkdom(1, 2, cpus);
    fx.guest = two_cpus;
    vcpu_wake(d->vcpus[0]);
    vcpu_wake(d->vcpus[1]);
    this_cpu = 1;
    schedule_cpu();
    CHECK(strcmp(order(), "1 0") == 0);
    CHECK_EQ(destroyed_before_cpu1_done, 0);        /* vCPU 0 paused, one left */
    CHECK_EQ(d->vcpus[0]->state, VCPU_PAUSED);
    CHECK_EQ(d->vcpus[1]->state, VCPU_PAUSED);
    CHECK_EQ(d->live_vcpus, 0);
    CHECK_EQ(fx.destroyed, 1);                      /* by CPU 1, after its run */
}

/* Its domain stopped while it sat on the queue (before the stop reached
 * it): not run, paused, counted. */
TEST(queued_vcpu_of_a_stopping_domain_is_not_run)
{
    struct domain *d;

    setup();
    d = mkdom(1, 1, NULL);
    vcpu_wake(d->vcpus[0]);
    d->state = DOMAIN_CRASHED;
    schedule_cpu();
    CHECK_EQ(fx.nr_ran, 0);
    CHECK_EQ(d->vcpus[0]->state, VCPU_PAUSED);
    CHECK_EQ(d->live_vcpus, 0);
    CHECK_EQ(fx.destroyed, 1);
}

/* ---- Toolstack pause (d->pause_count) ------------------------------------ */

/* Woken while its domain is paused: runnable but parked, off every queue;
 * the unpause queues it. */
TEST(a_paused_domain_parks_its_woken_vcpus_until_unpaused)
{
    struct domain *d;

    setup();
    d = mkdom(1, 2, NULL);
    d->pause_count = 1;
    vcpu_wake(d->vcpus[0]);
    CHECK_EQ(d->vcpus[0]->state, VCPU_RUNNABLE);
    CHECK(d->vcpus[0]->parked);
    CHECK_EQ(fx.softirq_raised[0], 0);
    schedule_cpu();
    CHECK_EQ(fx.nr_ran, 0);
    schedule_unpause_domain(d);                     /* still paused: nothing */
    CHECK(d->vcpus[0]->parked);
    d->pause_count = 0;
    schedule_unpause_domain(d);
    CHECK(!d->vcpus[0]->parked);
    CHECK(!d->vcpus[1]->parked);                    /* never woken: stays offline */
    CHECK_EQ(d->vcpus[1]->state, VCPU_OFFLINE);
    CHECK_EQ(fx.softirq_raised[0], 1);
    schedule_cpu();
    CHECK(strcmp(order(), "0") == 0);
}

/* Paused while queued: taken off the queue; preempted while paused: parked
 * after its run; a bystander runs on. */
TEST(pause_takes_queued_vcpus_off_and_parks_preempted_ones)
{
    static const unsigned int cpus[] = { 0, 0 };
    struct domain *d, *other;

    setup();
    d = mkdom(1, 2, cpus);
    other = mkdom(2, 1, NULL);
    other->vcpus[0]->vcpu_id = 5;
    vcpu_wake(d->vcpus[0]);
    vcpu_wake(other->vcpus[0]);
    vcpu_wake(d->vcpus[1]);
    d->pause_count = 1;
    schedule_pause_domain(d);
    CHECK(d->vcpus[0]->parked);
    CHECK(d->vcpus[1]->parked);
    schedule_cpu();
    CHECK(strcmp(order(), "5") == 0);               /* only the bystander */
    d->pause_count = 0;
    schedule_unpause_domain(d);
    schedule_cpu();
    CHECK(strcmp(order(), "5 0 1") == 0);
    /* A stop of a paused domain stops its parked vCPUs too. */
    d->vcpus[0]->state = VCPU_RUNNABLE;
    d->vcpus[0]->parked = true;
    d->state = DOMAIN_SHUTDOWN;
    schedule_stop_domain(d);
    CHECK_EQ(d->vcpus[0]->state, VCPU_PAUSED);
    CHECK(!d->vcpus[0]->parked);
    CHECK_EQ(d->live_vcpus, 0);
    CHECK_EQ(fx.destroyed, 1);
}

static struct domain *pausing;

static void paused_while_running(struct vcpu *v, uint32_t nth)
{
    (void)nth;
    pausing->pause_count = 1;       /* as domain_pause_ctl from another CPU */
    (void)v;                        /* still RUNNING: preempted at its exit */
}

TEST(a_vcpu_running_when_paused_is_parked_after_its_run)
{
    struct domain *d;

    setup();
    d = pausing = mkdom(1, 1, NULL);
    fx.guest = paused_while_running;
    vcpu_wake(d->vcpus[0]);
    schedule_cpu();
    CHECK(strcmp(order(), "0") == 0);
    CHECK_EQ(d->vcpus[0]->state, VCPU_RUNNABLE);
    CHECK(d->vcpus[0]->parked);
    CHECK(!d->vcpus[0]->on_cpu);
}

TEST(dump_lists_the_queues)
{
    struct domain *d;

    setup();
    d = mkdom(3, 2, NULL);
    ktest_log_clear();
    schedule_dump();
    CHECK(ktest_log_contains("cpu 0: queue empty"));
    vcpu_wake(d->vcpus[1]);
    vcpu_wake(d->vcpus[0]);
    ktest_log_clear();
    schedule_dump();
    CHECK(ktest_log_contains("cpu 0: d3.1 d3.0"));
    CHECK(ktest_log_contains("cpu 1: queue empty"));
}

/* ---- idle time --------------------------------------------------------------- */

static void run_300ns_then_block(struct vcpu *v, uint32_t nth)
{
    (void)nth;
    now_ns += 300;
    vcpu_block(v);
}

TEST(idle_time_counts_from_an_empty_queue_to_the_next_vcpu)
{
    struct domain *d;
    uint64_t before;

    setup();
    this_cpu = 1;
    schedule_cpu();                                 /* nothing queued: idle */
    before = schedule_idle_ns(1, now_ns);
    now_ns += 1000;
    CHECK_EQ(schedule_idle_ns(1, now_ns), before + 1000);  /* the current period */
    schedule_cpu();                                 /* still idle: no new period */
    now_ns += 10;
    CHECK_EQ(schedule_idle_ns(1, now_ns), before + 1010);
    d = mkdom(1, 1, (const unsigned int[]){ 1 });
    fx.guest = run_300ns_then_block;
    vcpu_wake(d->vcpus[0]);
    schedule_cpu();                                 /* 300 ns busy, then idle again */
    CHECK_EQ(fx.nr_ran, 1);
    CHECK_EQ(schedule_idle_ns(1, now_ns), before + 1010);
    now_ns += 50;
    CHECK_EQ(schedule_idle_ns(1, now_ns), before + 1060);
    CHECK_EQ(schedule_idle_ns(2, now_ns), 0);       /* offline */
    CHECK_EQ(schedule_idle_ns(NR_CPUS + 5, now_ns), 0);
}
