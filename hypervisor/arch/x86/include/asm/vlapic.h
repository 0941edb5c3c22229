/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual local APIC of a guest vCPU.  Owner: arch/x86/hvm/vlapic.c.
 *
 * One struct vlapic per vCPU, embedded in the vCPU.  It holds the register
 * state in xAPIC layout and serves three views of it: the xAPIC MMIO page
 * (vlapic_mmio_*), the x2APIC MSRs 0x800-0x8ff and IA32_TSC_DEADLINE
 * (vlapic_msr_*), and IA32_APIC_BASE (vlapic_apic_base_*), which switches
 * between the disabled, xAPIC and x2APIC modes with the architectural rules.
 *
 * The APIC ID is the vCPU id (xAPIC: bits 31:24 of the ID register,
 * read-only; x2APIC: the full 32 bits), so the MADT must list vCPU n with
 * APIC ID n.  The version register reads 0x00050014 (six LVT entries:
 * timer, thermal, perf, LINT0, LINT1, error; no CMCI, no directed EOI).
 * TSC-deadline is supported.  The timer counts at 1 GHz before the divider
 * (VLAPIC_BUS_NS_PER_TICK); a periodic timer is never re-armed sooner than
 * VLAPIC_TIMER_MIN_PERIOD_NS after its last expiry (its current count still
 * follows the period the guest programmed).
 *
 * Everything the vlapic needs from the vCPU/domain code goes through
 * struct vlapic_ops; ctx is the per-vCPU pointer given to vlapic_init().
 *
 * IPIs: an ICR write resolves the destination itself (shorthands, physical
 * and logical flat/cluster, broadcast) by walking vCPUs 0..vcpu_count-1 and
 * reading each one's vlapic (vlapic_of) -- its mode, APIC ID, LDR and DFR --
 * without taking that vlapic's lock.  A vCPU whose APIC is hardware-disabled
 * (APIC_BASE.EN = 0) matches nothing.  It then calls deliver() once per
 * target; lowest-priority arbitration is "the lowest-numbered vCPU of the
 * set", delivered as VLAPIC_DM_FIXED.  deliver() must, for FIXED, call
 * vlapic_set_irq() on the target and kick it if accepted; for NMI inject an
 * NMI; for INIT reset the vCPU (vlapic_init_signal() among others) and park
 * it waiting for SIPI; for STARTUP start a vCPU waiting for SIPI at
 * vector << 12 (CS = vector << 8, IP = 0).  INIT level de-assert, SMI and
 * the reserved modes are dropped here; fixed and lowest-priority IPIs with
 * a vector below 16 are not sent and set the sender's "send illegal vector"
 * error.
 *
 * Locking: each vlapic has its own lock (irq-saving, level 0).  No vlapic
 * lock is held while vcpu_count, vlapic_of, deliver, eoi or kick run, so
 * those may call back into any vlapic, this one included.  timer_cpu and
 * guest_tsc_to_ns are called with this vlapic's lock held and must not call
 * into it.  All entry points may be called from any CPU.
 *
 * Interrupt flow: after a VM exit that touched the APIC, and before every VM
 * entry, the vCPU code asks vlapic_has_pending_irq(); when the guest can take
 * it, it calls vlapic_ack_irq(vector) and injects the vector.  EOIs (MMIO or
 * MSR) retire the highest in-service vector; a level-triggered one (TMR set)
 * is reported through ops->eoi for the IOAPIC.
 */
#ifndef ASM_VLAPIC_H
#define ASM_VLAPIC_H

#include <keel/spinlock.h>
#include <keel/timer.h>
#include <keel/types.h>

