// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the guest virtual local APIC (hypervisor/arch/x86/hvm/
 * vlapic.c): registers, priorities, EOI, errors, IPIs, the x2APIC MSRs,
 * APIC_BASE mode switching and the timer.
 *
 * The test plays the arch and the vCPU code: NOW() is a fake clock, CPU 0's
 * fake one-shot timer fires TIMER_SOFTIRQ when the clock passes it (real
 * timer.c/softirq.c/spinlock.c run the vlapic's struct timer), and a fake
 * domain of up to MAX_VCPUS vCPUs implements struct vlapic_ops, recording
 * every deliver(), eoi() and kick().
 */
#include "ktest.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include <asm/vlapic.h>
#include <keel/errno.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/timer.h>

/* ---- The fake arch ------------------------------------------------------ */

__thread unsigned long host_irq_flags = 0x200;
static __thread unsigned int this_cpu;  /* the test thread is CPU 0 */
static s_time_t fake_now;
static s_time_t hw_deadline;

unsigned int smp_processor_id(void)
{
    return this_cpu;
}

s_time_t NOW(void)
{
    return fake_now;
}

void arch_timer_program(s_time_t deadline)
{
    hw_deadline = deadline;
}

void smp_send_event_check(unsigned int cpu)
{
    (void)cpu;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *xzalloc(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

/* Move the clock to t, firing the fake timer interrupt and softirqs. */
static void advance_to(s_time_t t)
{
    fake_now = t;
    if (hw_deadline != 0 && hw_deadline <= fake_now) {
        hw_deadline = 0;
        raise_softirq(TIMER_SOFTIRQ);
    }
    if (softirq_pending(0))
        do_softirq();
}

static void advance_by(s_time_t d)
{
    advance_to(fake_now + d);
}

/* ---- The fake domain ---------------------------------------------------- */

#define MAX_VCPUS 20
#define MAX_DELIVERIES 4096

struct fake_vcpu {
    struct vlapic vl;
    uint32_t id;
    unsigned int kicks;
    unsigned int eois[256];
};

struct delivery {
    uint32_t from, to;
    enum vlapic_dm mode;
    uint8_t vector;
    bool level;
};

static struct fake_vcpu vcpus[MAX_VCPUS];
static uint32_t nr_vcpus;
static struct delivery deliveries[MAX_DELIVERIES];
static unsigned int nr_deliveries;
static uint64_t tsc_offset;     /* guest TSC = 5/2 * NOW() + tsc_offset */

static uint32_t op_vcpu_count(void *ctx)
{
    (void)ctx;
    return nr_vcpus;
}

static struct vlapic *op_vlapic_of(void *ctx, uint32_t id)
{
    (void)ctx;
    return id < nr_vcpus ? &vcpus[id].vl : NULL;
}

static void op_deliver(void *ctx, uint32_t to, enum vlapic_dm mode,
                       uint8_t vector, bool level)
{
    struct fake_vcpu *from = ctx;

    CHECK(to < nr_vcpus);
    if (nr_deliveries < MAX_DELIVERIES)
        deliveries[nr_deliveries++] = (struct delivery){ from->id, to, mode, vector, level };
    if (mode == VLAPIC_DM_FIXED && vlapic_set_irq(&vcpus[to].vl, vector, level))
        vcpus[to].kicks++;
    if (mode == VLAPIC_DM_INIT)
        vlapic_init_signal(&vcpus[to].vl);
}

static void op_eoi(void *ctx, uint8_t vector)
{
    ((struct fake_vcpu *)ctx)->eois[vector]++;
}

static void op_kick(void *ctx)
{
    ((struct fake_vcpu *)ctx)->kicks++;
}

static unsigned int op_timer_cpu(void *ctx)
{
    (void)ctx;
    return 0;
}

static s_time_t op_tsc_to_ns(void *ctx, uint64_t tsc)
{
    (void)ctx;
    if (tsc < tsc_offset)
        return 0;
    return (s_time_t)((tsc - tsc_offset) * 2 / 5);
}

static const struct vlapic_ops fake_ops = {
    .vcpu_count = op_vcpu_count,
    .vlapic_of = op_vlapic_of,
    .deliver = op_deliver,
    .eoi = op_eoi,
    .kick = op_kick,
    .timer_cpu = op_timer_cpu,
    .guest_tsc_to_ns = op_tsc_to_ns,
};

/* n vCPUs, reset, software-enabled (SVR 0x1ff) unless told otherwise. */
static void setup_raw(uint32_t n)
{
    fake_now = 1000000;
    CHECK_EQ(timer_init(), 0);
    nr_vcpus = n;
    for (uint32_t i = 0; i < n; i++) {
        vcpus[i].id = i;
        vlapic_init(&vcpus[i].vl, i, &fake_ops, &vcpus[i]);
    }
}

static uint32_t rd(struct vlapic *vl, uint32_t off)
{
    uint64_t v = 0xdeadbeef;

    CHECK_EQ(vlapic_mmio_read(vl, off, 4, &v), 0);
    return (uint32_t)v;
}

static void wr(struct vlapic *vl, uint32_t off, uint32_t v)
{
    CHECK_EQ(vlapic_mmio_write(vl, off, 4, v), 0);
}

static void setup(uint32_t n)
{
    setup_raw(n);
    for (uint32_t i = 0; i < n; i++)
        wr(&vcpus[i].vl, APIC_REG_SVR, 0x1ff);
}

static uint32_t esr_latch(struct vlapic *vl)
{
    wr(vl, APIC_REG_ESR, 0);
    return rd(vl, APIC_REG_ESR);
}

static bool bit_in(struct vlapic *vl, uint32_t bank, unsigned int v)
{
    return (rd(vl, bank + (v / 32) * 0x10) >> (v % 32)) & 1;
}

static uint64_t msr_rd(struct vlapic *vl, uint32_t msr)
{
    uint64_t v = 0;

    CHECK_EQ(vlapic_msr_read(vl, msr, &v), 0);
    return v;
}

static void msr_wr(struct vlapic *vl, uint32_t msr, uint64_t v)
{
    CHECK_EQ(vlapic_msr_write(vl, msr, v), 0);
}

static void to_x2apic(struct vlapic *vl)
{
    msr_wr(vl, VLAPIC_MSR_APIC_BASE, vlapic_apic_base_read(vl) | VLAPIC_BASE_EXTD);
    CHECK(vlapic_x2apic_mode(vl));
}

/* ---- Reset state and basic registers ------------------------------------ */

TEST(reset_state)
{
    setup_raw(2);
    struct vlapic *vl = &vcpus[1].vl;

    CHECK_EQ(vlapic_apic_base_read(&vcpus[0].vl), 0xfee00000ULL | (1 << 11) | (1 << 8));
    CHECK_EQ(vlapic_apic_base_read(vl), 0xfee00000ULL | (1 << 11));
    CHECK(vlapic_mmio_enabled(vl));
    CHECK_EQ(vlapic_mmio_base(vl), 0xfee00000ULL);
    CHECK_EQ(rd(vl, APIC_REG_ID), 1u << 24);
    CHECK_EQ(vlapic_apic_id(vl), 1);
    CHECK_EQ(rd(vl, APIC_REG_VERSION), 0x00050014);
    CHECK_EQ(rd(vl, APIC_REG_SVR), 0xff);
    CHECK_EQ(rd(vl, APIC_REG_DFR), 0xffffffffu);
    CHECK_EQ(rd(vl, APIC_REG_LDR), 0);
    for (uint32_t off = APIC_REG_LVT_TIMER; off <= APIC_REG_LVT_ERROR; off += 0x10)
        CHECK_EQ(rd(vl, off), 0x10000);
    CHECK(!vlapic_sw_enabled(vl));
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    /* ID and version are read-only in xAPIC mode. */
    wr(vl, APIC_REG_ID, 7u << 24);
    wr(vl, APIC_REG_VERSION, 0);
    CHECK_EQ(rd(vl, APIC_REG_ID), 1u << 24);
    CHECK_EQ(rd(vl, APIC_REG_VERSION), 0x00050014);
    /* Writable masks: LDR top byte, DFR top nibble, TPR low byte. */
    wr(vl, APIC_REG_LDR, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_LDR), 0xff000000u);
    wr(vl, APIC_REG_DFR, 0);
    CHECK_EQ(rd(vl, APIC_REG_DFR), 0x0fffffffu);
    wr(vl, APIC_REG_TPR, 0x12345);
    CHECK_EQ(rd(vl, APIC_REG_TPR), 0x45);
    CHECK_EQ(vlapic_get_cr8(vl), 4);
    vlapic_set_cr8(vl, 0x1a);
    CHECK_EQ(rd(vl, APIC_REG_TPR), 0xa0);
    wr(vl, APIC_REG_SVR, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_SVR), 0x3ff);
    wr(vl, APIC_REG_TDCR, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_TDCR), 0xb);
    wr(vl, APIC_REG_ICR_HIGH, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_ICR_HIGH), 0xff000000u);
    CHECK_EQ(esr_latch(vl), 0);         /* none of that was an error */
}

