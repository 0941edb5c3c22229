// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reset, power off and halt.  Reset tries the keyboard controller, then the
 * 0xCF9 reset-control register, then a triple fault.  Power off reports the
 * status through QEMU's isa-debug-exit device (port 0xf4) when Keel runs in a
 * virtual machine; ACPI S5 comes with the ACPI work.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <keel/lib.h>
#include <keel/machine.h>

#define KBC_STATUS      0x64
#define KBC_CMD_RESET   0xfe
#define RESET_CONTROL   0xcf9
#define DEBUG_EXIT_PORT 0xf4

void machine_halt(void)
{
    halt_forever();
}

static void kbc_reset(void)
{
    for (int i = 0; i < 100000 && (inb(KBC_STATUS) & 0x02); i++)
        ;
    outb(KBC_STATUS, KBC_CMD_RESET);
}

static void triple_fault(void)
{
    static const struct __packed { uint16_t limit; uint64_t base; } null_idt = { 0, 0 };

    __asm__ volatile("lidt %0; int3" : : "m"(null_idt));
}

void machine_restart(void)
{
    printk(KLOG_WARNING "reboot: restarting the machine\n");
    kbc_reset();
    mdelay(50);
    outb(RESET_CONTROL, 0x02);
    outb(RESET_CONTROL, 0x06);
    mdelay(50);
    triple_fault();
    halt_forever();
}

void machine_poweroff(uint32_t status)
{
    printk(KLOG_INFO "poweroff: status %u\n", status);
    if (cpu_features.hypervisor)
        outl(DEBUG_EXIT_PORT, status);
    printk(KLOG_WARNING "poweroff: the machine did not power off; halted\n");
    halt_forever();
}
