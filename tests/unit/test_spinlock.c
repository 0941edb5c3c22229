// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hypervisor/common/spinlock.c: ticket spinlocks and rwlocks
 * under pthread torture (exact counts, mutual exclusion, invariants), trylock
 * semantics, FIFO order, irq-flag save/restore, recursive locks, rwlock
 * fairness (writers not starved, queued readers served before later writers)
 * and, when built with KEEL_DEBUG_LOCKS, the lock-order checker: each "must
 * panic" case runs in a forked grandchild whose panic() exits with a known
 * status once the expected message has been logged.
 *
 * Each thread is a "CPU": smp_processor_id() returns a thread-local number
 * (the case's own thread is CPU 0, workers are 1..n).
 */
#include "ktest.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keel/lib.h>
#include <keel/spinlock.h>
#include <asm/irqflags.h>

__thread unsigned long host_irq_flags = X86_EFLAGS_IF;
static __thread unsigned int this_cpu;

unsigned int smp_processor_id(void)
{
    return this_cpu;
}

#define PANIC_EXIT 3            /* panic() with the expected message */
#define PANIC_WRONG_MSG 4       /* panic() with another message */

static const char *panic_expect;

void panic(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* The checker must have said it with pr_err() before panicking. */
    bool expected = !panic_expect ||
                    (strstr(msg, panic_expect) && ktest_log_contains(panic_expect));
    printk("panic: %s\n", msg);
    fflush(stderr);
    _exit(expected ? PANIC_EXIT : PANIC_WRONG_MSG);
}

/* ---- helpers ---------------------------------------------------------------- */

/* Wait (yielding) for another thread; the case's time limit ends a hang. */
#define WAIT_FOR(cond)                  \
    do {                                \
        while (!(cond))                 \
            sched_yield();              \
    } while (0)

#define MAX_THREADS 8

struct worker {
    unsigned int cpu;
    unsigned int index;
    void (*fn)(struct worker *w);
    void *arg;
    unsigned int *gate;         /* run_workers(): all start together */
    unsigned int nr_workers;
    pthread_t thread;
};

static void *worker_main(void *p)
{
    struct worker *w = p;

    this_cpu = w->cpu;
    if (w->gate) {
        /* Spin, don't sleep, so that all start at once. */
        __atomic_fetch_add(w->gate, 1, __ATOMIC_ACQ_REL);
        WAIT_FOR(__atomic_load_n(w->gate, __ATOMIC_ACQUIRE) == w->nr_workers);
    }
    w->fn(w);
    return NULL;
}

static void start_worker(struct worker *w, unsigned int index,
                         void (*fn)(struct worker *), void *arg)
{
    w->cpu = index + 1;
    w->index = index;
    w->fn = fn;
    w->arg = arg;
    w->gate = NULL;
    CHECK(pthread_create(&w->thread, NULL, worker_main, w) == 0);
}

static void join_worker(struct worker *w)
{
    CHECK(pthread_join(w->thread, NULL) == 0);
}

static void run_workers(unsigned int n, void (*fn)(struct worker *), void *arg)
{
    struct worker w[MAX_THREADS];
    unsigned int gate = 0;

    CHECK(n <= MAX_THREADS);
    for (unsigned int i = 0; i < n; i++) {
        w[i].cpu = i + 1;
        w[i].index = i;
        w[i].fn = fn;
        w[i].arg = arg;
        w[i].gate = &gate;
        w[i].nr_workers = n;
        CHECK(pthread_create(&w[i].thread, NULL, worker_main, &w[i]) == 0);
    }
    for (unsigned int i = 0; i < n; i++)
        join_worker(&w[i]);
}

static uint32_t load32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint16_t load16(const uint16_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/*
 * Run fn in a forked grandchild; it must pr_err() and then panic() with a
 * message containing 'expect'.
 */
static __unused void expect_panic(void (*fn)(void), const char *expect)
{
    pid_t pid = fork();
    int status = 0;

    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(5);                       /* a missed deadlock must not hang */
        panic_expect = expect;
        this_cpu = 0;
        fn();
        fprintf(stderr, "expected a panic containing \"%s\"\n", expect);
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), PANIC_EXIT);
}

/* ---- spinlocks: single thread ------------------------------------------------ */

static DEFINE_SPINLOCK(static_lock);