TEST(mmio_odd_accesses)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;
    uint64_t v;

    wr(vl, APIC_REG_TPR, 0x5a);
    /* Sub-dword and straddling reads see the low 4 bytes of each slot. */
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_VERSION + 2, 1, &v), 0);
    CHECK_EQ(v, 0x05);
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_VERSION, 2, &v), 0);
    CHECK_EQ(v, 0x0014);
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_VERSION, 8, &v), 0);
    CHECK_EQ(v, 0x00050014);
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_TPR - 4, 8, &v), 0);
    CHECK_EQ(v, 0x5aULL << 32);                 /* bytes 12-15 of 0x70, then TPR */
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_TPR + 4, 4, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(esr_latch(vl), 0);
    /* Touching slot 0x40 (unimplemented) or past the page end. */
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_VERSION + 12, 8, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_ILLEGAL_REGISTER);
    CHECK_EQ(vlapic_mmio_read(vl, 0xfffffffe, 8, &v), 0);
    CHECK_EQ(v, 0);
    /* Writes other than 4/8 bytes at a register's offset are dropped. */
    CHECK_EQ(vlapic_mmio_write(vl, APIC_REG_TPR, 1, 0x11), 0);
    CHECK_EQ(vlapic_mmio_write(vl, APIC_REG_TPR + 1, 4, 0x22), 0);
    CHECK_EQ(vlapic_mmio_write(vl, APIC_REG_TPR + 4, 4, 0x33), 0);
    CHECK_EQ(vlapic_mmio_write(vl, 0x1000, 4, 0x44), 0);
    CHECK_EQ(rd(vl, APIC_REG_TPR), 0x5a);
    CHECK_EQ(vlapic_mmio_write(vl, APIC_REG_TPR, 8, 0xffffffff00000066ULL), 0);
    CHECK_EQ(rd(vl, APIC_REG_TPR), 0x66);
    CHECK_EQ(esr_latch(vl), 0);
    /* Unimplemented registers read 0 and log an illegal register address. */
    CHECK_EQ(rd(vl, 0x000), 0);
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_ILLEGAL_REGISTER);
    wr(vl, APIC_REG_LVT_CMCI, 0x30);
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_ILLEGAL_REGISTER);
    wr(vl, APIC_REG_SELF_IPI, 0x30);    /* x2APIC only */
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_ILLEGAL_REGISTER);
    CHECK(!bit_in(vl, APIC_REG_IRR, 0x30));
    wr(vl, 0x800, 1);
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_ILLEGAL_REGISTER);
    CHECK_EQ(esr_latch(vl), 0);
}

/* ---- IRR / ISR / TMR and priorities ------------------------------------- */

TEST(irr_isr_tmr_every_vector)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    for (unsigned int v = 16; v < 256; v++) {
        bool level = v % 3 == 0;

        CHECK(vlapic_set_irq(vl, v, level));
        for (unsigned int w = 0; w < 256; w++) {
            if (bit_in(vl, APIC_REG_IRR, w) != (w == v))
                CHECK_EQ(w, v);
            if (w == v && bit_in(vl, APIC_REG_TMR, w) != level)
                CHECK_EQ(w, 0x1000 + v);
        }
        CHECK_EQ(vlapic_has_pending_irq(vl), v);
        vlapic_ack_irq(vl, v);
        CHECK(!bit_in(vl, APIC_REG_IRR, v));
        CHECK(bit_in(vl, APIC_REG_ISR, v));
        CHECK_EQ(rd(vl, APIC_REG_PPR), v & 0xf0);
        CHECK_EQ(vlapic_has_pending_irq(vl), -1);
        wr(vl, APIC_REG_EOI, 0);
        CHECK(!bit_in(vl, APIC_REG_ISR, v));
        CHECK_EQ(rd(vl, APIC_REG_PPR), 0);
        CHECK_EQ(vcpus[0].eois[v], level ? 1 : 0);
    }
    /* All at once: each is in IRR, the highest comes first. */
    for (unsigned int v = 16; v < 256; v++)
        vlapic_set_irq(vl, v, false);
    for (unsigned int i = 0; i < 8; i++)
        CHECK_EQ(rd(vl, APIC_REG_IRR + i * 0x10), i == 0 ? 0xffff0000u : 0xffffffffu);
    CHECK_EQ(rd(vl, APIC_REG_TMR + 0x40), 0);
    CHECK_EQ(vlapic_has_pending_irq(vl), 255);
    /* Edge after level clears the TMR bit. */
    vlapic_set_irq(vl, 0x77, true);
    CHECK(bit_in(vl, APIC_REG_TMR, 0x77));
    vlapic_set_irq(vl, 0x77, false);
    CHECK(!bit_in(vl, APIC_REG_TMR, 0x77));
    /* IRR/ISR/TMR are read-only. */
    wr(vl, APIC_REG_IRR + 0x10, 0);
    wr(vl, APIC_REG_ISR + 0x10, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_IRR + 0x10), 0xffffffffu);
    CHECK_EQ(rd(vl, APIC_REG_ISR + 0x10), 0);
    /* Acking a vector that is not pending changes nothing. */
    vlapic_ack_irq(vl, 5);
    CHECK_EQ(rd(vl, APIC_REG_ISR), 0);
}

TEST(priority_tpr_ppr_isr)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    wr(vl, APIC_REG_TPR, 0x57);
    CHECK_EQ(rd(vl, APIC_REG_PPR), 0x57);
    vlapic_set_irq(vl, 0x5f, false);            /* same class as TPR: blocked */
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    CHECK_EQ(rd(vl, APIC_REG_APR), 0x57);
    vlapic_set_irq(vl, 0x40, false);
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    vlapic_set_irq(vl, 0x60, false);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0x60);
    CHECK_EQ(rd(vl, APIC_REG_APR), 0x60);
    vlapic_ack_irq(vl, 0x60);
    CHECK_EQ(rd(vl, APIC_REG_PPR), 0x60);        /* ISR class above TPR */
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);    /* 0x5f is below */
    vlapic_set_irq(vl, 0x6f, false);             /* same class as in service */
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    vlapic_set_irq(vl, 0x91, false);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0x91);  /* nests */
    vlapic_ack_irq(vl, 0x91);
    CHECK_EQ(rd(vl, APIC_REG_PPR), 0x90);
    /* EOI retires the highest in service first. */
    wr(vl, APIC_REG_EOI, 0x1234);               /* any value in xAPIC mode */
    CHECK(!bit_in(vl, APIC_REG_ISR, 0x91));
    CHECK(bit_in(vl, APIC_REG_ISR, 0x60));
    CHECK_EQ(rd(vl, APIC_REG_PPR), 0x60);
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    wr(vl, APIC_REG_EOI, 0);
    CHECK_EQ(rd(vl, APIC_REG_PPR), 0x57);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0x6f);
    wr(vl, APIC_REG_TPR, 0x70);
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    wr(vl, APIC_REG_TPR, 0);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0x6f);
    /* TPR 0xff blocks everything but nothing is lost. */
    wr(vl, APIC_REG_TPR, 0xff);
    vlapic_set_irq(vl, 0xff, false);
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    wr(vl, APIC_REG_TPR, 0xef);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0xff);
    /* EOI with nothing in service is harmless. */
    for (int i = 0; i < 3; i++)
        wr(vl, APIC_REG_EOI, 0);
    CHECK_EQ(rd(vl, APIC_REG_ISR + 0x70), 0);
}

