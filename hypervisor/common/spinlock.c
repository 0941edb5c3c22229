// SPDX-License-Identifier: GPL-2.0-only
/*
 * Keel's locks: FIFO ticket spinlocks (plain, irq-saving, recursive), queue-
 * fair writer-preferring rwlocks, and, with KEEL_DEBUG_LOCKS, the per-CPU
 * held-lock stacks that check lock order, self-deadlock and bad unlocks.
 * See keel/spinlock.h for the rules.
 */
#include <keel/spinlock.h>
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/smp.h>
#include <asm/irqflags.h>
#include <asm/processor.h>

/* ---- raw ticket lock ------------------------------------------------------ */

static inline void ticket_lock(spin_tickets_t *t)
{
    uint16_t me = __atomic_fetch_add(&t->tail, 1, __ATOMIC_RELAXED);

    /* Acquire pairs with the release in ticket_unlock() of our predecessor. */
    while (__atomic_load_n(&t->head, __ATOMIC_ACQUIRE) != me)
        cpu_relax();
}

static inline void ticket_unlock(spin_tickets_t *t)
{
    /* Only the holder writes head. */
    uint16_t next = (uint16_t)(__atomic_load_n(&t->head, __ATOMIC_RELAXED) + 1);

    __atomic_store_n(&t->head, next, __ATOMIC_RELEASE);
}

