// SPDX-License-Identifier: GPL-2.0-only
/*
 * Serial console input: a timer on the boot CPU polls the serial console
 * every 10 ms (the UART's interrupt line belongs to dom0's IOAPIC).  Input
 * goes to dom0 or to Keel's debug keys (keel/keyhandler.h); CTRL-a three
 * times in a row switches between them, as on Xen, and fewer are passed on.
 * Without a control domain every key is Keel's.  For dom0, what arrives is
 * kept in a ring (the oldest bytes are dropped when it overflows) and
 * VIRQ_CONSOLE is raised; dom0 reads the ring with
 * HYPERVISOR_console_io(CONSOLEIO_read).
 */
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/keyhandler.h>
#include <keel/lib.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <public/xen.h>

#define INPUT_RING_SIZE 1024        /* a power of two */
#define POLL_PERIOD     MILLISECS(10)

#define SWITCH_CHAR     0x01        /* CTRL-a */

static char ring[INPUT_RING_SIZE];
static uint32_t ring_head, ring_tail;   /* producer, consumer (free-running) */
static DEFINE_SPINLOCK(input_lock);
static struct timer poll_timer;
static bool input_to_keel;              /* only the poll timer touches these */
static uint32_t switch_count;

/* dom0, referenced (domain_put), or NULL. */
static struct domain *control_domain(void)
{
    struct domain *d = domain_get(0);

    if (d && !d->privileged) {
        domain_put(d);
        d = NULL;
    }
    return d;
}

static void to_dom0(char c)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);

    ring[ring_head++ % INPUT_RING_SIZE] = c;
    if (ring_head - ring_tail > INPUT_RING_SIZE)
        ring_tail = ring_head - INPUT_RING_SIZE;    /* overflow: drop the oldest */
    spin_unlock_irqrestore(&input_lock, flags);
}

static void switch_input(void)
{
    input_to_keel = !input_to_keel;
    printk("*** Serial input to %s (type 'CTRL-a' three times to switch input)\n",
           input_to_keel ? "Keel" : "dom0");
}

/* One character: a switch, a debug key, or dom0's.  True if dom0 got it. */
static bool take_char(char c, bool have_dom0)
{
    bool to_guest = false;

    if (c == SWITCH_CHAR && have_dom0) {
        if (++switch_count == 3) {
            switch_count = 0;
            switch_input();
        }
        return false;
    }
    for (; switch_count; switch_count--) {      /* one or two CTRL-a: not a switch */
        if (!input_to_keel) {
            to_dom0(SWITCH_CHAR);
            to_guest = true;
        }
    }
    if (input_to_keel || !have_dom0) {
        keyhandler_press(c);
        return to_guest;
    }
    to_dom0(c);
    return true;
}

static void poll_serial(void *unused)
{
    struct domain *dom0 = control_domain();
    bool got = false;
    int c;

    for (uint32_t n = 0; n < INPUT_RING_SIZE && (c = serial_getc(0)) >= 0; n++)
        got |= take_char((char)c, dom0 != NULL);
    if (got && dom0)
        send_guest_global_virq(dom0, VIRQ_CONSOLE);
    if (dom0)
        domain_put(dom0);
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