TEST(software_disabled)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    wr(vl, APIC_REG_LVT_TIMER, 0x40);
    wr(vl, APIC_REG_LVT_LINT0, 0x700);
    CHECK_EQ(rd(vl, APIC_REG_LVT_TIMER), 0x40);
    vlapic_set_irq(vl, 0x80, false);
    wr(vl, APIC_REG_SVR, 0xff);                 /* software disable */
    CHECK(!vlapic_sw_enabled(vl));
    CHECK_EQ(rd(vl, APIC_REG_LVT_TIMER), 0x10040);
    CHECK_EQ(rd(vl, APIC_REG_LVT_LINT0), 0x10700);
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);   /* held, not deliverable */
    CHECK(bit_in(vl, APIC_REG_IRR, 0x80));
    CHECK(!vlapic_set_irq(vl, 0x90, false));    /* dropped */
    CHECK(!bit_in(vl, APIC_REG_IRR, 0x90));
    wr(vl, APIC_REG_LVT_TIMER, 0x41);           /* can't unmask */
    CHECK_EQ(rd(vl, APIC_REG_LVT_TIMER), 0x10041);
    wr(vl, APIC_REG_SVR, 0x1ff);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0x80);
    CHECK_EQ(rd(vl, APIC_REG_LVT_TIMER), 0x10041); /* stays masked */
    wr(vl, APIC_REG_LVT_TIMER, 0x41);
    CHECK_EQ(rd(vl, APIC_REG_LVT_TIMER), 0x41);
    /* Read-only LVT bits (delivery status, remote IRR) are not stored. */
    wr(vl, APIC_REG_LVT_LINT0, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_LVT_LINT0), 0x1a7ff);
    wr(vl, APIC_REG_LVT_ERROR, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_LVT_ERROR), 0x100ff);
    wr(vl, APIC_REG_LVT_THERM, 0xffffffff);
    CHECK_EQ(rd(vl, APIC_REG_LVT_THERM), 0x107ff);
}

/* ---- Errors ------------------------------------------------------------- */

TEST(illegal_vectors_and_esr)
{
    setup(2);
    struct vlapic *vl = &vcpus[0].vl;

    for (unsigned int v = 0; v < 16; v++) {
        CHECK(!vlapic_set_irq(vl, v, false));
        CHECK_EQ(rd(vl, APIC_REG_IRR) & 0xffff, 0);
        CHECK_EQ(rd(vl, APIC_REG_ESR), 0);      /* not visible before a write */
        CHECK_EQ(esr_latch(vl), VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
        CHECK_EQ(esr_latch(vl), 0);             /* write-to-clear */
    }
    /* Sending a fixed or lowest-priority IPI with a vector < 16. */
    for (unsigned int v = 0; v < 16; v++) {
        wr(vl, APIC_REG_ICR_HIGH, 1u << 24);
        wr(vl, APIC_REG_ICR_LOW, v);
        wr(vl, APIC_REG_ICR_LOW, 0x100 | v);
    }
    CHECK_EQ(nr_deliveries, 0);
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
    /* Several errors accumulate until the next write. */
    vlapic_set_irq(vl, 3, false);
    rd(vl, 0x010);
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_RECV_ILLEGAL_VECTOR | VLAPIC_ESR_ILLEGAL_REGISTER);
    /* A masked timer / LVT with a vector < 16 is fine until it fires. */
    wr(vl, APIC_REG_LVT_TIMER, 0x5);
    CHECK_EQ(esr_latch(vl), 0);
    /* An illegal vector is dropped even when the APIC is disabled: no error. */
    wr(vl, APIC_REG_SVR, 0xff);
    vlapic_set_irq(vl, 3, false);
    CHECK_EQ(esr_latch(vl), 0);
}

TEST(error_interrupt)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    wr(vl, APIC_REG_LVT_ERROR, 0xe3);
    vlapic_set_irq(vl, 1, false);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0xe3);
    vlapic_ack_irq(vl, 0xe3);
    wr(vl, APIC_REG_EOI, 0);
    /* The same error again before the ESR write: no new interrupt. */
    vlapic_set_irq(vl, 1, false);
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    /* A different error raises it again. */
    rd(vl, 0x010);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0xe3);
    vlapic_ack_irq(vl, 0xe3);
    wr(vl, APIC_REG_EOI, 0);
    esr_latch(vl);
    vlapic_set_irq(vl, 1, false);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0xe3);
    /* An error LVT with an illegal vector logs one more error and stops. */
    esr_latch(vl);
    wr(vl, APIC_REG_LVT_ERROR, 0x2);
    rd(vl, 0x010);
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_ILLEGAL_REGISTER | VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
    /* Masked: logged, no interrupt. */
    wr(vl, APIC_REG_LVT_ERROR, 0x100e4);
    rd(vl, 0x010);
    CHECK(!bit_in(vl, APIC_REG_IRR, 0xe4));
    CHECK_EQ(esr_latch(vl), VLAPIC_ESR_ILLEGAL_REGISTER);
}

/* ---- IPIs --------------------------------------------------------------- */

static void reset_deliveries(void)
{
    nr_deliveries = 0;
}

/* Which vCPUs got a delivery since the reset, as a bitmask. */
static uint32_t targets(void)
{
    uint32_t m = 0;

    for (unsigned int i = 0; i < nr_deliveries; i++)
        m |= 1u << deliveries[i].to;
    return m;
}

static uint32_t ipi_xapic(struct vlapic *vl, uint32_t dest, uint32_t low)
{
    reset_deliveries();
    wr(vl, APIC_REG_ICR_HIGH, dest << 24);
    wr(vl, APIC_REG_ICR_LOW, low);
    CHECK_EQ(rd(vl, APIC_REG_ICR_LOW), low & 0xccfff);
    CHECK_EQ(rd(vl, APIC_REG_ICR_LOW) & (1 << 12), 0); /* never busy */
    return targets();
}

static uint32_t ipi_x2apic(struct vlapic *vl, uint32_t dest, uint32_t low)
{
    reset_deliveries();
    msr_wr(vl, VLAPIC_MSR_X2APIC_ICR, ((uint64_t)dest << 32) | low);
    CHECK_EQ(msr_rd(vl, VLAPIC_MSR_X2APIC_ICR), ((uint64_t)dest << 32) | low);
    return targets();
}

TEST(icr_physical_and_shorthands_xapic)
{
    setup(4);
    struct vlapic *vl = &vcpus[1].vl;

    CHECK_EQ(ipi_xapic(vl, 2, 0x4031), 1u << 2);
    CHECK_EQ(nr_deliveries, 1);
    CHECK_EQ(deliveries[0].from, 1);
    CHECK_EQ(deliveries[0].mode, VLAPIC_DM_FIXED);
    CHECK_EQ(deliveries[0].vector, 0x31);
    CHECK(!deliveries[0].level);
    CHECK(bit_in(&vcpus[2].vl, APIC_REG_IRR, 0x31));
    CHECK_EQ(vlapic_has_pending_irq(&vcpus[2].vl), 0x31);
    /* Level-triggered fixed IPI sets the target's TMR. */
    CHECK_EQ(ipi_xapic(vl, 3, 0xc032), 1u << 3);
    CHECK(deliveries[0].level);
    CHECK(bit_in(&vcpus[3].vl, APIC_REG_TMR, 0x32));
    CHECK_EQ(ipi_xapic(vl, 7, 0x33), 0);                /* nobody */
    CHECK_EQ(ipi_xapic(vl, 0xff, 0x34), 0xf);           /* broadcast */
    CHECK_EQ(ipi_xapic(vl, 2, 0x40035), 1u << 1);       /* self */
    CHECK(bit_in(vl, APIC_REG_IRR, 0x35));
    CHECK_EQ(ipi_xapic(vl, 2, 0x80036), 0xf);           /* all incl. self */
    CHECK_EQ(ipi_xapic(vl, 2, 0xc0037), 0xd);           /* all excl. self */
    CHECK_EQ(nr_deliveries, 3);
    /* Lowest priority: the lowest-numbered of the set, as fixed. */
    CHECK_EQ(ipi_xapic(vl, 0xff, 0x138), 1u << 0);
    CHECK_EQ(deliveries[0].mode, VLAPIC_DM_FIXED);
    CHECK_EQ(ipi_xapic(vl, 0, 0xc0139), 1u << 0);
    CHECK_EQ(ipi_xapic(vl, 3, 0x13a), 1u << 3);
    /* A hardware-disabled APIC is nobody's target. */
    msr_wr(&vcpus[0].vl, VLAPIC_MSR_APIC_BASE, 0xfee00000);
    CHECK_EQ(ipi_xapic(vl, 0xff, 0x3b), 0xe);
    CHECK_EQ(ipi_xapic(vl, 0, 0x3c), 0);
    CHECK_EQ(ipi_xapic(vl, 0, 0x8043c), 0xe);
    CHECK_EQ(ipi_xapic(vl, 0xff, 0x13d), 1u << 1);
}

