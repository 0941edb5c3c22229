// SPDX-License-Identifier: GPL-2.0-only
/*
 * panic(): prints the reason, then halts for good, or reboots after panic=N
 * seconds.  noreboot keeps the machine halted whatever panic= says.  A panic
 * while panicking goes straight to the halt.
 */
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/panic.h>
#include <keel/params.h>

static bool panicking;

void panic(const char *fmt, ...)
{
    char reason[256];
    va_list ap;

    __asm__ volatile("cli");
    if (panicking)
        machine_halt();
    panicking = true;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    printk(KLOG_ERR "panic: %s\n", reason);
    machine_stop_other_cpus(true);

    if (opt_noreboot) {
        printk(KLOG_ERR "panic: halted (noreboot)\n");
        machine_halt();
    }
    if (opt_panic_timeout == 0) {
        printk(KLOG_ERR "panic: halted\n");
        machine_halt();
    }
    printk(KLOG_ERR "panic: rebooting in %lu seconds\n", opt_panic_timeout);
    mdelay(opt_panic_timeout * 1000);
    machine_restart();
}
