// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest console output: HYPERVISOR_console_io(CONSOLEIO_write) from any
 * domain, and the 0xE9 debug port, are collected per line and printed as
 * "(dN) line", control characters shown as '?'; dom0's goes out unbuffered
 * and unfiltered, since its console is the user's terminal.  dom0 reads the serial console's input with CONSOLEIO_read
 * (common/console_input.c keeps it and raises VIRQ_CONSOLE).
 */
#include <asm/hvm_vcpu.h>
#include <keel/console.h>
#include <keel/access.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <public/xen.h>

#define CONSOLE_CHUNK       128
#define CONSOLE_MAX_WRITE   (64 * 1024)     /* per call; longer writes are cut */

static void flush_line(struct domain *d)
{
    printk("(d%u) %.*s\n", d->domid, (int)d->console_len, d->console_line);
    d->console_len = 0;
}

void domain_console_write(struct domain *d, const char *buf, uint32_t len)
{
    if (d->privileged) {        /* the user's terminal: as it comes, prompts too */
        console_guest_write(d->domid, buf, len);
        return;
    }
    for (uint32_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\n') {
            flush_line(d);
            continue;
        }
        if (c == '\r')
            continue;
        if ((uint8_t)c < 0x20 && c != '\t')
            c = '?';                /* no escape sequences from unprivileged guests */
        d->console_line[d->console_len++] = c;
        if (d->console_len == sizeof(d->console_line))
            flush_line(d);
    }
}

long do_console_io(struct vcpu *v, const uint64_t args[5])
{
    uint64_t cmd = args[0], count = args[1], gva = args[2];
    char chunk[CONSOLE_CHUNK];

    switch (cmd) {
    case CONSOLEIO_write:
        if (count > CONSOLE_MAX_WRITE)
            count = CONSOLE_MAX_WRITE;
        for (uint64_t done = 0; done < count;) {
            uint64_t n = MIN(count - done, sizeof(chunk));
            if (copy_from_guest(v, chunk, gva + done, n) < 0)
                return -EFAULT;
            domain_console_write(v->domain, chunk, (uint32_t)n);
            done += n;
        }
        return 0;
    case CONSOLEIO_read: {
        uint32_t n;
        if (access_privileged(v->domain))
            return -EPERM;
        n = console_input_read(chunk, (uint32_t)MIN(count, sizeof(chunk)));
        if (n && copy_to_guest(v, gva, chunk, n) < 0)
            return -EFAULT;
        return n;
    }
    default:
        return -ENOSYS;
    }
}
