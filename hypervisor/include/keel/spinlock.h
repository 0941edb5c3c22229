/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keel's locks: fair ticket spinlocks (plain, irq-saving and recursive) and
 * fair reader/writer locks.  Implemented in common/spinlock.c.
 *
 * Spinlocks are FIFO: each locker draws a 16-bit ticket from 'tail' and waits
 * until 'head' reaches it; unlock advances 'head'.  Lock is an acquire, unlock
 * a release.
 *
 * rwlocks are queue-fair with writer preference: readers share the lock;
 * a writer that cannot get in at once queues on a ticket lock and, once at
 * its head, flags itself as waiting, which turns new readers away into the
 * same FIFO queue behind it.  So a writer waits only for the readers already
 * inside, and queued readers wait only for the writers ahead of them.
 * Taking a read lock again on a CPU that already holds it may deadlock if a
 * writer queued in between: don't (debug builds panic on it).
 *
 * Lock-order checking (build with -DKEEL_DEBUG_LOCKS): every lock has a
 * name and a level, 0 meaning "not ordered".  Each CPU keeps a stack of the
 * locks it holds (at most LOCK_DEBUG_DEPTH).  Taking a lock of level L > 0
 * while this CPU holds a lock of level >= L, taking a lock this CPU already
 * holds, releasing a lock this CPU does not hold (or in the wrong mode), and
 * re-enabling interrupts by releasing an irq-saving lock while locks taken
 * after it are still held are reported with pr_err() and end in panic().
 * Trylocks cannot deadlock, so a successful trylock skips the order check
 * (the lock is still recorded as held).  Releasing in non-LIFO order is fine.
 * Two locks of one class nested (e.g. two per-CPU queue locks taken in CPU
 * order) need level 0 or distinct levels.  After the first report the
 * checker switches itself off, so that panic()'s own output cannot recurse.
 */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <keel/types.h>

/* The raw FIFO ticket pair: 'head' is served, 'tail' is the next ticket. */
typedef union {
    uint32_t head_tail;
    struct {
        uint16_t head;
        uint16_t tail;
    };
} spin_tickets_t;

#define SPIN_TICKETS_UNLOCKED { .head_tail = 0 }

#ifdef KEEL_DEBUG_LOCKS
#define LOCK_DEBUG_DEPTH 16

/* What the order checker knows about a lock. */
struct lock_debug {
    const char *name;
    uint32_t level;                 /* 0 = not ordered */
};
#define LOCK_DEBUG_INIT(n, lvl) , .debug = { .name = (n), .level = (lvl) }
#else
#define LOCK_DEBUG_INIT(n, lvl)
#endif

#define SPIN_NO_CPU 0xffffu

typedef struct spinlock {
    spin_tickets_t tickets;
    uint16_t recurse_cpu;           /* owner of a recursive hold, or SPIN_NO_CPU */
    uint16_t recurse_cnt;
#ifdef KEEL_DEBUG_LOCKS
    uint16_t owner_cpu;             /* last taker, for debuggers; SPIN_NO_CPU if free */
    struct lock_debug debug;
#endif
} spinlock_t;

#ifdef KEEL_DEBUG_LOCKS
#define SPIN_OWNER_INIT , .owner_cpu = SPIN_NO_CPU
#else
#define SPIN_OWNER_INIT
#endif

#define SPIN_LOCK_UNLOCKED_LEVEL(n, lvl)                                \
    { .tickets = SPIN_TICKETS_UNLOCKED, .recurse_cpu = SPIN_NO_CPU,     \
      .recurse_cnt = 0 SPIN_OWNER_INIT LOCK_DEBUG_INIT(n, lvl) }
#define SPIN_LOCK_UNLOCKED SPIN_LOCK_UNLOCKED_LEVEL("anonymous", 0)
#define DEFINE_SPINLOCK(x) spinlock_t x = SPIN_LOCK_UNLOCKED_LEVEL(#x, 0)
#define DEFINE_SPINLOCK_LEVEL(x, lvl) spinlock_t x = SPIN_LOCK_UNLOCKED_LEVEL(#x, lvl)

/* name must outlive the lock (a string literal, typically). */
void spin_lock_init(spinlock_t *l, const char *name, uint32_t level);

void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);           /* true when taken */
bool spin_is_locked(const spinlock_t *l);   /* by anyone */

/* Disable interrupts, lock; unlock, put the interrupt flag back. */
unsigned long spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags);
/* Only with interrupts enabled: lock with them disabled; unlock, enable. */
void spin_lock_irq(spinlock_t *l);
void spin_unlock_irq(spinlock_t *l);

/* May be taken again by the CPU holding it; released by as many unlocks.
 * Don't mix with spin_lock() on the same lock. */
void spin_lock_recursive(spinlock_t *l);
void spin_unlock_recursive(spinlock_t *l);

/* Reader/writer lock: cnts holds the writer state (low byte) and the reader
 * count (above); 'wait' is the FIFO queue for whoever can't get in at once. */
#define RW_WRITER_LOCKED  0x01u
#define RW_WRITER_WAITING 0x02u
#define RW_WRITER_MASK    0xffu
#define RW_READER_BIAS    0x100u

typedef struct rwlock {
    uint32_t cnts;
    spin_tickets_t wait;
#ifdef KEEL_DEBUG_LOCKS
    struct lock_debug debug;
#endif
} rwlock_t;

#define RW_LOCK_UNLOCKED_LEVEL(n, lvl)                                  \
    { .cnts = 0, .wait = SPIN_TICKETS_UNLOCKED LOCK_DEBUG_INIT(n, lvl) }
#define RW_LOCK_UNLOCKED RW_LOCK_UNLOCKED_LEVEL("anonymous", 0)
#define DEFINE_RWLOCK(x) rwlock_t x = RW_LOCK_UNLOCKED_LEVEL(#x, 0)
#define DEFINE_RWLOCK_LEVEL(x, lvl) rwlock_t x = RW_LOCK_UNLOCKED_LEVEL(#x, lvl)

void rwlock_init(rwlock_t *l, const char *name, uint32_t level);

void read_lock(rwlock_t *l);
void read_unlock(rwlock_t *l);
bool read_trylock(rwlock_t *l);
void write_lock(rwlock_t *l);
void write_unlock(rwlock_t *l);
bool write_trylock(rwlock_t *l);
bool rw_is_locked(const rwlock_t *l);       /* by readers or a writer */
bool rw_is_write_locked(const rwlock_t *l);

unsigned long read_lock_irqsave(rwlock_t *l);
void read_unlock_irqrestore(rwlock_t *l, unsigned long flags);
unsigned long write_lock_irqsave(rwlock_t *l);
void write_unlock_irqrestore(rwlock_t *l, unsigned long flags);
void read_lock_irq(rwlock_t *l);
void read_unlock_irq(rwlock_t *l);
void write_lock_irq(rwlock_t *l);
void write_unlock_irq(rwlock_t *l);

#ifdef KEEL_DEBUG_LOCKS
/* How many locks this CPU holds (for asserts such as "no locks held here"). */
unsigned int lock_debug_held_count(void);
#endif

#endif