TEST(spin_static_init_is_unlocked)
{
    CHECK(!spin_is_locked(&static_lock));
    spin_lock(&static_lock);
    CHECK(spin_is_locked(&static_lock));
    spin_unlock(&static_lock);
    CHECK(!spin_is_locked(&static_lock));
#ifdef KEEL_DEBUG_LOCKS
    CHECK(strcmp(static_lock.debug.name, "static_lock") == 0);
    CHECK_EQ(static_lock.debug.level, 0);
#endif
}

TEST(spin_trylock_semantics)
{
    spinlock_t l;

    spin_lock_init(&l, "try", 0);
    CHECK(spin_trylock(&l));
    CHECK(spin_is_locked(&l));
    spin_unlock(&l);
    CHECK(!spin_is_locked(&l));
    CHECK(spin_trylock(&l));
    spin_unlock(&l);
    /* Ticket wrap-around: 70000 lock/unlock pairs cross 0xffff twice-ish. */
    for (unsigned int i = 0; i < 70000; i++) {
        if (i & 1) {
            spin_lock(&l);
        } else {
            CHECK(spin_trylock(&l));
        }
        spin_unlock(&l);
    }
    CHECK(!spin_is_locked(&l));
    CHECK(spin_trylock(&l));
    spin_unlock(&l);
}

static void trylock_other_cpu(struct worker *w)
{
    spinlock_t *l = w->arg;

    /* Held by CPU 0: must fail, and not disturb the lock. */
    for (int i = 0; i < 1000; i++)
        CHECK(!spin_trylock(l));
}

TEST(spin_trylock_fails_when_held_elsewhere)
{
    spinlock_t l;

    spin_lock_init(&l, "held", 0);
    spin_lock(&l);
    run_workers(2, trylock_other_cpu, &l);
    CHECK(spin_is_locked(&l));
    spin_unlock(&l);
    CHECK(!spin_is_locked(&l));
    CHECK(spin_trylock(&l));
    spin_unlock(&l);
}

TEST(spin_irqsave_restores_flag)
{
    spinlock_t l;
    unsigned long f;

    spin_lock_init(&l, "irq", 0);
    host_irq_flags = X86_EFLAGS_IF;
    f = spin_lock_irqsave(&l);
    CHECK_EQ(f & X86_EFLAGS_IF, X86_EFLAGS_IF);
    CHECK(!local_irq_is_enabled());
    CHECK(spin_is_locked(&l));
    spin_unlock_irqrestore(&l, f);
    CHECK(local_irq_is_enabled());
    CHECK(!spin_is_locked(&l));

    /* Already disabled: stays disabled. */
    host_irq_flags = 0;
    f = spin_lock_irqsave(&l);
    CHECK_EQ(f & X86_EFLAGS_IF, 0);
    spin_unlock_irqrestore(&l, f);
    CHECK(!local_irq_is_enabled());

    host_irq_flags = X86_EFLAGS_IF;
    spin_lock_irq(&l);
    CHECK(!local_irq_is_enabled());
    spin_unlock_irq(&l);
    CHECK(local_irq_is_enabled());
}

TEST(rw_irqsave_restores_flag)
{
    rwlock_t l;
    unsigned long f;

    rwlock_init(&l, "rwirq", 0);
    f = read_lock_irqsave(&l);
    CHECK(!local_irq_is_enabled());
    read_unlock_irqrestore(&l, f);
    CHECK(local_irq_is_enabled());
    f = write_lock_irqsave(&l);
    CHECK(!local_irq_is_enabled());
    CHECK(rw_is_write_locked(&l));
    write_unlock_irqrestore(&l, f);
    CHECK(local_irq_is_enabled());
    read_lock_irq(&l);
    CHECK(!local_irq_is_enabled());
    read_unlock_irq(&l);
    CHECK(local_irq_is_enabled());
    write_lock_irq(&l);
    CHECK(!local_irq_is_enabled());
    write_unlock_irq(&l);
    CHECK(local_irq_is_enabled());
    CHECK(!rw_is_locked(&l));
}

/* ---- spinlocks: torture --------------------------------------------------------- */

#define SPIN_ITERS 200000

struct spin_torture {
    spinlock_t lock;
    uint64_t counter;
    int inside;                 /* threads inside the critical section */
    int overlaps;
    uint64_t contended;         /* found the lock held: the run was a race */
};