TEST(icr_nmi_init_sipi)
{
    setup(3);
    struct vlapic *vl = &vcpus[0].vl;

    CHECK_EQ(ipi_xapic(vl, 1, 0x4400), 1u << 1);
    CHECK_EQ(deliveries[0].mode, VLAPIC_DM_NMI);
    /* NMI, INIT and SIPI are not subject to the vector check. */
    CHECK_EQ(esr_latch(vl), 0);
    /* Linux: INIT assert, INIT de-assert (dropped), SIPI, SIPI. */
    wr(&vcpus[2].vl, APIC_REG_TPR, 0x40);
    CHECK_EQ(ipi_xapic(vl, 2, 0xc500), 1u << 2);
    CHECK_EQ(deliveries[0].mode, VLAPIC_DM_INIT);
    CHECK_EQ(rd(&vcpus[2].vl, APIC_REG_TPR), 0);         /* INIT reset it */
    CHECK_EQ(rd(&vcpus[2].vl, APIC_REG_SVR), 0xff);
    CHECK_EQ(ipi_xapic(vl, 2, 0x8500), 0);
    CHECK_EQ(ipi_xapic(vl, 2, 0x0609), 1u << 2);
    CHECK_EQ(deliveries[0].mode, VLAPIC_DM_STARTUP);
    CHECK_EQ(deliveries[0].vector, 0x09);
    CHECK_EQ(ipi_xapic(vl, 0, 0xc0600 | 0x9a), 0x6);    /* SIPI to all others */
    CHECK_EQ(deliveries[1].vector, 0x9a);
    /* INIT/SIPI reach software-disabled APICs. */
    CHECK(!vlapic_sw_enabled(&vcpus[2].vl));
    CHECK_EQ(ipi_xapic(vl, 2, 0x4500), 1u << 2);
    /* Edge INIT (trigger edge, level 0) is an INIT too. */
    CHECK_EQ(ipi_xapic(vl, 2, 0x0500), 1u << 2);
    /* SMI and reserved modes go nowhere. */
    CHECK_EQ(ipi_xapic(vl, 1, 0x0200), 0);
    CHECK_EQ(ipi_xapic(vl, 1, 0x0340), 0);
    CHECK_EQ(ipi_xapic(vl, 1, 0x0740), 0);
}

TEST(icr_logical_flat_and_cluster_xapic)
{
    setup(8);
    struct vlapic *vl = &vcpus[0].vl;

    /* Flat: one bit per vCPU. */
    for (uint32_t i = 0; i < 8; i++)
        wr(&vcpus[i].vl, APIC_REG_LDR, (1u << i) << 24);
    CHECK_EQ(ipi_xapic(vl, 0x05, 0x840), 0x05);
    CHECK_EQ(ipi_xapic(vl, 0x80, 0x840), 0x80);
    CHECK_EQ(ipi_xapic(vl, 0xff, 0x840), 0xff);
    CHECK_EQ(ipi_xapic(vl, 0x00, 0x840), 0);
    CHECK_EQ(ipi_xapic(vl, 0x0c, 0x940), 1u << 2);     /* lowest priority */
    /* Cluster: cluster in the high nibble, members in the low. */
    for (uint32_t i = 0; i < 8; i++) {
        wr(&vcpus[i].vl, APIC_REG_DFR, 0x0fffffff);
        wr(&vcpus[i].vl, APIC_REG_LDR, (((i / 4) << 4) | (1u << (i % 4))) << 24);
    }
    CHECK_EQ(ipi_xapic(vl, 0x03, 0x840), 0x03);
    CHECK_EQ(ipi_xapic(vl, 0x13, 0x840), 0x30);
    CHECK_EQ(ipi_xapic(vl, 0x1f, 0x840), 0xf0);
    CHECK_EQ(ipi_xapic(vl, 0x23, 0x840), 0);
    CHECK_EQ(ipi_xapic(vl, 0x10, 0x840), 0);
    CHECK_EQ(ipi_xapic(vl, 0xff, 0x840), 0xff);
    CHECK_EQ(ipi_xapic(vl, 0x1c, 0x940), 1u << 6);
    /* LDR 0 is in no logical set. */
    wr(&vcpus[4].vl, APIC_REG_LDR, 0);
    CHECK_EQ(ipi_xapic(vl, 0x1f, 0x840), 0xe0);
}

TEST(icr_x2apic_physical_cluster_broadcast)
{
    setup(MAX_VCPUS);
    struct vlapic *vl = &vcpus[3].vl;

    for (uint32_t i = 0; i < MAX_VCPUS; i++)
        to_x2apic(&vcpus[i].vl);
    CHECK_EQ(ipi_x2apic(vl, 17, 0x40), 1u << 17);
    CHECK_EQ(ipi_x2apic(vl, 17u << 24, 0x40), 0);       /* not xAPIC's byte */
    CHECK_EQ(ipi_x2apic(vl, 0xff, 0x40), 0);            /* not broadcast */
    CHECK_EQ(ipi_x2apic(vl, 0xffffffff, 0x40), (1u << MAX_VCPUS) - 1);
    CHECK_EQ(ipi_x2apic(vl, 0, 0x40040), 1u << 3);
    CHECK_EQ(ipi_x2apic(vl, 0, 0xc0040), ((1u << MAX_VCPUS) - 1) & ~(1u << 3));
    /* Logical: cluster = id >> 4 in 31:16, bit (id & 15) in 15:0. */
    CHECK_EQ(msr_rd(&vcpus[17].vl, 0x80d), 0x00010002);
    CHECK_EQ(ipi_x2apic(vl, 0x00010003, 0x840), (1u << 16) | (1u << 17));
    CHECK_EQ(ipi_x2apic(vl, 0x00000003, 0x840), 0x3);
    CHECK_EQ(ipi_x2apic(vl, 0x0000ffff, 0x840), 0xffff);
    CHECK_EQ(ipi_x2apic(vl, 0x00020001, 0x840), 0);
    CHECK_EQ(ipi_x2apic(vl, 0xffffffff, 0x840), (1u << MAX_VCPUS) - 1);
    CHECK_EQ(ipi_x2apic(vl, 0x0001f000, 0x940), 0);     /* 28-31: absent */
    CHECK_EQ(ipi_x2apic(vl, 0x00010006, 0x940), 1u << 17);
    CHECK_EQ(ipi_x2apic(vl, 5, 0x500 | 0x4000), 1u << 5);
    CHECK_EQ(deliveries[0].mode, VLAPIC_DM_INIT);
    CHECK_EQ(ipi_x2apic(vl, 5, 0x610), 1u << 5);
    CHECK_EQ(deliveries[0].vector, 0x10);
    /* Reserved ICR bits (delivery status, 13, 16-17, 20-31): #GP, not sent. */
    reset_deliveries();
    CHECK_EQ(vlapic_msr_write(vl, 0x830, (1ULL << 32) | 0x1040), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x830, (1ULL << 32) | 0x10040), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x830, (1ULL << 32) | 0x100040), -EFAULT);
    CHECK_EQ(nr_deliveries, 0);
    /* Illegal vector: send error. */
    CHECK_EQ(vlapic_msr_write(vl, 0x830, (1ULL << 32) | 0x0f), 0);
    CHECK_EQ(nr_deliveries, 0);
    msr_wr(vl, 0x828, 0);
    CHECK_EQ(msr_rd(vl, 0x828), VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
}

