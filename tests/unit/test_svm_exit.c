// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of SVM exit handling (hypervisor/arch/x86/hvm/svm/exit.c): it
 * owns the dispatch of each #VMEXIT code to its handler and what the
 * handler does to the vCPU -- CPUID, RDMSR/WRMSR with #GP injection, port
 * I/O (all-ones reads zero-extended as the CPU does, the 0xE9 console, the
 * ACPI sleep and reset ports, the vPIT, string forms), HLT blocking or not
 * on pending events, VMMCALL and Intel's VMCALL (#UD) as hypercalls,
 * nested page faults, triple faults, invalid VMCBs and unknown exits
 * crashing the domain, SVM instructions raising #UD, VINTR, XSETBV, the
 * IRET ending an NMI handler -- and the instruction-length skipping it
 * shares (svm_skip_insn: usual encodings, prefixes through the real
 * decoder, page ends, 32-bit RIP wrap, interrupt shadow cleared).
 * Expected values come from the AMD APM (exit codes, EXITINFO1 of IOIO,
 * instruction encodings) and Xen's behaviour.
 *
 * The test plays the rest of Keel: one vCPU with a real VMCB, guest memory
 * as two linear windows (below 4 GiB at 0x10000 and up to 4 GiB), and
 * recording fakes for the policy and the domain (guest_cpuid, guest_*msr,
 * vpit_ioport, hypercall_dispatch, vcpu_block, domain_crash, ...).
 */
#include "ktest.h"

#include <stdarg.h>
#include <string.h>

#include <asm/hvm_vcpu.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/timer.h>
#include <public/sched.h>

/* ---- Guest memory: two windows of linear addresses ---------------------- */

#define LOW_BASE    0x10000ULL      /* [LOW_BASE, LOW_BASE + 3 pages) */
#define LOW_SIZE    (3 * 4096ULL)
#define TOP_BASE    0xfffff000ULL   /* the last page below 4 GiB */
#define TOP_SIZE    4096ULL

static uint8_t low_mem[LOW_SIZE], top_mem[TOP_SIZE];

static uint8_t *guest_ptr(uint64_t gva, uint64_t len)
{
    if (gva >= LOW_BASE && gva + len <= LOW_BASE + LOW_SIZE && gva + len >= gva)
        return low_mem + (gva - LOW_BASE);
    if (gva >= TOP_BASE && gva + len <= TOP_BASE + TOP_SIZE && gva + len >= gva)
        return top_mem + (gva - TOP_BASE);
    return NULL;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
    uint8_t *p = guest_ptr(gva, len);

    (void)v;
    if (!p)
        return -EFAULT;
    memcpy(dst, p, len);
    return 0;
}

/* ---- Recording fakes -------------------------------------------------- */

static struct {
    uint32_t cpuid_calls, cpuid_leaf, cpuid_sub;
    uint32_t rdmsr_calls, wrmsr_calls, msr;
    uint64_t wrmsr_val;
    bool msr_fail;
    uint32_t injections, inj_vector, inj_error;
    bool inj_has_error;
    uint32_t hypercalls;
    uint64_t hypercall_rip;         /* RIP the dispatcher saw */
    bool hypercall_restart;         /* the dispatcher asks for a continuation */
    uint32_t blocks, crashes, shutdowns, shutdown_reason, dumps;
    char console[64];
    uint32_t console_len;
    uint32_t vpit_calls;
    uint16_t vpit_port;
    bool vpit_in, vpit_claims;
    uint8_t vpit_val;
    bool pending_events;
    bool lapic_page;                /* hvm_vlapic_mmio claims the address */
    int p2m_rc;                     /* p2m_get_entry: its result and type */
    enum p2m_type p2m_type;
    uint64_t mmio_gpa;
    uint32_t xsetbv_calls, xcr_index;
    uint64_t xcr_val;
    bool xsetbv_fail;
} fx;

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
    (void)v;
    fx.cpuid_calls++;
    fx.cpuid_leaf = leaf;
    fx.cpuid_sub = subleaf;
    regs[0] = 0x11111111;
    regs[1] = 0x22222222;
    regs[2] = 0x33333333;
    regs[3] = 0x44444444;
}

int guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    (void)v;
    fx.rdmsr_calls++;
    fx.msr = msr;
    if (fx.msr_fail)
        return -EPERM;
    *val = 0x8877665544332211ULL;
    return 0;
}

int guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    (void)v;
    fx.wrmsr_calls++;
    fx.msr = msr;
    fx.wrmsr_val = val;
    return fx.msr_fail ? -EPERM : 0;
}

