// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual local APIC of guest vCPUs: register state, the xAPIC MMIO and
 * x2APIC MSR views, IA32_APIC_BASE mode switching, interrupt priority
 * (IRR/ISR/TMR, TPR/PPR, EOI), IPIs from ICR writes, and the APIC timer
 * (one-shot, periodic, TSC-deadline) on a struct timer.  The interface and
 * its contract with the vCPU code are described in asm/vlapic.h.
 *
 * Pattern of every entry point: take the vlapic lock, change registers and
 * note what must happen outside the lock (an IPI to send, a level EOI to
 * report) in struct vlapic_actions, drop the lock, then act.  Only
 * ops->timer_cpu and ops->guest_tsc_to_ns are called with the lock held.
 */
#include <asm/vlapic.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <public/arch-x86/hvm/save.h>

enum { LVT_TIMER, LVT_THERM, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };

/* Writable bits of each LVT entry (delivery status, remote IRR: read-only). */
static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
    [LVT_TIMER] = 0x000700ff,   /* vector, mask, timer mode */
    [LVT_THERM] = 0x000107ff,   /* vector, delivery mode, mask */
    [LVT_PERF]  = 0x000107ff,
    [LVT_LINT0] = 0x0001a7ff,   /* + polarity, trigger mode */
    [LVT_LINT1] = 0x0001a7ff,
    [LVT_ERROR] = 0x000100ff,   /* vector, mask */
};

#define ICR_LOW_WRITABLE    0x000ccfffu /* vector, mode, dest mode, level, trigger, shorthand */
#define SVR_WRITABLE        0x000003ffu /* vector, enable, focus checking */
#define TDCR_WRITABLE       0x0000000bu
#define SHORTHAND_NONE      0
#define SHORTHAND_SELF      1
#define SHORTHAND_ALL       2
#define SHORTHAND_OTHERS    3

/* What an entry point must do once the lock is dropped. */
struct vlapic_actions {
    bool send_ipi;
    bool x2apic;
    uint32_t icr_low;
    uint32_t dest;
    int eoi_vector;             /* level-triggered EOI to report, or -1 */
};

/* ---- Small helpers ------------------------------------------------------ */

