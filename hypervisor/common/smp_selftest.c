// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self tests that need every CPU: periodic timers on each CPU against NOW()
 * (and NOW() against the platform clock over the same run), a second-long
 * storm of cross-CPU calls, and a lock torture.  Work is started on each
 * CPU through a timer (so it runs from the timer softirq, interrupts on);
 * the boot CPU runs its own softirqs while it waits.
 */
#include <asm/time.h>
#include <keel/lib.h>
#include <keel/selftest.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/spinlock.h>
#include <keel/timer.h>

#define TICK                MILLISECS(10)
#define TIMER_RUN           SECONDS(2)
#define EXPECTED_TICKS      200
#define TICK_TOLERANCE      10          /* 5% of 200 */
#define CLOCK_POLL          MILLISECS(100)
/* NOW() against the platform clock over the run: the TSC's calibration
 * (100 ms against the HPET or PM timer) is good to a few 0.1%. */
#define CLOCK_TOLERANCE(ns) ((ns) / 100 + MILLISECS(1))
#define STORM_TIME          SECONDS(1)
#define TORTURE_TIME        SECONDS(1)
#define WAIT_LIMIT          SECONDS(150)    /* emulated CPUs on a loaded host are slow */

struct cpu_work {
    struct timer timer;
    uint32_t ticks;
    s_time_t max_late;
    uint32_t calls_received;
    uint32_t calls_made;
    uint64_t increments;
};

static struct cpu_work work[NR_CPUS];
static s_time_t run_end;
static uint32_t workers_done;
static uint32_t storm_calls_done;
static s_time_t storm_end;
static uint64_t torture_counter;
static s_time_t torture_end;
static DEFINE_SPINLOCK(torture_lock);

/* Run fn on every online CPU from a timer, wait until all have returned. */
static int run_everywhere(void (*fn)(void *))
{
    unsigned int cpu;
    s_time_t deadline = NOW() + WAIT_LIMIT;

    __atomic_store_n(&workers_done, 0, __ATOMIC_SEQ_CST);
    for_each_cpu(cpu, &cpu_online_map) {
        init_timer(&work[cpu].timer, fn, &work[cpu], cpu);
        set_timer(&work[cpu].timer, NOW());
    }
    while (__atomic_load_n(&workers_done, __ATOMIC_ACQUIRE) < nr_cpu_ids) {
        do_softirq();
        if (NOW() > deadline &&
            __atomic_load_n(&workers_done, __ATOMIC_ACQUIRE) < nr_cpu_ids) {
            pr_err("selftest: only %u of %u CPUs finished\n", workers_done, nr_cpu_ids);
            for_each_cpu(cpu, &cpu_online_map)
                pr_err("selftest: cpu %u: softirqs pending 0x%x, timer %s, queue length %u\n",
                       cpu, softirq_pending(cpu),
                       timer_is_active(&work[cpu].timer) ? "active" : "inactive",
                       timer_queue_length(cpu));
            return -1;
        }
    }
    for_each_cpu(cpu, &cpu_online_map)
        kill_timer(&work[cpu].timer);
    return 0;
}

static void periodic_tick(void *data)
{
    struct cpu_work *w = data;
    s_time_t expires = timer_expires(&w->timer), late = NOW() - expires;

    w->ticks++;
    w->max_late = MAX(w->max_late, late);
    if (expires + TICK < run_end)
        set_timer(&w->timer, expires + TICK);
    else
        __atomic_fetch_add(&workers_done, 1, __ATOMIC_RELEASE);
}

static int selftest_timers(void)
{
    unsigned int cpu;
    const char *ref = refclock_watch_start();
    s_time_t start = NOW() + TICK, deadline = start + TIMER_RUN + WAIT_LIMIT;
    s_time_t polled = NOW(), ref_ns, now_ns;
    int rc = 0;

    run_end = start + TIMER_RUN;
    __atomic_store_n(&workers_done, 0, __ATOMIC_SEQ_CST);
    pr_info("selftest: timers: start (10 ms periodic timers on %u CPUs for 2 s)\n",
            nr_cpu_ids);
    for_each_cpu(cpu, &cpu_online_map) {
        work[cpu].ticks = 0;
        work[cpu].max_late = 0;
        init_timer(&work[cpu].timer, periodic_tick, &work[cpu], cpu);
        set_timer(&work[cpu].timer, start);
    }
    while (__atomic_load_n(&workers_done, __ATOMIC_ACQUIRE) < nr_cpu_ids && NOW() < deadline) {
        do_softirq();
        if (NOW() - polled >= CLOCK_POLL) {
            refclock_watch_poll();
            polled = NOW();
        }
    }
    ref_ns = refclock_watch_end(&now_ns);
    pr_info("selftest: timers: end after %ld ms\n", (long)((NOW() - start) / MILLISECS(1)));
    if (ref) {
        pr_info("selftest: timers: the run took %ld us of NOW() and %ld us of the %s\n",
                (long)(now_ns / MICROSECS(1)), (long)(ref_ns / MICROSECS(1)), ref);
        if (now_ns > ref_ns + CLOCK_TOLERANCE(ref_ns) ||
            ref_ns > now_ns + CLOCK_TOLERANCE(ref_ns)) {
            pr_err("selftest: timers: NOW() and the %s disagree\n", ref);
            rc = -1;
        }
    } else {
        pr_info("selftest: timers: no platform clock to compare NOW() with\n");
    }
    for_each_cpu(cpu, &cpu_online_map) {
        uint32_t t = work[cpu].ticks;
        kill_timer(&work[cpu].timer);
        pr_info("selftest: timers: cpu %u fired %u times, latest by %ld us\n", cpu, t,
                (long)(work[cpu].max_late / MICROSECS(1)));
        if (t + TICK_TOLERANCE < EXPECTED_TICKS || t > EXPECTED_TICKS + TICK_TOLERANCE)
            rc = -1;
    }
    return rc;
}
SELFTEST(timers, selftest_timers);