/* xAPIC MMIO register offsets (x2APIC MSR = 0x800 + (offset >> 4)). */
#define APIC_REG_ID         0x020
#define APIC_REG_VERSION    0x030
#define APIC_REG_TPR        0x080
#define APIC_REG_APR        0x090
#define APIC_REG_PPR        0x0a0
#define APIC_REG_EOI        0x0b0
#define APIC_REG_RRD        0x0c0
#define APIC_REG_LDR        0x0d0
#define APIC_REG_DFR        0x0e0
#define APIC_REG_SVR        0x0f0
#define APIC_REG_ISR        0x100   /* 8 registers, 0x10 apart */
#define APIC_REG_TMR        0x180
#define APIC_REG_IRR        0x200
#define APIC_REG_ESR        0x280
#define APIC_REG_LVT_CMCI   0x2f0
#define APIC_REG_ICR_LOW    0x300
#define APIC_REG_ICR_HIGH   0x310
#define APIC_REG_LVT_TIMER  0x320
#define APIC_REG_LVT_THERM  0x330
#define APIC_REG_LVT_PERF   0x340
#define APIC_REG_LVT_LINT0  0x350
#define APIC_REG_LVT_LINT1  0x360
#define APIC_REG_LVT_ERROR  0x370
#define APIC_REG_TMICT      0x380
#define APIC_REG_TMCCT      0x390
#define APIC_REG_TDCR       0x3e0
#define APIC_REG_SELF_IPI   0x3f0   /* x2APIC only */

/* MSRs served by vlapic_msr_read/write. */
#define VLAPIC_MSR_APIC_BASE              0x01b
#define VLAPIC_MSR_TSC_DEADLINE           0x6e0
#define VLAPIC_MSR_X2APIC_FIRST           0x800
#define VLAPIC_MSR_X2APIC_LAST            0x8ff
#define VLAPIC_MSR_X2APIC_ICR             0x830
#define VLAPIC_MSR_X2APIC_SELF_IPI        0x83f

/* IA32_APIC_BASE bits */
#define VLAPIC_BASE_BSP                   (1ULL << 8)
#define VLAPIC_BASE_EXTD                  (1ULL << 10)
#define VLAPIC_BASE_EN                    (1ULL << 11)
#define VLAPIC_BASE_DEFAULT_ADDR          0xfee00000ULL

#define VLAPIC_VERSION                    0x00050014u
/* LVT entries: timer, thermal, perf, LINT0, LINT1, error. */
#define VLAPIC_NR_LVT                     6

/* SVR, LVT, ESR, ICR bits */
#define VLAPIC_SVR_ENABLE                 (1u << 8)
#define VLAPIC_LVT_MASKED                 (1u << 16)
#define VLAPIC_LVT_TIMER_MODE_SHIFT       17
#define VLAPIC_LVT_TIMER_ONESHOT          0u
#define VLAPIC_LVT_TIMER_PERIODIC         1u
#define VLAPIC_LVT_TIMER_TSCDEADLINE      2u
#define VLAPIC_ESR_SEND_ILLEGAL_VECTOR    (1u << 5)
#define VLAPIC_ESR_RECV_ILLEGAL_VECTOR    (1u << 6)
#define VLAPIC_ESR_ILLEGAL_REGISTER       (1u << 7)
#define VLAPIC_ICR_DEST_LOGICAL           (1u << 11)
#define VLAPIC_ICR_LEVEL_ASSERT           (1u << 14)
#define VLAPIC_ICR_TRIGGER_LEVEL          (1u << 15)
#define VLAPIC_ICR_SHORTHAND_SHIFT        18
#define VLAPIC_DFR_FLAT                   0xffffffffu
#define VLAPIC_DFR_CLUSTER                0x0fffffffu

#define VLAPIC_BUS_NS_PER_TICK            1
#define VLAPIC_TIMER_MIN_PERIOD_NS        MICROSECS(100)

/* Delivery modes, as encoded in ICR bits 10:8. */
enum vlapic_dm {
    VLAPIC_DM_FIXED = 0,
    VLAPIC_DM_LOWEST = 1,
    VLAPIC_DM_SMI = 2,
    VLAPIC_DM_NMI = 4,
    VLAPIC_DM_INIT = 5,
    VLAPIC_DM_STARTUP = 6,
    VLAPIC_DM_EXTINT = 7,
};

struct vlapic;

