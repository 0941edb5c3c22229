// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reset, power off and halt.  Reset tries the FADT's reset register, the
 * 0xCF9 reset-control register, the keyboard controller, then a triple
 * fault.  Power off enters ACPI S5 through the FADT's PM1 control blocks
 * with the DSDT's \_S5 values; a non-zero status is first reported through
 * QEMU's isa-debug-exit device (port 0xf4) when Keel runs in a virtual
 * machine, so tests see failures.
 */
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <keel/lib.h>
#include <keel/machine.h>

#define KBC_STATUS      0x64
#define KBC_CMD_RESET   0xfe
#define RESET_CONTROL   0xcf9
#define DEBUG_EXIT_PORT 0xf4
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN      (1u << 13)

void machine_halt(void)
{
    halt_forever();
}

static void gas_write(const struct acpi_gas *g, uint32_t v)
{
    if (g->space_id == ACPI_SPACE_IO && g->address && g->address <= 0xffff) {
        if (g->bit_width == 8)
            outb((uint16_t)g->address, (uint8_t)v);
        else if (g->bit_width == 32)
            outl((uint16_t)g->address, v);
        else
            outw((uint16_t)g->address, (uint16_t)v);
    } else if (g->space_id == ACPI_SPACE_MEMORY && g->address) {
        volatile uint8_t *p = ioremap(g->address, 4);
        if (p)
            *p = (uint8_t)v;
    }
}

static void acpi_reset(void)
{
    const struct acpi_fadt *f = &acpi_boot_info.fadt;

    if (f->present && f->reset_supported)
        gas_write(&f->reset_reg, f->reset_value);
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
    acpi_reset();
    mdelay(50);
    outb(RESET_CONTROL, 0x02);
    outb(RESET_CONTROL, 0x06);
    mdelay(50);
    kbc_reset();
    mdelay(50);
    triple_fault();
    halt_forever();
}

static void acpi_enter_s5(void)
{
    const struct acpi_info *a = &acpi_boot_info;

    if (!a->fadt.present || !a->s5_valid || !a->fadt.pm1a_cnt.address) {
        printk(KLOG_WARNING "poweroff: no ACPI S5 (FADT or \\_S5 missing)\n");
        return;
    }
    printk(KLOG_INFO "poweroff: entering ACPI S5\n");
    gas_write(&a->fadt.pm1a_cnt, (uint32_t)a->s5_slp_typa << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);
    if (a->fadt.pm1b_cnt.address)
        gas_write(&a->fadt.pm1b_cnt,
                  (uint32_t)a->s5_slp_typb << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);
    mdelay(100);
}

void machine_poweroff(uint32_t status)
{
    __asm__ volatile("cli");
    machine_stop_other_cpus(false);
    printk(KLOG_INFO "poweroff: status %u\n", status);
    if (status && cpu_features.hypervisor)
        outl(DEBUG_EXIT_PORT, status);
    acpi_enter_s5();
    printk(KLOG_WARNING "poweroff: the machine did not power off; halted\n");
    if (cpu_features.hypervisor)
        outl(DEBUG_EXIT_PORT, status ? status : 0xff);
    halt_forever();
}