static inline bool ticket_trylock(spin_tickets_t *t)
{
    spin_tickets_t old, new;

    old.head_tail = __atomic_load_n(&t->head_tail, __ATOMIC_RELAXED);
    if (old.head != old.tail)
        return false;
    new = old;
    new.tail++;
    return __atomic_compare_exchange_n(&t->head_tail, &old.head_tail, new.head_tail,
                                       false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline bool ticket_is_locked(const spin_tickets_t *t)
{
    spin_tickets_t v;

    v.head_tail = __atomic_load_n(&t->head_tail, __ATOMIC_RELAXED);
    return v.head != v.tail;
}

/* ---- lock-order checking -------------------------------------------------- */

enum lock_mode { LOCK_MODE_SPIN, LOCK_MODE_READ, LOCK_MODE_WRITE };

#ifdef KEEL_DEBUG_LOCKS

struct held_lock {
    const struct lock_debug *dbg;
    enum lock_mode mode;
};

struct held_stack {
    unsigned int depth;
    struct held_lock held[LOCK_DEBUG_DEPTH];
};

static struct held_stack held_stacks[NR_CPUS];
static bool lock_debug_off;     /* set by the first report: no cascades */

static const char *const mode_names[] = {
    [LOCK_MODE_SPIN] = "spin", [LOCK_MODE_READ] = "read", [LOCK_MODE_WRITE] = "write",
};

static __noreturn __printf(1, 2) void lock_fatal(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    __atomic_store_n(&lock_debug_off, true, __ATOMIC_RELAXED);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pr_err("%s\n", msg);
    panic("%s", msg);
}

static bool lock_debug_active(void)
{
    return !__atomic_load_n(&lock_debug_off, __ATOMIC_RELAXED);
}

static struct held_stack *this_stack(void)
{
    unsigned int cpu = smp_processor_id();

    BUG_ON(cpu >= NR_CPUS);
    return &held_stacks[cpu];
}

static const struct held_lock *highest_held(const struct held_stack *s)
{
    const struct held_lock *best = NULL;

    for (unsigned int i = 0; i < s->depth; i++)
        if (s->held[i].dbg->level &&
            (!best || s->held[i].dbg->level > best->dbg->level))
            best = &s->held[i];
    return best;
}

/* Before waiting for a lock: would waiting deadlock or break the order? */
static void check_acquire(const struct lock_debug *dbg, enum lock_mode mode)
{
    const struct held_stack *s;
    const struct held_lock *top;

    if (!lock_debug_active())
        return;
    s = this_stack();
    for (unsigned int i = 0; i < s->depth; i++)
        if (s->held[i].dbg == dbg)
            lock_fatal("lock self-deadlock: CPU %u takes %s (%s) but already holds it (%s)",
                       smp_processor_id(), dbg->name, mode_names[mode],
                       mode_names[s->held[i].mode]);
    if (!dbg->level)
        return;
    top = highest_held(s);
    if (top && top->dbg->level >= dbg->level)
        lock_fatal("lock order violation: CPU %u takes %s (level %u) while holding %s (level %u)",
                   smp_processor_id(), dbg->name, dbg->level, top->dbg->name,
                   top->dbg->level);
}

static void note_acquired(const struct lock_debug *dbg, enum lock_mode mode)
{
    unsigned long flags;
    struct held_stack *s;

    if (!lock_debug_active())
        return;
    flags = local_irq_save();
    s = this_stack();
    if (s->depth == LOCK_DEBUG_DEPTH)
        lock_fatal("lock depth exceeded: CPU %u holds %u locks, taking %s",
                   smp_processor_id(), s->depth, dbg->name);
    s->held[s->depth].dbg = dbg;
    s->held[s->depth].mode = mode;
    s->depth++;
    local_irq_restore(flags);
}

static void drop_entry(struct held_stack *s, unsigned int i)
{
    for (; i + 1 < s->depth; i++)
        s->held[i] = s->held[i + 1];
    s->depth--;
}

static int find_held(const struct held_stack *s, const struct lock_debug *dbg)
{
    for (int i = (int)s->depth - 1; i >= 0; i--)
        if (s->held[i].dbg == dbg)
            return i;
    return -1;
}

/*
 * Before releasing: this CPU must hold the lock in this mode.  When the
 * release turns interrupts back on, no lock taken after it may still be held
 * (it would then be held with interrupts enabled).
 */
static void note_released(const struct lock_debug *dbg, enum lock_mode mode,
                          bool irqs_back_on)
{
    unsigned long flags;
    struct held_stack *s;
    int i;

    if (!lock_debug_active())
        return;
    flags = local_irq_save();
    s = this_stack();
    i = find_held(s, dbg);
    if (i < 0)
        lock_fatal("lock release: CPU %u unlocks %s (%s) which it does not hold",
                   smp_processor_id(), dbg->name, mode_names[mode]);
    if (s->held[i].mode != mode)
        lock_fatal("lock release: CPU %u unlocks %s as %s but holds it as %s",
                   smp_processor_id(), dbg->name, mode_names[mode],
                   mode_names[s->held[i].mode]);
    if (irqs_back_on && (unsigned int)i + 1 != s->depth)
        lock_fatal("lock release: CPU %u enables interrupts releasing %s while still holding %s, taken after it",
                   smp_processor_id(), dbg->name, s->held[s->depth - 1].dbg->name);
    drop_entry(s, (unsigned int)i);
    local_irq_restore(flags);
}

/* spin_lock_irq() and friends are only for callers with interrupts on. */
static void check_irqs_on(const struct lock_debug *dbg)
{
    if (lock_debug_active() && !local_irq_is_enabled())
        lock_fatal("lock %s: _irq lock taken with interrupts already disabled on CPU %u",
                   dbg->name, smp_processor_id());
}

unsigned int lock_debug_held_count(void)
{
    return this_stack()->depth;
}

static void debug_init(struct lock_debug *dbg, const char *name, uint32_t level)
{
    dbg->name = name ? name : "anonymous";
    dbg->level = level;
}

#define DBG(l)  (&(l)->debug)

static void set_owner(spinlock_t *l, uint16_t cpu)
{
    __atomic_store_n(&l->owner_cpu, cpu, __ATOMIC_RELAXED);
}

#else /* !KEEL_DEBUG_LOCKS */

struct lock_debug;
#define DBG(l)  ((const struct lock_debug *)NULL)
static inline void check_acquire(const struct lock_debug *d __unused,
                                 enum lock_mode m __unused) { }
static inline void note_acquired(const struct lock_debug *d __unused,
                                 enum lock_mode m __unused) { }
static inline void note_released(const struct lock_debug *d __unused,
                                 enum lock_mode m __unused, bool on __unused) { }
static inline void check_irqs_on(const struct lock_debug *d __unused) { }
static inline void debug_init(const struct lock_debug *d __unused,
                              const char *n __unused, uint32_t lvl __unused) { }
static inline void set_owner(spinlock_t *l __unused, uint16_t cpu __unused) { }

#endif

/* ---- spinlocks ------------------------------------------------------------ */

void spin_lock_init(spinlock_t *l, const char *name, uint32_t level)
{
    l->tickets.head_tail = 0;
    l->recurse_cpu = SPIN_NO_CPU;
    l->recurse_cnt = 0;
    set_owner(l, SPIN_NO_CPU);
    debug_init(DBG(l), name, level);
}

void spin_lock(spinlock_t *l)
{
    check_acquire(DBG(l), LOCK_MODE_SPIN);
    ticket_lock(&l->tickets);
    note_acquired(DBG(l), LOCK_MODE_SPIN);
    set_owner(l, (uint16_t)smp_processor_id());
}

static void spin_unlock_common(spinlock_t *l, bool irqs_back_on)
{
    note_released(DBG(l), LOCK_MODE_SPIN, irqs_back_on);
    set_owner(l, SPIN_NO_CPU);
    ticket_unlock(&l->tickets);
}

void spin_unlock(spinlock_t *l)
{
    spin_unlock_common(l, false);
}

bool spin_trylock(spinlock_t *l)
{
    if (!ticket_trylock(&l->tickets))
        return false;
    note_acquired(DBG(l), LOCK_MODE_SPIN);
    set_owner(l, (uint16_t)smp_processor_id());
    return true;
}

bool spin_is_locked(const spinlock_t *l)
{
    return ticket_is_locked(&l->tickets);
}

unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = local_irq_save();

    spin_lock(l);
    return flags;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock_common(l, flags & X86_EFLAGS_IF);
    local_irq_restore(flags);
}

void spin_lock_irq(spinlock_t *l)
{
    check_irqs_on(DBG(l));
    (void)local_irq_save();
    spin_lock(l);
}

void spin_unlock_irq(spinlock_t *l)
{
    spin_unlock_common(l, true);
    local_irq_restore(X86_EFLAGS_IF);
}

void spin_lock_recursive(spinlock_t *l)
{
    uint16_t cpu = (uint16_t)smp_processor_id();

    /* Only this CPU can have stored its own number here. */
    if (__atomic_load_n(&l->recurse_cpu, __ATOMIC_RELAXED) != cpu) {
        spin_lock(l);
        __atomic_store_n(&l->recurse_cpu, cpu, __ATOMIC_RELAXED);
    }
    BUG_ON(l->recurse_cnt == UINT16_MAX);
    l->recurse_cnt++;
}

void spin_unlock_recursive(spinlock_t *l)
{
    BUG_ON(__atomic_load_n(&l->recurse_cpu, __ATOMIC_RELAXED) !=
           (uint16_t)smp_processor_id() || l->recurse_cnt == 0);
    if (--l->recurse_cnt == 0) {
        __atomic_store_n(&l->recurse_cpu, SPIN_NO_CPU, __ATOMIC_RELAXED);
        spin_unlock(l);
    }
}

/* ---- rwlocks --------------------------------------------------------------- */

void rwlock_init(rwlock_t *l, const char *name, uint32_t level)
{
    l->cnts = 0;
    l->wait.head_tail = 0;
    debug_init(DBG(l), name, level);
}

/* A writer holds or waits: queue behind it, then wait for it to finish. */
static void read_lock_slow(rwlock_t *l)
{
    __atomic_fetch_sub(&l->cnts, RW_READER_BIAS, __ATOMIC_RELAXED);
    ticket_lock(&l->wait);
    /* At the head of the queue: no writer waits, at most one holds. */
    __atomic_fetch_add(&l->cnts, RW_READER_BIAS, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->cnts, __ATOMIC_ACQUIRE) & RW_WRITER_LOCKED)
        cpu_relax();
    ticket_unlock(&l->wait);
}