static inline uint32_t load32(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void store32(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline uint64_t base_snapshot(const struct vlapic *vl)
{
    return __atomic_load_n(&vl->apic_base, __ATOMIC_RELAXED);
}

bool vlapic_hw_enabled(const struct vlapic *vl)
{
    return base_snapshot(vl) & VLAPIC_BASE_EN;
}

bool vlapic_x2apic_mode(const struct vlapic *vl)
{
    uint64_t base = base_snapshot(vl);

    return (base & VLAPIC_BASE_EN) && (base & VLAPIC_BASE_EXTD);
}

bool vlapic_sw_enabled(const struct vlapic *vl)
{
    return load32(&vl->svr) & VLAPIC_SVR_ENABLE;
}

static bool vlapic_enabled(const struct vlapic *vl)
{
    return vlapic_hw_enabled(vl) && vlapic_sw_enabled(vl);
}

static uint32_t x2apic_ldr(uint32_t id)
{
    return ((id >> 4) << 16) | (1u << (id & 0xf));
}

uint32_t vlapic_apic_id(const struct vlapic *vl)
{
    return vlapic_x2apic_mode(vl) ? vl->vcpu_id : load32(&vl->id) >> 24;
}

static uint32_t current_ldr(const struct vlapic *vl)
{
    return vlapic_x2apic_mode(vl) ? x2apic_ldr(vl->vcpu_id) : load32(&vl->ldr);
}

static bool vec_test(const uint32_t *bits, unsigned int v)
{
    return (bits[v >> 5] >> (v & 31)) & 1;
}

static void vec_set(uint32_t *bits, unsigned int v)
{
    bits[v >> 5] |= 1u << (v & 31);
}

static void vec_clear(uint32_t *bits, unsigned int v)
{
    bits[v >> 5] &= ~(1u << (v & 31));
}

static int vec_highest(const uint32_t *bits)
{
    for (int i = 7; i >= 0; i--)
        if (bits[i])
            return i * 32 + 31 - __builtin_clz(bits[i]);
    return -1;
}

/* The task priority if it is at least the class of v, else v's class. */
static uint32_t priority_over(uint32_t tpr, int v)
{
    if (v < 0 || (tpr & 0xf0) >= ((uint32_t)v & 0xf0))
        return tpr;
    return (uint32_t)v & 0xf0;
}

static uint32_t ppr_locked(const struct vlapic *vl)
{
    return priority_over(vl->tpr, vec_highest(vl->isr));
}

static uint32_t apr_locked(const struct vlapic *vl)
{
    return priority_over(vl->tpr, MAX(vec_highest(vl->isr), vec_highest(vl->irr)));
}

static unsigned int timer_mode(const struct vlapic *vl)
{
    return (vl->lvt[LVT_TIMER] >> VLAPIC_LVT_TIMER_MODE_SHIFT) & 3;
}

/* Nanoseconds per count: TDCR bits 0,1,3 select divide by 2..128 or 1. */
static s_time_t tick_ns(uint32_t tdcr)
{
    uint32_t code = (tdcr & 3) | ((tdcr >> 1) & 4);

    return (code == 7 ? 1 : 2 << code) * (s_time_t)VLAPIC_BUS_NS_PER_TICK;
}

/* ---- Accepting interrupts and errors ------------------------------------ */

static bool accept_locked(struct vlapic *vl, unsigned int vector, bool level);

/* Log errors; a newly set bit raises the LVT error interrupt if unmasked. */
static void error_locked(struct vlapic *vl, uint32_t bits)
{
    uint32_t fresh = bits & ~vl->esr_pending;
    uint32_t lvt = vl->lvt[LVT_ERROR];

    vl->esr_pending |= bits;
    if (fresh && !(lvt & VLAPIC_LVT_MASKED))
        accept_locked(vl, lvt & 0xff, false);   /* recursion ends: bit now set */
}

static bool accept_locked(struct vlapic *vl, unsigned int vector, bool level)
{
    if (!vlapic_enabled(vl))
        return false;
    if (vector < 16) {
        error_locked(vl, VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
        return false;
    }
    vec_set(vl->irr, vector);
    if (level)
        vec_set(vl->tmr, vector);
    else
        vec_clear(vl->tmr, vector);
    return true;
}

static void eoi_locked(struct vlapic *vl, struct vlapic_actions *act)
{
    int v = vec_highest(vl->isr);

    if (v < 0)
        return;
    vec_clear(vl->isr, (unsigned int)v);
    if (vec_test(vl->tmr, (unsigned int)v))
        act->eoi_vector = v;
}

/* ---- The timer ---------------------------------------------------------- */

static void timer_disarm_locked(struct vlapic *vl)
{
    vl->timer_armed = false;
    stop_timer(&vl->timer);
}

static void timer_arm_locked(struct vlapic *vl, s_time_t deadline)
{
    if (vl->ops->timer_cpu) {
        unsigned int cpu = vl->ops->timer_cpu(vl->ctx);

        if (cpu != __atomic_load_n(&vl->timer.cpu, __ATOMIC_RELAXED))
            migrate_timer(&vl->timer, cpu);
    }
    vl->timer_deadline = deadline;
    vl->timer_armed = true;
    set_timer(&vl->timer, deadline);
}

/* TMCCT: counts left, from the time the count was loaded. */
static uint32_t timer_current_count(const struct vlapic *vl, s_time_t now)
{
    s_time_t tick = tick_ns(vl->tdcr);
    s_time_t elapsed = now - vl->timer_start;

    if (timer_mode(vl) == VLAPIC_LVT_TIMER_TSCDEADLINE || vl->tmict == 0 ||
        vl->timer_period <= 0)
        return 0;
    if (elapsed < 0)
        elapsed = 0;
    if (timer_mode(vl) == VLAPIC_LVT_TIMER_PERIODIC)
        elapsed %= vl->timer_period;
    else if (elapsed >= vl->timer_period)
        return 0;
    return (uint32_t)((vl->timer_period - elapsed + tick - 1) / tick);
}

/* Start counting `count` down from now, the period being tmict counts. */
static void timer_start_locked(struct vlapic *vl, s_time_t now, uint32_t count)
{
    s_time_t tick = tick_ns(vl->tdcr);

    timer_disarm_locked(vl);
    vl->timer_period = (s_time_t)vl->tmict * tick;
    vl->timer_start = now - (s_time_t)(vl->tmict - count) * tick;
    if (timer_mode(vl) == VLAPIC_LVT_TIMER_TSCDEADLINE || count == 0)
        return;
    timer_arm_locked(vl, now + (s_time_t)count * tick);
}

static void timer_catch_up_locked(struct vlapic *vl);

static void write_tmict_locked(struct vlapic *vl, uint32_t val)
{
    timer_catch_up_locked(vl);
    if (timer_mode(vl) == VLAPIC_LVT_TIMER_TSCDEADLINE)
        return;                         /* ignored in TSC-deadline mode */
    vl->tmict = val;
    timer_start_locked(vl, NOW(), val);
}

/* A new divider applies from now on to the count in progress. */
static void write_tdcr_locked(struct vlapic *vl, uint32_t val)
{
    s_time_t now = NOW();
    uint32_t count;

    timer_catch_up_locked(vl);
    count = timer_current_count(vl, now);

    vl->tdcr = val & TDCR_WRITABLE;
    if (timer_mode(vl) != VLAPIC_LVT_TIMER_TSCDEADLINE && vl->tmict != 0)
        timer_start_locked(vl, now, count);
}

static void write_tsc_deadline_locked(struct vlapic *vl, uint64_t tsc)
{
    timer_catch_up_locked(vl);
    if (!vlapic_hw_enabled(vl) ||
        timer_mode(vl) != VLAPIC_LVT_TIMER_TSCDEADLINE)
        return;                         /* ignored in the other modes */
    vl->tsc_deadline = tsc;
    timer_disarm_locked(vl);
    if (tsc != 0)
        timer_arm_locked(vl, vl->ops->guest_tsc_to_ns(vl->ctx, tsc));
}

/* Any change of timer mode disarms the timer and clears both counts. */
static void write_lvt_timer_locked(struct vlapic *vl, uint32_t val)
{
    uint32_t old_mode = timer_mode(vl);

    timer_catch_up_locked(vl);
    vl->lvt[LVT_TIMER] = val;
    if (timer_mode(vl) == old_mode)
        return;
    timer_disarm_locked(vl);
    vl->tmict = 0;
    vl->timer_period = 0;
    vl->tsc_deadline = 0;
}

/* The armed deadline has passed: re-arm (periodic) and raise the LVT
 * vector unless masked.  true when the vCPU has something new to look at. */
static bool timer_expire_locked(struct vlapic *vl, s_time_t now)
{
    if (timer_mode(vl) == VLAPIC_LVT_TIMER_PERIODIC && vl->timer_period > 0) {
        /* The next deadline on the grid after now (missed ones coalesce). */
        s_time_t step = MAX(vl->timer_period, VLAPIC_TIMER_MIN_PERIOD_NS);
        s_time_t missed = (now - vl->timer_deadline) / step;

        timer_arm_locked(vl, vl->timer_deadline + (missed + 1) * step);
    } else {
        vl->timer_armed = false;
        if (timer_mode(vl) == VLAPIC_LVT_TIMER_TSCDEADLINE)
            vl->tsc_deadline = 0;
    }
    if (vl->lvt[LVT_TIMER] & VLAPIC_LVT_MASKED)
        return false;
    accept_locked(vl, vl->lvt[LVT_TIMER] & 0xff, false);
    return true;                        /* the vector, or an error interrupt */
}

/* Before the guest reprograms the timer: an expiry that is due but whose
 * handler has not run yet happened first, as on hardware. */
static void timer_catch_up_locked(struct vlapic *vl)
{
    s_time_t now = NOW();

    if (vl->timer_armed && now >= vl->timer_deadline)
        timer_expire_locked(vl, now);
}

static void vlapic_timer_fn(void *data)
{
    struct vlapic *vl = data;
    bool kick = false;
    unsigned long flags = spin_lock_irqsave(&vl->lock);
    s_time_t now = NOW();

    /* Stale runs (disarmed, or re-armed later while we waited) do nothing. */
    if (vl->timer_armed && now >= vl->timer_deadline)
        kick = timer_expire_locked(vl, now);
    spin_unlock_irqrestore(&vl->lock, flags);
    if (kick && vl->ops->kick)
        vl->ops->kick(vl->ctx);
}

/* ---- IPIs --------------------------------------------------------------- */

static bool match_logical(const struct vlapic *t, uint32_t dest, bool x2)
{
    uint32_t ldr = current_ldr(t);

    if (x2) {
        if (dest == 0xffffffffu)
            return true;
        return (ldr >> 16) == (dest >> 16) && (ldr & dest & 0xffff);
    }
    uint32_t mda = dest & 0xff;
    uint32_t lid = ldr >> 24;

    if (mda == 0xff)
        return true;
    if ((load32(&t->dfr) >> 28) == 0xf)                 /* flat */
        return lid & mda;
    return (lid >> 4) == (mda >> 4) && (lid & mda & 0xf);   /* cluster */
}

static bool match_dest(const struct vlapic *self, const struct vlapic *t,
                       uint32_t icr_low, uint32_t dest, bool x2)
{
    if (!vlapic_hw_enabled(t))
        return false;
    switch ((icr_low >> VLAPIC_ICR_SHORTHAND_SHIFT) & 3) {
    case SHORTHAND_SELF:
        return t == self;
    case SHORTHAND_ALL:
        return true;
    case SHORTHAND_OTHERS:
        return t != self;
    }
    if (icr_low & VLAPIC_ICR_DEST_LOGICAL)
        return match_logical(t, dest, x2);
    if (x2)
        return dest == 0xffffffffu || dest == vlapic_apic_id(t);
    return (dest & 0xff) == 0xff || (dest & 0xff) == vlapic_apic_id(t);
}

/* Whether an ICR command is sent at all (errors logged on the sender). */
static bool ipi_is_sent(struct vlapic *vl, uint32_t icr_low)
{
    unsigned int mode = (icr_low >> 8) & 7;
    unsigned long flags;

    switch (mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        if ((icr_low & 0xff) >= 16)
            return true;
        flags = spin_lock_irqsave(&vl->lock);
        error_locked(vl, VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
        spin_unlock_irqrestore(&vl->lock, flags);
        return false;
    case VLAPIC_DM_INIT:    /* level de-assert (level 0, trigger level): no-op */
        return (icr_low & VLAPIC_ICR_LEVEL_ASSERT) ||
               !(icr_low & VLAPIC_ICR_TRIGGER_LEVEL);
    case VLAPIC_DM_NMI:
    case VLAPIC_DM_STARTUP:
        return true;
    default:                /* SMI, ExtINT, reserved */
        return false;
    }
}

static void send_ipi(struct vlapic *vl, uint32_t icr_low, uint32_t dest, bool x2)
{
    enum vlapic_dm mode = (enum vlapic_dm)((icr_low >> 8) & 7);
    uint8_t vector = icr_low & 0xff;
    bool level = icr_low & VLAPIC_ICR_TRIGGER_LEVEL;
    uint32_t count;

    if (!ipi_is_sent(vl, icr_low) || !vl->ops->vcpu_count || !vl->ops->vlapic_of)
        return;
    count = vl->ops->vcpu_count(vl->ctx);
    for (uint32_t i = 0; i < count; i++) {
        const struct vlapic *t = vl->ops->vlapic_of(vl->ctx, i);

        if (!t || !match_dest(vl, t, icr_low, dest, x2))
            continue;
        if (mode == VLAPIC_DM_LOWEST) {         /* lowest-numbered target */
            vl->ops->deliver(vl->ctx, i, VLAPIC_DM_FIXED, vector, level);
            return;
        }
        vl->ops->deliver(vl->ctx, i, mode, vector, level);
    }
}

static void run_actions(struct vlapic *vl, const struct vlapic_actions *act)
{
    if (act->send_ipi)
        send_ipi(vl, act->icr_low, act->dest, act->x2apic);
    if (act->eoi_vector >= 0 && vl->ops->eoi)
        vl->ops->eoi(vl->ctx, (uint8_t)act->eoi_vector);
}

/* ---- Register reads and writes (xAPIC offsets; x2 = the MSR view) ------- */

static bool in_bank(uint32_t off, uint32_t bank)
{
    return off >= bank && off < bank + 0x80;
}

static int read_bank(const struct vlapic *vl, uint32_t off, uint64_t *val)
{
    const uint32_t *bank = in_bank(off, APIC_REG_ISR) ? vl->isr :
                           in_bank(off, APIC_REG_TMR) ? vl->tmr : vl->irr;

    *val = bank[(off >> 4) & 7];
    return 0;
}

/* Unimplemented register: #GP in x2APIC mode, else an error and zero. */
static int bad_register(struct vlapic *vl, bool x2)
{
    if (x2)
        return -EFAULT;
    error_locked(vl, VLAPIC_ESR_ILLEGAL_REGISTER);
    return 0;
}

static int reg_read(struct vlapic *vl, uint32_t off, bool x2, uint64_t *val)
{
    *val = 0;
    if (in_bank(off, APIC_REG_ISR) || in_bank(off, APIC_REG_TMR) ||
        in_bank(off, APIC_REG_IRR))
        return read_bank(vl, off, val);
    if (off >= APIC_REG_LVT_TIMER && off <= APIC_REG_LVT_ERROR) {
        *val = vl->lvt[(off - APIC_REG_LVT_TIMER) >> 4];
        return 0;
    }
    switch (off) {
    case APIC_REG_ID:       *val = x2 ? vl->vcpu_id : vl->id; return 0;
    case APIC_REG_VERSION:  *val = VLAPIC_VERSION; return 0;
    case APIC_REG_TPR:      *val = vl->tpr; return 0;
    case APIC_REG_PPR:      *val = ppr_locked(vl); return 0;
    case APIC_REG_LDR:      *val = x2 ? x2apic_ldr(vl->vcpu_id) : vl->ldr; return 0;
    case APIC_REG_SVR:      *val = vl->svr; return 0;
    case APIC_REG_ESR:      *val = vl->esr; return 0;
    case APIC_REG_TMICT:    *val = vl->tmict; return 0;
    case APIC_REG_TMCCT:    *val = timer_current_count(vl, NOW()); return 0;
    case APIC_REG_TDCR:     *val = vl->tdcr; return 0;
    case APIC_REG_ICR_LOW:
        *val = vl->icr_low | (x2 ? (uint64_t)vl->icr_high << 32 : 0);
        return 0;
    }
    if (x2)         /* absent in x2APIC mode, or write-only (EOI, SELF_IPI) */
        return -EFAULT;
    switch (off) {
    case APIC_REG_APR:      *val = apr_locked(vl); return 0;
    case APIC_REG_EOI:      /* write-only: reads 0 */
    case APIC_REG_RRD:      return 0;
    case APIC_REG_DFR:      *val = vl->dfr; return 0;
    case APIC_REG_ICR_HIGH: *val = vl->icr_high; return 0;
    }
    return bad_register(vl, x2);
}

static bool read_only_register(uint32_t off)
{
    return off == APIC_REG_ID || off == APIC_REG_VERSION ||
           off == APIC_REG_APR || off == APIC_REG_PPR || off == APIC_REG_RRD ||
           off == APIC_REG_TMCCT || in_bank(off, APIC_REG_ISR) ||
           in_bank(off, APIC_REG_TMR) || in_bank(off, APIC_REG_IRR);
}

static int write_lvt(struct vlapic *vl, uint32_t off, uint32_t val, bool x2)
{
    unsigned int idx = (off - APIC_REG_LVT_TIMER) >> 4;
    uint32_t m = lvt_writable[idx];

    if (x2 && (val & ~m))
        return -EFAULT;
    val &= m;
    if (!vlapic_sw_enabled(vl))
        val |= VLAPIC_LVT_MASKED;       /* can't unmask while disabled */
    if (idx == LVT_TIMER)
        write_lvt_timer_locked(vl, val);
    else
        vl->lvt[idx] = val;
    return 0;
}

static int write_svr(struct vlapic *vl, uint32_t val, bool x2)
{
    if (x2 && (val & ~SVR_WRITABLE))
        return -EFAULT;
    timer_catch_up_locked(vl);          /* a due expiry beats the masking */
    store32(&vl->svr, val & SVR_WRITABLE);
    if (!(val & VLAPIC_SVR_ENABLE))
        for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
            vl->lvt[i] |= VLAPIC_LVT_MASKED;
    return 0;
}

static int write_icr(struct vlapic *vl, uint64_t val, bool x2,
                     struct vlapic_actions *act)
{
    uint32_t low = (uint32_t)val;

    if (x2 && (low & ~ICR_LOW_WRITABLE))
        return -EFAULT;
    vl->icr_low = low & ICR_LOW_WRITABLE;
    if (x2)
        vl->icr_high = (uint32_t)(val >> 32);
    act->send_ipi = true;
    act->x2apic = x2;
    act->icr_low = vl->icr_low;
    act->dest = x2 ? vl->icr_high : vl->icr_high >> 24;
    return 0;
}

static int write_self_ipi(struct vlapic *vl, uint32_t val, bool x2)
{
    if (!x2)
        return bad_register(vl, x2);
    if (val & ~0xffu)
        return -EFAULT;
    accept_locked(vl, val, false);
    return 0;
}

/* The registers whose value must be zero (x2APIC) or is ignored (xAPIC). */
static int write_zero_command(struct vlapic *vl, uint32_t off, uint32_t val,
                              bool x2, struct vlapic_actions *act)
{
    if (x2 && val != 0)
        return -EFAULT;
    if (off == APIC_REG_EOI) {
        eoi_locked(vl, act);
    } else {                            /* ESR: latch the errors, start over */
        vl->esr = vl->esr_pending;
        vl->esr_pending = 0;
    }
    return 0;
}

static int reg_write(struct vlapic *vl, uint32_t off, uint64_t val, bool x2,
                     struct vlapic_actions *act)
{
    uint32_t v = (uint32_t)val;

    if (x2 && off != APIC_REG_ICR_LOW && (val >> 32))
        return -EFAULT;
    if (read_only_register(off))
        return x2 ? -EFAULT : 0;
    if (off >= APIC_REG_LVT_TIMER && off <= APIC_REG_LVT_ERROR)
        return write_lvt(vl, off, v, x2);
    switch (off) {
    case APIC_REG_TPR:
        if (x2 && (v & ~0xffu))
            return -EFAULT;
        vl->tpr = v & 0xff;
        return 0;
    case APIC_REG_EOI:
    case APIC_REG_ESR:
        return write_zero_command(vl, off, v, x2, act);
    case APIC_REG_SVR:
        return write_svr(vl, v, x2);
    case APIC_REG_ICR_LOW:
        return write_icr(vl, val, x2, act);
    case APIC_REG_TMICT:
        write_tmict_locked(vl, v);
        return 0;
    case APIC_REG_TDCR:
        if (x2 && (v & ~TDCR_WRITABLE))
            return -EFAULT;
        write_tdcr_locked(vl, v);
        return 0;
    case APIC_REG_SELF_IPI:
        return write_self_ipi(vl, v, x2);
    }
    if (x2)                             /* LDR read-only; DFR, ICR2 absent */
        return -EFAULT;
    switch (off) {
    case APIC_REG_LDR:
        store32(&vl->ldr, v & 0xff000000u);
        return 0;
    case APIC_REG_DFR:
        store32(&vl->dfr, v | 0x0fffffffu);
        return 0;
    case APIC_REG_ICR_HIGH:
        vl->icr_high = v & 0xff000000u;
        return 0;
    }
    return bad_register(vl, x2);
}

/* ---- State resets ------------------------------------------------------- */

/* Registers to their INIT/power-on values; the base MSR is the caller's. */
static void regs_reset_locked(struct vlapic *vl)
{
    timer_disarm_locked(vl);
    store32(&vl->id, vl->vcpu_id << 24);
    store32(&vl->ldr, vlapic_x2apic_mode(vl) ? x2apic_ldr(vl->vcpu_id) : 0);
    store32(&vl->dfr, VLAPIC_DFR_FLAT);
    store32(&vl->svr, 0xff);
    vl->tpr = 0;
    vl->esr = vl->esr_pending = 0;
    vl->icr_low = vl->icr_high = 0;
    for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
        vl->lvt[i] = VLAPIC_LVT_MASKED;
    memset(vl->isr, 0, sizeof(vl->isr));
    memset(vl->tmr, 0, sizeof(vl->tmr));
    memset(vl->irr, 0, sizeof(vl->irr));
    vl->tmict = vl->tdcr = 0;
    vl->tsc_deadline = 0;
    vl->timer_start = vl->timer_period = vl->timer_deadline = 0;
}

static void set_base(struct vlapic *vl, uint64_t base)
{
    __atomic_store_n(&vl->apic_base, base, __ATOMIC_RELAXED);
}

void vlapic_reset(struct vlapic *vl)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);

    set_base(vl, VLAPIC_BASE_DEFAULT_ADDR | VLAPIC_BASE_EN |
                 (vl->vcpu_id == 0 ? VLAPIC_BASE_BSP : 0));
    regs_reset_locked(vl);
    spin_unlock_irqrestore(&vl->lock, flags);
}

void vlapic_init_signal(struct vlapic *vl)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);

    regs_reset_locked(vl);
    spin_unlock_irqrestore(&vl->lock, flags);
}

