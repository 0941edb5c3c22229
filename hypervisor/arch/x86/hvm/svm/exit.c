// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVM exit handling: every #VMEXIT of a vCPU comes here.  CPUID and MSRs go
 * to the per-domain policy, VMMCALL to the hypercall table, port I/O to the
 * (nearly empty) PVH port space with the 0xE9 debug console, HLT blocks,
 * nested page faults on unbacked memory and triple faults crash the domain,
 * the SVM instructions raise #UD, and the IRET of an NMI handler unblocks
 * NMIs.  Instruction lengths come from Keel's
 * decoder: QEMU's TCG has no NRIP save.
 */
#include <asm/hvm_vcpu.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <asm/x86_decode.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/event.h>
#include <keel/hypercall.h>
#include <keel/keyhandler.h>
#include <keel/lib.h>
#include <keel/p2m.h>
#include <keel/timer.h>
#include <public/sched.h>

#define EFER_LMA            (1ULL << 10)
#define SEG_ATTR_L          (1u << 9)
#define SEG_ATTR_DB         (1u << 10)
#define IOIO_TYPE_IN        (1u << 0)
#define IOIO_STRING         (1u << 2)
#define DEBUG_CONSOLE_PORT  0xe9
#define ACPI_SLP_EN         0x20

enum x86_mode svm_guest_mode(const struct vcpu *v)
{
    const struct vmcb_save *s = &v->hvm.vmcb->save;

    if (!(s->cr0 & 1))
        return X86_MODE_16;
    return x86_mode_of(s->efer & EFER_LMA, s->cs.attr & SEG_ATTR_L, s->cs.attr & SEG_ATTR_DB);
}

size_t svm_fetch_insn(struct vcpu *v, uint8_t bytes[X86_MAX_INSN_LEN])
{
    const struct vmcb_save *s = &v->hvm.vmcb->save;
    uint64_t rip = s->cs.base + s->rip;
    size_t first = MIN((size_t)X86_MAX_INSN_LEN, PAGE_SIZE - (rip & (PAGE_SIZE - 1)));

    if (copy_from_guest(v, bytes, rip, first) < 0)
        return 0;
    if (first < X86_MAX_INSN_LEN &&
        copy_from_guest(v, bytes + first, rip + first, X86_MAX_INSN_LEN - first) == 0)
        return X86_MAX_INSN_LEN;
    return first;
}

bool svm_skip_insn(struct vcpu *v, const char *expected, uint8_t expected_len)
{
    struct vmcb_save *s = &v->hvm.vmcb->save;
    uint8_t bytes[X86_MAX_INSN_LEN];
    struct x86_insn insn;
    uint8_t len = expected_len;
    size_t avail;

    if (copy_from_guest(v, bytes, s->cs.base + s->rip, expected_len) < 0 ||
        memcmp(bytes, expected, expected_len) != 0) {
        /* Prefixes, or an odd encoding: decode it. */
        avail = svm_fetch_insn(v, bytes);
        if (avail == 0 || x86_decode(&insn, bytes, avail, svm_guest_mode(v)) < 0) {
            domain_crash(v->domain, "cannot decode the instruction at %lx", s->rip);
            return false;
        }
        if (insn.len < expected_len) {
            domain_crash(v->domain, "instruction at %lx is %u bytes, expected %u", s->rip,
                         insn.len, expected_len);
            return false;
        }
        len = insn.len;
    }
    s->rip += len;
    if (svm_guest_mode(v) != X86_MODE_64)
        s->rip &= 0xffffffffULL;
    v->hvm.vmcb->ctl.int_state &= ~1u;  /* the instruction is done: no STI/MOV SS shadow */
    return true;
}

static void handle_cpuid(struct vcpu *v)
{
    struct vmcb_save *s = &v->hvm.vmcb->save;
    uint32_t r[4];

    guest_cpuid(v, (uint32_t)s->rax, (uint32_t)v->hvm.regs.rcx, r);
    if (!svm_skip_instruction(v, SVM_INSN_CPUID))
        return;
    s->rax = r[0];
    v->hvm.regs.rbx = r[1];
    v->hvm.regs.rcx = r[2];
    v->hvm.regs.rdx = r[3];
}

static void handle_msr(struct vcpu *v)
{
    struct vmcb *vmcb = v->hvm.vmcb;
    uint32_t msr = (uint32_t)v->hvm.regs.rcx;
    uint64_t val;

    if (vmcb->ctl.exitinfo1 == 0) {
        if (guest_rdmsr(v, msr, &val) < 0) {
            svm_inject_gp(v);
            return;
        }
        if (!svm_skip_instruction(v, SVM_INSN_RDMSR))
            return;
        vmcb->save.rax = (uint32_t)val;
        v->hvm.regs.rdx = val >> 32;
    } else {
        val = (uint32_t)vmcb->save.rax | (v->hvm.regs.rdx << 32);
        if (guest_wrmsr(v, msr, val) < 0) {
            svm_inject_gp(v);
            return;
        }
        svm_skip_instruction(v, SVM_INSN_WRMSR);
    }
}

