// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time: the TSC is Keel's clock.  Its frequency is calibrated against the
 * HPET, else the ACPI PM timer, else PIT channel 2; NOW() is nanoseconds
 * since calibration, the same on every CPU (Keel relies on synchronised
 * TSCs and says whether the TSC is invariant).  The wall clock at boot comes
 * from the CMOS RTC.  Per-CPU one-shot timer interrupts go through the local
 * APIC (apic.c); the timer queues are common/timer.c.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/panic.h>
#include <keel/softirq.h>
#include <keel/timer.h>

#define CALIBRATE_MS    100
#define PIT_HZ          1193182
#define PIT_CALIBRATE_MS 50         /* the 16-bit count's limit is 54 ms */
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PIT_GATE        0x61
#define PMTMR_HZ        3579545
#define HPET_GCAP       0x000
#define HPET_CONFIG     0x010
#define HPET_COUNTER    0x0f0
#define HPET_ENABLE     0x1
#define FALLBACK_KHZ    2000000     /* used only if no reference counts */
#define SPIN_LIMIT      200000000u

static uint64_t tsc_rate_khz;
static uint64_t tsc_base;           /* TSC at NOW() == 0 */
static uint64_t ns_per_tsc_mul;     /* ns = ticks * mul >> 32 */
static uint64_t tsc_per_ns_mul;     /* ticks = ns * mul >> 32 */
static const char *tsc_source = "none";
static uint64_t boot_wallclock;     /* seconds since 1970 at NOW() == 0 */

uint64_t tsc_khz(void)
{
    return tsc_rate_khz;
}

/* The TSC ticks per CALIBRATE_MS, measured while the PIT counts down
 * PIT_CALIBRATE_MS; 0 if it never finished counting. */