/*
 * A wide read-modify-write window, so that a broken lock loses counts; now
 * and then the holder yields inside it, so that the others pile up on the
 * lock even when the host gives us less than a CPU per thread.
 */
static void spin_critical(struct spin_torture *t)
{
    uint64_t v = t->counter;

    if (t->inside++ != 0)
        t->overlaps++;
    if (v % 2048 == 0)
        sched_yield();
    for (volatile int k = 0; k < 10; k++)
        ;
    t->counter = v + 1;
    t->inside--;
}

static void spin_torture_worker(struct worker *w)
{
    struct spin_torture *t = w->arg;

    for (unsigned int i = 0; i < SPIN_ITERS; i++) {
        if (spin_is_locked(&t->lock))
            __atomic_fetch_add(&t->contended, 1, __ATOMIC_RELAXED);
        switch ((w->index + i) % 4) {
        case 0:
            spin_lock(&t->lock);
            spin_critical(t);
            spin_unlock(&t->lock);
            break;
        case 1: {
            unsigned long f = spin_lock_irqsave(&t->lock);
            spin_critical(t);
            spin_unlock_irqrestore(&t->lock, f);
            CHECK(local_irq_is_enabled());
            break;
        }
        case 2:
            while (!spin_trylock(&t->lock))
                sched_yield();
            spin_critical(t);
            spin_unlock(&t->lock);
            break;
        default:
            spin_lock_recursive(&t->lock);
            spin_lock_recursive(&t->lock);
            spin_critical(t);
            spin_unlock_recursive(&t->lock);
            spin_unlock_recursive(&t->lock);
            break;
        }
    }
}

static void spin_torture(unsigned int threads)
{
    static struct spin_torture t;

    ktest_set_timeout(30);
    memset(&t, 0, sizeof(t));
    spin_lock_init(&t.lock, "torture", 1);
    run_workers(threads, spin_torture_worker, &t);
    CHECK_EQ(t.counter, (uint64_t)threads * SPIN_ITERS);
    CHECK_EQ(t.overlaps, 0);
    CHECK(!spin_is_locked(&t.lock));
    fprintf(stderr, "spin torture: lock found held %llu times\n",
            (unsigned long long)t.contended);
}

TEST(spin_torture_4_threads)
{
    spin_torture(4);
}

TEST(spin_torture_8_threads)
{
    spin_torture(8);
}

/* ---- spinlocks: FIFO order ------------------------------------------------------ */

#define FIFO_WAITERS 5

struct fifo_state {
    spinlock_t lock;
    unsigned int order[FIFO_WAITERS];
    unsigned int served;
};

static void fifo_waiter(struct worker *w)
{
    struct fifo_state *s = w->arg;

    spin_lock(&s->lock);
    s->order[s->served++] = w->index;
    spin_unlock(&s->lock);
}

TEST(spin_is_fifo)
{
    static struct fifo_state s;
    struct worker w[FIFO_WAITERS];

    ktest_set_timeout(30);
    spin_lock_init(&s.lock, "fifo", 0);
    spin_lock(&s.lock);
    /* Start waiters one at a time: each has drawn its ticket before the next. */
    for (unsigned int i = 0; i < FIFO_WAITERS; i++) {
        start_worker(&w[i], i, fifo_waiter, &s);
        WAIT_FOR(load16(&s.lock.tickets.tail) == (uint16_t)(i + 2));
    }
    spin_unlock(&s.lock);
    for (unsigned int i = 0; i < FIFO_WAITERS; i++)
        join_worker(&w[i]);
    CHECK_EQ(s.served, FIFO_WAITERS);
    for (unsigned int i = 0; i < FIFO_WAITERS; i++)
        CHECK_EQ(s.order[i], i);
}

/* ---- recursive spinlocks --------------------------------------------------------- */

static void recursive_other(struct worker *w)
{
    spinlock_t *l = w->arg;

    CHECK(!spin_trylock(l));
    spin_lock_recursive(l);         /* waits until CPU 0 fully releases */
    spin_lock_recursive(l);
    spin_unlock_recursive(l);
    spin_unlock_recursive(l);
}

