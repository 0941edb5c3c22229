// SPDX-License-Identifier: GPL-2.0-only
/*
 * The log ring: the last LOG_RING_SIZE bytes of everything printk and the
 * guests' console lines put out, at every level, oldest overwritten.  A
 * fixed buffer: storing never allocates.  Positions are byte counts since
 * boot (64 bits: they never wrap); the ring holds [log_ring_tail(),
 * log_ring_head()).  log_ring_clear() forgets what is before a position
 * (sysctl readconsole's clear flag).  printk stores under its console lock;
 * readers do not take it: a byte overwritten while being read comes out
 * garbled, never out of bounds.
 */
#include <keel/console.h>
#include <keel/lib.h>

static char log_ring[LOG_RING_SIZE];
static uint64_t log_head;       /* bytes ever written */
static uint64_t log_cleared;    /* bytes before this were cleared */

void log_ring_store(const char *s, size_t len)
{
    uint64_t head = log_head;

    for (size_t i = 0; i < len; i++)
        log_ring[(head + i) % LOG_RING_SIZE] = s[i];
    __atomic_store_n(&log_head, head + len, __ATOMIC_RELEASE);
}

uint64_t log_ring_head(void)
{
    return __atomic_load_n(&log_head, __ATOMIC_ACQUIRE);
}

uint64_t log_ring_tail(void)
{
    uint64_t head = log_ring_head();
    uint64_t oldest = head > LOG_RING_SIZE ? head - LOG_RING_SIZE : 0;

    return MAX(oldest, __atomic_load_n(&log_cleared, __ATOMIC_ACQUIRE));
}

size_t log_ring_read(uint64_t *from, char *buf, size_t len)
{
    uint64_t head = log_ring_head();
    uint64_t pos = MAX(*from, log_ring_tail());
    size_t n = 0;

    while (pos < head && n < len)
        buf[n++] = log_ring[pos++ % LOG_RING_SIZE];
    *from = pos;
    return n;
}

void log_ring_clear(uint64_t upto)
{
    uint64_t cur = __atomic_load_n(&log_cleared, __ATOMIC_ACQUIRE);

    upto = MIN(upto, log_ring_head());
    while (cur < upto &&
           !__atomic_compare_exchange_n(&log_cleared, &cur, upto, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        ;
}