static uint64_t calibrate_with_pit(void)
{
    uint16_t count = PIT_HZ * PIT_CALIBRATE_MS / 1000;
    uint8_t gate = inb(PIT_GATE);
    uint64_t t0;
    uint32_t spins = 0;

    outb(PIT_GATE, (gate & ~0x02) | 0x01);     /* speaker off, gate on */
    outb(PIT_CMD, 0xb0);                        /* ch2, lo/hi, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    t0 = rdtsc();
    while (!(inb(PIT_GATE) & 0x20))
        if (++spins > SPIN_LIMIT)
            return 0;
    outb(PIT_GATE, gate);
    return (rdtsc() - t0) * CALIBRATE_MS / PIT_CALIBRATE_MS;
}

/* A free-running reference counter to calibrate the TSC against. */
struct refclock {
    uint64_t (*read)(void);
    uint64_t hz;
    uint64_t mask;      /* counter width */
};

static uint16_t pmtmr_port;
static uint64_t pmtmr_mask;
static volatile uint64_t *hpet_regs;
static uint64_t hpet_hz, hpet_mask;

static uint64_t pmtmr_read(void)
{
    return inl(pmtmr_port);
}

static uint64_t hpet_read(void)
{
    return hpet_regs[HPET_COUNTER / 8];
}

/* A (TSC, reference) pair read close together: of a few tries, the one
 * with the shortest TSC window around the reference read (slow under
 * emulation, and a preempted read would skew the result). */
static void sample_pair(const struct refclock *rc, uint64_t *tsc, uint64_t *ref)
{
    uint64_t best = ~0ULL;

    for (int i = 0; i < 8; i++) {
        uint64_t t0 = rdtsc(), r = rc->read(), t1 = rdtsc();
        if (t1 - t0 < best) {
            best = t1 - t0;
            *tsc = t0 + (t1 - t0) / 2;
            *ref = r;
        }
    }
}

/* TSC ticks per CALIBRATE_MS of the reference clock; 0 if it does not count. */
static uint64_t calibrate_against(const struct refclock *rc)
{
    uint64_t tsc0, ref0, tsc1, ref1, target = rc->hz * CALIBRATE_MS / 1000, elapsed;
    uint32_t spins = 0;

    sample_pair(rc, &tsc0, &ref0);
    while (((rc->read() - ref0) & rc->mask) < target)
        if (++spins > SPIN_LIMIT)
            return 0;
    sample_pair(rc, &tsc1, &ref1);
    elapsed = (ref1 - ref0) & rc->mask;
    if (elapsed == 0)
        return 0;
    /* Scale to exactly CALIBRATE_MS of the reference. */
    return (tsc1 - tsc0) * target / elapsed;
}

/* The rate in kHz of a counter that counts up (wrapping at mask), measured
 * against the calibrated TSC over CLOCK_MEASURE_MS.  Each end is a TSC
 * window around one read of the counter, the tightest of several: under an
 * emulator a read may wait for a lock or for the host to run this CPU again,
 * and a count taken around such a wait made the APIC timer look up to five
 * times faster than it is (and every timer fire that much late). */
#define CLOCK_MEASURE_MS    10
uint64_t clock_khz_against_tsc(uint64_t (*read)(void), uint64_t mask)
{
    struct refclock rc = { read, 0, mask };
    uint64_t tsc0, ref0, tsc1, ref1, window = tsc_rate_khz * CLOCK_MEASURE_MS;

    BUG_ON(tsc_rate_khz == 0);
    sample_pair(&rc, &tsc0, &ref0);
    while (rdtsc() - tsc0 < window)
        cpu_relax();
    sample_pair(&rc, &tsc1, &ref1);
    return ((ref1 - ref0) & mask) * tsc_rate_khz / (tsc1 - tsc0);
}

static uint64_t calibrate_with_pmtimer(const struct acpi_fadt *fadt)
{
    struct refclock rc = { pmtmr_read, PMTMR_HZ,
                           fadt->pm_timer_32bit ? 0xffffffffu : 0xffffffu };

    if (!pmtmr_port)
        return 0;
    return calibrate_against(&rc);
}

/* The FADT's PM timer, if it has one, for calibration and refclock_watch. */
static void pmtimer_find(const struct acpi_fadt *fadt)
{
    if (fadt->pm_timer.space_id != ACPI_SPACE_IO || !fadt->pm_timer.address ||
        fadt->pm_timer.address > 0xffff)
        return;
    pmtmr_port = (uint16_t)fadt->pm_timer.address;
    pmtmr_mask = fadt->pm_timer_32bit ? 0xffffffffu : 0xffffffu;
}

static uint64_t calibrate_with_hpet(const struct acpi_hpet *hpet)
{
    uint64_t period_fs, config, ticks;
    struct refclock rc = { hpet_read, 0, ~0ULL };

    if (!hpet->present || hpet->base.space_id != ACPI_SPACE_MEMORY)
        return 0;
    hpet_regs = ioremap(hpet->base.address, 1024);
    if (!hpet_regs)
        return 0;
    period_fs = hpet_regs[HPET_GCAP / 8] >> 32;
    if (period_fs == 0 || period_fs > 100000000)    /* the spec's 100 ns limit */
        return 0;
    rc.hz = 1000000000000000ULL / period_fs;
    if (!(hpet->counter_64bit))
        rc.mask = 0xffffffffu;
    hpet_hz = rc.hz;
    hpet_mask = rc.mask;
    config = hpet_regs[HPET_CONFIG / 8];
    hpet_regs[HPET_CONFIG / 8] = config | HPET_ENABLE;
    ticks = calibrate_against(&rc);
    hpet_regs[HPET_CONFIG / 8] = config;
    return ticks;
}

static void set_tsc_rate(uint64_t ticks, const char *source)
{
    tsc_rate_khz = ticks / CALIBRATE_MS;
    tsc_source = source;
    ns_per_tsc_mul = (1000000ULL << 32) / tsc_rate_khz;
    tsc_per_ns_mul = (tsc_rate_khz << 32) / 1000000ULL;
    tsc_base = rdtsc();
}

void time_init(const struct acpi_info *acpi)
{
    uint64_t ticks;

    pmtimer_find(&acpi->fadt);
    if ((ticks = calibrate_with_hpet(&acpi->hpet)))
        set_tsc_rate(ticks, "HPET");
    else if ((ticks = calibrate_with_pmtimer(&acpi->fadt)))
        set_tsc_rate(ticks, "ACPI PM timer");
    else if ((ticks = calibrate_with_pit()))
        set_tsc_rate(ticks, "PIT");
    else {
        set_tsc_rate(FALLBACK_KHZ * CALIBRATE_MS, "nothing (guessed)");
        pr_warn("time: no HPET, PM timer or PIT counted; TSC rate guessed\n");
    }
    boot_wallclock = rtc_read_seconds();
    pr_info("time: TSC %lu.%03lu MHz calibrated against the %s, %sinvariant\n",
            tsc_rate_khz / 1000, tsc_rate_khz % 1000, tsc_source,
            cpu_features.invariant_tsc ? "" : "NOT ");
}

const char *time_tsc_source(void)
{
    return tsc_source;
}

uint64_t wallclock_at_boot(void)
{
    return boot_wallclock;
}

s_time_t NOW(void)
{
    uint64_t ticks = rdtsc() - tsc_base;

    return (s_time_t)(((unsigned __int128)ticks * ns_per_tsc_mul) >> 32);
}

s_time_t tsc_to_ns(uint64_t tsc)
{
    if (tsc <= tsc_base)
        return 0;
    return (s_time_t)(((unsigned __int128)(tsc - tsc_base) * ns_per_tsc_mul) >> 32);
}

uint64_t ns_to_tsc(s_time_t ns)
{
    if (ns <= 0)
        return tsc_base;
    return tsc_base + (uint64_t)(((unsigned __int128)(uint64_t)ns * tsc_per_ns_mul) >> 32);
}

/* ---- a second clock for self tests ---------------------------------------
 * The ACPI PM timer (else the HPET), followed over an interval alongside
 * NOW(), so a self test can say how long the interval was on a clock other
 * than the TSC: a miscalibrated TSC shows, and unlike the host's clock the
 * comparison does not depend on how fast the machine runs.  The counter's
 * wraps are followed by refclock_watch_poll(), which must run more often
 * than the counter wraps (4.6 s for a 24-bit PM timer).  One watch at a
 * time, on one CPU. */
static struct refclock watch_rc;
static uint64_t watch_last, watch_ticks, watch_hpet_config;
static s_time_t watch_now0;

const char *refclock_watch_start(void)
{
    uint64_t tsc;

    if (pmtmr_port) {
        watch_rc = (struct refclock){ pmtmr_read, PMTMR_HZ, pmtmr_mask };
    } else if (hpet_regs && hpet_hz) {
        watch_rc = (struct refclock){ hpet_read, hpet_hz, hpet_mask };
        watch_hpet_config = hpet_regs[HPET_CONFIG / 8];
        hpet_regs[HPET_CONFIG / 8] = watch_hpet_config | HPET_ENABLE;
    } else {
        watch_rc.read = NULL;
        return NULL;
    }
    sample_pair(&watch_rc, &tsc, &watch_last);
    watch_now0 = tsc_to_ns(tsc);
    watch_ticks = 0;
    return pmtmr_port ? "ACPI PM timer" : "HPET";
}

void refclock_watch_poll(void)
{
    uint64_t now;

    if (!watch_rc.read)
        return;
    now = watch_rc.read();
    watch_ticks += (now - watch_last) & watch_rc.mask;
    watch_last = now;
}

/* End the watch: the nanoseconds of the reference clock and (in *now_ns)
 * of NOW() since refclock_watch_start(), read at the same moment. */
s_time_t refclock_watch_end(s_time_t *now_ns)
{
    uint64_t tsc, ref;

    if (!watch_rc.read) {
        *now_ns = 0;
        return 0;
    }
    refclock_watch_poll();
    sample_pair(&watch_rc, &tsc, &ref);
    watch_ticks += (ref - watch_last) & watch_rc.mask;
    *now_ns = tsc_to_ns(tsc) - watch_now0;
    if (watch_rc.read == hpet_read)
        hpet_regs[HPET_CONFIG / 8] = watch_hpet_config;
    watch_rc.read = NULL;
    return (s_time_t)(watch_ticks / watch_rc.hz * 1000000000u +
                      watch_ticks % watch_rc.hz * 1000000000u / watch_rc.hz);
}

static void timer_interrupt(struct cpu_regs *regs)
{
    apic_eoi();
    raise_softirq(TIMER_SOFTIRQ);
}

/* This CPU's timer interrupt: calibrated, wired to the timer softirq. */
void time_init_timer_interrupt(void)
{
    apic_timer_calibrate();
    set_irq_handler(TIMER_VECTOR, timer_interrupt);
}

/* The timer queues' hook: fire this CPU's timer interrupt at 'deadline'. */
void arch_timer_program(s_time_t deadline)
{
    apic_timer_program(deadline ? ns_to_tsc(deadline) : 0);
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
