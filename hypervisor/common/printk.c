// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk: formats a message, keeps it in the log ring (every level) and
 * writes it to the console when its level is at or above loglvl=.  One
 * message at a time across CPUs (the console lock).
 * A message's level comes from its KLOG_* prefix; a message continuing a
 * line without a newline keeps the level of the line it continues.
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
static char log_ring[LOG_RING_SIZE];
static uint64_t log_head;       /* bytes ever written */
static int cont_level = LOGLVL_INFO;
static bool at_line_start = true;

static void log_ring_store(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        log_ring[(log_head + i) % LOG_RING_SIZE] = s[i];
    log_head += len;
}

uint64_t log_ring_head(void)
{
    return log_head;
}

uint64_t log_ring_tail(void)
{
    return log_head > LOG_RING_SIZE ? log_head - LOG_RING_SIZE : 0;
}

size_t log_ring_read(uint64_t *from, char *buf, size_t len)
{
    uint64_t pos = MAX(*from, log_ring_tail());
    size_t n = 0;

    while (pos < log_head && n < len)
        buf[n++] = log_ring[pos++ % LOG_RING_SIZE];
    *from = pos;
    return n;
}

/* Strip a KLOG_* prefix; returns the message level. */
static int message_level(const char **msg)
{
    const char *s = *msg;

    if (s[0] == '\001' && s[1] >= '0' && s[1] <= '7') {
        *msg = s + 2;
        return s[1] - '0';
    }
    return at_line_start ? LOGLVL_INFO : cont_level;
}

int printk(const char *fmt, ...)
{
    char line[1024];
    const char *text = line;
    va_list ap;
    int level;
    size_t len;
    unsigned long flags;
    bool locked = false;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    len = strlen(text);
    if (len == 0)
        return 0;
    flags = local_irq_save();
    for (uint32_t i = 0; i < CONSOLE_LOCK_TRIES && !(locked = spin_trylock(&console_lock)); i++)
        __asm__ volatile("pause");
    level = message_level(&text);
    len = strlen(text);
    log_ring_store(text, len);
    if (level <= (int)opt_loglvl)
        console_write(text, len);
    cont_level = level;
    at_line_start = text[len - 1] == '\n';
    if (locked)
        spin_unlock(&console_lock);
    local_irq_restore(flags);
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
