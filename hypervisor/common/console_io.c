// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest console output: HYPERVISOR_console_io(CONSOLEIO_write) from any
 * domain, and the 0xE9 debug port, are collected per line and printed as
 * "(dN) line".  Reading (CONSOLEIO_read, dom0's hvc0 input) is not
 * implemented yet and returns -ENOSYS.
 */
#include <asm/hvm_vcpu.h>
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
    for (uint32_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\n') {
            flush_line(d);
            continue;
        }
        if (c == '\r')
            continue;
        if ((uint8_t)c < 0x20 && c != '\t')
            c = '?';                /* no escape sequences onto Keel's console */
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
    case CONSOLEIO_read:
        return v->domain->privileged ? -ENOSYS : -EPERM;
    default:
        return -ENOSYS;
    }
}