void vlapic_init(struct vlapic *vl, uint32_t vcpu_id,
                 const struct vlapic_ops *ops, void *ctx)
{
    unsigned int cpu = ops->timer_cpu ? ops->timer_cpu(ctx) : 0;

    memset(vl, 0, sizeof(*vl));
    spin_lock_init(&vl->lock, "vlapic", 0);
    vl->ops = ops;
    vl->ctx = ctx;
    vl->vcpu_id = vcpu_id;
    vl->maxphyaddr = 48;
    init_timer(&vl->timer, vlapic_timer_fn, vl, cpu);
    vlapic_reset(vl);
}

void vlapic_destroy(struct vlapic *vl)
{
    kill_timer(&vl->timer);
}

void vlapic_migrate_timer(struct vlapic *vl, unsigned int cpu)
{
    migrate_timer(&vl->timer, cpu);
}

/* ---- IA32_APIC_BASE ----------------------------------------------------- */

enum apic_mode { MODE_DISABLED, MODE_XAPIC, MODE_X2APIC, MODE_INVALID };

static enum apic_mode mode_of(uint64_t base)
{
    if (!(base & VLAPIC_BASE_EN))
        return (base & VLAPIC_BASE_EXTD) ? MODE_INVALID : MODE_DISABLED;
    return (base & VLAPIC_BASE_EXTD) ? MODE_X2APIC : MODE_XAPIC;
}

