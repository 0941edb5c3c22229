// SPDX-License-Identifier: GPL-2.0-only
/*
 * Local APIC driver.  x2APIC mode (MSRs) when CPUID offers it, xAPIC (MMIO,
 * mapped uncached) otherwise; the rest of Keel does not care which.  Sets up
 * the spurious, error and thermal vectors, sends IPIs, and runs the per-CPU
 * one-shot timer: TSC-deadline mode where the CPU has it, else the LAPIC
 * count-down timer calibrated against the TSC.
 */
#include <asm/apic.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/panic.h>
#include <keel/smp.h>

#define MSR_APIC_BASE           0x1b
#define APIC_BASE_ENABLE        (1UL << 11)
#define APIC_BASE_X2APIC        (1UL << 10)
#define MSR_X2APIC_FIRST        0x800
#define MSR_TSC_DEADLINE        0x6e0

#define APIC_ID                 0x020
#define APIC_VERSION            0x030
#define APIC_TPR                0x080
#define APIC_EOI                0x0b0
#define APIC_LDR                0x0d0
#define APIC_DFR                0x0e0
#define APIC_SVR                0x0f0
#define APIC_ESR                0x280
#define APIC_ICR_LOW            0x300
#define APIC_ICR_HIGH           0x310
#define APIC_LVT_TIMER          0x320
#define APIC_LVT_THERMAL        0x330
#define APIC_LVT_PERF           0x340
#define APIC_LVT_LINT0          0x350
#define APIC_LVT_LINT1          0x360
#define APIC_LVT_ERROR          0x370
#define APIC_TIMER_INITIAL      0x380
#define APIC_TIMER_CURRENT      0x390
#define APIC_TIMER_DIVIDE       0x3e0

#define APIC_SVR_ENABLE         0x100
#define APIC_LVT_MASKED         0x10000
#define APIC_TIMER_ONESHOT      0x00000
#define APIC_TIMER_TSC_DEADLINE 0x40000
#define APIC_ICR_BUSY           0x1000
#define APIC_DIVIDE_BY_1        0xb

static volatile uint32_t *xapic_mmio;
static bool x2apic;
static bool tsc_deadline;
static uint64_t apic_timer_khz;     /* count-down ticks per millisecond */

static uint32_t apic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return xapic_mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
    else
        xapic_mmio[reg / 4] = v;
}

bool apic_x2apic_mode(void)
{
    return x2apic;
}

const char *apic_mode_name(void)
{
    return x2apic ? "x2APIC" : "xAPIC";
}

const char *apic_timer_mode_name(void)
{
    return tsc_deadline ? "TSC-deadline" : "LAPIC one-shot";
}

void apic_init_bsp(uint64_t lapic_address)
{
    x2apic = cpu_features.x2apic;
    tsc_deadline = cpu_features.tsc_deadline;
    if (!x2apic) {
        if (!lapic_address)
            lapic_address = rdmsr(MSR_APIC_BASE) & PTE_ADDR;
        xapic_mmio = ioremap(lapic_address, PAGE_SIZE);
        if (!xapic_mmio)
            panic("cannot map the local APIC at 0x%lx", lapic_address);
    }
}

static void apic_spurious(struct cpu_regs *regs)
{
    /* No EOI for a spurious interrupt. */
}

static void apic_error(struct cpu_regs *regs)
{
    uint32_t esr;

    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    apic_eoi();
    pr_warn("apic: error interrupt on cpu %u, ESR 0x%x\n", smp_processor_id(), esr);
}

static void apic_thermal(struct cpu_regs *regs)
{
    apic_eoi();
    pr_warn("apic: thermal interrupt on cpu %u\n", smp_processor_id());
}

void apic_init_cpu(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

    if (x2apic)
        base |= APIC_BASE_X2APIC;
    wrmsr(MSR_APIC_BASE, base);
    if (!x2apic) {
        apic_write(APIC_DFR, 0xffffffff);           /* flat model */
        apic_write(APIC_LDR, 0);
    }
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
    apic_write(APIC_LVT_THERMAL, THERMAL_VECTOR);
    apic_write(APIC_LVT_PERF, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, APIC_DM_NMI);
    apic_write(APIC_LVT_ERROR, ERROR_VECTOR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
    apic_eoi();
    if (smp_processor_id() == 0) {
        set_irq_handler(SPURIOUS_VECTOR, apic_spurious);
        set_irq_handler(ERROR_VECTOR, apic_error);
        set_irq_handler(THERMAL_VECTOR, apic_thermal);
    }
}

uint32_t apic_read_id(void)
{
    return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    if (x2apic) {
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR_LOW >> 4), ((uint64_t)apic_id << 32) | icr_low);
        return;
    }
    for (uint32_t i = 0; i < 1000000 && (apic_read(APIC_ICR_LOW) & APIC_ICR_BUSY); i++)
        cpu_relax();
    apic_write(APIC_ICR_HIGH, apic_id << 24);
    apic_write(APIC_ICR_LOW, icr_low);
}

/* The count-down timer read as a counter that goes up, for calibration. */
static uint64_t apic_timer_count_up(void)
{
    return (uint32_t)~apic_read(APIC_TIMER_CURRENT);
}

/* LAPIC count-down ticks per millisecond, measured against the TSC. */
void apic_timer_calibrate(void)
{
    if (tsc_deadline) {
        apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_TSC_DEADLINE | TIMER_VECTOR);
        return;
    }
    apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
    apic_write(APIC_TIMER_INITIAL, 0xffffffff);
    apic_timer_khz = clock_khz_against_tsc(apic_timer_count_up, 0xffffffffULL);
    apic_write(APIC_TIMER_INITIAL, 0);
    if (apic_timer_khz == 0)
        panic("the local APIC timer does not count");
    pr_info("apic: timer %lu.%03lu MHz\n", apic_timer_khz / 1000, apic_timer_khz % 1000);
}

void apic_timer_program(uint64_t deadline_tsc)
{
    uint64_t now, ticks;

    if (tsc_deadline) {
        apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | TIMER_VECTOR);
        wrmsr(MSR_TSC_DEADLINE, deadline_tsc);
        return;
    }
    if (deadline_tsc == 0) {
        apic_write(APIC_TIMER_INITIAL, 0);
        return;
    }
    now = rdtsc();
    /* At most a second ahead (no overflow below); a timer further out is
     * simply reprogrammed when this one fires. */
    ticks = deadline_tsc > now ? MIN(deadline_tsc - now, tsc_khz() * 1000) : 0;
    ticks = MIN(MAX(ticks * apic_timer_khz / tsc_khz(), 1), 0xffffffffULL);
    apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
    apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | TIMER_VECTOR);
    apic_write(APIC_TIMER_INITIAL, (uint32_t)ticks);
}

int alloc_irq_vector(void)
{
    static int next = FIRST_DYNAMIC_VECTOR;

    if (next >= FIRST_SYSTEM_VECTOR)
        return -1;
    return next++;
}