/* What the vCPU/domain code provides.  ctx: the vlapic_init() ctx. */
struct vlapic_ops {
    /* vCPUs of the domain, numbered 0..vcpu_count-1. */
    uint32_t (*vcpu_count)(void *ctx);
    /* The vlapic of vCPU vcpu_id of the same domain, NULL if none. */
    struct vlapic *(*vlapic_of)(void *ctx, uint32_t vcpu_id);
    /* Send an IPI to one vCPU (see the top of this file).  mode is FIXED,
     * NMI, INIT or STARTUP; level is the ICR trigger mode (FIXED only). */
    void (*deliver)(void *ctx, uint32_t dest_vcpu_id, enum vlapic_dm mode,
                    uint8_t vector, bool level);
    /* EOI of a level-triggered vector (for the IOAPIC's remote IRR); may be
     * NULL. */
    void (*eoi)(void *ctx, uint8_t vector);
    /* Wake this vCPU (or force it out of guest mode) so that it looks at
     * vlapic_has_pending_irq(); called after a timer sets an IRR bit. */
    void (*kick)(void *ctx);
    /* The physical CPU this vCPU runs on (where its APIC timer lives). */
    unsigned int (*timer_cpu)(void *ctx);
    /* The NOW() time at which this vCPU's TSC reaches tsc (past times are
     * fine: the timer then fires at once). */
    s_time_t (*guest_tsc_to_ns)(void *ctx, uint64_t tsc);
};

struct vlapic {
    spinlock_t lock;
    const struct vlapic_ops *ops;
    void *ctx;
    uint32_t vcpu_id;
    uint8_t maxphyaddr;         /* guest MAXPHYADDR for APIC_BASE checks (48) */

    /* Registers; fields read by other vCPUs' ICR writes use atomics. */
    uint64_t apic_base;         /* IA32_APIC_BASE */
    uint32_t id;                /* xAPIC ID register (ID << 24) */
    uint32_t tpr;
    uint32_t ldr;               /* xAPIC value; derived in x2APIC mode */
    uint32_t dfr;
    uint32_t svr;
    uint32_t esr;               /* what ESR reads */
    uint32_t esr_pending;       /* errors since the last ESR write */
    uint32_t icr_low;
    uint32_t icr_high;          /* xAPIC: dest in 31:24; x2APIC: 32-bit dest */
    uint32_t lvt[VLAPIC_NR_LVT];
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    uint32_t tmict;
    uint32_t tdcr;
    uint64_t tsc_deadline;      /* IA32_TSC_DEADLINE (0: disarmed) */

    /* The timer: count loaded at timer_start, period_ns per count. */
    struct timer timer;
    s_time_t timer_start;
    s_time_t timer_period;      /* tmict * divisor * bus ns */
    s_time_t timer_deadline;    /* next expiry (NOW() time) */
    bool timer_armed;
};

/* Power-on state (xAPIC mode, base 0xfee00000, BSP flag for vCPU 0); the
 * timer is bound to ops->timer_cpu(ctx).  Call vlapic_destroy() before
 * freeing. */
void vlapic_init(struct vlapic *vl, uint32_t vcpu_id,
                 const struct vlapic_ops *ops, void *ctx);
void vlapic_destroy(struct vlapic *vl);         /* kills the timer; may wait */
/* Power-on reset: registers and IA32_APIC_BASE (back to xAPIC mode). */
void vlapic_reset(struct vlapic *vl);
/* An INIT signal: registers reset, IA32_APIC_BASE (mode, base) kept. */
void vlapic_init_signal(struct vlapic *vl);

/*
 * xAPIC MMIO at offset (0..0xfff) from the APIC base.  Registers are 32 bits
 * at 16-byte-aligned offsets; reads of 1..8 bytes anywhere see each
 * register's low 4 bytes and zeroes elsewhere; writes take effect only when
 * 4 or 8 bytes at a register's offset (low 32 bits used), other writes are
 * dropped.  Unimplemented registers read 0 and set the "illegal register
 * address" error.  Returns 0, or -ENODEV when the MMIO page is off
 * (hardware-disabled or x2APIC mode): the access then goes nowhere.
 */
int vlapic_mmio_read(struct vlapic *vl, uint32_t offset, unsigned int size,
                     uint64_t *val);