void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    (void)v;
    fx.injections++;
    fx.inj_vector = vector;
    fx.inj_has_error = has_error;
    fx.inj_error = error;
}

int svm_set_xcr0(struct vcpu *v, uint32_t index, uint64_t val)
{
    (void)v;
    fx.xsetbv_calls++;
    fx.xcr_index = index;
    fx.xcr_val = val;
    return fx.xsetbv_fail ? -EPERM : 0;
}

bool hypercall_dispatch(struct vcpu *v)
{
    fx.hypercalls++;
    fx.hypercall_rip = v->hvm.vmcb->save.rip;
    return fx.hypercall_restart;
}

void vcpu_block(struct vcpu *v)
{
    fx.blocks++;
    v->state = VCPU_BLOCKED;
}

bool hvm_vcpu_has_pending_events(struct vcpu *v)
{
    (void)v;
    return fx.pending_events;
}

int p2m_get_entry(struct p2m *p2m, gfn_t gfn, mfn_t *mfn, enum p2m_type *type,
                  unsigned int *order)
{
    (void)p2m; (void)gfn;
    if (mfn)
        *mfn = fx.p2m_rc ? MFN_INVALID : 0x1234;
    if (type)
        *type = fx.p2m_rc ? p2m_invalid : fx.p2m_type;
    if (order)
        *order = 0;
    return fx.p2m_rc;
}

bool hvm_vlapic_mmio(struct vcpu *v, uint64_t gpa)
{
    (void)v;
    fx.mmio_gpa = gpa;
    return fx.lapic_page;
}

void hvm_vcpu_dump(struct vcpu *v)
{
    (void)v;
    fx.dumps++;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    (void)d;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("crash: %s\n", buf);
    fx.crashes++;
}

void domain_shutdown(struct domain *d, uint32_t reason)
{
    (void)d;
    fx.shutdowns++;
    fx.shutdown_reason = reason;
}

void domain_console_write(struct domain *d, const char *buf, uint32_t len)
{
    (void)d;
    memcpy(fx.console + fx.console_len, buf, len);
    fx.console_len += len;
}

bool vpit_ioport(struct vpit *p, uint16_t port, bool in, uint8_t *val, int64_t now)
{
    (void)p;
    (void)now;
    fx.vpit_calls++;
    fx.vpit_port = port;
    fx.vpit_in = in;
    if (!fx.vpit_claims)
        return false;
    if (in)
        *val = 0x20;
    else
        fx.vpit_val = *val;
    return true;
}

s_time_t NOW(void)
{
    return 0;
}

/* ---- One vCPU ------------------------------------------------------------ */

static struct domain dom;
static struct vcpu vc;
static struct vmcb vmcb __attribute__((aligned(4096)));

#define EFER_LMA    (1ULL << 10)
#define CS_L        (1u << 9)
#define CS_DB       (1u << 10)

/* A 64-bit vCPU at RIP LOW_BASE + 0x100, running. */
static struct vcpu *setup(void)
{
    memset(&fx, 0, sizeof(fx));
    memset(&vmcb, 0, sizeof(vmcb));
    memset(&vc, 0, sizeof(vc));
    memset(low_mem, 0xcc, sizeof(low_mem));        /* int3 everywhere */
    memset(top_mem, 0xcc, sizeof(top_mem));
    vc.domain = &dom;
    vc.state = VCPU_RUNNING;
    vc.hvm.vmcb = &vmcb;
    vmcb.save.cr0 = 0x80000011;
    vmcb.save.efer = EFER_LMA | (1ULL << 8) | (1ULL << 12);
    vmcb.save.cs.attr = 0x29b | CS_L;
    vmcb.save.rip = LOW_BASE + 0x100;
    vmcb.save.rflags = 0x202;
    return &vc;
}

/* 32-bit protected mode, flat. */
static void mode32(void)
{
    vmcb.save.efer = 1ULL << 12;
    vmcb.save.cs.attr = 0xc9b;
}

static void code(uint64_t rip, const char *bytes, size_t n)
{
    uint8_t *p = guest_ptr(rip, n);

    CHECK(p != NULL);
    memcpy(p, bytes, n);
    vmcb.save.rip = rip;
}

static void exit_with(uint64_t code, uint64_t info1, uint64_t info2)
{
    vmcb.ctl.exitcode = code;
    vmcb.ctl.exitinfo1 = info1;
    vmcb.ctl.exitinfo2 = info2;
    svm_handle_exit(&vc);
}

#define RIP0    (LOW_BASE + 0x100)

/* ---- CPUID ---------------------------------------------------------------- */