/* ---- x2APIC MSRs and mode switching ------------------------------------- */

TEST(x2apic_msr_semantics)
{
    setup(2);
    struct vlapic *vl = &vcpus[1].vl;
    uint64_t v;

    /* In xAPIC mode the x2APIC MSRs #GP. */
    CHECK_EQ(vlapic_msr_read(vl, 0x802, &v), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x808, 0), -EFAULT);
    CHECK_EQ(vlapic_msr_read(vl, 0x10, &v), -ENOENT);
    CHECK(vlapic_owns_msr(0x8ff) && vlapic_owns_msr(0x6e0) && vlapic_owns_msr(0x1b));
    CHECK(!vlapic_owns_msr(0x900) && !vlapic_owns_msr(0x7ff));
    wr(vl, APIC_REG_TPR, 0x20);
    to_x2apic(vl);
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_ID, 4, &v), -ENODEV);
    CHECK_EQ(vlapic_mmio_write(vl, APIC_REG_TPR, 4, 0), -ENODEV);
    CHECK_EQ(msr_rd(vl, 0x808), 0x20);          /* state kept */
    CHECK_EQ(msr_rd(vl, 0x802), 1);
    CHECK_EQ(msr_rd(vl, 0x803), 0x00050014);
    CHECK_EQ(msr_rd(vl, 0x80d), 0x00000002);
    CHECK_EQ(msr_rd(vl, 0x80f), 0x1ff);
    /* Read-only registers: writes #GP. */
    static const uint32_t ro[] = { 0x802, 0x803, 0x80a, 0x80d, 0x810, 0x817,
                                   0x818, 0x820, 0x827, 0x839 };
    for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++)
        CHECK_EQ(vlapic_msr_write(vl, ro[i], 0), -EFAULT);
    /* Absent registers: both #GP (APR, RRD, DFR, ICR2, CMCI, holes). */
    static const uint32_t absent[] = { 0x800, 0x801, 0x809, 0x80c, 0x80e, 0x82f,
                                       0x831, 0x83a, 0x83d, 0x840, 0x8ff };
    for (unsigned int i = 0; i < ARRAY_SIZE(absent); i++) {
        CHECK_EQ(vlapic_msr_read(vl, absent[i], &v), -EFAULT);
        CHECK_EQ(vlapic_msr_write(vl, absent[i], 0), -EFAULT);
    }
    /* Write-only: EOI, SELF_IPI reads #GP. */
    CHECK_EQ(vlapic_msr_read(vl, 0x80b, &v), -EFAULT);
    CHECK_EQ(vlapic_msr_read(vl, 0x83f, &v), -EFAULT);
    /* Must-be-zero writes. */
    CHECK_EQ(vlapic_msr_write(vl, 0x80b, 1), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x828, 1), -EFAULT);
    /* Reserved bits #GP and change nothing. */
    CHECK_EQ(vlapic_msr_write(vl, 0x808, 0x100), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x808, 1ULL << 32), -EFAULT);
    CHECK_EQ(msr_rd(vl, 0x808), 0x20);
    CHECK_EQ(vlapic_msr_write(vl, 0x80f, 0x1000), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x832, 0x80000), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x832, 0x1000), -EFAULT);    /* delivery status */
    CHECK_EQ(vlapic_msr_write(vl, 0x835, 0x4000), -EFAULT);    /* remote IRR */
    CHECK_EQ(vlapic_msr_write(vl, 0x837, 0x700), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x83e, 0x4), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x838, 1ULL << 32), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x83f, 0x100), -EFAULT);
    msr_wr(vl, 0x828, 0);
    CHECK_EQ(msr_rd(vl, 0x828), 0);             /* #GPs are not APIC errors */
    /* Valid writes. */
    msr_wr(vl, 0x808, 0xff);
    CHECK_EQ(msr_rd(vl, 0x80a), 0xff);
    msr_wr(vl, 0x808, 0);
    msr_wr(vl, 0x835, 0x1a7ff);
    CHECK_EQ(msr_rd(vl, 0x835), 0x1a7ff);
    msr_wr(vl, 0x83e, 0xb);
    CHECK_EQ(msr_rd(vl, 0x83e), 0xb);
    /* SELF_IPI: straight into IRR, edge. */
    vlapic_set_irq(vl, 0x61, true);
    msr_wr(vl, 0x83f, 0x61);
    CHECK_EQ(msr_rd(vl, 0x820 + 3) & 0x2, 0x2);
    CHECK_EQ(msr_rd(vl, 0x818 + 3) & 0x2, 0);
    CHECK_EQ(nr_deliveries, 0);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0x61);
    vlapic_ack_irq(vl, 0x61);
    CHECK_EQ(msr_rd(vl, 0x810 + 3), 0x2);
    CHECK_EQ(msr_rd(vl, 0x80a), 0x60);
    msr_wr(vl, 0x80b, 0);
    CHECK_EQ(msr_rd(vl, 0x810 + 3), 0);
    msr_wr(vl, 0x83f, 0x7);
    msr_wr(vl, 0x828, 0);
    CHECK_EQ(msr_rd(vl, 0x828), VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
    CHECK_EQ(msr_rd(vl, 0x820), 0);
    /* ICR is one 64-bit register. */
    msr_wr(vl, 0x830, 0x12345678ULL << 32 | 0x4040);
    CHECK_EQ(msr_rd(vl, 0x830), 0x12345678ULL << 32 | 0x4040);
}

TEST(apic_base_mode_switching)
{
    setup(2);
    struct vlapic *vl = &vcpus[1].vl;
    const uint64_t base = 0xfee00000ULL;
    const uint64_t en = VLAPIC_BASE_EN, extd = VLAPIC_BASE_EXTD;

    /* Reserved bits. */
    CHECK_EQ(vlapic_apic_base_write(vl, base | en | 1), -EFAULT);
    CHECK_EQ(vlapic_apic_base_write(vl, base | en | (1 << 9)), -EFAULT);
    CHECK_EQ(vlapic_apic_base_write(vl, base | en | (1ULL << 48)), -EFAULT);
    CHECK_EQ(vlapic_msr_write(vl, 0x1b, base | extd), -EFAULT);      /* invalid */
    CHECK_EQ(vlapic_apic_base_read(vl), base | en);
    /* BSP flag is not the guest's to change. */
    msr_wr(vl, 0x1b, base | en | VLAPIC_BASE_BSP);
    CHECK_EQ(msr_rd(vl, 0x1b), base | en);
    msr_wr(&vcpus[0].vl, 0x1b, base | en);
    CHECK_EQ(msr_rd(&vcpus[0].vl, 0x1b), base | en | VLAPIC_BASE_BSP);
    /* Relocation. */
    msr_wr(vl, 0x1b, 0xfed00000ULL | en);
    CHECK_EQ(vlapic_mmio_base(vl), 0xfed00000ULL);
    msr_wr(vl, 0x1b, base | en);
    /* xAPIC -> x2APIC keeps state, x2APIC -> xAPIC is illegal. */
    wr(vl, APIC_REG_TPR, 0x30);
    vlapic_set_irq(vl, 0x80, false);
    msr_wr(vl, 0x1b, base | en | extd);
    CHECK(vlapic_x2apic_mode(vl));
    CHECK_EQ(msr_rd(vl, 0x808), 0x30);
    CHECK_EQ(vlapic_has_pending_irq(vl), 0x80);
    CHECK_EQ(vlapic_msr_write(vl, 0x1b, base | en), -EFAULT);
    CHECK(vlapic_x2apic_mode(vl));
    /* x2APIC -> disabled resets; disabled -> x2APIC is illegal. */
    wr(&vcpus[0].vl, APIC_REG_ICR_HIGH, 1u << 24);
    msr_wr(vl, 0x1b, base);
    CHECK(!vlapic_hw_enabled(vl));
    CHECK(!vlapic_mmio_enabled(vl));
    uint64_t v;
    CHECK_EQ(vlapic_mmio_read(vl, APIC_REG_TPR, 4, &v), -ENODEV);
    CHECK_EQ(vlapic_msr_read(vl, 0x808, &v), -EFAULT);
    CHECK(!vlapic_set_irq(vl, 0x90, false));
    CHECK_EQ(vlapic_has_pending_irq(vl), -1);
    CHECK_EQ(vlapic_msr_write(vl, 0x1b, base | en | extd), -EFAULT);
    msr_wr(vl, 0x1b, base | en);
    CHECK(vlapic_mmio_enabled(vl));
    CHECK_EQ(rd(vl, APIC_REG_TPR), 0);
    CHECK_EQ(rd(vl, APIC_REG_SVR), 0xff);
    CHECK_EQ(rd(vl, APIC_REG_IRR + 0x40), 0);
    CHECK_EQ(rd(vl, APIC_REG_ID), 1u << 24);
    CHECK_EQ(rd(vl, APIC_REG_LDR), 0);
    CHECK_EQ(rd(vl, APIC_REG_LVT_TIMER), 0x10000);
    /* xAPIC -> disabled -> xAPIC too. */
    wr(vl, APIC_REG_SVR, 0x1ff);
    msr_wr(vl, 0x1b, base);
    msr_wr(vl, 0x1b, base | en);
    CHECK_EQ(rd(vl, APIC_REG_SVR), 0xff);
    /* INIT keeps the mode. */
    to_x2apic(vl);
    vlapic_init_signal(vl);
    CHECK(vlapic_x2apic_mode(vl));
    CHECK_EQ(msr_rd(vl, 0x80d), 0x2);
    /* Power-on reset returns to xAPIC. */
    vlapic_reset(vl);
    CHECK(vlapic_mmio_enabled(vl));
    /* TSC_DEADLINE while disabled: ignored, reads 0. */
    msr_wr(vl, 0x1b, base);
    msr_wr(vl, 0x6e0, 1234);
    CHECK_EQ(msr_rd(vl, 0x6e0), 0);
}

