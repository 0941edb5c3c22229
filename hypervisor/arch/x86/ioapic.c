// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt controllers Keel does not use itself: the 8259 PIC pair is
 * remapped to vectors 0x20-0x2f (so a stray legacy interrupt cannot look like
 * an exception) and fully masked; every IOAPIC pin is masked.  Dom0 will be
 * given the IOAPICs later.
 */
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <keel/lib.h>

#define PIC1_CMD    0x20
#define PIC1_DATA   0x21
#define PIC2_CMD    0xa0
#define PIC2_DATA   0xa1

#define IOAPIC_REGSEL   0x00
#define IOAPIC_WINDOW   0x10
#define IOAPIC_REG_ID   0x00
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define IOAPIC_MASKED   (1u << 16)

void pic_disable(void)
{
    outb(PIC1_CMD, 0x11);       /* ICW1: init, ICW4 needed */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, 0x20);      /* ICW2: vector base */
    outb(PIC2_DATA, 0x28);
    outb(PIC1_DATA, 0x04);      /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);      /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xff);      /* mask everything */
    outb(PIC2_DATA, 0xff);
}

static uint32_t ioapic_read(volatile uint32_t *base, uint32_t reg)
{
    base[IOAPIC_REGSEL / 4] = reg;
    return base[IOAPIC_WINDOW / 4];
}

static void ioapic_write(volatile uint32_t *base, uint32_t reg, uint32_t v)
{
    base[IOAPIC_REGSEL / 4] = reg;
    base[IOAPIC_WINDOW / 4] = v;
}

void ioapic_init(const struct acpi_info *acpi)
{
    for (uint32_t i = 0; i < acpi->nr_ioapics; i++) {
        const struct acpi_ioapic *io = &acpi->ioapics[i];
        volatile uint32_t *base = ioremap(io->address, PAGE_SIZE);
        uint32_t pins;

        if (!base) {
            pr_warn("ioapic: cannot map IOAPIC %u at 0x%x, ignored\n", io->id, io->address);
            continue;
        }
        pins = ((ioapic_read(base, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
        for (uint32_t pin = 0; pin < pins; pin++)
            ioapic_write(base, IOAPIC_REDIR(pin), IOAPIC_MASKED);
        pr_info("ioapic: IOAPIC %u at 0x%x, GSIs %u-%u, all masked\n", io->id, io->address,
                io->gsi_base, io->gsi_base + pins - 1);
    }
}