/* PVH has no I/O ports: reads return all ones, writes are dropped, except
 * the 0xE9 debug console, the sleep and reset ports its ACPI tables name,
 * and PIT channel 2 with its gate (asm/vpit.h) for byte accesses.  String
 * forms are skipped whole. */
static void handle_ioio(struct vcpu *v)
{
    struct vmcb *vmcb = v->hvm.vmcb;
    uint64_t info = vmcb->ctl.exitinfo1;
    uint16_t port = (uint16_t)(info >> 16);
    unsigned int size = (info >> 4) & 7;     /* 1, 2 or 4 (one-hot in bits 4-6) */

    if (!(info & IOIO_STRING)) {
        uint8_t byte = (uint8_t)vmcb->save.rax;

        if (size == 1 && vpit_ioport(&v->domain->hvm.vpit, port, info & IOIO_TYPE_IN, &byte,
                                     NOW())) {
            if (info & IOIO_TYPE_IN)
                vmcb->save.rax = (vmcb->save.rax & ~0xffULL) | byte;
        } else if (info & IOIO_TYPE_IN && size == 4) {
            vmcb->save.rax = 0xffffffff;    /* a 32-bit write zero-extends */
        } else if (info & IOIO_TYPE_IN) {
            vmcb->save.rax |= size == 1 ? 0xff : 0xffff;
        } else if (port == DEBUG_CONSOLE_PORT) {
            char c = (char)vmcb->save.rax;
            domain_console_write(v->domain, &c, 1);
        } else if (port == PVH_SLEEP_PORT && size == 1) {
            uint8_t val = (uint8_t)vmcb->save.rax;
            if ((val & ACPI_SLP_EN) && ((val >> 2) & 7) == 5)
                domain_shutdown(v->domain, SHUTDOWN_poweroff);     /* ACPI S5 */
        } else if (port == PVH_RESET_PORT && size == 1 &&
                   (uint8_t)vmcb->save.rax == PVH_RESET_VALUE) {
            domain_shutdown(v->domain, SHUTDOWN_reboot);
        }
    }
    vmcb->save.rip = vmcb->ctl.exitinfo2;      /* the next RIP, given for IOIO */
    vmcb->ctl.int_state &= ~1u;
}

/* A continued hypercall (keel/hypercall.h) leaves RIP on the instruction,
 * so the guest executes it again with its new arguments. */
static void handle_vmmcall(struct vcpu *v)
{
    uint64_t rip = v->hvm.vmcb->save.rip;

    if (!svm_skip_instruction(v, SVM_INSN_VMMCALL))
        return;
    if (hypercall_dispatch(v))
        v->hvm.vmcb->save.rip = rip;
}

/* #UD: an Intel VMCALL (0f 01 c1) is a hypercall too; anything else is the
 * guest's own #UD. */
static void handle_ud(struct vcpu *v)
{
    struct vmcb_save *s = &v->hvm.vmcb->save;
    uint8_t bytes[3];

    if (copy_from_guest(v, bytes, s->cs.base + s->rip, 3) == 0 &&
        bytes[0] == 0x0f && bytes[1] == 0x01 && bytes[2] == 0xc1) {
        s->rip += 3;
        v->hvm.vmcb->ctl.int_state &= ~1u;
        if (hypercall_dispatch(v))
            s->rip -= 3;                    /* a continuation: run it again */
        return;
    }
    svm_inject_ud(v);
}

#define NPF_WRITE   (1ULL << 1)     /* exitinfo1: the access was a write */

/* A write to a frame the guest may only read (a read-only grant mapping,
 * read-only RAM): #GP to the guest, as Xen does, not a crash. */
static bool npf_write_to_read_only(struct vcpu *v, uint64_t gpa, uint64_t code)
{
    enum p2m_type t;

    if (!(code & NPF_WRITE) ||
        p2m_get_entry(&v->domain->p2m, gpa >> PAGE_SHIFT, NULL, &t, NULL) < 0 ||
        (t != p2m_grant_map_ro && t != p2m_ram_ro))
        return false;
    pr_warn("(d%u) write to read-only guest-physical address %lx at RIP %lx: #GP\n",
            v->domain->domid, gpa, v->hvm.vmcb->save.rip);
    svm_inject_gp(v);
    return true;
}

static void handle_npf(struct vcpu *v)
{
    const struct vmcb *vmcb = v->hvm.vmcb;

    if (hvm_vlapic_mmio(v, vmcb->ctl.exitinfo2) ||
        npf_write_to_read_only(v, vmcb->ctl.exitinfo2, vmcb->ctl.exitinfo1))
        return;
    domain_crash(v->domain, "access to unbacked guest-physical address %lx "
                 "(fault code %lx) at RIP %lx", vmcb->ctl.exitinfo2, vmcb->ctl.exitinfo1,
                 vmcb->save.rip);
}

