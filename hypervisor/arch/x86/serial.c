// SPDX-License-Identifier: GPL-2.0-only
/*
 * ns16550 UART driver for the hypervisor console, polled.  Two ports:
 * COM1 (0x3f8) and COM2 (0x2f8) by default.  Settings string, as Xen's:
 *     <baud>[,<data bits><parity n|o|e|m|s><stop bits>][,<io-base>]
 * e.g. "115200", "115200,8n1", "57600,8n1,0x2e8".
 */
#include <asm/io.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define UART_CLOCK_HZ   1843200
#define UART_THR        0
#define UART_DLL        0
#define UART_IER        1
#define UART_DLM        1
#define UART_FCR        2
#define UART_LCR        3
#define UART_MCR        4
#define UART_LSR        5
#define LCR_DLAB        0x80
#define LSR_THRE        0x20
#define LSR_DR          0x01        /* a received byte is waiting */
#define UART_RBR        0
#define SPIN_LIMIT      100000      /* a stuck or absent UART must not hang us */

struct uart {
    uint16_t io_base;
    bool enabled;
};

static struct uart uarts[2] = {
    { 0x3f8, false },
    { 0x2f8, false },
};

struct uart_settings {
    uint32_t baud;
    uint8_t lcr;
    uint16_t io_base;
};

static int parse_dps(const char *s, uint8_t *lcr)
{
    static const char parities[] = "noems";
    static const uint8_t parity_bits[] = { 0x00, 0x08, 0x18, 0x28, 0x38 };
    const char *p;

    if (s[0] < '5' || s[0] > '8' || !s[1] || !(p = strchr(parities, s[1])) ||
        (s[2] != '1' && s[2] != '2'))
        return -EINVAL;
    *lcr = (uint8_t)((s[0] - '5') | (s[2] == '2' ? 0x04 : 0) | parity_bits[p - parities]);
    return 0;
}

static int parse_settings(const char *opts, struct uart_settings *st)
{
    char *end;
    unsigned long long v;

    if (!opts || !*opts)
        return 0;
    v = strtoull(opts, &end, 10);
    if (end == opts || v < 50 || v > 4000000)
        return -EINVAL;
    st->baud = (uint32_t)v;
    if (*end == ',' && end[1] >= '5' && end[1] <= '8') {
        if (parse_dps(end + 1, &st->lcr) < 0)
            return -EINVAL;
        end += 4;
    }
    if (*end == ',') {
        v = strtoull(end + 1, &end, 0);
        if (v == 0 || v > 0xfff8)
            return -EINVAL;
        st->io_base = (uint16_t)v;
    }
    return *end ? -EINVAL : 0;
}

/* Program port 0 (COM1) or 1 (COM2); opts NULL means the defaults. */
int serial_configure(unsigned int port, const char *opts)
{
    struct uart_settings st = { 115200, 0x03, uarts[port].io_base };
    uint32_t divisor;
    uint16_t io;

    if (port >= ARRAY_SIZE(uarts) || parse_settings(opts, &st) < 0)
        return -EINVAL;
    io = st.io_base;
    divisor = UART_CLOCK_HZ / 16 / st.baud;
    if (divisor == 0 || divisor > 0xffff)
        return -EINVAL;
    outb(io + UART_IER, 0);
    outb(io + UART_LCR, LCR_DLAB);
    outb(io + UART_DLL, divisor & 0xff);
    outb(io + UART_DLM, divisor >> 8);
    outb(io + UART_LCR, st.lcr);
    outb(io + UART_FCR, 0xc7);
    outb(io + UART_MCR, 0x03);
    uarts[port].io_base = io;
    uarts[port].enabled = true;
    return 0;
}

void serial_putc(unsigned int port, char c)
{
    const struct uart *u;

    if (port >= ARRAY_SIZE(uarts) || !uarts[port].enabled)
        return;
    u = &uarts[port];
    for (int i = 0; i < SPIN_LIMIT && !(inb(u->io_base + UART_LSR) & LSR_THRE); i++)
        ;
    outb(u->io_base + UART_THR, (uint8_t)c);
}

/* A received byte from the port, or -1 if none is waiting. */
int serial_getc(unsigned int port)
{
    const struct uart *u;

    if (port >= ARRAY_SIZE(uarts) || !uarts[port].enabled)
        return -1;
    u = &uarts[port];
    if (!(inb(u->io_base + UART_LSR) & LSR_DR))
        return -1;
    return inb(u->io_base + UART_RBR);
}