TEST(spin_recursive)
{
    static spinlock_t l;
    struct worker w;

    ktest_set_timeout(10);
    spin_lock_init(&l, "recursive", 0);
    spin_lock_recursive(&l);
    spin_lock_recursive(&l);
    spin_lock_recursive(&l);
    CHECK_EQ(l.recurse_cnt, 3);
    start_worker(&w, 0, recursive_other, &l);
    WAIT_FOR(load16(&l.tickets.tail) == 2);     /* the other CPU is queued */
    spin_unlock_recursive(&l);
    spin_unlock_recursive(&l);
    CHECK(spin_is_locked(&l));
    spin_unlock_recursive(&l);
    join_worker(&w);
    CHECK(!spin_is_locked(&l));
    CHECK_EQ(l.recurse_cnt, 0);
    CHECK_EQ(l.recurse_cpu, SPIN_NO_CPU);
}

/* ---- rwlocks: single thread ----------------------------------------------------- */

static DEFINE_RWLOCK(static_rwlock);

static void read_trylock_other(struct worker *w)
{
    rwlock_t *l = w->arg;

    CHECK(read_trylock(l));
    CHECK(!write_trylock(l));
    read_unlock(l);
}

static void all_trylocks_fail(struct worker *w)
{
    rwlock_t *l = w->arg;

    CHECK(!read_trylock(l));
    CHECK(!write_trylock(l));
}

TEST(rw_trylock_semantics)
{
    rwlock_t *l = &static_rwlock;

    CHECK(!rw_is_locked(l));
    read_lock(l);
    CHECK(rw_is_locked(l));
    CHECK(!rw_is_write_locked(l));
    CHECK(!write_trylock(l));
    run_workers(2, read_trylock_other, l);     /* readers share */
    read_unlock(l);
    CHECK(!rw_is_locked(l));

    write_lock(l);
    CHECK(rw_is_locked(l));
    CHECK(rw_is_write_locked(l));
    run_workers(2, all_trylocks_fail, l);
    write_unlock(l);
    CHECK(!rw_is_locked(l));

    CHECK(write_trylock(l));
    CHECK(rw_is_write_locked(l));
    write_unlock(l);
    CHECK(read_trylock(l));
    read_unlock(l);
    CHECK_EQ(l->cnts, 0);
}

/* ---- rwlocks: torture ------------------------------------------------------------ */

#define RW_WRITERS 2
#define RW_READERS 4
#define RW_WRITE_ITERS 20000

struct rw_torture {
    rwlock_t lock;
    uint64_t a, b;              /* writers keep a == b outside the lock */
    int readers_inside;
    int writers_inside;
    int max_readers;
    int bad;
    int writers_done;
    uint64_t reads;
};

static void rw_writer(struct worker *w)
{
    struct rw_torture *t = w->arg;

    for (unsigned int i = 0; i < RW_WRITE_ITERS; i++) {
        /* A trylock loop could starve against busy readers: try once. */
        if (i % 2 || !write_trylock(&t->lock))
            write_lock(&t->lock);
        if (t->writers_inside++ != 0 ||
            __atomic_load_n(&t->readers_inside, __ATOMIC_RELAXED) != 0)
            t->bad++;
        t->a++;
        if (i % 256 == 0)
            sched_yield();      /* let readers and writers pile up */
        for (volatile int spin = 0; spin < 20; spin++)
            ;
        t->b++;
        t->writers_inside--;
        write_unlock(&t->lock);
    }
    __atomic_fetch_add(&t->writers_done, 1, __ATOMIC_RELEASE);
}