/* Exit kinds counted per vCPU (struct hvm_vcpu.exit_counts). */
enum exit_kind { EK_INTR, EK_CPUID, EK_MSR, EK_IOIO, EK_HLT, EK_VMMCALL, EK_NPF, EK_OTHER };
static const char *const exit_kind_names[] = {
    "intr", "cpuid", "msr", "ioio", "hlt", "hypercall", "npf", "other",
};
BUILD_BUG_ON(ARRAY_SIZE(exit_kind_names) != ARRAY_SIZE(((struct hvm_vcpu *)0)->exit_counts));

static enum exit_kind exit_kind_of(uint64_t code)
{
    switch (code) {
    case SVM_EXIT_INTR: case SVM_EXIT_NMI: case SVM_EXIT_VINTR: return EK_INTR;
    case SVM_EXIT_CPUID: return EK_CPUID;
    case SVM_EXIT_MSR: return EK_MSR;
    case SVM_EXIT_IOIO: return EK_IOIO;
    case SVM_EXIT_HLT: return EK_HLT;
    case SVM_EXIT_VMMCALL: return EK_VMMCALL;
    case SVM_EXIT_NPF: return EK_NPF;
    default: return EK_OTHER;
    }
}

void svm_dump_exit_counts(const struct vcpu *v)
{
    printk("    exits:");
    for (uint32_t i = 0; i < ARRAY_SIZE(exit_kind_names); i++)
        printk(" %s %lu", exit_kind_names[i], v->hvm.exit_counts[i]);
    printk("\n");
}

void svm_handle_exit(struct vcpu *v)
{
    struct vmcb *vmcb = v->hvm.vmcb;
    uint64_t code = vmcb->ctl.exitcode;

    v->hvm.exit_counts[exit_kind_of(code)]++;

    switch (code) {
    case SVM_EXIT_INTR:
    case SVM_EXIT_NMI:
    case SVM_EXIT_SMI:
    case SVM_EXIT_INIT:
        break;      /* the host takes it once GIF is set again */
    case SVM_EXIT_CPUID:
        handle_cpuid(v);
        break;
    case SVM_EXIT_MSR:
        handle_msr(v);
        break;
    case SVM_EXIT_IOIO:
        handle_ioio(v);
        break;
    case SVM_EXIT_HLT:
        /* A deliverable interrupt ends the HLT at once. */
        if (svm_skip_instruction(v, SVM_INSN_HLT) && !hvm_vcpu_has_pending_events(v))
            vcpu_block(v);
        break;
    case SVM_EXIT_XSETBV:
        if (svm_set_xcr0(v, (uint32_t)v->hvm.regs.rcx,
                         (uint32_t)vmcb->save.rax | (v->hvm.regs.rdx << 32)) < 0)
            svm_inject_gp(v);
        else
            svm_skip_instruction(v, SVM_INSN_XSETBV);
        break;
    case SVM_EXIT_VINTR:
        vmcb->ctl.int_ctl &= ~SVM_V_IRQ;
        vmcb->ctl.intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
        break;
    case SVM_EXIT_IRET:
        /* The IRET ending the NMI handler, intercepted before it runs: NMIs
         * are unblocked, and the shadow keeps a pending one out until the
         * IRET has run (Xen does the same). */
        v->hvm.nmi_blocked = false;
        vmcb->ctl.intercept_misc1 &= ~SVM_INTERCEPT_IRET;
        vmcb->ctl.int_state |= 1;
        break;
    case SVM_EXIT_VMMCALL:
        handle_vmmcall(v);
        break;
    case SVM_EXIT_EXCP_BASE + 6:
        handle_ud(v);
        break;
    case SVM_EXIT_NPF:
        handle_npf(v);
        break;
    case SVM_EXIT_SHUTDOWN:
        hvm_vcpu_dump(v);
        domain_crash(v->domain, "triple fault at RIP %lx", vmcb->save.rip);
        break;
    case SVM_EXIT_VMRUN: case SVM_EXIT_VMLOAD: case SVM_EXIT_VMSAVE:
    case SVM_EXIT_STGI: case SVM_EXIT_CLGI: case SVM_EXIT_SKINIT:
    case SVM_EXIT_INVLPGA: case SVM_EXIT_MONITOR: case SVM_EXIT_MWAIT:
    case SVM_EXIT_ICEBP:
        svm_inject_ud(v);
        break;
    case SVM_EXIT_INVALID:
        domain_crash(v->domain, "VMRUN refused the vCPU state (invalid VMCB)");
        break;
    default:
        domain_crash(v->domain, "unhandled SVM exit 0x%lx (info %lx %lx) at RIP %lx", code,
                     vmcb->ctl.exitinfo1, vmcb->ctl.exitinfo2, vmcb->save.rip);
        break;
    }
}