static void read_lock_raw(rwlock_t *l)
{
    uint32_t c = __atomic_fetch_add(&l->cnts, RW_READER_BIAS, __ATOMIC_ACQUIRE);

    if (c & RW_WRITER_MASK)
        read_lock_slow(l);
}

void read_lock(rwlock_t *l)
{
    check_acquire(DBG(l), LOCK_MODE_READ);
    read_lock_raw(l);
    note_acquired(DBG(l), LOCK_MODE_READ);
}

static void read_unlock_common(rwlock_t *l, bool irqs_back_on)
{
    note_released(DBG(l), LOCK_MODE_READ, irqs_back_on);
    __atomic_fetch_sub(&l->cnts, RW_READER_BIAS, __ATOMIC_RELEASE);
}

void read_unlock(rwlock_t *l)
{
    read_unlock_common(l, false);
}

bool read_trylock(rwlock_t *l)
{
    uint32_t c = __atomic_load_n(&l->cnts, __ATOMIC_RELAXED);

    if (c & RW_WRITER_MASK)
        return false;
    c = __atomic_fetch_add(&l->cnts, RW_READER_BIAS, __ATOMIC_ACQUIRE);
    if (c & RW_WRITER_MASK) {
        __atomic_fetch_sub(&l->cnts, RW_READER_BIAS, __ATOMIC_RELAXED);
        return false;
    }
    note_acquired(DBG(l), LOCK_MODE_READ);
    return true;
}