static void count_call(void *data)
{
    struct cpu_work *w = &work[smp_processor_id()];

    w->calls_received++;
    __atomic_fetch_add(&storm_calls_done, 1, __ATOMIC_RELAXED);
}

/* Calls for STORM_TIME rather than a fixed number: each call waits for one
 * particular CPU to take the lock and another to answer, so under an
 * emulator on a busy host a fixed count takes as long as the host likes. */
static void storm_worker(void *data)
{
    struct cpu_work *w = data;
    unsigned int me = smp_processor_id(), n = nr_cpu_ids;

    w->calls_made = 0;
    while (NOW() < storm_end) {
        cpumask_t target = { { 0 } };
        cpumask_set(&target, (me + 1 + w->calls_made % (n - 1)) % n);
        on_selected_cpus(&target, count_call, NULL, true);
        w->calls_made++;
    }
    __atomic_fetch_add(&workers_done, 1, __ATOMIC_RELEASE);
}

static int selftest_ipi_storm(void)
{
    uint64_t made = 0, received = 0;
    unsigned int cpu;
    int rc = 0;

    if (nr_cpu_ids < 2) {
        pr_info("selftest: ipi_storm: one CPU, nothing to call\n");
        return 0;
    }
    storm_calls_done = 0;
    for_each_cpu(cpu, &cpu_online_map)
        work[cpu].calls_received = 0;
    storm_end = NOW() + STORM_TIME;
    if (run_everywhere(storm_worker))
        return -1;
    for_each_cpu(cpu, &cpu_online_map) {
        made += work[cpu].calls_made;
        received += work[cpu].calls_received;
        if (work[cpu].calls_made == 0 || work[cpu].calls_received == 0) {
            pr_err("selftest: ipi_storm: cpu %u made %u calls and received %u\n", cpu,
                   work[cpu].calls_made, work[cpu].calls_received);
            rc = -1;
        }
    }
    pr_info("selftest: ipi_storm: %lu cross-CPU calls made, %lu received, %u completed\n",
            made, received, storm_calls_done);
    return made == received && received == storm_calls_done ? rc : -1;
}
SELFTEST(ipi_storm, selftest_ipi_storm);

/* For TORTURE_TIME every CPU adds to one shared counter under one lock and
 * counts its own additions.  (A fixed number of rounds would make the run's
 * length depend on how the emulator schedules CPUs: every ticket hand-off
 * waits for one particular CPU to run.) */
static void torture_worker(void *data)
{
    struct cpu_work *w = data;

    w->increments = 0;
    while (NOW() < torture_end) {
        spin_lock(&torture_lock);
        torture_counter++;      /* a plain increment: only the lock protects it */
        spin_unlock(&torture_lock);
        w->increments++;
    }
    __atomic_fetch_add(&workers_done, 1, __ATOMIC_RELEASE);
}

static int selftest_lock_torture(void)
{
    uint64_t want = 0;
    unsigned int cpu;
    int rc = 0;

    torture_counter = 0;
    torture_end = NOW() + TORTURE_TIME;
    if (run_everywhere(torture_worker))
        return -1;
    for_each_cpu(cpu, &cpu_online_map) {
        want += work[cpu].increments;
        if (work[cpu].increments == 0) {
            pr_err("selftest: lock_torture: cpu %u never got the lock\n", cpu);
            rc = -1;
        }
    }
    pr_info("selftest: lock_torture: counter %lu, expected %lu from %u CPUs\n",
            torture_counter, want, nr_cpu_ids);
    return torture_counter == want ? rc : -1;
}
SELFTEST(lock_torture, selftest_lock_torture);

/* NOW() on every CPU against the boot CPU's: in a ping-pong, each reading is
 * taken after the one before it, so each must be at least as large. */
static s_time_t pingpong_time;

static void read_now(void *data)
{
    s_time_t t = NOW();

    if (t < pingpong_time)
        __atomic_store_n((int *)data, 1, __ATOMIC_RELAXED);
    pingpong_time = t;
}

static int selftest_now_consistency(void)
{
    int backwards = 0;
    unsigned int cpu;

    for (int round = 0; round < 200; round++) {
        for_each_cpu(cpu, &cpu_online_map) {
            cpumask_t one = { { 0 } };
            cpumask_set(&one, cpu);
            on_selected_cpus(&one, read_now, &backwards, true);
        }
    }
    if (backwards)
        pr_err("selftest: now_consistency: NOW() went backwards between CPUs\n");
    else
        pr_info("selftest: now_consistency: NOW() agrees across %u CPUs\n", nr_cpu_ids);
    return backwards ? -1 : 0;
}
SELFTEST(now_consistency, selftest_now_consistency);