uint64_t vlapic_apic_base_read(struct vlapic *vl)
{
    return base_snapshot(vl);
}

static bool base_transition_ok(enum apic_mode from, enum apic_mode to)
{
    if (to == MODE_INVALID)
        return false;
    if (from == MODE_X2APIC && to == MODE_XAPIC)
        return false;                   /* must go through disabled */
    if (from == MODE_DISABLED && to == MODE_X2APIC)
        return false;                   /* must go through xAPIC */
    return true;
}

int vlapic_apic_base_write(struct vlapic *vl, uint64_t val)
{
    uint64_t addr_mask = ((1ULL << vl->maxphyaddr) - 1) & ~0xfffULL;
    uint64_t valid = addr_mask | VLAPIC_BASE_BSP | VLAPIC_BASE_EXTD | VLAPIC_BASE_EN;
    unsigned long flags;
    uint64_t old;

    if (val & ~valid)
        return -EFAULT;
    flags = spin_lock_irqsave(&vl->lock);
    old = vl->apic_base;
    if (!base_transition_ok(mode_of(old), mode_of(val))) {
        spin_unlock_irqrestore(&vl->lock, flags);
        return -EFAULT;
    }
    set_base(vl, (val & ~VLAPIC_BASE_BSP) | (old & VLAPIC_BASE_BSP));
    if (mode_of(val) == MODE_DISABLED && mode_of(old) != MODE_DISABLED)
        regs_reset_locked(vl);          /* comes back in power-on state */
    else if (mode_of(val) == MODE_X2APIC && mode_of(old) == MODE_XAPIC)
        store32(&vl->ldr, x2apic_ldr(vl->vcpu_id));
    spin_unlock_irqrestore(&vl->lock, flags);
    return 0;
}

