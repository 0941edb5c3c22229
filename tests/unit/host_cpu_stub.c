// SPDX-License-Identifier: GPL-2.0-only
/*
 * For single-threaded host tests of hypervisor code that takes locks: one
 * CPU, number 0, with interrupts "enabled".  Tests that simulate several
 * CPUs define these themselves instead.
 */
#include <keel/smp.h>

__thread unsigned long host_irq_flags = 0x200;

unsigned int smp_processor_id(void)
{
    return 0;
}

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* A lock-checker or BUG_ON panic in a host test fails that test. */
void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("panic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
