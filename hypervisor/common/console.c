// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console selection: console=com1,com2,none (a comma-separated list; com1 by
 * default) and the com1=/com2= serial settings.  Turns "\n" into "\r\n".
 */
#include <keel/console.h>
#include <keel/lib.h>
#include <keel/params.h>

#define CON_COM1    0x1
#define CON_COM2    0x2

static unsigned int console_mask = CON_COM1;

void console_init(void)
{
    serial_configure(0, NULL);
}

static unsigned int parse_console_list(const char *list)
{
    unsigned int mask = 0;
    const char *p = list;

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);

        if (n == 4 && !strncmp(p, "com1", 4))
            mask |= CON_COM1;
        else if (n == 4 && !strncmp(p, "com2", 4))
            mask |= CON_COM2;
        else if (n == 4 && !strncmp(p, "none", 4))
            ;
        else
            pr_warn("console: unknown console '%.*s' ignored (use com1, com2 or none)\n",
                    (int)n, p);
        p += n + (comma ? 1 : 0);
    }
    return mask;
}

void console_setup(void)
{
    if (opt_com1[0] && serial_configure(0, opt_com1) < 0)
        pr_warn("console: bad com1= settings '%s', keeping 115200 8n1 at 0x3f8\n", opt_com1);
    if (opt_com2[0] && serial_configure(1, opt_com2) < 0)
        pr_warn("console: bad com2= settings '%s'\n", opt_com2);
    if (opt_console[0]) {
        unsigned int mask = parse_console_list(opt_console);
        if (mask & CON_COM2)
            serial_configure(1, opt_com2[0] ? opt_com2 : NULL);
        console_mask = mask;
    }
}

void console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        for (unsigned int port = 0; port < 2; port++) {
            if (!(console_mask & (1u << port)))
                continue;
            if (s[i] == '\n')
                serial_putc(port, '\r');
            serial_putc(port, s[i]);
        }
    }
}