/* ---- MMIO --------------------------------------------------------------- */

uint64_t vlapic_mmio_base(const struct vlapic *vl)
{
    return base_snapshot(vl) & ~0xfffULL & ((1ULL << vl->maxphyaddr) - 1);
}

bool vlapic_mmio_enabled(const struct vlapic *vl)
{
    return mode_of(base_snapshot(vl)) == MODE_XAPIC;
}

int vlapic_mmio_read(struct vlapic *vl, uint32_t offset, unsigned int size,
                     uint64_t *val)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);
    uint32_t cached_slot = UINT32_MAX;
    uint64_t reg = 0;

    *val = 0;
    if (!vlapic_mmio_enabled(vl)) {
        spin_unlock_irqrestore(&vl->lock, flags);
        return -ENODEV;
    }
    for (unsigned int b = 0; b < size && b < 8; b++) {
        uint32_t o = offset + b;

        if (o < offset || o >= 0x1000 || (o & 0xf) >= 4)
            continue;                   /* outside a register: zero */
        if ((o & ~0xfu) != cached_slot) {
            cached_slot = o & ~0xfu;
            reg_read(vl, cached_slot, false, &reg);
        }
        *val |= ((reg >> ((o & 3) * 8)) & 0xff) << (b * 8);
    }
    spin_unlock_irqrestore(&vl->lock, flags);
    return 0;
}

