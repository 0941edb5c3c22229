// SPDX-License-Identifier: GPL-2.0-only
/*
 * Early time: the TSC frequency calibrated against PIT channel 2 (50 ms
 * gate), and busy-wait delays built on it.  The full time subsystem (HPET
 * and PM-timer calibration, per-CPU timers) builds on this.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <keel/lib.h>
#include <keel/machine.h>

#define PIT_HZ          1193182
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PIT_GATE        0x61
#define CALIBRATE_MS    50
#define FALLBACK_KHZ    2000000     /* used only if the PIT never counts down */

static uint64_t tsc_rate_khz;

uint64_t tsc_khz(void)
{
    return tsc_rate_khz;
}

static uint64_t pit_measure_tsc_ticks(void)
{
    uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
    uint8_t gate = inb(PIT_GATE);
    uint64_t t0, t1;
    uint32_t spins = 0;

    outb(PIT_GATE, (gate & ~0x02) | 0x01);     /* speaker off, gate on */
    outb(PIT_CMD, 0xb0);                        /* ch2, lo/hi, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    t0 = rdtsc();
    while (!(inb(PIT_GATE) & 0x20)) {
        if (++spins > 100000000)
            return 0;
    }
    t1 = rdtsc();
    outb(PIT_GATE, gate);
    return t1 - t0;
}

void tsc_calibrate(void)
{
    uint64_t ticks = pit_measure_tsc_ticks();

    if (ticks == 0) {
        tsc_rate_khz = FALLBACK_KHZ;
        pr_warn("time: PIT did not count; assuming a %lu MHz TSC\n", tsc_rate_khz / 1000);
        return;
    }
    tsc_rate_khz = ticks / CALIBRATE_MS;
    pr_info("time: TSC %lu.%03lu MHz (PIT calibration)\n",
            tsc_rate_khz / 1000, tsc_rate_khz % 1000);
}

void udelay(uint64_t us)
{
    uint64_t khz = tsc_rate_khz ? tsc_rate_khz : FALLBACK_KHZ;
    uint64_t end = rdtsc() + us * khz / 1000;

    while (rdtsc() < end)
        cpu_relax();
}

void mdelay(uint64_t ms)
{
    while (ms--)
        udelay(1000);
}