static bool write_grab(rwlock_t *l, uint32_t from)
{
    return __atomic_compare_exchange_n(&l->cnts, &from, RW_WRITER_LOCKED, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Queue; at the head, turn new readers away and wait for the lock to drain. */
static void write_lock_slow(rwlock_t *l)
{
    ticket_lock(&l->wait);
    if (!write_grab(l, 0)) {
        __atomic_fetch_or(&l->cnts, RW_WRITER_WAITING, __ATOMIC_RELAXED);
        for (;;) {
            if (__atomic_load_n(&l->cnts, __ATOMIC_RELAXED) == RW_WRITER_WAITING &&
                write_grab(l, RW_WRITER_WAITING))
                break;
            cpu_relax();
        }
    }
    ticket_unlock(&l->wait);
}

void write_lock(rwlock_t *l)
{
    check_acquire(DBG(l), LOCK_MODE_WRITE);
    if (!write_grab(l, 0))
        write_lock_slow(l);
    note_acquired(DBG(l), LOCK_MODE_WRITE);
}

static void write_unlock_common(rwlock_t *l, bool irqs_back_on)
{
    note_released(DBG(l), LOCK_MODE_WRITE, irqs_back_on);
    __atomic_fetch_sub(&l->cnts, RW_WRITER_LOCKED, __ATOMIC_RELEASE);
}

void write_unlock(rwlock_t *l)
{
    write_unlock_common(l, false);
}

bool write_trylock(rwlock_t *l)
{
    if (__atomic_load_n(&l->cnts, __ATOMIC_RELAXED) != 0 || !write_grab(l, 0))
        return false;
    note_acquired(DBG(l), LOCK_MODE_WRITE);
    return true;
}

bool rw_is_locked(const rwlock_t *l)
{
    uint32_t c = __atomic_load_n(&l->cnts, __ATOMIC_RELAXED);

    return (c & RW_WRITER_LOCKED) || c >= RW_READER_BIAS;
}

bool rw_is_write_locked(const rwlock_t *l)
{
    return __atomic_load_n(&l->cnts, __ATOMIC_RELAXED) & RW_WRITER_LOCKED;
}

unsigned long read_lock_irqsave(rwlock_t *l)
{
    unsigned long flags = local_irq_save();

    read_lock(l);
    return flags;
}

void read_unlock_irqrestore(rwlock_t *l, unsigned long flags)
{
    read_unlock_common(l, flags & X86_EFLAGS_IF);
    local_irq_restore(flags);
}

unsigned long write_lock_irqsave(rwlock_t *l)
{
    unsigned long flags = local_irq_save();

    write_lock(l);
    return flags;
}

void write_unlock_irqrestore(rwlock_t *l, unsigned long flags)
{
    write_unlock_common(l, flags & X86_EFLAGS_IF);
    local_irq_restore(flags);
}

void read_lock_irq(rwlock_t *l)
{
    check_irqs_on(DBG(l));
    (void)local_irq_save();
    read_lock(l);
}

void read_unlock_irq(rwlock_t *l)
{
    read_unlock_common(l, true);
    local_irq_restore(X86_EFLAGS_IF);
}

void write_lock_irq(rwlock_t *l)
{
    check_irqs_on(DBG(l));
    (void)local_irq_save();
    write_lock(l);
}

void write_unlock_irq(rwlock_t *l)
{
    write_unlock_common(l, true);
    local_irq_restore(X86_EFLAGS_IF);
}
