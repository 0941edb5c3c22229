// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console input for dom0: a timer on the boot CPU polls the serial console
 * every 10 ms (the UART's interrupt line belongs to dom0's IOAPIC), keeps
 * what arrives in a ring (the oldest bytes are dropped when it overflows)
 * and raises VIRQ_CONSOLE in dom0, which reads the ring with
 * HYPERVISOR_console_io(CONSOLEIO_read).
 */
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/lib.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <public/xen.h>

#define INPUT_RING_SIZE 1024        /* a power of two */
#define POLL_PERIOD     MILLISECS(10)

static char ring[INPUT_RING_SIZE];
static uint32_t ring_head, ring_tail;   /* producer, consumer (free-running) */
static DEFINE_SPINLOCK(input_lock);
static struct timer poll_timer;

static void poll_serial(void *unused)
{
    unsigned long flags;
    bool got = false;
    int c;

    flags = spin_lock_irqsave(&input_lock);
    while ((c = serial_getc(0)) >= 0) {
        ring[ring_head++ % INPUT_RING_SIZE] = (char)c;
        if (ring_head - ring_tail > INPUT_RING_SIZE)
            ring_tail = ring_head - INPUT_RING_SIZE;    /* overflow: drop the oldest */
        got = true;
    }
    spin_unlock_irqrestore(&input_lock, flags);
    if (got) {
        struct domain *dom0 = domain_by_id(0);
        if (dom0 && dom0->privileged)
            send_guest_global_virq(dom0, VIRQ_CONSOLE);
    }
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}

void console_input_start(void)
{
    init_timer(&poll_timer, poll_serial, NULL, 0);
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}

uint32_t console_input_read(char *buf, uint32_t len)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    uint32_t n = 0;

    while (n < len && ring_tail != ring_head)
        buf[n++] = ring[ring_tail++ % INPUT_RING_SIZE];
    spin_unlock_irqrestore(&input_lock, flags);
    return n;
}
