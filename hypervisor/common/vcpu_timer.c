// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-vCPU time (keel/vcpu_timer.h): the singleshot and periodic timers
 * that raise VIRQ_TIMER, the SCHEDOP_poll timeout, runstate accounting and
 * its guest copy, and the teardown of a vCPU's vcpu_op state.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/lib.h>
#include <keel/vcpu_timer.h>
#include <public/vcpu.h>
#include <public/xen.h>

/* ---- Timers ------------------------------------------------------------ */

static void singleshot_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);    /* kicks v if it notifies */
}

static void periodic_fn(void *data)
{
    struct vcpu *v = data;
    s_time_t period = __atomic_load_n(&v->periodic_period, __ATOMIC_ACQUIRE);
    s_time_t next;

    if (!period)
        return;
    send_guest_vcpu_virq(v, VIRQ_TIMER);
    next = timer_expires(&v->periodic_timer) + period;
    if (next <= NOW())
        next = NOW() + period;          /* fell behind: no burst of ticks */
    set_timer(&v->periodic_timer, next);
}

/* The poll timeout: end the poll if it is still on (a port may have won). */
static void poll_timeout_fn(void *data)
{
    struct vcpu *v = data;
    uint64_t bit = 1ULL << v->vcpu_id;

    if (__atomic_fetch_and(&v->domain->poll_mask, ~bit, __ATOMIC_SEQ_CST) & bit) {
        __atomic_store_n(&v->poll_port, 0, __ATOMIC_RELEASE);
        vcpu_wake(v);
    }
}

void vcpu_singleshot_set(struct vcpu *v, s_time_t abs)
{
    set_timer(&v->singleshot_timer, abs);      /* a past deadline fires at once */
}

void vcpu_singleshot_stop(struct vcpu *v)
{
    stop_timer(&v->singleshot_timer);
}

void vcpu_periodic_set(struct vcpu *v, s_time_t period)
{
    __atomic_store_n(&v->periodic_period, period, __ATOMIC_RELEASE);
    if (period)
        set_timer(&v->periodic_timer, NOW() + period);
    else
        stop_timer(&v->periodic_timer);
}

void vcpu_poll_timer_set(struct vcpu *v, s_time_t abs)
{
    if (abs)
        set_timer(&v->poll_timer, abs);
    else
        stop_timer(&v->poll_timer);
}

/* ---- Runstate ---------------------------------------------------------- */

void vcpu_runstate_change(struct vcpu *v, int32_t state, s_time_t now)
{
    struct vcpu_runstate_info *r = &v->runstate;
    unsigned long flags = spin_lock_irqsave(&v->runstate_lock);

    if (state != r->state) {
        if (now > (s_time_t)r->state_entry_time && (uint32_t)r->state < 4)
            r->time[r->state] += (uint64_t)now - r->state_entry_time;
        if (now > (s_time_t)r->state_entry_time)
            r->state_entry_time = (uint64_t)now;
        r->state = state;
    }
    spin_unlock_irqrestore(&v->runstate_lock, flags);
}

void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    s_time_t now = NOW();
    unsigned long flags = spin_lock_irqsave(&v->runstate_lock);

    *out = v->runstate;
    spin_unlock_irqrestore(&v->runstate_lock, flags);
    if (now > (s_time_t)out->state_entry_time && (uint32_t)out->state < 4)
        out->time[out->state] += (uint64_t)now - out->state_entry_time;
}

/* Write r at gva through w's page tables, flagged while it is written. */
static void runstate_write(struct vcpu *w, uint64_t gva, struct vcpu_runstate_info *r)
{
    uint64_t entry = r->state_entry_time;
    uint64_t busy = entry | XEN_RUNSTATE_UPDATE;
    uint64_t at = gva + offsetof(struct vcpu_runstate_info, state_entry_time);

    if (copy_to_guest(w, at, &busy, sizeof(busy)) < 0)
        return;                         /* not mapped now: as Xen, skip */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->state_entry_time = busy;
    copy_to_guest(w, gva, r, sizeof(*r));
    __atomic_thread_fence(__ATOMIC_RELEASE);
    copy_to_guest(w, at, &entry, sizeof(entry));
}

void vcpu_runstate_publish(struct vcpu *v)
{
    uint64_t gva = __atomic_load_n(&v->runstate_guest, __ATOMIC_ACQUIRE);
    struct vcpu_runstate_info r;
    unsigned long flags;

    if (!gva)
        return;
    flags = spin_lock_irqsave(&v->runstate_lock);
    r = v->runstate;
    spin_unlock_irqrestore(&v->runstate_lock, flags);
    runstate_write(v, gva, &r);
}

void vcpu_runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva)
{
    struct vcpu_runstate_info r;

    __atomic_store_n(&v->runstate_guest, gva, __ATOMIC_RELEASE);
    if (!gva)
        return;
    vcpu_runstate_get(v, &r);
    runstate_write(caller, gva, &r);
}

/* ---- Lifetime ---------------------------------------------------------- */

void vcpu_time_init(struct vcpu *v)
{
    init_timer(&v->singleshot_timer, singleshot_fn, v, v->processor);
    init_timer(&v->periodic_timer, periodic_fn, v, v->processor);
    init_timer(&v->poll_timer, poll_timeout_fn, v, v->processor);
    spin_lock_init(&v->runstate_lock, "runstate", 0);
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = (uint64_t)NOW();
    v->vcpu_info = NULL;
    v->vcpu_info_mfn = MFN_INVALID;
}

void vcpu_time_teardown(struct vcpu *v)
{
    __atomic_store_n(&v->periodic_period, 0, __ATOMIC_RELEASE);
    kill_timer(&v->singleshot_timer);   /* each waits out a running handler */
    kill_timer(&v->periodic_timer);
    kill_timer(&v->poll_timer);
    __atomic_store_n(&v->runstate_guest, 0, __ATOMIC_RELEASE);
    vcpu_info_release(v);
}