int vlapic_mmio_write(struct vlapic *vl, uint32_t offset, unsigned int size,
                      uint64_t val)
{
    struct vlapic_actions act = { .eoi_vector = -1 };
    unsigned long flags = spin_lock_irqsave(&vl->lock);

    if (!vlapic_mmio_enabled(vl)) {
        spin_unlock_irqrestore(&vl->lock, flags);
        return -ENODEV;
    }
    if ((size == 4 || size == 8) && (offset & 0xf) == 0 && offset < 0x1000)
        reg_write(vl, offset, (uint32_t)val, false, &act);
    spin_unlock_irqrestore(&vl->lock, flags);
    run_actions(vl, &act);
    return 0;
}

/* ---- MSRs --------------------------------------------------------------- */

bool vlapic_owns_msr(uint32_t msr)
{
    return msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
           (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST);
}

int vlapic_msr_read(struct vlapic *vl, uint32_t msr, uint64_t *val)
{
    unsigned long flags;
    int rc = 0;

    *val = 0;
    if (!vlapic_owns_msr(msr))
        return -ENOENT;
    if (msr == VLAPIC_MSR_APIC_BASE) {
        *val = vlapic_apic_base_read(vl);
        return 0;
    }
    flags = spin_lock_irqsave(&vl->lock);
    if (msr == VLAPIC_MSR_TSC_DEADLINE) {
        if (vlapic_hw_enabled(vl) && timer_mode(vl) == VLAPIC_LVT_TIMER_TSCDEADLINE)
            *val = vl->tsc_deadline;
    } else if (!vlapic_x2apic_mode(vl)) {
        rc = -EFAULT;
    } else {
        rc = reg_read(vl, (msr - VLAPIC_MSR_X2APIC_FIRST) << 4, true, val);
    }
    spin_unlock_irqrestore(&vl->lock, flags);
    return rc;
}

