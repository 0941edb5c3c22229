// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wiring each vCPU's virtual local APIC (vlapic.c) to the rest of Keel:
 * interrupt delivery between the vCPUs of a domain (fixed, NMI, INIT and
 * STARTUP, which starts a secondary vCPU in real mode as Linux's trampoline
 * expects), the vLAPIC timer's CPU and time base, and emulation of guest
 * accesses to the xAPIC MMIO page through Keel's instruction emulator.
 */
#include <asm/hvm_vcpu.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <asm/time.h>
#include <asm/x86_emulate.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>

static struct vcpu *ctx_vcpu(void *ctx)
{
    return ctx;
}

static uint32_t op_vcpu_count(void *ctx)
{
    return ctx_vcpu(ctx)->domain->nr_vcpus;
}

static struct vlapic *op_vlapic_of(void *ctx, uint32_t id)
{
    struct domain *d = ctx_vcpu(ctx)->domain;

    return id < d->nr_vcpus && d->vcpus[id] ? &d->vcpus[id]->hvm.vlapic : NULL;
}

static void op_deliver(void *ctx, uint32_t dest, enum vlapic_dm mode, uint8_t vector, bool level)
{
    struct domain *d = ctx_vcpu(ctx)->domain;
    struct vcpu *t;

    if (dest >= d->nr_vcpus || !(t = d->vcpus[dest]))
        return;
    switch (mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        if (vlapic_set_irq(&t->hvm.vlapic, vector, level))
            vcpu_kick(t);
        break;
    case VLAPIC_DM_NMI:
        t->hvm.nmi_pending = true;
        vcpu_kick(t);
        break;
    case VLAPIC_DM_INIT:
        if (t->state == VCPU_OFFLINE) {
            vlapic_init_signal(&t->hvm.vlapic);
            t->hvm.wait_for_sipi = true;
        }
        break;
    case VLAPIC_DM_STARTUP:
        if (t->state == VCPU_OFFLINE && t->hvm.wait_for_sipi) {
            t->hvm.wait_for_sipi = false;
            hvm_vcpu_set_real_mode_entry(t, vector);
            vcpu_wake(t);
        }
        break;
    default:
        break;
    }
}

static void op_kick(void *ctx)
{
    vcpu_kick(ctx_vcpu(ctx));
}

static unsigned int op_timer_cpu(void *ctx)
{
    return ctx_vcpu(ctx)->processor;
}

static s_time_t op_guest_tsc_to_ns(void *ctx, uint64_t guest_tsc)
{
    return tsc_to_ns(guest_tsc - ctx_vcpu(ctx)->hvm.vmcb->ctl.tsc_offset);
}

static const struct vlapic_ops vcpu_vlapic_ops = {
    .vcpu_count = op_vcpu_count,
    .vlapic_of = op_vlapic_of,
    .deliver = op_deliver,
    .eoi = NULL,
    .kick = op_kick,
    .timer_cpu = op_timer_cpu,
    .guest_tsc_to_ns = op_guest_tsc_to_ns,
};

void hvm_vlapic_init(struct vcpu *v)
{
    vlapic_init(&v->hvm.vlapic, v->vcpu_id, &vcpu_vlapic_ops, v);
}

void hvm_vlapic_destroy(struct vcpu *v)
{
    vlapic_destroy(&v->hvm.vlapic);
}

/* ---- MMIO emulation of the xAPIC page ---------------------------------- */

static bool in_apic_page(struct vcpu *v, uint64_t gpa)
{
    uint64_t base = vlapic_mmio_base(&v->hvm.vlapic);

    return vlapic_mmio_enabled(&v->hvm.vlapic) && gpa >= base && gpa < base + PAGE_SIZE;
}

static int emul_access(struct x86_emulate_ctxt *ctxt, uint64_t linear, void *buf,
                       unsigned int size, bool write)
{
    struct vcpu *v = ctxt->opaque;
    uint64_t gpa, base = vlapic_mmio_base(&v->hvm.vlapic), val = 0;

    if (guest_virt_to_phys(v, linear, &gpa) < 0)
        return -EFAULT;
    if (!in_apic_page(v, gpa)) {        /* the other operand, in RAM */
        return write ? copy_to_guest(v, linear, buf, size) : copy_from_guest(v, buf, linear, size);
    }
    if (size > 4 || ((gpa & (PAGE_SIZE - 1)) + size) > PAGE_SIZE)
        return -EFAULT;
    if (write) {
        memcpy(&val, buf, size);
        vlapic_mmio_write(&v->hvm.vlapic, (uint32_t)(gpa - base), size, (uint32_t)val);
    } else {
        vlapic_mmio_read(&v->hvm.vlapic, (uint32_t)(gpa - base), size, &val);
        memcpy(buf, &val, size);
    }
    return 0;
}