/* ---- The timer ---------------------------------------------------------- */

static const uint32_t divide_codes[8] = { 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb };
static const uint32_t divisors[8] = { 2, 4, 8, 16, 32, 64, 128, 1 };

TEST(timer_oneshot_every_divider)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    for (unsigned int d = 0; d < 8; d++) {
        s_time_t t0 = fake_now, tick = divisors[d];
        unsigned int kicks = vcpus[0].kicks;

        wr(vl, APIC_REG_TDCR, divide_codes[d]);
        wr(vl, APIC_REG_LVT_TIMER, 0x40);
        wr(vl, APIC_REG_TMICT, 1000);
        CHECK_EQ(rd(vl, APIC_REG_TMICT), 1000);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 1000);
        advance_to(t0 + tick * 250);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 750);
        if (tick > 1) {
            advance_to(t0 + tick * 250 + 1);
            CHECK_EQ(rd(vl, APIC_REG_TMCCT), 750);
        }
        advance_to(t0 + tick * 999);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 1);
        advance_to(t0 + tick * 1000 - 1);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 1);
        CHECK(!bit_in(vl, APIC_REG_IRR, 0x40));
        CHECK_EQ(vcpus[0].kicks, kicks);
        advance_to(t0 + tick * 1000);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 0);
        CHECK(bit_in(vl, APIC_REG_IRR, 0x40));
        CHECK_EQ(vcpus[0].kicks, kicks + 1);
        CHECK_EQ(rd(vl, APIC_REG_TMICT), 1000);
        /* One-shot: no more. */
        vlapic_ack_irq(vl, 0x40);
        wr(vl, APIC_REG_EOI, 0);
        advance_by(tick * 5000);
        CHECK(!bit_in(vl, APIC_REG_IRR, 0x40));
        CHECK_EQ(vcpus[0].kicks, kicks + 1);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 0);
    }
}

TEST(timer_periodic_rearms)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;
    const s_time_t period = 16 * 100000;         /* divide by 16, 100000 counts */
    s_time_t t0 = fake_now;

    wr(vl, APIC_REG_TDCR, 0x3);
    wr(vl, APIC_REG_LVT_TIMER, 0x20000 | 0x41);
    wr(vl, APIC_REG_TMICT, 100000);
    for (int n = 1; n <= 5; n++) {
        advance_to(t0 + n * period - 1);
        CHECK_EQ(vcpus[0].kicks, n - 1);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 1);
        advance_to(t0 + n * period);
        CHECK_EQ(vcpus[0].kicks, n);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 100000);    /* reloaded */
        CHECK_EQ(vlapic_has_pending_irq(vl), 0x41);
        vlapic_ack_irq(vl, 0x41);
        wr(vl, APIC_REG_EOI, 0);
        advance_to(t0 + n * period + 16 * 10);
        CHECK_EQ(rd(vl, APIC_REG_TMCCT), 100000 - 10);
    }
    /* Late by several periods: one interrupt, then back on the grid. */
    advance_to(t0 + 9 * period + 16 * 3);
    CHECK_EQ(vcpus[0].kicks, 6);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 100000 - 3);
    advance_to(t0 + 10 * period - 1);
    CHECK_EQ(vcpus[0].kicks, 6);
    advance_to(t0 + 10 * period);
    CHECK_EQ(vcpus[0].kicks, 7);
    /* Masked: counts and re-arms, no interrupt; unmasked again it fires. */
    wr(vl, APIC_REG_LVT_TIMER, 0x30041);
    vlapic_ack_irq(vl, 0x41);
    wr(vl, APIC_REG_EOI, 0);
    advance_by(3 * period);
    CHECK_EQ(vcpus[0].kicks, 7);
    CHECK(!bit_in(vl, APIC_REG_IRR, 0x41));
    wr(vl, APIC_REG_LVT_TIMER, 0x20041);
    advance_by(period);
    CHECK_EQ(vcpus[0].kicks, 8);
    CHECK(bit_in(vl, APIC_REG_IRR, 0x41));
}

TEST(timer_periodic_tiny_period_is_bounded)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    wr(vl, APIC_REG_TDCR, 0xb);                  /* divide by 1 */
    wr(vl, APIC_REG_LVT_TIMER, 0x20050);
    wr(vl, APIC_REG_TMICT, 1);                   /* a 1 ns period */
    for (int i = 0; i < 100; i++)
        advance_by(MICROSECS(10));               /* 1 ms in all */
    CHECK(vcpus[0].kicks >= 5);
    CHECK(vcpus[0].kicks <= 1 + MILLISECS(1) / VLAPIC_TIMER_MIN_PERIOD_NS);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 1);
}

TEST(timer_mask_and_restart)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;
    s_time_t t0 = fake_now;

    wr(vl, APIC_REG_TDCR, 0xb);
    /* Masked one-shot: counts down to 0, no interrupt. */
    wr(vl, APIC_REG_LVT_TIMER, 0x10042);
    wr(vl, APIC_REG_TMICT, 500);
    advance_to(t0 + 200);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 300);
    advance_to(t0 + 600);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 0);
    CHECK(!bit_in(vl, APIC_REG_IRR, 0x42));
    CHECK_EQ(vcpus[0].kicks, 0);
    /* A write to TMICT restarts the count. */
    wr(vl, APIC_REG_LVT_TIMER, 0x42);
    t0 = fake_now;
    wr(vl, APIC_REG_TMICT, 1000);
    advance_to(t0 + 700);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 300);
    wr(vl, APIC_REG_TMICT, 1000);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 1000);
    advance_to(t0 + 1000);                       /* the old deadline */
    CHECK_EQ(vcpus[0].kicks, 0);
    advance_to(t0 + 1700);
    CHECK_EQ(vcpus[0].kicks, 1);
    CHECK(bit_in(vl, APIC_REG_IRR, 0x42));
    /* TMICT 0 stops it. */
    t0 = fake_now;
    wr(vl, APIC_REG_TMICT, 1000);
    wr(vl, APIC_REG_TMICT, 0);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 0);
    advance_to(t0 + 5000);
    CHECK_EQ(vcpus[0].kicks, 1);
    /* Changing the divider mid-count: the rest runs at the new rate. */
    t0 = fake_now;
    wr(vl, APIC_REG_TMICT, 1000);
    advance_to(t0 + 400);
    wr(vl, APIC_REG_TDCR, 0x1);                  /* divide by 4 */
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 600);
    advance_to(t0 + 400 + 4 * 100);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 500);
    advance_to(t0 + 400 + 4 * 600 - 1);
    CHECK_EQ(vcpus[0].kicks, 1);
    advance_to(t0 + 400 + 4 * 600);
    CHECK_EQ(vcpus[0].kicks, 2);
    /* Huge count with the largest divider: no overflow. */
    t0 = fake_now;
    wr(vl, APIC_REG_TDCR, 0xa);                  /* divide by 128 */
    wr(vl, APIC_REG_TMICT, 0xffffffff);
    advance_to(t0 + 128LL * 0x7fffffff);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 0x80000000u);
    advance_to(t0 + 128LL * 0xffffffffLL);
    CHECK_EQ(vcpus[0].kicks, 3);
    /* Software disable masks the timer: expiry without interrupt. */
    wr(vl, APIC_REG_TMICT, 10);
    wr(vl, APIC_REG_SVR, 0xff);
    advance_by(100000);
    CHECK_EQ(vcpus[0].kicks, 3);
}