int vlapic_msr_write(struct vlapic *vl, uint32_t msr, uint64_t val)
{
    struct vlapic_actions act = { .eoi_vector = -1 };
    unsigned long flags;
    int rc = 0;

    if (!vlapic_owns_msr(msr))
        return -ENOENT;
    if (msr == VLAPIC_MSR_APIC_BASE)
        return vlapic_apic_base_write(vl, val);
    flags = spin_lock_irqsave(&vl->lock);
    if (msr == VLAPIC_MSR_TSC_DEADLINE)
        write_tsc_deadline_locked(vl, val);
    else if (!vlapic_x2apic_mode(vl))
        rc = -EFAULT;
    else
        rc = reg_write(vl, (msr - VLAPIC_MSR_X2APIC_FIRST) << 4, val, true, &act);
    spin_unlock_irqrestore(&vl->lock, flags);
    run_actions(vl, &act);
    return rc;
}

/* ---- Interrupt flow ----------------------------------------------------- */

bool vlapic_set_irq(struct vlapic *vl, uint8_t vector, bool level)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);
    bool accepted = accept_locked(vl, vector, level);

    spin_unlock_irqrestore(&vl->lock, flags);
    return accepted;
}

int vlapic_has_pending_irq(struct vlapic *vl)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);
    int v = vlapic_enabled(vl) ? vec_highest(vl->irr) : -1;

    if (v >= 0 && ((uint32_t)v & 0xf0) <= (ppr_locked(vl) & 0xf0))
        v = -1;
    spin_unlock_irqrestore(&vl->lock, flags);
    return v;
}

void vlapic_dump(struct vlapic *vl)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);

    printk("    lapic: id %u%s, irr %d isr %d ppr %#x, svr %#x, timer %s\n", vl->vcpu_id,
           vlapic_enabled(vl) ? "" : " (disabled)", vec_highest(vl->irr), vec_highest(vl->isr),
           ppr_locked(vl), vl->svr, vl->timer_armed ? "armed" : "off");
    spin_unlock_irqrestore(&vl->lock, flags);
}

void vlapic_ack_irq(struct vlapic *vl, uint8_t vector)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);

    if (vector >= 16 && vec_test(vl->irr, vector)) {
        vec_clear(vl->irr, vector);
        vec_set(vl->isr, vector);
    }
    spin_unlock_irqrestore(&vl->lock, flags);
}

uint8_t vlapic_get_cr8(struct vlapic *vl)
{
    return (__atomic_load_n(&vl->tpr, __ATOMIC_RELAXED) >> 4) & 0xf;
}

void vlapic_set_cr8(struct vlapic *vl, uint8_t cr8)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);

    vl->tpr = (uint32_t)(cr8 & 0xf) << 4;
    spin_unlock_irqrestore(&vl->lock, flags);
}

/* ---- Save records (Xen's LAPIC and LAPIC_REGS) -------------------------- */

static void put_reg(uint8_t *page, uint32_t off, uint32_t val)
{
    memcpy(page + off, &val, sizeof(val));
}

static uint32_t get_reg(const uint8_t *page, uint32_t off)
{
    uint32_t val;

    memcpy(&val, page + off, sizeof(val));
    return val;
}

void vlapic_save_hidden(struct vlapic *vl, struct hvm_hw_lapic *h)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);

    memset(h, 0, sizeof(*h));
    h->apic_base_msr = vl->apic_base;
    h->disabled = (vlapic_hw_enabled(vl) ? 0 : VLAPIC_HW_DISABLED) |
                  (vlapic_sw_enabled(vl) ? 0 : VLAPIC_SW_DISABLED);
    h->timer_divisor = (uint32_t)(tick_ns(vl->tdcr) / VLAPIC_BUS_NS_PER_TICK);
    h->tdt_msr = vl->tsc_deadline;
    spin_unlock_irqrestore(&vl->lock, flags);
}

int vlapic_check_hidden(const struct vlapic *vl, const struct hvm_hw_lapic *h)
{
    uint64_t addr_mask = ((1ULL << vl->maxphyaddr) - 1) & ~0xfffULL;
    uint64_t valid = addr_mask | VLAPIC_BASE_BSP | VLAPIC_BASE_EXTD | VLAPIC_BASE_EN;
    uint64_t bsp = vl->vcpu_id == 0 ? VLAPIC_BASE_BSP : 0;

    if ((h->apic_base_msr & ~valid) || mode_of(h->apic_base_msr) == MODE_INVALID ||
        (h->apic_base_msr & VLAPIC_BASE_BSP) != bsp ||
        (h->disabled & ~(VLAPIC_HW_DISABLED | VLAPIC_SW_DISABLED)))
        return -EINVAL;
    return 0;
}

int vlapic_load_hidden(struct vlapic *vl, const struct hvm_hw_lapic *h)
{
    unsigned long flags;

    if (vlapic_check_hidden(vl, h))
        return -EINVAL;
    flags = spin_lock_irqsave(&vl->lock);
    set_base(vl, h->apic_base_msr);
    if (vlapic_x2apic_mode(vl))
        store32(&vl->ldr, x2apic_ldr(vl->vcpu_id));
    vl->tsc_deadline = h->tdt_msr;      /* armed by vlapic_load_regs */
    spin_unlock_irqrestore(&vl->lock, flags);
    return 0;
}