static int emul_read(struct x86_emulate_ctxt *ctxt, uint64_t linear, void *buf, unsigned int size)
{
    return emul_access(ctxt, linear, buf, size, false);
}

static int emul_write(struct x86_emulate_ctxt *ctxt, uint64_t linear, const void *buf,
                      unsigned int size)
{
    return emul_access(ctxt, linear, (void *)buf, size, true);
}

static uint64_t emul_seg_base(struct x86_emulate_ctxt *ctxt, enum x86_seg seg)
{
    const struct vmcb_save *s = &((struct vcpu *)ctxt->opaque)->hvm.vmcb->save;

    switch (seg) {
    case X86_SEG_ES: return s->es.base;
    case X86_SEG_CS: return s->cs.base;
    case X86_SEG_SS: return s->ss.base;
    case X86_SEG_DS: return s->ds.base;
    case X86_SEG_FS: return s->fs.base;
    case X86_SEG_GS: return s->gs.base;
    default: return 0;
    }
}

static const struct x86_emulate_ops emul_ops = {
    .read = emul_read,
    .write = emul_write,
    .seg_base = emul_seg_base,
};

static void regs_to_emul(const struct vcpu *v, struct x86_regs *r)
{
    const struct guest_regs *g = &v->hvm.regs;
    const struct vmcb_save *s = &v->hvm.vmcb->save;

    r->gpr[X86_RAX] = s->rax;  r->gpr[X86_RCX] = g->rcx; r->gpr[X86_RDX] = g->rdx;
    r->gpr[X86_RBX] = g->rbx;  r->gpr[X86_RSP] = s->rsp; r->gpr[X86_RBP] = g->rbp;
    r->gpr[X86_RSI] = g->rsi;  r->gpr[X86_RDI] = g->rdi;
    r->gpr[X86_R8] = g->r8;    r->gpr[X86_R9] = g->r9;   r->gpr[X86_R10] = g->r10;
    r->gpr[X86_R11] = g->r11;  r->gpr[X86_R12] = g->r12; r->gpr[X86_R13] = g->r13;
    r->gpr[X86_R14] = g->r14;  r->gpr[X86_R15] = g->r15;
    r->rip = s->rip;
    r->rflags = s->rflags;
}

static void regs_from_emul(struct vcpu *v, const struct x86_regs *r)
{
    struct guest_regs *g = &v->hvm.regs;
    struct vmcb_save *s = &v->hvm.vmcb->save;

    s->rax = r->gpr[X86_RAX];  g->rcx = r->gpr[X86_RCX]; g->rdx = r->gpr[X86_RDX];
    g->rbx = r->gpr[X86_RBX];  s->rsp = r->gpr[X86_RSP]; g->rbp = r->gpr[X86_RBP];
    g->rsi = r->gpr[X86_RSI];  g->rdi = r->gpr[X86_RDI];
    g->r8 = r->gpr[X86_R8];    g->r9 = r->gpr[X86_R9];   g->r10 = r->gpr[X86_R10];
    g->r11 = r->gpr[X86_R11];  g->r12 = r->gpr[X86_R12]; g->r13 = r->gpr[X86_R13];
    g->r14 = r->gpr[X86_R14];  g->r15 = r->gpr[X86_R15];
    s->rip = r->rip;
    s->rflags = r->rflags;
}

bool hvm_vlapic_mmio(struct vcpu *v, uint64_t gpa)
{
    struct vmcb_save *s = &v->hvm.vmcb->save;
    struct x86_regs regs;
    struct x86_emulate_ctxt ctxt = { .regs = &regs, .ops = &emul_ops, .opaque = v };
    uint8_t bytes[X86_MAX_INSN_LEN];
    size_t avail;
    int rc;

    if (!in_apic_page(v, gpa))
        return false;
    avail = svm_fetch_insn(v, bytes);
    ctxt.mode = svm_guest_mode(v);
    regs_to_emul(v, &regs);
    rc = avail ? x86_emulate(&ctxt, bytes, avail) : X86EMUL_UNHANDLED;
    switch (rc) {
    case X86EMUL_DONE:
    case X86EMUL_CONTINUE:
        regs_from_emul(v, &regs);
        break;
    case X86EMUL_FAULT:
        regs_from_emul(v, &regs);
        svm_inject_exception(v, ctxt.fault.vector, ctxt.fault.has_error_code,
                             ctxt.fault.error_code);
        break;
    default:
        domain_crash(v->domain, "cannot emulate the access to the local APIC at RIP %lx: %s",
                     s->rip, ctxt.reason ? ctxt.reason : "no instruction bytes");
        break;
    }
    return true;
}