/* The deadline passed but the timer softirq has not run yet when the guest
 * reprograms the timer: the expiry still happened. */
TEST(timer_due_expiry_before_reprogramming)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    wr(vl, APIC_REG_TDCR, 0xb);
    wr(vl, APIC_REG_LVT_TIMER, 0x45);
    wr(vl, APIC_REG_TMICT, 100);
    fake_now += 150;                            /* no softirq */
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 0);
    wr(vl, APIC_REG_TMICT, 100);
    CHECK(bit_in(vl, APIC_REG_IRR, 0x45));
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 100);
    advance_by(0);                              /* the stale run: nothing */
    CHECK_EQ(vcpus[0].kicks, 0);
    vlapic_ack_irq(vl, 0x45);
    wr(vl, APIC_REG_EOI, 0);
    fake_now += 100;
    wr(vl, APIC_REG_LVT_TIMER, 0x10045);        /* masking comes too late */
    CHECK(bit_in(vl, APIC_REG_IRR, 0x45));
    advance_by(1000);
    CHECK_EQ(vcpus[0].kicks, 0);
    CHECK_EQ(timer_queue_length(0), 0);
}

TEST(timer_tsc_deadline)
{
    setup(1);
    struct vlapic *vl = &vcpus[0].vl;

    tsc_offset = 1000;
    /* Not in TSC-deadline mode: the MSR is ignored and reads 0. */
    wr(vl, APIC_REG_LVT_TIMER, 0x43);
    msr_wr(vl, 0x6e0, 5);
    CHECK_EQ(msr_rd(vl, 0x6e0), 0);
    /* Switching mode stops a running count and clears TMICT. */
    wr(vl, APIC_REG_TMICT, 1000);
    wr(vl, APIC_REG_LVT_TIMER, 0x40043);
    CHECK_EQ(rd(vl, APIC_REG_TMICT), 0);
    CHECK_EQ(rd(vl, APIC_REG_TMCCT), 0);
    advance_by(100000);
    CHECK_EQ(vcpus[0].kicks, 0);
    /* TMICT writes are ignored in this mode. */
    wr(vl, APIC_REG_TMICT, 10);
    CHECK_EQ(rd(vl, APIC_REG_TMICT), 0);
    advance_by(100000);
    CHECK_EQ(vcpus[0].kicks, 0);
    /* Arm: the deadline in guest TSC units (2.5 ticks/ns here). */
    s_time_t when = fake_now + 4000;
    uint64_t tsc = (uint64_t)when * 5 / 2 + tsc_offset;
    msr_wr(vl, 0x6e0, tsc);
    CHECK_EQ(msr_rd(vl, 0x6e0), tsc);
    advance_to(when - 1);
    CHECK_EQ(vcpus[0].kicks, 0);
    advance_to(when);
    CHECK_EQ(vcpus[0].kicks, 1);
    CHECK(bit_in(vl, APIC_REG_IRR, 0x43));
    CHECK_EQ(msr_rd(vl, 0x6e0), 0);              /* cleared on expiry */
    advance_by(100000);
    CHECK_EQ(vcpus[0].kicks, 1);
    /* Writing 0 disarms; a re-write moves the deadline. */
    msr_wr(vl, 0x6e0, tsc + 10000);
    msr_wr(vl, 0x6e0, 0);
    advance_by(1000000);
    CHECK_EQ(vcpus[0].kicks, 1);
    when = fake_now + 1000;
    msr_wr(vl, 0x6e0, (uint64_t)(fake_now + 500) * 5 / 2 + tsc_offset);
    msr_wr(vl, 0x6e0, (uint64_t)when * 5 / 2 + tsc_offset);
    advance_to(when - 400);
    CHECK_EQ(vcpus[0].kicks, 1);
    advance_to(when);
    CHECK_EQ(vcpus[0].kicks, 2);
    /* A deadline in the past fires at once. */
    msr_wr(vl, 0x6e0, 1);
    advance_by(0);
    CHECK_EQ(vcpus[0].kicks, 3);
    /* Masked: the deadline passes, cleared, no interrupt. */
    wr(vl, APIC_REG_LVT_TIMER, 0x50043);
    msr_wr(vl, 0x6e0, (uint64_t)(fake_now + 10) * 5 / 2 + tsc_offset);
    advance_by(20);
    CHECK_EQ(vcpus[0].kicks, 3);
    CHECK_EQ(msr_rd(vl, 0x6e0), 0);
    /* Leaving TSC-deadline mode disarms it. */
    wr(vl, APIC_REG_LVT_TIMER, 0x40043);
    msr_wr(vl, 0x6e0, (uint64_t)(fake_now + 10) * 5 / 2 + tsc_offset);
    wr(vl, APIC_REG_LVT_TIMER, 0x43);
    advance_by(20);
    CHECK_EQ(vcpus[0].kicks, 3);
    wr(vl, APIC_REG_LVT_TIMER, 0x40043);
    CHECK_EQ(msr_rd(vl, 0x6e0), 0);
    /* Also through x2APIC: same MSR, same rules. */
    to_x2apic(vl);
    msr_wr(vl, 0x6e0, (uint64_t)(fake_now + 10) * 5 / 2 + tsc_offset);
    advance_by(10);
    CHECK_EQ(vcpus[0].kicks, 4);
}

TEST(timer_stopped_by_disable_and_destroy)
{
    setup(2);
    struct vlapic *vl = &vcpus[1].vl;

    wr(vl, APIC_REG_LVT_TIMER, 0x20044);
    wr(vl, APIC_REG_TMICT, 1000);
    CHECK_EQ(timer_queue_length(0), 1);
    msr_wr(vl, 0x1b, 0xfee00000);                /* hardware disable */
    CHECK_EQ(timer_queue_length(0), 0);
    msr_wr(vl, 0x1b, 0xfee00000 | VLAPIC_BASE_EN);
    wr(vl, APIC_REG_SVR, 0x1ff);
    wr(vl, APIC_REG_LVT_TIMER, 0x20044);
    wr(vl, APIC_REG_TMICT, 1000);
    vlapic_init_signal(vl);                      /* INIT stops it too */
    CHECK_EQ(timer_queue_length(0), 0);
    wr(vl, APIC_REG_SVR, 0x1ff);
    wr(vl, APIC_REG_LVT_TIMER, 0x20044);
    wr(vl, APIC_REG_TMICT, 1000);
    vlapic_destroy(vl);
    CHECK_EQ(timer_queue_length(0), 0);
    advance_by(10000);
    CHECK_EQ(vcpus[1].kicks, 0);
}

/* ---- Two CPUs ----------------------------------------------------------- */

#define RACE_ROUNDS 20000

static void *race_sender(void *arg)
{
    (void)arg;
    this_cpu = 1;
    for (int i = 0; i < RACE_ROUNDS; i++) {
        wr(&vcpus[0].vl, APIC_REG_ICR_HIGH, 1u << 24);
        wr(&vcpus[0].vl, APIC_REG_ICR_LOW, 0x20 + (i % 0xd0));
    }
    return NULL;
}