void vlapic_save_regs(struct vlapic *vl, struct hvm_hw_lapic_regs *r)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);
    uint8_t *p = r->data;

    memset(r, 0, sizeof(*r));
    put_reg(p, APIC_REG_ID, vlapic_x2apic_mode(vl) ? vl->vcpu_id : vl->id);
    put_reg(p, APIC_REG_VERSION, VLAPIC_VERSION);
    put_reg(p, APIC_REG_TPR, vl->tpr);
    put_reg(p, APIC_REG_APR, apr_locked(vl));
    put_reg(p, APIC_REG_PPR, ppr_locked(vl));
    put_reg(p, APIC_REG_LDR, current_ldr(vl));
    put_reg(p, APIC_REG_DFR, vl->dfr);
    put_reg(p, APIC_REG_SVR, vl->svr);
    for (uint32_t i = 0; i < 8; i++) {
        put_reg(p, APIC_REG_ISR + i * 0x10, vl->isr[i]);
        put_reg(p, APIC_REG_TMR + i * 0x10, vl->tmr[i]);
        put_reg(p, APIC_REG_IRR + i * 0x10, vl->irr[i]);
    }
    put_reg(p, APIC_REG_ESR, vl->esr);
    put_reg(p, APIC_REG_ICR_LOW, vl->icr_low);
    put_reg(p, APIC_REG_ICR_HIGH, vl->icr_high);
    for (uint32_t i = 0; i < VLAPIC_NR_LVT; i++)
        put_reg(p, APIC_REG_LVT_TIMER + i * 0x10, vl->lvt[i]);
    put_reg(p, APIC_REG_TMICT, vl->tmict);
    put_reg(p, APIC_REG_TMCCT, timer_current_count(vl, NOW()));
    put_reg(p, APIC_REG_TDCR, vl->tdcr);
    spin_unlock_irqrestore(&vl->lock, flags);
}

/* The timer from the loaded registers: the count goes on from TMCCT. */
static void timer_reload_locked(struct vlapic *vl, uint32_t tmcct)
{
    timer_disarm_locked(vl);
    vl->timer_start = vl->timer_period = vl->timer_deadline = 0;
    if (timer_mode(vl) == VLAPIC_LVT_TIMER_TSCDEADLINE) {
        vl->tmict = 0;
        if (vl->tsc_deadline && vlapic_hw_enabled(vl))
            timer_arm_locked(vl, vl->ops->guest_tsc_to_ns(vl->ctx, vl->tsc_deadline));
        return;
    }
    vl->tsc_deadline = 0;
    if (vl->tmict == 0)
        return;
    if (tmcct > vl->tmict)
        tmcct = vl->tmict;
    if (tmcct == 0 && timer_mode(vl) == VLAPIC_LVT_TIMER_PERIODIC)
        tmcct = vl->tmict;
    timer_start_locked(vl, NOW(), tmcct);   /* count 0: expired, not armed */
}

void vlapic_load_regs(struct vlapic *vl, const struct hvm_hw_lapic_regs *r)
{
    unsigned long flags = spin_lock_irqsave(&vl->lock);
    const uint8_t *p = r->data;

    vl->tpr = get_reg(p, APIC_REG_TPR) & 0xff;
    store32(&vl->ldr, vlapic_x2apic_mode(vl) ? x2apic_ldr(vl->vcpu_id) :
                                                get_reg(p, APIC_REG_LDR) & 0xff000000u);
    store32(&vl->dfr, get_reg(p, APIC_REG_DFR) | 0x0fffffffu);
    store32(&vl->svr, get_reg(p, APIC_REG_SVR) & SVR_WRITABLE);
    for (uint32_t i = 0; i < 8; i++) {
        vl->isr[i] = get_reg(p, APIC_REG_ISR + i * 0x10);
        vl->tmr[i] = get_reg(p, APIC_REG_TMR + i * 0x10);
        vl->irr[i] = get_reg(p, APIC_REG_IRR + i * 0x10);
    }
    vl->isr[0] &= 0xffff0000u;          /* vectors 0-15 are never accepted */
    vl->tmr[0] &= 0xffff0000u;
    vl->irr[0] &= 0xffff0000u;
    vl->esr = get_reg(p, APIC_REG_ESR) & 0xffu;
    vl->esr_pending = 0;
    vl->icr_low = get_reg(p, APIC_REG_ICR_LOW) & ICR_LOW_WRITABLE;
    vl->icr_high = get_reg(p, APIC_REG_ICR_HIGH);
    if (!vlapic_x2apic_mode(vl))
        vl->icr_high &= 0xff000000u;
    for (uint32_t i = 0; i < VLAPIC_NR_LVT; i++) {
        vl->lvt[i] = get_reg(p, APIC_REG_LVT_TIMER + i * 0x10) & lvt_writable[i];
        if (!vlapic_sw_enabled(vl))
            vl->lvt[i] |= VLAPIC_LVT_MASKED;
    }
    vl->tmict = get_reg(p, APIC_REG_TMICT);
    vl->tdcr = get_reg(p, APIC_REG_TDCR) & TDCR_WRITABLE;
    timer_reload_locked(vl, get_reg(p, APIC_REG_TMCCT));
    spin_unlock_irqrestore(&vl->lock, flags);
}
