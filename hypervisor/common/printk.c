// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk: formats a message, keeps it in the log ring (every level;
 * common/log_ring.c) and writes it to the console when its level is at or
 * above loglvl=.  One message at a time across CPUs (the console lock).
 * A message's level comes from its KLOG_* prefix; a message continuing a
 * line without a newline keeps the level of the line it continues.
 * Each open (unfinished) line has an owner, Keel or the domain whose
 * unbuffered output it is (console_guest_write); a write by anyone else
 * ends that line first, so dom0's prompt and Keel's messages never share
 * a line.
 */
#include <asm/irqflags.h>
#include <keel/console.h>
#include <keel/lib.h>
#include <keel/spinlock.h>
#include <keel/params.h>
#include <keel/selftest.h>

/* Tries before a CPU writes without the lock: the holder may have been
 * stopped by an NMI in the middle of a message, and a message is better
 * garbled than lost. */
#define CONSOLE_LOCK_TRIES  10000000u

static DEFINE_SPINLOCK(console_lock);
#define LINE_NONE   (-1)        /* at the start of a line */
#define LINE_KEEL   (-2)        /* inside a line printk began */

static int cont_level = LOGLVL_INFO;
static int line_owner = LINE_NONE;  /* or the domain ID of an open guest line */

/* Strip a KLOG_* prefix; returns the message level. */
static int message_level(const char **msg)
{
    const char *s = *msg;

    if (s[0] == '\001' && s[1] >= '0' && s[1] <= '7') {
        *msg = s + 2;
        return s[1] - '0';
    }
    return line_owner == LINE_KEEL ? cont_level : LOGLVL_INFO;
}

/* Console lock held: text of owner goes out (ring and, at level, console). */
static void emit_locked(int owner, int level, const char *text, size_t len)
{
    if (line_owner != LINE_NONE && line_owner != owner)
        emit_locked(line_owner, line_owner == LINE_KEEL ? cont_level : LOGLVL_INFO,
                    "\n", 1);                          /* end someone else's line */
    log_ring_store(text, len);
    if (level <= (int)opt_loglvl)
        console_write(text, len);
    line_owner = text[len - 1] == '\n' ? LINE_NONE : owner;
}

static unsigned long console_lock_take(bool *locked)
{
    unsigned long flags = local_irq_save();

    *locked = false;
    for (uint32_t i = 0; i < CONSOLE_LOCK_TRIES && !(*locked = spin_trylock(&console_lock)); i++)
        __asm__ volatile("pause");
    return flags;
}

static void console_lock_give(bool locked, unsigned long flags)
{
    if (locked)
        spin_unlock(&console_lock);
    local_irq_restore(flags);
}

void console_guest_write(uint16_t domid, const char *buf, size_t len)
{
    char prefix[16];
    bool locked;
    unsigned long flags = console_lock_take(&locked);

    while (len) {
        size_t n = 0;

        while (n < len && buf[n] != '\n')
            n++;
        if (n < len)
            n++;                            /* the newline goes with its line */
        if (line_owner != domid) {
            snprintf(prefix, sizeof(prefix), "(d%u) ", domid);
            emit_locked(domid, LOGLVL_INFO, prefix, strlen(prefix));
        }
        emit_locked(domid, LOGLVL_INFO, buf, n);
        buf += n;
        len -= n;
    }
    console_lock_give(locked, flags);
}

int printk(const char *fmt, ...)
{
    char line[1024];
    const char *text = line;
    va_list ap;
    int level;
    size_t len;
    unsigned long flags;
    bool locked;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    len = strlen(text);
    if (len == 0)
        return 0;
    flags = console_lock_take(&locked);
    level = message_level(&text);
    len = strlen(text);
    if (len)
        emit_locked(LINE_KEEL, level, text, len);
    cont_level = level;
    console_lock_give(locked, flags);
    return (int)len;
}

/* The ring keeps what printk wrote, at every level, and wraps. */
static int selftest_log_ring(void)
{
    char buf[64];
    uint64_t from = log_ring_head();
    size_t n;

    printk(KLOG_DEBUG "log ring self test %d\n", 42);
    n = log_ring_read(&from, buf, sizeof(buf) - 1);
    buf[n] = '\0';
    if (strcmp(buf, "log ring self test 42\n")) {
        printk(KLOG_ERR "log: ring holds '%s'\n", buf);
        return -1;
    }
    if (log_ring_head() - log_ring_tail() > LOG_RING_SIZE)
        return -1;
    return 0;
}
SELFTEST(log_ring, selftest_log_ring);