int vlapic_mmio_write(struct vlapic *vl, uint32_t offset, unsigned int size,
                      uint64_t val);
/* Guest-physical base of the MMIO page, and whether it decodes at all. */
uint64_t vlapic_mmio_base(const struct vlapic *vl);
bool vlapic_mmio_enabled(const struct vlapic *vl);

/*
 * RDMSR/WRMSR of IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC range.
 * 0; -EFAULT: inject #GP(0) (x2APIC range outside x2APIC mode, absent or
 * write-only/read-only registers, reserved bits, bad mode transitions);
 * -ENOENT: not an MSR of the vlapic.
 */
bool vlapic_owns_msr(uint32_t msr);
int vlapic_msr_read(struct vlapic *vl, uint32_t msr, uint64_t *val);
int vlapic_msr_write(struct vlapic *vl, uint32_t msr, uint64_t val);
uint64_t vlapic_apic_base_read(struct vlapic *vl);
int vlapic_apic_base_write(struct vlapic *vl, uint64_t val);  /* 0 / -EFAULT */

/* Make vector pending (IRR; TMR set for level, cleared for edge).  Dropped
 * (false) when the APIC is hardware- or software-disabled; a vector below
 * 16 is dropped and sets the "receive illegal vector" error.  Does not
 * kick.  true: accepted. */
bool vlapic_set_irq(struct vlapic *vl, uint8_t vector, bool level);
/* The highest IRR vector whose priority class is above PPR's, or -1 (also
 * when the APIC is disabled in hardware or software). */
int vlapic_has_pending_irq(struct vlapic *vl);
/* Debug key: one line of the state (highest IRR and ISR vectors, PPR). */
void vlapic_dump(struct vlapic *vl);
/* The vCPU takes vector: IRR -> ISR (PPR rises). */
void vlapic_ack_irq(struct vlapic *vl, uint8_t vector);

/* CR8 / V_TPR view of TPR bits 7:4, and its update from the guest. */
uint8_t vlapic_get_cr8(struct vlapic *vl);
void vlapic_set_cr8(struct vlapic *vl, uint8_t cr8);

/* The vCPU moved to cpu: its APIC timer follows (also done on each arm). */
void vlapic_migrate_timer(struct vlapic *vl, unsigned int cpu);

/*
 * Save records (arch/x86/hvm/hvm_save.c), Xen's LAPIC and LAPIC_REGS.  The
 * register page holds each register at its xAPIC offset; TMCCT is the
 * count left.  Loading takes what a register write would (read-only
 * registers -- ID, version, PPR, APR -- are Keel's own; vectors 0-15
 * dropped) and restarts the timer from TMCCT, or at IA32_TSC_DEADLINE
 * (from the LAPIC record, so load that first).  vlapic_check_hidden (and
 * vlapic_load_hidden, which then applies it): 0, or -EINVAL for an APIC
 * base no WRMSR could set, a BSP flag not this vCPU's, or unknown
 * 'disabled' bits ('disabled' and 'timer_divisor' are otherwise derived,
 * from the base and SVR, and TDCR).
 */
#define VLAPIC_HW_DISABLED                1u
#define VLAPIC_SW_DISABLED                2u
struct hvm_hw_lapic;
struct hvm_hw_lapic_regs;
void vlapic_save_hidden(struct vlapic *vl, struct hvm_hw_lapic *h);
int vlapic_check_hidden(const struct vlapic *vl, const struct hvm_hw_lapic *h);
int vlapic_load_hidden(struct vlapic *vl, const struct hvm_hw_lapic *h);
void vlapic_save_regs(struct vlapic *vl, struct hvm_hw_lapic_regs *r);
void vlapic_load_regs(struct vlapic *vl, const struct hvm_hw_lapic_regs *r);

/* Mode queries (lock-free snapshots). */
bool vlapic_hw_enabled(const struct vlapic *vl);
bool vlapic_sw_enabled(const struct vlapic *vl);
bool vlapic_x2apic_mode(const struct vlapic *vl);
uint32_t vlapic_apic_id(const struct vlapic *vl);   /* the current APIC ID */

#endif