static void rw_reader(struct worker *w)
{
    struct rw_torture *t = w->arg;
    uint64_t reads = 0;

    while (__atomic_load_n(&t->writers_done, __ATOMIC_ACQUIRE) < RW_WRITERS) {
        read_lock(&t->lock);
        int inside = __atomic_add_fetch(&t->readers_inside, 1, __ATOMIC_RELAXED);
        int max = __atomic_load_n(&t->max_readers, __ATOMIC_RELAXED);
        while (inside > max &&
               !__atomic_compare_exchange_n(&t->max_readers, &max, inside, false,
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            ;
        if (t->a != t->b || t->writers_inside)
            __atomic_fetch_add(&t->bad, 1, __ATOMIC_RELAXED);
        if (reads % 256 == 0)
            sched_yield();      /* hold it a while: readers overlap */
        if (t->a != t->b)
            __atomic_fetch_add(&t->bad, 1, __ATOMIC_RELAXED);
        __atomic_sub_fetch(&t->readers_inside, 1, __ATOMIC_RELAXED);
        read_unlock(&t->lock);
        reads++;
    }
    __atomic_fetch_add(&t->reads, reads, __ATOMIC_RELAXED);
}

static void rw_torture_worker(struct worker *w)
{
    if (w->index < RW_WRITERS)
        rw_writer(w);
    else
        rw_reader(w);
}

/* Readers hammer the lock with no pause: writers must still finish (in time). */
TEST(rw_torture_writers_not_starved)
{
    static struct rw_torture t;

    ktest_set_timeout(30);
    memset(&t, 0, sizeof(t));
    rwlock_init(&t.lock, "rw_torture", 1);
    run_workers(RW_WRITERS + RW_READERS, rw_torture_worker, &t);
    CHECK_EQ(t.a, (uint64_t)RW_WRITERS * RW_WRITE_ITERS);
    CHECK_EQ(t.b, t.a);
    CHECK_EQ(t.bad, 0);
    CHECK(t.reads > 0);
    CHECK(!rw_is_locked(&t.lock));
    fprintf(stderr, "rw torture: %llu reads, at most %d readers inside at once\n",
            (unsigned long long)t.reads, t.max_readers);
}

/* ---- rwlocks: concurrency and fairness, step by step --------------------------- */

struct rw_order {
    rwlock_t lock;
    char order[8];
    unsigned int n;
    int release;                /* tells holders to let go */
};

static void record(struct rw_order *s, char who)
{
    unsigned int i = __atomic_fetch_add(&s->n, 1, __ATOMIC_RELAXED);

    s->order[i] = who;
}

static void reader_records(struct worker *w)
{
    struct rw_order *s = w->arg;

    read_lock(&s->lock);
    record(s, 'R');
    read_unlock(&s->lock);
}

static void writer_records(struct worker *w)
{
    struct rw_order *s = w->arg;

    write_lock(&s->lock);
    record(s, 'W');
    write_unlock(&s->lock);
}

static void reader_holds(struct worker *w)
{
    struct rw_order *s = w->arg;

    read_lock(&s->lock);
    record(s, 'h');
    WAIT_FOR(__atomic_load_n(&s->release, __ATOMIC_ACQUIRE));
    read_unlock(&s->lock);
}

TEST(rw_readers_are_concurrent)
{
    static struct rw_order s;
    struct worker w[3];

    ktest_set_timeout(10);
    rwlock_init(&s.lock, "concurrent", 0);
    for (unsigned int i = 0; i < 3; i++)
        start_worker(&w[i], i, reader_holds, &s);
    /* All three get in while none has let go. */
    WAIT_FOR(__atomic_load_n(&s.n, __ATOMIC_ACQUIRE) == 3);
    CHECK_EQ(load32(&s.lock.cnts), 3 * RW_READER_BIAS);
    __atomic_store_n(&s.release, 1, __ATOMIC_RELEASE);
    for (unsigned int i = 0; i < 3; i++)
        join_worker(&w[i]);
    CHECK(!rw_is_locked(&s.lock));
}

/* A waiting writer turns new readers away: it goes before a later reader. */
TEST(rw_waiting_writer_blocks_new_readers)
{
    static struct rw_order s;
    struct worker w[2];

    ktest_set_timeout(10);
    rwlock_init(&s.lock, "writer_pref", 0);
    read_lock(&s.lock);                                 /* CPU 0 reads */
    start_worker(&w[0], 0, writer_records, &s);
    WAIT_FOR(load32(&s.lock.cnts) & RW_WRITER_WAITING);
    bool got = read_trylock(&s.lock);
    if (got)
        read_unlock(&s.lock);
    CHECK(!got);
    start_worker(&w[1], 1, reader_records, &s);
    WAIT_FOR(load16(&s.lock.wait.tail) == 2);           /* queued behind it */
    CHECK_EQ(s.n, 0);
    read_unlock(&s.lock);
    join_worker(&w[0]);
    join_worker(&w[1]);
    CHECK_EQ(s.n, 2);
    CHECK(memcmp(s.order, "WR", 2) == 0);
    CHECK(!rw_is_locked(&s.lock));
}

/* A reader queued behind a writer goes before a writer queued after it. */
TEST(rw_queued_reader_before_later_writer)
{
    static struct rw_order s;
    struct worker w[2];

    ktest_set_timeout(10);
    rwlock_init(&s.lock, "reader_fair", 0);
    write_lock(&s.lock);                                /* CPU 0 writes */
    start_worker(&w[0], 0, reader_records, &s);
    WAIT_FOR(load16(&s.lock.wait.tail) == 1);
    start_worker(&w[1], 1, writer_records, &s);
    WAIT_FOR(load16(&s.lock.wait.tail) == 2);
    CHECK_EQ(s.n, 0);
    write_unlock(&s.lock);
    join_worker(&w[0]);
    join_worker(&w[1]);
    CHECK_EQ(s.n, 2);
    CHECK(memcmp(s.order, "RW", 2) == 0);
    CHECK(!rw_is_locked(&s.lock));
}

/* ---- lock-order checking ---------------------------------------------------------- */

#ifdef KEEL_DEBUG_LOCKS

static DEFINE_SPINLOCK_LEVEL(outer_lock, 10);
static DEFINE_SPINLOCK_LEVEL(inner_lock, 20);
static DEFINE_SPINLOCK_LEVEL(peer_lock, 20);
static DEFINE_SPINLOCK(free_lock);              /* level 0: unordered */
static DEFINE_RWLOCK_LEVEL(rw_outer, 5);

TEST(order_correct_nesting_is_quiet)
{
    unsigned long f;

    CHECK_EQ(lock_debug_held_count(), 0);
    read_lock(&rw_outer);
    spin_lock(&outer_lock);
    spin_lock(&free_lock);
    f = spin_lock_irqsave(&inner_lock);
    CHECK_EQ(lock_debug_held_count(), 4);
    spin_unlock_irqrestore(&inner_lock, f);
    /* Non-LIFO release is fine. */
    spin_unlock(&outer_lock);
    spin_unlock(&free_lock);
    read_unlock(&rw_outer);
    CHECK_EQ(lock_debug_held_count(), 0);
    /* A trylock against the order cannot deadlock: allowed. */
    spin_lock(&inner_lock);
    CHECK(spin_trylock(&outer_lock));
    spin_unlock(&outer_lock);
    spin_unlock(&inner_lock);
    /* Unordered lock under and over ordered ones. */
    spin_lock(&free_lock);
    spin_lock(&inner_lock);
    spin_unlock(&inner_lock);
    spin_unlock(&free_lock);
    /* Recursive re-entry is not a self-deadlock. */
    spin_lock_recursive(&outer_lock);
    spin_lock(&inner_lock);
    spin_lock_recursive(&outer_lock);
    spin_unlock_recursive(&outer_lock);
    spin_unlock(&inner_lock);
    spin_unlock_recursive(&outer_lock);
    CHECK_EQ(lock_debug_held_count(), 0);
    CHECK(!ktest_log_contains("lock"));
}

static void take_inverted(void)
{
    spin_lock(&inner_lock);
    spin_lock(&outer_lock);
}

/* The message names both locks and levels. */
TEST(order_inversion_panics)
{
    expect_panic(take_inverted,
                 "lock order violation: "
                 "CPU 0 takes outer_lock (level 10) while holding inner_lock (level 20)");
}

static void take_equal_levels(void)
{
    spin_lock(&inner_lock);
    spin_lock(&peer_lock);
}

TEST(order_equal_levels_panic)
{
    expect_panic(take_equal_levels, "takes peer_lock (level 20) while holding inner_lock");
}

static void take_under_rwlock(void)
{
    spin_lock(&outer_lock);
    write_lock(&rw_outer);
}

TEST(order_inversion_with_rwlock_panics)
{
    expect_panic(take_under_rwlock, "takes rw_outer (level 5) while holding outer_lock");
}

static void highest_not_top(void)
{
    /* inner (20), then an unordered lock on top: 'outer' is still too low. */
    spin_lock(&inner_lock);
    spin_lock(&free_lock);
    spin_lock(&outer_lock);
}

TEST(order_checks_highest_held_not_just_top)
{
    expect_panic(highest_not_top, "takes outer_lock (level 10) while holding inner_lock");
}

static void spin_twice(void)
{
    spin_lock(&free_lock);
    spin_lock(&free_lock);
}

TEST(self_deadlock_spin_panics)
{
    expect_panic(spin_twice, "lock self-deadlock: CPU 0 takes free_lock");
}

static void spin_irqsave_twice(void)
{
    unsigned long f = spin_lock_irqsave(&inner_lock);

    (void)spin_lock_irqsave(&inner_lock);
    spin_unlock_irqrestore(&inner_lock, f);
}

TEST(self_deadlock_irqsave_panics)
{
    expect_panic(spin_irqsave_twice, "self-deadlock: CPU 0 takes inner_lock");
}

static void read_twice(void)
{
    read_lock(&rw_outer);
    read_lock(&rw_outer);
}

TEST(self_deadlock_read_read_panics)
{
    expect_panic(read_twice, "takes rw_outer (read) but already holds it (read)");
}

static void read_then_write(void)
{
    read_lock(&rw_outer);
    write_lock(&rw_outer);
}

TEST(self_deadlock_read_write_panics)
{
    expect_panic(read_then_write, "takes rw_outer (write) but already holds it (read)");
}

static void unlock_unheld(void)
{
    spin_unlock(&free_lock);
}

TEST(unlock_not_held_panics)
{
    expect_panic(unlock_unheld, "CPU 0 unlocks free_lock (spin) which it does not hold");
}

static void hold_free_lock(struct worker *w __unused)
{
    spin_lock(&free_lock);
}

static void unlock_held_by_other_cpu(void)
{
    run_workers(1, hold_free_lock, NULL);       /* CPU 1 keeps it */
    CHECK(spin_is_locked(&free_lock));
    spin_unlock(&free_lock);
}

TEST(unlock_held_by_other_cpu_panics)
{
    expect_panic(unlock_held_by_other_cpu, "CPU 0 unlocks free_lock (spin) which it does not hold");
}

static void write_unlock_of_read(void)
{
    read_lock(&rw_outer);
    write_unlock(&rw_outer);
}

TEST(unlock_wrong_mode_panics)
{
    expect_panic(write_unlock_of_read, "unlocks rw_outer as write but holds it as read");
}

static void irqrestore_out_of_order(void)
{
    unsigned long fa = spin_lock_irqsave(&outer_lock);
    unsigned long fb = spin_lock_irqsave(&inner_lock);

    spin_unlock_irqrestore(&outer_lock, fa);    /* would enable irqs under inner */
    spin_unlock_irqrestore(&inner_lock, fb);
}

TEST(irqrestore_out_of_order_panics)
{
    expect_panic(irqrestore_out_of_order,
                 "enables interrupts releasing outer_lock while still holding inner_lock");
}

static void lock_irq_with_irqs_off(void)
{
    host_irq_flags = 0;
    spin_lock_irq(&free_lock);
}

TEST(lock_irq_with_irqs_off_panics)
{
    expect_panic(lock_irq_with_irqs_off, "_irq lock taken with interrupts already disabled");
}

static void too_deep(void)
{
    static spinlock_t locks[LOCK_DEBUG_DEPTH + 1];

    for (unsigned int i = 0; i <= LOCK_DEBUG_DEPTH; i++) {
        spin_lock_init(&locks[i], "deep", 0);
        spin_lock(&locks[i]);
    }
}

TEST(depth_limit_panics)
{
    expect_panic(too_deep, "lock depth exceeded");
}

/* Every CPU has its own stack: the same ordered locks on 4 CPUs at once. */
static void nest_on_many_cpus(struct worker *w __unused)
{
    for (unsigned int i = 0; i < 2000; i++) {
        spin_lock(&outer_lock);
        spin_unlock(&outer_lock);
        read_lock(&rw_outer);
        spin_lock(&inner_lock);
        CHECK_EQ(lock_debug_held_count(), 2);
        spin_unlock(&inner_lock);
        read_unlock(&rw_outer);
    }
    CHECK_EQ(lock_debug_held_count(), 0);
}

TEST(order_stacks_are_per_cpu)
{
    ktest_set_timeout(30);
    run_workers(4, nest_on_many_cpus, NULL);
    CHECK(!ktest_log_contains("lock"));
}

#endif /* KEEL_DEBUG_LOCKS */