/* vCPU 0 sends IPIs to vCPU 1 while vCPU 1 takes and EOIs them. */
TEST(ipis_race_with_ack_and_eoi)
{
    pthread_t t;
    unsigned int taken = 0;

    setup(2);
    CHECK_EQ(pthread_create(&t, NULL, race_sender, NULL), 0);
    for (int i = 0; i < 4 * RACE_ROUNDS; i++) {
        int v = vlapic_has_pending_irq(&vcpus[1].vl);

        if (v < 0)
            continue;
        CHECK(v >= 0x20 && v < 0xf0);
        vlapic_ack_irq(&vcpus[1].vl, v);
        wr(&vcpus[1].vl, APIC_REG_EOI, 0);
        taken++;
    }
    pthread_join(t, NULL);
    while (vlapic_has_pending_irq(&vcpus[1].vl) >= 0) {
        vlapic_ack_irq(&vcpus[1].vl, vlapic_has_pending_irq(&vcpus[1].vl));
        wr(&vcpus[1].vl, APIC_REG_EOI, 0);
        taken++;
    }
    CHECK(taken > 0 && taken <= RACE_ROUNDS);
    for (unsigned int i = 0; i < 8; i++) {
        CHECK_EQ(rd(&vcpus[1].vl, APIC_REG_IRR + i * 0x10), 0);
        CHECK_EQ(rd(&vcpus[1].vl, APIC_REG_ISR + i * 0x10), 0);
    }
}

/* ---- Fuzz --------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Interesting values: all-ones, zero, single bits, random. */
static uint64_t rnd_value(void)
{
    switch (rnd() % 5) {
    case 0: return ~0ULL;
    case 1: return 0;
    case 2: return 1ULL << (rnd() % 64);
    case 3: return rnd() & 0xffffffffu;
    default: return rnd();
    }
}

static const uint32_t fuzz_regs[] = {
    APIC_REG_ID, APIC_REG_VERSION, APIC_REG_TPR, APIC_REG_APR, APIC_REG_PPR,
    APIC_REG_EOI, APIC_REG_RRD, APIC_REG_LDR, APIC_REG_DFR, APIC_REG_SVR,
    APIC_REG_ISR + 0x70, APIC_REG_TMR + 0x30, APIC_REG_IRR + 0x50, APIC_REG_ESR,
    APIC_REG_LVT_CMCI, APIC_REG_ICR_LOW, APIC_REG_ICR_HIGH, APIC_REG_LVT_TIMER,
    APIC_REG_LVT_THERM, APIC_REG_LVT_PERF, APIC_REG_LVT_LINT0, APIC_REG_LVT_LINT1,
    APIC_REG_LVT_ERROR, APIC_REG_TMICT, APIC_REG_TMCCT, APIC_REG_TDCR,
    APIC_REG_SELF_IPI,
};

/* An ICR value that is usually meaningful: any mode, shorthand, dest mode. */
static uint64_t rnd_icr(void)
{
    uint64_t low = (rnd() % 4 ? 16 + rnd() % 240 : rnd() % 256) |
                   (rnd() % 8) << 8 | (rnd() % 2) << 11 | (rnd() % 2) << 14 |
                   (rnd() % 2) << 15 | (rnd() % 4) << 18;
    uint64_t dest = rnd() % 4 ? rnd() % 6 : rnd_value() & 0xffffffff;

    if (rnd() % 16 == 0)
        low |= rnd_value() & 0xffffffff;        /* reserved bits too */
    return low | dest << 32;
}

/* A value for reg: mostly plausible, sometimes anything. */
static uint64_t rnd_reg_value(uint32_t reg)
{
    if (rnd() % 4 == 0)
        return rnd_value();
    switch (reg) {
    case APIC_REG_SVR: return 0x100 | (rnd() & 0xff);
    case APIC_REG_ICR_LOW: return rnd_icr();
    case APIC_REG_ICR_HIGH: return (rnd() % 6) << 24;
    case APIC_REG_LVT_TIMER: return (rnd() % 4) << 17 | (rnd() % 8 == 0) << 16 | (16 + rnd() % 240);
    case APIC_REG_TMICT: return rnd() % 3 ? rnd() % 5000 : rnd_value() & 0xffffffff;
    case APIC_REG_TDCR: return rnd() % 16;
    case APIC_REG_EOI: case APIC_REG_ESR: return 0;
    default: return rnd() & 0xff;
    }
}

static void fuzz_register(struct vlapic *vl)
{
    uint32_t reg = fuzz_regs[rnd() % ARRAY_SIZE(fuzz_regs)];
    uint32_t msr = 0x800 + (reg >> 4);
    uint64_t v;

    if (rnd() % 8 == 0) {                       /* anywhere, any size */
        reg = rnd() % 0x1100 + (rnd() % 64 == 0 ? 0xfffff000u : 0);
        msr = rnd() % 2 ? 0x800 + rnd() % 0x100 : (uint32_t)rnd();
    }
    switch (rnd() % 4) {
    case 0: vlapic_mmio_read(vl, reg, 1 + rnd() % 8, &v); break;
    case 1: vlapic_mmio_write(vl, reg, rnd() % 8 ? 4 : 1 + rnd() % 8, rnd_reg_value(reg)); break;
    case 2: vlapic_msr_read(vl, msr, &v); break;
    default: vlapic_msr_write(vl, msr, rnd_reg_value(reg)); break;
    }
}

static void fuzz_mode(struct vlapic *vl)
{
    uint64_t en = VLAPIC_BASE_EN, extd = VLAPIC_BASE_EXTD, base = 0xfee00000;

    switch (rnd() % 8) {
    case 0: vlapic_reset(vl); break;
    case 1: vlapic_init_signal(vl); break;
    case 2: vlapic_msr_write(vl, 0x1b, base | en | extd); break;
    case 3: vlapic_msr_write(vl, 0x1b, base | (rnd() % 4 ? en : 0)); break;
    case 4: vlapic_msr_write(vl, 0x1b, rnd_value()); break;
    case 5: vlapic_msr_write(vl, 0x6e0, rnd() % 2 ? rnd() % 100000000 : rnd_value()); break;
    default:
        if (vlapic_mmio_write(vl, APIC_REG_SVR, 4, 0x1ff) != 0)
            vlapic_msr_write(vl, 0x80f, 0x1ff);
        break;
    }
}

static void fuzz_one(struct vlapic *vl)
{
    switch (rnd() % 16) {
    case 0: case 1:
        vlapic_set_irq(vl, rnd() % 256, rnd() % 2);
        break;
    case 2: case 3: {
        int p = vlapic_has_pending_irq(vl);

        CHECK(p == -1 || (p >= 16 && p <= 255));
        if (p >= 0)
            vlapic_ack_irq(vl, p);
        break;
    }
    case 4:
        advance_by(rnd() % 3 ? (s_time_t)(rnd() % 5000) : (s_time_t)(rnd() % MILLISECS(10)));
        break;
    case 5:
        fuzz_mode(vl);
        break;
    default:
        fuzz_register(vl);
        break;
    }
}

TEST(fuzz_random_accesses_never_crash)
{
    setup(4);
    tsc_offset = 0;
    for (int i = 0; i < 1000000; i++) {
        struct vlapic *vl = &vcpus[rnd() % nr_vcpus].vl;

        fuzz_one(vl);
        CHECK_EQ(vl->irr[0] & 0xffff, 0);
        CHECK_EQ(vl->isr[0] & 0xffff, 0);
        CHECK(vl->esr_pending == (vl->esr_pending & 0xe0));
        CHECK(timer_queue_length(0) <= nr_vcpus);
    }
    /* It reached the interesting places. */
    unsigned int kicks = 0, x2 = 0;
    for (uint32_t i = 0; i < nr_vcpus; i++) {
        kicks += vcpus[i].kicks;
        x2 += vlapic_x2apic_mode(&vcpus[i].vl);
    }
    fprintf(stderr, "fuzz: %u deliveries, %u kicks, %u in x2APIC mode, now %lld\n",
            nr_deliveries, kicks, x2, (long long)fake_now);
    CHECK(nr_deliveries > 100);
    CHECK(kicks > 100);
    /* Everything is still usable afterwards. */
    for (uint32_t i = 0; i < nr_vcpus; i++) {
        struct vlapic *vl = &vcpus[i].vl;

        vlapic_reset(vl);
        wr(vl, APIC_REG_SVR, 0x1ff);
        CHECK(vlapic_set_irq(vl, 0x99, false));
        CHECK_EQ(vlapic_has_pending_irq(vl), 0x99);
    }
}
