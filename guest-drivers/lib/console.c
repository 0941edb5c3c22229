// SPDX-License-Identifier: MIT
/*
 * Console output of the guest library: a line buffer flushed on '\n' (or
 * when full) to HYPERVISOR_console_io(CONSOLEIO_write), or to the debug port
 * 0xE9 before hypercalls work or once console_io has failed (a domU may be
 * refused console_io; both Xen and Keel print port 0xE9 output).
 */
#include <public/xen.h>
#include "console.h"
#include "cpu.h"
#include "hypercall.h"
#include "lib.h"

#define DEBUG_PORT 0xe9

static char line[256];
static size_t line_len;
static bool use_console_io;

void console_use_hypercall(bool enable)
{
    console_flush();
    use_console_io = enable;
}

void console_write_raw(const char *s, size_t n)
{
    if (use_console_io && hypercall_get_mode() != HYPERCALL_NONE) {
        long rc = hyp_console_io(CONSOLEIO_write, (unsigned int)n, s);
        if (rc >= 0)
            return;
        use_console_io = false;
    }
    for (size_t i = 0; i < n; i++)
        outb(DEBUG_PORT, (uint8_t)s[i]);
}

void console_flush(void)
{
    if (line_len) {
        console_write_raw(line, line_len);
        line_len = 0;
    }
}

void console_putc(char c)
{
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof(line))
        console_flush();
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[256];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = strnlen(buf, sizeof(buf));
    for (size_t i = 0; i < len; i++)
        console_putc(buf[i]);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
