// SPDX-License-Identifier: GPL-2.0-only
/*
 * A simple round-robin scheduler: one run queue per CPU, vCPUs of a domain
 * spread over CPUs when they are created, a 10 ms time slice.  Each CPU's
 * idle loop calls schedule_cpu(), which runs queued vCPUs one slice at a
 * time; a vCPU leaves its CPU when it blocks, yields, its slice ends
 * (SCHEDULE_SOFTIRQ) or its domain stops.  A vCPU of a paused domain
 * (d->pause_count) that could run is "parked": runnable but on no queue,
 * until the domain is unpaused.  Each CPU counts its idle time (sysctl
 * getcpuinfo): from when it finds its queue empty until it takes a vCPU.
 * The real scheduler is later work.
 */
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <keel/domain.h>
#include <keel/keyhandler.h>
#include <keel/lib.h>
#include <keel/shared_info.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <keel/vcpu_timer.h>

#define TIME_SLICE  MILLISECS(10)

struct runq {
    spinlock_t lock;
    struct vcpu *head, *tail;
    struct timer slice;
};

static struct runq runqs[NR_CPUS];

/* Written only by its own CPU; a reader retries while seq is odd or has
 * changed under it. */
struct idle_acct {
    uint32_t seq;
    bool idle;
    s_time_t since;             /* start of the current idle period */
    uint64_t total;             /* ns of the idle periods that ended */
};

static struct idle_acct idle_acct[NR_CPUS];

static void enqueue(struct runq *rq, struct vcpu *v)
{
    v->runq_next = NULL;
    if (rq->tail)
        rq->tail->runq_next = v;
    else
        rq->head = v;
    rq->tail = v;
}

static struct vcpu *dequeue(struct runq *rq)
{
    struct vcpu *v = rq->head;

    if (v) {
        rq->head = v->runq_next;
        if (!rq->head)
            rq->tail = NULL;
        v->runq_next = NULL;
    }
    return v;
}

static void remove_queued(struct runq *rq, struct vcpu *v)
{
    struct vcpu **pp = &rq->head, *prev = NULL;

    for (; *pp; prev = *pp, pp = &(*pp)->runq_next) {
        if (*pp == v) {
            *pp = v->runq_next;
            if (rq->tail == v)
                rq->tail = prev;
            v->runq_next = NULL;
            return;
        }
    }
}

static void slice_expired(void *data)
{
    raise_softirq(SCHEDULE_SOFTIRQ);    /* makes the run loop give the CPU up */
}

static void schedule_softirq(void)
{
    /* Nothing to do here: being pending is what ends the current slice. */
}

void scheduler_init(void)
{
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        spin_lock_init(&runqs[cpu].lock, "runq", 0);
    open_softirq(SCHEDULE_SOFTIRQ, schedule_softirq);
}

static bool domain_paused(const struct domain *d)
{
    return __atomic_load_n(&d->pause_count, __ATOMIC_SEQ_CST) != 0;
}

void vcpu_wake(struct vcpu *v)
{
    struct runq *rq = &runqs[v->processor];
    unsigned long flags = spin_lock_irqsave(&rq->lock);
    bool queued = false;

    if ((v->state == VCPU_BLOCKED || v->state == VCPU_OFFLINE) &&
        v->domain->state == DOMAIN_RUNNING) {
        v->state = VCPU_RUNNABLE;
        if (domain_paused(v->domain) && !v->on_cpu) {
            v->parked = true;       /* runs when the domain is unpaused */
        } else if (!v->on_cpu) {    /* else after_run() queues it */
            enqueue(rq, v);
            queued = true;
        }
        vcpu_runstate_change(v, RUNSTATE_runnable, NOW());
    }
    spin_unlock_irqrestore(&rq->lock, flags);
    if (queued)
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
}

void vcpu_kick(struct vcpu *v)
{
    /* The caller made the event pending before; after_run() looks at the
     * events after the vCPU blocked, so one of the two sees the other. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (v->state == VCPU_BLOCKED)
        vcpu_wake(v);
    else if (v->state == VCPU_RUNNING && v->processor != smp_processor_id())
        smp_send_event_check(v->processor);     /* the IPI makes it exit */
}

/* Called by v itself, from an exit on its CPU. */
void vcpu_block(struct vcpu *v)
{
    v->state = VCPU_BLOCKED;
}

void vcpu_yield(struct vcpu *v)
{
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void schedule_stop_domain(struct domain *d)
{
    uint32_t stopped = 0;

    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        struct runq *rq;
        unsigned long flags;

        if (!v)
            continue;               /* torn down already */
        rq = &runqs[v->processor];
        flags = spin_lock_irqsave(&rq->lock);
        v->parked = false;
        if (v->on_cpu) {
            /* Its CPU stops it after the current exit (after_run). */
            if (v->processor != smp_processor_id())
                smp_send_event_check(v->processor);
        } else if (v->state != VCPU_PAUSED) {
            if (v->state == VCPU_RUNNABLE)
                remove_queued(rq, v);
            v->state = VCPU_PAUSED;
            stopped++;
        }
        spin_unlock_irqrestore(&rq->lock, flags);
    }
    if (stopped && __atomic_sub_fetch(&d->live_vcpus, stopped, __ATOMIC_ACQ_REL) == 0)
        domain_vcpus_stopped(d);
}