TEST(cpuid_asks_the_policy_and_skips_two_bytes)
{
    setup();
    code(RIP0, "\x0f\xa2", 2);
    vmcb.save.rax = 0xffffffff00000007ULL;          /* EAX = leaf 7 */
    vc.hvm.regs.rcx = 0xffffffff00000001ULL;         /* ECX = subleaf 1 */
    vc.hvm.regs.rbx = vc.hvm.regs.rdx = ~0ULL;
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(fx.cpuid_calls, 1);
    CHECK_EQ(fx.cpuid_leaf, 7);
    CHECK_EQ(fx.cpuid_sub, 1);
    /* 32-bit results zero-extend into the 64-bit registers. */
    CHECK_EQ(vmcb.save.rax, 0x11111111);
    CHECK_EQ(vc.hvm.regs.rbx, 0x22222222);
    CHECK_EQ(vc.hvm.regs.rcx, 0x33333333);
    CHECK_EQ(vc.hvm.regs.rdx, 0x44444444);
    CHECK_EQ(vmcb.save.rip, RIP0 + 2);
    CHECK_EQ(fx.crashes, 0);
}

TEST(instruction_with_prefixes_is_decoded)
{
    setup();
    code(RIP0, "\x2e\x0f\xa2", 3);                  /* CS override + CPUID */
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(vmcb.save.rip, RIP0 + 3);
    code(RIP0, "\x66\x66\x2e\x0f\xa2", 5);
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(vmcb.save.rip, RIP0 + 5);
    code(RIP0, "\x3e\xf4", 2);                      /* DS override + HLT */
    exit_with(SVM_EXIT_HLT, 0, 0);
    CHECK_EQ(vmcb.save.rip, RIP0 + 2);
    CHECK_EQ(fx.crashes, 0);
}

TEST(instruction_ending_at_an_unmapped_page)
{
    uint64_t rip = LOW_BASE + LOW_SIZE - 3;         /* the next page is not mapped */

    setup();
    code(rip, "\x66\x0f\xa2", 3);
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(vmcb.save.rip, rip + 3);
    CHECK_EQ(fx.crashes, 0);
    rip = LOW_BASE + LOW_SIZE - 2;
    code(rip, "\x0f\xa2", 2);
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(vmcb.save.rip, rip + 2);
    CHECK_EQ(fx.crashes, 0);
}