void schedule_pause_domain(struct domain *d)
{
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        struct runq *rq = &runqs[v->processor];
        unsigned long flags = spin_lock_irqsave(&rq->lock);

        if (v->on_cpu) {
            if (v->processor != smp_processor_id())
                smp_send_event_check(v->processor);     /* after_run parks it */
        } else if (v->state == VCPU_RUNNABLE && !v->parked) {
            remove_queued(rq, v);
            v->parked = true;
        }
        spin_unlock_irqrestore(&rq->lock, flags);
    }
    /* As Xen's domain_pause: back once none of its vCPUs is on a CPU (the
     * caller is not one of them). */
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        while (__atomic_load_n(&d->vcpus[i]->on_cpu, __ATOMIC_ACQUIRE))
            cpu_relax();
}

void schedule_unpause_domain(struct domain *d)
{
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        struct runq *rq = &runqs[v->processor];
        unsigned long flags = spin_lock_irqsave(&rq->lock);
        bool queued = false;

        if (v->parked && !domain_paused(d)) {
            v->parked = false;
            if (v->state == VCPU_RUNNABLE && !v->on_cpu) {
                enqueue(rq, v);
                queued = true;
            }
        }
        spin_unlock_irqrestore(&rq->lock, flags);
        if (queued)
            cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
    }
}

/* This CPU goes idle or stops being idle: NOW() only on a change. */
static void idle_account(unsigned int cpu, bool idle)
{
    struct idle_acct *a = &idle_acct[cpu];
    s_time_t now;

    if (a->idle == idle)
        return;
    now = NOW();
    __atomic_store_n(&a->seq, a->seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    if (idle)
        __atomic_store_n(&a->since, now, __ATOMIC_RELAXED);
    else if (now > a->since)
        __atomic_store_n(&a->total, a->total + (uint64_t)(now - a->since), __ATOMIC_RELAXED);
    __atomic_store_n(&a->idle, idle, __ATOMIC_RELAXED);
    __atomic_store_n(&a->seq, a->seq + 1, __ATOMIC_RELEASE);
}

uint64_t schedule_idle_ns(unsigned int cpu, s_time_t now)
{
    const struct idle_acct *a;
    uint64_t total;
    s_time_t since;
    uint32_t seq;
    bool idle;

    if (!cpu_online(cpu))
        return 0;
    a = &idle_acct[cpu];
    do {
        seq = __atomic_load_n(&a->seq, __ATOMIC_ACQUIRE);
        total = __atomic_load_n(&a->total, __ATOMIC_RELAXED);
        since = __atomic_load_n(&a->since, __ATOMIC_RELAXED);
        idle = __atomic_load_n(&a->idle, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((seq & 1) || seq != __atomic_load_n(&a->seq, __ATOMIC_RELAXED));
    if (idle && now > since)
        total += (uint64_t)(now - since);
    return total;
}

/* After a run: requeue, or stop it for its domain's teardown. */
static void after_run(struct runq *rq, struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags = spin_lock_irqsave(&rq->lock);
    bool last = false;

    v->on_cpu = false;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (d->state != DOMAIN_RUNNING) {
        v->state = VCPU_PAUSED;
        last = __atomic_sub_fetch(&d->live_vcpus, 1, __ATOMIC_ACQ_REL) == 0;
    } else if (v->state == VCPU_RUNNING || v->state == VCPU_RUNNABLE ||
               (v->state == VCPU_BLOCKED && hvm_vcpu_has_pending_events(v))) {
        /* Preempted, woken while still here, or an event raced its block. */
        v->state = VCPU_RUNNABLE;
        if (domain_paused(d))
            v->parked = true;
        else
            enqueue(rq, v);
    }
    spin_unlock_irqrestore(&rq->lock, flags);
    if (last)
        domain_vcpus_stopped(d);
}

void schedule_dump(void)
{
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        struct runq *rq = &runqs[cpu];
        unsigned long flags;

        if (!cpu_online(cpu))
            continue;
        flags = spin_lock_irqsave(&rq->lock);
        printk("  cpu %u:", cpu);
        if (!rq->head)
            printk(" queue empty");
        for (struct vcpu *v = rq->head; v; v = v->runq_next)
            printk(" d%u.%u", v->domain->domid, v->vcpu_id);
        printk("\n");
        spin_unlock_irqrestore(&rq->lock, flags);
    }
}

void schedule_cpu(void)
{
    unsigned int cpu = smp_processor_id();
    struct runq *rq = &runqs[cpu];

    for (;;) {
        unsigned long flags = spin_lock_irqsave(&rq->lock);
        struct vcpu *v = dequeue(rq);

        if (v) {
            v->state = VCPU_RUNNING;
            v->on_cpu = true;
        }
        spin_unlock_irqrestore(&rq->lock, flags);
        idle_account(cpu, v == NULL);
        if (!v)
            return;
        init_timer(&rq->slice, slice_expired, NULL, cpu);
        set_timer(&rq->slice, NOW() + TIME_SLICE);
        if (v->domain->state == DOMAIN_RUNNING && !domain_paused(v->domain)) {
            sched_poll_end(v);
            vcpu_runstate_change(v, RUNSTATE_running, NOW());
            vcpu_runstate_publish(v);
            update_vcpu_time(v);
            hvm_vcpu_run(v);
            vcpu_runstate_change(v, v->state == VCPU_BLOCKED ? RUNSTATE_blocked :
                                    RUNSTATE_runnable, NOW());
            vcpu_runstate_publish(v);
        }
        kill_timer(&rq->slice);
        after_run(rq, v);
        do_softirq();
    }
}