TEST(unreadable_or_wrong_instruction_crashes)
{
    setup();
    vmcb.save.rip = 0x5000;                         /* not mapped */
    vmcb.save.rax = 7;
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(fx.crashes, 1);
    CHECK_EQ(vmcb.save.rip, 0x5000);
    CHECK_EQ(vmcb.save.rax, 7);                     /* nothing written back */
    CHECK(ktest_log_contains("cannot decode the instruction at 5000"));
    /* A 1-byte NOP where a 2-byte CPUID must be. */
    code(RIP0, "\x90\x90", 2);
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(fx.crashes, 2);
    CHECK_EQ(vmcb.save.rip, RIP0);
    CHECK(ktest_log_contains("is 1 bytes, expected 2"));
    /* Sixteen prefixes: longer than any instruction. */
    code(RIP0, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66", 16);
    exit_with(SVM_EXIT_HLT, 0, 0);
    CHECK_EQ(fx.crashes, 3);
    CHECK_EQ(fx.blocks, 0);
}

TEST(rip_wraps_at_4g_outside_long_mode)
{
    setup();
    mode32();
    code(0xfffffffeULL, "\x0f\xa2", 2);
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(vmcb.save.rip, 0);
    CHECK_EQ(fx.crashes, 0);
}

TEST(skipping_an_instruction_ends_the_interrupt_shadow)
{
    setup();
    /* STI; CPUID: the exit comes in STI's shadow, which ends with CPUID. */
    code(RIP0, "\x0f\xa2", 2);
    vmcb.ctl.int_state = 1;
    exit_with(SVM_EXIT_CPUID, 0, 0);
    CHECK_EQ(vmcb.ctl.int_state & 1, 0);
    code(RIP0, "\xf4", 1);
    vmcb.ctl.int_state = 1;
    exit_with(SVM_EXIT_HLT, 0, 0);
    CHECK_EQ(vmcb.ctl.int_state & 1, 0);
    code(RIP0, "\x0f\x01\xd9", 3);
    vmcb.ctl.int_state = 1;
    exit_with(SVM_EXIT_VMMCALL, 0, 0);
    CHECK_EQ(vmcb.ctl.int_state & 1, 0);
    code(RIP0, "\x0f\x01\xc1", 3);
    vmcb.ctl.int_state = 1;
    exit_with(SVM_EXIT_EXCP_BASE + 6, 0, 0);
    CHECK_EQ(vmcb.ctl.int_state & 1, 0);
    vmcb.ctl.int_state = 1;
    exit_with(SVM_EXIT_IOIO, (0x80u << 16) | 0x10, RIP0 + 2);
    CHECK_EQ(vmcb.ctl.int_state & 1, 0);
    /* Not skipped (a #GP instead): the shadow stays as the CPU left it. */
    fx.msr_fail = true;
    code(RIP0, "\x0f\x32", 2);
    vmcb.ctl.int_state = 1;
    exit_with(SVM_EXIT_MSR, 0, 0);
    CHECK_EQ(vmcb.ctl.int_state & 1, 1);
}

/* ---- MSRs ---------------------------------------------------------------- */

TEST(rdmsr)
{
    setup();
    code(RIP0, "\x0f\x32", 2);
    vc.hvm.regs.rcx = 0xdead0000c0000080ULL;        /* ECX only */
    vmcb.save.rax = vc.hvm.regs.rdx = ~0ULL;
    exit_with(SVM_EXIT_MSR, 0, 0);
    CHECK_EQ(fx.rdmsr_calls, 1);
    CHECK_EQ(fx.msr, 0xc0000080);
    CHECK_EQ(vmcb.save.rax, 0x44332211);            /* EDX:EAX, zero-extended */
    CHECK_EQ(vc.hvm.regs.rdx, 0x88776655);
    CHECK_EQ(vmcb.save.rip, RIP0 + 2);
    CHECK_EQ(fx.injections, 0);
}

TEST(rdmsr_refused_is_gp0_and_no_skip)
{
    setup();
    code(RIP0, "\x0f\x32", 2);
    fx.msr_fail = true;
    vmcb.save.rax = 5;
    exit_with(SVM_EXIT_MSR, 0, 0);
    CHECK_EQ(fx.injections, 1);
    CHECK_EQ(fx.inj_vector, 13);
    CHECK(fx.inj_has_error);
    CHECK_EQ(fx.inj_error, 0);
    CHECK_EQ(vmcb.save.rip, RIP0);                 /* a fault: RIP at the RDMSR */
    CHECK_EQ(vmcb.save.rax, 5);
}

TEST(wrmsr)
{
    setup();
    code(RIP0, "\x0f\x30", 2);
    vc.hvm.regs.rcx = 0x1b;
    vmcb.save.rax = 0xdeadbeef11111111ULL;          /* EAX */
    vc.hvm.regs.rdx = 0xcafef00d22222222ULL;        /* EDX */
    exit_with(SVM_EXIT_MSR, 1, 0);
    CHECK_EQ(fx.wrmsr_calls, 1);
    CHECK_EQ(fx.msr, 0x1b);
    CHECK_EQ(fx.wrmsr_val, 0x2222222211111111ULL);
    CHECK_EQ(vmcb.save.rip, RIP0 + 2);
    fx.msr_fail = true;
    code(RIP0, "\x0f\x30", 2);
    exit_with(SVM_EXIT_MSR, 1, 0);
    CHECK_EQ(fx.injections, 1);
    CHECK_EQ(fx.inj_vector, 13);
    CHECK_EQ(fx.inj_error, 0);
    CHECK_EQ(vmcb.save.rip, RIP0);
}

/* ---- Port I/O ------------------------------------------------------------- */

/* EXITINFO1 of an IOIO exit (AMD APM 15.10.2): port in 31:16, SZ32/16/8 in
 * 6:4, STR bit 2, TYPE (1 = IN) bit 0. */
static uint64_t ioio(uint16_t port, unsigned size, bool in, bool str)
{
    return ((uint64_t)port << 16) | ((size == 4 ? 4u : size == 2 ? 2u : 1u) << 4) |
           (str ? 1u << 2 : 0) | (in ? 1u : 0);
}

TEST(out_to_port_e9_is_the_console)
{
    setup();
    vmcb.save.rax = 0x4b;                           /* 'K' */
    exit_with(SVM_EXIT_IOIO, ioio(0xe9, 1, false, false), RIP0 + 2);
    vmcb.save.rax = 0x1234560a;                     /* AL '\n' */
    exit_with(SVM_EXIT_IOIO, ioio(0xe9, 1, false, false), RIP0 + 4);
    CHECK_EQ(fx.console_len, 2);
    CHECK(memcmp(fx.console, "K\n", 2) == 0);
    CHECK_EQ(vmcb.save.rip, RIP0 + 4);              /* EXITINFO2: the next RIP */
    /* A string OUTS is skipped whole, nothing written. */
    exit_with(SVM_EXIT_IOIO, ioio(0xe9, 1, false, true), RIP0 + 6);
    CHECK_EQ(fx.console_len, 2);
    CHECK_EQ(vmcb.save.rip, RIP0 + 6);
}

TEST(in_from_nothing_reads_all_ones)
{
    setup();
    vmcb.save.rax = 0x1122334455667700ULL;
    exit_with(SVM_EXIT_IOIO, ioio(0x80, 1, true, false), RIP0 + 2);
    CHECK_EQ(vmcb.save.rax, 0x11223344556677ffULL);    /* AL only */
    vmcb.save.rax = 0x1122334455660000ULL;
    exit_with(SVM_EXIT_IOIO, ioio(0x3f8, 2, true, false), RIP0 + 2);
    CHECK_EQ(vmcb.save.rax, 0x112233445566ffffULL);    /* AX only */
    /* IN EAX writes a 32-bit register: the upper half is cleared. */
    vmcb.save.rax = 0x1122334455667788ULL;
    exit_with(SVM_EXIT_IOIO, ioio(0xcfc, 4, true, false), RIP0 + 2);
    CHECK_EQ(vmcb.save.rax, 0xffffffffULL);
    /* INS: skipped, RAX untouched. */
    vmcb.save.rax = 0x42;
    exit_with(SVM_EXIT_IOIO, ioio(0x80, 1, true, true), RIP0 + 3);
    CHECK_EQ(vmcb.save.rax, 0x42);
    CHECK_EQ(vmcb.save.rip, RIP0 + 3);
    CHECK_EQ(fx.shutdowns + fx.crashes + fx.console_len, 0);
}

TEST(acpi_sleep_port_s5_powers_off)
{
    setup();
    /* HW-reduced ACPI sleep control: SLP_TYP in bits 4:2, SLP_EN bit 5. */
    vmcb.save.rax = (5 << 2);                       /* S5 without SLP_EN */
    exit_with(SVM_EXIT_IOIO, ioio(PVH_SLEEP_PORT, 1, false, false), RIP0 + 2);
    vmcb.save.rax = (4 << 2) | 0x20;                /* S4 */
    exit_with(SVM_EXIT_IOIO, ioio(PVH_SLEEP_PORT, 1, false, false), RIP0 + 2);
    vmcb.save.rax = (5 << 2) | 0x20;
    exit_with(SVM_EXIT_IOIO, ioio(PVH_SLEEP_PORT, 2, false, false), RIP0 + 2);  /* a word */
    exit_with(SVM_EXIT_IOIO, ioio(PVH_SLEEP_PORT, 1, true, false), RIP0 + 2);   /* a read */
    CHECK_EQ(fx.shutdowns, 0);
    vmcb.save.rax = 0xff00 | (5 << 2) | 0x20;
    exit_with(SVM_EXIT_IOIO, ioio(PVH_SLEEP_PORT, 1, false, false), RIP0 + 2);
    CHECK_EQ(fx.shutdowns, 1);
    CHECK_EQ(fx.shutdown_reason, SHUTDOWN_poweroff);
    CHECK_EQ(PVH_SLEEP_PORT, 0xb004);
}

TEST(reset_port_reboots)
{
    setup();
    vmcb.save.rax = 0x02;                           /* SYS_RST without RST_CPU */
    exit_with(SVM_EXIT_IOIO, ioio(0xcf9, 1, false, false), RIP0 + 2);
    vmcb.save.rax = 0x06;
    exit_with(SVM_EXIT_IOIO, ioio(0xcf9, 2, false, false), RIP0 + 2);  /* a word */
    CHECK_EQ(fx.shutdowns, 0);
    exit_with(SVM_EXIT_IOIO, ioio(0xcf9, 1, false, false), RIP0 + 2);
    CHECK_EQ(fx.shutdowns, 1);
    CHECK_EQ(fx.shutdown_reason, SHUTDOWN_reboot);
    CHECK_EQ(vmcb.save.rip, RIP0 + 2);
}

TEST(byte_ports_go_to_the_vpit_first)
{
    setup();
    fx.vpit_claims = true;
    vmcb.save.rax = 0xabcd00;
    exit_with(SVM_EXIT_IOIO, ioio(0x61, 1, true, false), RIP0 + 2);
    CHECK_EQ(fx.vpit_calls, 1);
    CHECK_EQ(fx.vpit_port, 0x61);
    CHECK(fx.vpit_in);
    CHECK_EQ(vmcb.save.rax, 0xabcd20);              /* AL from the vPIT */
    vmcb.save.rax = 0x3;
    exit_with(SVM_EXIT_IOIO, ioio(0x61, 1, false, false), RIP0 + 2);
    CHECK_EQ(fx.vpit_val, 3);
    /* Not byte-sized: never the vPIT's. */
    exit_with(SVM_EXIT_IOIO, ioio(0x42, 2, true, false), RIP0 + 2);
    CHECK_EQ(fx.vpit_calls, 2);
    fx.vpit_claims = false;                         /* not one of its ports */
    vmcb.save.rax = 0;
    exit_with(SVM_EXIT_IOIO, ioio(0x70, 1, true, false), RIP0 + 2);
    CHECK_EQ(fx.vpit_calls, 3);
    CHECK_EQ(vmcb.save.rax, 0xff);
}

/* ---- HLT ------------------------------------------------------------------- */

TEST(hlt_blocks_unless_an_event_is_pending)
{
    setup();
    code(RIP0, "\xf4", 1);
    exit_with(SVM_EXIT_HLT, 0, 0);
    CHECK_EQ(fx.blocks, 1);
    CHECK_EQ(vc.state, VCPU_BLOCKED);
    CHECK_EQ(vmcb.save.rip, RIP0 + 1);
    setup();
    code(RIP0, "\xf4", 1);
    fx.pending_events = true;
    exit_with(SVM_EXIT_HLT, 0, 0);
    CHECK_EQ(fx.blocks, 0);
    CHECK_EQ(vc.state, VCPU_RUNNING);
    CHECK_EQ(vmcb.save.rip, RIP0 + 1);
    setup();                                        /* unreadable: crash, no block */
    vmcb.save.rip = 0x3000;
    exit_with(SVM_EXIT_HLT, 0, 0);
    CHECK_EQ(fx.blocks, 0);
    CHECK_EQ(fx.crashes, 1);
}

/* ---- Hypercalls ---------------------------------------------------------- */

TEST(vmmcall_is_a_hypercall_after_the_instruction)
{
    setup();
    code(RIP0, "\x0f\x01\xd9", 3);
    exit_with(SVM_EXIT_VMMCALL, 0, 0);
    CHECK_EQ(fx.hypercalls, 1);
    CHECK_EQ(fx.hypercall_rip, RIP0 + 3);           /* RIP already past it */
    CHECK_EQ(vmcb.save.rip, RIP0 + 3);
    setup();
    vmcb.save.rip = 0x3000;
    exit_with(SVM_EXIT_VMMCALL, 0, 0);
    CHECK_EQ(fx.hypercalls, 0);
    CHECK_EQ(fx.crashes, 1);
}

TEST(ud_vmcall_is_a_hypercall_other_ud_is_reflected)
{
    setup();
    code(RIP0, "\x0f\x01\xc1", 3);                  /* Intel's VMCALL */
    exit_with(SVM_EXIT_EXCP_BASE + 6, 0, 0);
    CHECK_EQ(fx.hypercalls, 1);
    CHECK_EQ(fx.hypercall_rip, RIP0 + 3);
    CHECK_EQ(fx.injections, 0);
    setup();
    code(RIP0, "\x0f\x0b", 2);                      /* UD2: the guest's own #UD */
    exit_with(SVM_EXIT_EXCP_BASE + 6, 0, 0);
    CHECK_EQ(fx.hypercalls, 0);
    CHECK_EQ(fx.injections, 1);
    CHECK_EQ(fx.inj_vector, 6);
    CHECK(!fx.inj_has_error);
    CHECK_EQ(vmcb.save.rip, RIP0);
    setup();
    vmcb.save.rip = LOW_BASE + LOW_SIZE - 2;        /* 0f 01 then an unmapped page */
    memcpy(low_mem + LOW_SIZE - 2, "\x0f\x01", 2);
    exit_with(SVM_EXIT_EXCP_BASE + 6, 0, 0);
    CHECK_EQ(fx.hypercalls, 0);
    CHECK_EQ(fx.injections, 1);
    CHECK_EQ(fx.inj_vector, 6);
}

/* A continuation leaves RIP on the instruction, for VMMCALL and VMCALL. */
TEST(continued_hypercall_runs_again)
{
    setup();
    code(RIP0, "\x0f\x01\xd9", 3);
    fx.hypercall_restart = true;
    exit_with(SVM_EXIT_VMMCALL, 0, 0);
    CHECK_EQ(fx.hypercalls, 1);
    CHECK_EQ(vmcb.save.rip, RIP0);
    setup();
    code(RIP0, "\x0f\x01\xc1", 3);
    fx.hypercall_restart = true;
    exit_with(SVM_EXIT_EXCP_BASE + 6, 0, 0);
    CHECK_EQ(fx.hypercalls, 1);
    CHECK_EQ(vmcb.save.rip, RIP0);
    CHECK_EQ(fx.injections, 0);
}

/* ---- Fatal exits ----------------------------------------------------------- */

TEST(npf_on_the_lapic_page_or_a_crash)
{
    setup();
    fx.lapic_page = true;
    exit_with(SVM_EXIT_NPF, 0x6, 0xfee00300);
    CHECK_EQ(fx.mmio_gpa, 0xfee00300);
    CHECK_EQ(fx.crashes, 0);
    fx.lapic_page = false;
    fx.p2m_rc = -ENOENT;
    exit_with(SVM_EXIT_NPF, 0x4, 0x123456000ULL);
    CHECK_EQ(fx.crashes, 1);
    CHECK(ktest_log_contains("unbacked guest-physical address 123456000"));
    CHECK_EQ(vmcb.save.rip, RIP0);
}

TEST(npf_write_to_a_read_only_mapping_is_a_gp)
{
    setup();
    fx.p2m_type = p2m_grant_map_ro;
    exit_with(SVM_EXIT_NPF, 0x7, 0x5000123);        /* present, write, user */
    CHECK_EQ(fx.crashes, 0);
    CHECK_EQ(fx.injections, 1);
    CHECK_EQ(fx.inj_vector, 13);
    CHECK(fx.inj_has_error);
    CHECK_EQ(fx.inj_error, 0);
    CHECK_EQ(vmcb.save.rip, RIP0);                  /* the write is not done */
    CHECK(ktest_log_contains("write to read-only guest-physical address 5000123"));
    fx.p2m_type = p2m_ram_ro;
    exit_with(SVM_EXIT_NPF, 0x7, 0x6000000);
    CHECK_EQ(fx.injections, 2);
    /* A read of it, or a write to anything else the p2m maps, is still fatal. */
    exit_with(SVM_EXIT_NPF, 0x5, 0x6000000);
    CHECK_EQ(fx.crashes, 1);
    fx.p2m_type = p2m_ram_rw;
    exit_with(SVM_EXIT_NPF, 0x7, 0x6000000);
    CHECK_EQ(fx.crashes, 2);
    CHECK_EQ(fx.injections, 2);
}

TEST(triple_fault_crashes_with_a_dump)
{
    setup();
    exit_with(SVM_EXIT_SHUTDOWN, 0, 0);
    CHECK_EQ(fx.crashes, 1);
    CHECK_EQ(fx.dumps, 1);
    CHECK(ktest_log_contains("triple fault"));
}

TEST(invalid_vmcb_and_unknown_exits_crash)
{
    static const uint64_t unknown[] = { 0x041 /* #DB */, 0x065 /* CR0 sel. write */,
                                        0x07e /* FERR freeze */, 0x401 /* AVIC */, 0x500 };

    setup();
    exit_with(SVM_EXIT_INVALID, 0, 0);
    CHECK_EQ(fx.crashes, 1);
    CHECK(ktest_log_contains("VMRUN refused the vCPU state"));
    for (uint32_t i = 0; i < ARRAY_SIZE(unknown); i++)
        exit_with(unknown[i], 0, 0);
    CHECK_EQ(fx.crashes, 1 + ARRAY_SIZE(unknown));
    CHECK(ktest_log_contains("unhandled SVM exit 0x401"));
    CHECK_EQ(fx.injections, 0);
}

/* ---- The rest ---------------------------------------------------------------- */

TEST(svm_instructions_raise_ud)
{
    static const uint64_t codes[] = {
        SVM_EXIT_VMRUN, SVM_EXIT_VMLOAD, SVM_EXIT_VMSAVE, SVM_EXIT_STGI, SVM_EXIT_CLGI,
        SVM_EXIT_SKINIT, SVM_EXIT_INVLPGA, SVM_EXIT_MONITOR, SVM_EXIT_MWAIT, SVM_EXIT_ICEBP,
    };

    CHECK_EQ(SVM_EXIT_VMRUN, 0x80);                 /* AMD APM appendix C */
    CHECK_EQ(SVM_EXIT_INVLPGA, 0x7a);
    CHECK_EQ(SVM_EXIT_ICEBP, 0x88);
    for (uint32_t i = 0; i < ARRAY_SIZE(codes); i++) {
        setup();
        exit_with(codes[i], 0, 0);
        CHECK_EQ(fx.injections, 1);
        CHECK_EQ(fx.inj_vector, 6);
        CHECK_EQ(fx.crashes, 0);
        CHECK_EQ(vmcb.save.rip, RIP0);
    }
}

TEST(host_events_change_nothing)
{
    static const uint64_t codes[] = { SVM_EXIT_INTR, SVM_EXIT_NMI, SVM_EXIT_SMI, SVM_EXIT_INIT };

    for (uint32_t i = 0; i < ARRAY_SIZE(codes); i++) {
        struct vmcb before;
        setup();
        memcpy(&before, &vmcb, sizeof(vmcb));
        exit_with(codes[i], 0, 0);
        before.ctl.exitcode = vmcb.ctl.exitcode;
        CHECK(memcmp(&before, &vmcb, sizeof(vmcb)) == 0);
        CHECK_EQ(fx.crashes + fx.injections + fx.blocks + fx.hypercalls, 0);
    }
}

TEST(vintr_closes_the_window)
{
    setup();
    vmcb.ctl.int_ctl = SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_MASKING;
    vmcb.ctl.intercept_misc1 = SVM_INTERCEPT_VINTR | SVM_INTERCEPT_HLT;
    exit_with(SVM_EXIT_VINTR, 0, 0);
    CHECK_EQ(vmcb.ctl.int_ctl, SVM_V_IGN_TPR | SVM_V_INTR_MASKING);
    CHECK_EQ(vmcb.ctl.intercept_misc1, SVM_INTERCEPT_HLT);
    CHECK_EQ(vmcb.save.rip, RIP0);
}

TEST(iret_of_an_nmi_handler_unblocks_nmis)
{
    setup();
    vc.hvm.nmi_blocked = true;
    vmcb.ctl.intercept_misc1 = SVM_INTERCEPT_IRET | SVM_INTERCEPT_HLT;
    exit_with(SVM_EXIT_IRET, 0, 0);
    CHECK(!vc.hvm.nmi_blocked);
    CHECK_EQ(vmcb.ctl.intercept_misc1, SVM_INTERCEPT_HLT);
    CHECK_EQ(vmcb.ctl.int_state & 1, 1);            /* until the IRET has run */
    CHECK_EQ(vmcb.save.rip, RIP0);                  /* the IRET itself runs in the guest */
    CHECK_EQ(SVM_EXIT_IRET, 0x74);
    CHECK_EQ(SVM_INTERCEPT_IRET, 1u << 20);
}

TEST(xsetbv)
{
    setup();
    code(RIP0, "\x0f\x01\xd1", 3);
    vc.hvm.regs.rcx = 0;
    vmcb.save.rax = 0xffffffff00000007ULL;
    vc.hvm.regs.rdx = 0;
    exit_with(SVM_EXIT_XSETBV, 0, 0);
    CHECK_EQ(fx.xsetbv_calls, 1);
    CHECK_EQ(fx.xcr_index, 0);
    CHECK_EQ(fx.xcr_val, 7);
    CHECK_EQ(vmcb.save.rip, RIP0 + 3);
    fx.xsetbv_fail = true;
    code(RIP0, "\x0f\x01\xd1", 3);
    exit_with(SVM_EXIT_XSETBV, 0, 0);
    CHECK_EQ(fx.injections, 1);
    CHECK_EQ(fx.inj_vector, 13);
    CHECK_EQ(fx.inj_error, 0);
    CHECK_EQ(vmcb.save.rip, RIP0);
}

TEST(exits_are_counted_by_kind)
{
    setup();
    code(RIP0, "\x0f\xa2", 2);
    exit_with(SVM_EXIT_CPUID, 0, 0);
    code(RIP0, "\x0f\xa2", 2);
    exit_with(SVM_EXIT_CPUID, 0, 0);
    exit_with(SVM_EXIT_INTR, 0, 0);
    exit_with(SVM_EXIT_NMI, 0, 0);
    exit_with(SVM_EXIT_VINTR, 0, 0);
    exit_with(SVM_EXIT_IOIO, ioio(0x80, 1, true, false), RIP0);
    code(RIP0, "\x0f\x01\xd9", 3);
    exit_with(SVM_EXIT_VMMCALL, 0, 0);
    fx.lapic_page = true;
    exit_with(SVM_EXIT_NPF, 0, 0xfee00000);
    exit_with(SVM_EXIT_VMRUN, 0, 0);
    code(RIP0, "\xf4", 1);
    fx.pending_events = true;
    exit_with(SVM_EXIT_HLT, 0, 0);
    code(RIP0, "\x0f\x30", 2);
    exit_with(SVM_EXIT_MSR, 1, 0);
    code(RIP0, "\x0f\x32", 2);
    exit_with(SVM_EXIT_MSR, 0, 0);
    exit_with(SVM_EXIT_IRET, 0, 0);
    ktest_log_clear();
    svm_dump_exit_counts(&vc);
    CHECK(ktest_log_contains("exits: intr 3 cpuid 2 msr 2 ioio 1 hlt 1 hypercall 1 npf 1 other 2"));
}
