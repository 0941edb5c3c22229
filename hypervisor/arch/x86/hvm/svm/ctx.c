// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SVM side of CPU save records: a vCPU's registers, as the VMCB, the
 * general registers beside it and the FPU image hold them, to and from
 * Xen's struct hvm_hw_cpu, and its PAT.  Checking a record is the caller's
 * (arch/x86/hvm/hvm_save.c); this file only moves fields.
 */
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/lib.h>
#include <public/arch-x86/hvm/save.h>

#define CR0_PE          (1ULL << 0)
#define CR0_PG          (1ULL << 31)
#define EFER_LMA        (1ULL << 10)
#define RFLAGS_VM       (1ULL << 17)
#define EVENT_VALID     (1ULL << 31)
#define EVENT_EV        (1ULL << 11)

static void seg_out(const struct vmcb_seg *s, uint32_t *sel, uint32_t *limit,
                    uint64_t *base, uint32_t *ar)
{
    *sel = s->sel;
    *limit = s->limit;
    *base = s->base;
    *ar = s->attr;
}

static void seg_in(struct vmcb_seg *s, uint32_t sel, uint32_t limit, uint64_t base,
                   uint32_t ar)
{
    s->sel = (uint16_t)sel;
    s->limit = limit;
    s->base = base;
    s->attr = (uint16_t)ar;
}

/* An event to deliver at the next entry: one cut short by the last exit
 * comes first, as svm_intr_assist() would deliver it. */
static uint64_t pending_event(const struct vcpu *v)
{
    const struct vmcb_control *c = &v->hvm.vmcb->ctl;

    if (c->exitintinfo & EVENT_VALID)
        return c->exitintinfo;
    return v->hvm.pending_event;
}

void hvm_vcpu_get_cpu_ctxt(struct vcpu *v, struct hvm_hw_cpu *c, uint64_t host_tsc)
{
    const struct vmcb_save *s = &v->hvm.vmcb->save;
    const struct guest_regs *r = &v->hvm.regs;
    uint64_t ev = pending_event(v);

    memset(c, 0, sizeof(*c));
    svm_fpu_get_legacy(v, c->fpu_regs);
    c->flags = XEN_X86_FPU_INITIALISED;
    c->rax = s->rax;
    c->rbx = r->rbx, c->rcx = r->rcx, c->rdx = r->rdx, c->rbp = r->rbp;
    c->rsi = r->rsi, c->rdi = r->rdi, c->rsp = s->rsp;
    c->r8 = r->r8, c->r9 = r->r9, c->r10 = r->r10, c->r11 = r->r11;
    c->r12 = r->r12, c->r13 = r->r13, c->r14 = r->r14, c->r15 = r->r15;
    c->rip = s->rip;
    c->rflags = s->rflags;
    c->cr0 = s->cr0, c->cr2 = s->cr2, c->cr3 = s->cr3, c->cr4 = s->cr4;
    c->dr6 = s->dr6, c->dr7 = s->dr7;           /* DR0-3: not kept, 0 */
    seg_out(&s->cs, &c->cs_sel, &c->cs_limit, &c->cs_base, &c->cs_arbytes);
    seg_out(&s->ds, &c->ds_sel, &c->ds_limit, &c->ds_base, &c->ds_arbytes);
    seg_out(&s->es, &c->es_sel, &c->es_limit, &c->es_base, &c->es_arbytes);
    seg_out(&s->fs, &c->fs_sel, &c->fs_limit, &c->fs_base, &c->fs_arbytes);
    seg_out(&s->gs, &c->gs_sel, &c->gs_limit, &c->gs_base, &c->gs_arbytes);
    seg_out(&s->ss, &c->ss_sel, &c->ss_limit, &c->ss_base, &c->ss_arbytes);
    seg_out(&s->tr, &c->tr_sel, &c->tr_limit, &c->tr_base, &c->tr_arbytes);
    seg_out(&s->ldtr, &c->ldtr_sel, &c->ldtr_limit, &c->ldtr_base, &c->ldtr_arbytes);
    c->idtr_limit = s->idtr.limit, c->idtr_base = s->idtr.base;
    c->gdtr_limit = s->gdtr.limit, c->gdtr_base = s->gdtr.base;
    c->sysenter_cs = s->sysenter_cs;
    c->sysenter_esp = s->sysenter_esp;
    c->sysenter_eip = s->sysenter_eip;
    c->shadow_gs = s->kernel_gs_base;
    c->msr_lstar = s->lstar, c->msr_star = s->star, c->msr_cstar = s->cstar;
    c->msr_syscall_mask = s->sfmask;
    c->msr_efer = s->efer & ~(uint64_t)EFER_SVME;
    c->msr_tsc_aux = v->hvm.tsc_aux;
    c->tsc = host_tsc + v->hvm.vmcb->ctl.tsc_offset;
    if (ev & EVENT_VALID) {
        c->pending_event = (uint32_t)ev;
        c->error_code = (ev & EVENT_EV) ? (uint32_t)(ev >> 32) : 0;
    }
}

void hvm_vcpu_set_cpu_ctxt(struct vcpu *v, const struct hvm_hw_cpu *c, uint64_t host_tsc)
{
    struct vmcb_save *s = &v->hvm.vmcb->save;
    struct guest_regs *r = &v->hvm.regs;
    uint64_t efer = c->msr_efer & ~EFER_LMA;

    svm_fpu_set_legacy(v, (c->flags & XEN_X86_FPU_INITIALISED) ? c->fpu_regs : NULL);
    s->rax = c->rax;
    r->rbx = c->rbx, r->rcx = c->rcx, r->rdx = c->rdx, r->rbp = c->rbp;
    r->rsi = c->rsi, r->rdi = c->rdi, s->rsp = c->rsp;
    r->r8 = c->r8, r->r9 = c->r9, r->r10 = c->r10, r->r11 = c->r11;
    r->r12 = c->r12, r->r13 = c->r13, r->r14 = c->r14, r->r15 = c->r15;
    s->rip = c->rip;
    s->rflags = c->rflags | 2;                  /* bit 1 always reads 1 */
    s->cr0 = c->cr0, s->cr2 = c->cr2, s->cr3 = c->cr3, s->cr4 = c->cr4;
    s->dr6 = c->dr6, s->dr7 = c->dr7;
    seg_in(&s->cs, c->cs_sel, c->cs_limit, c->cs_base, c->cs_arbytes);
    seg_in(&s->ds, c->ds_sel, c->ds_limit, c->ds_base, c->ds_arbytes);
    seg_in(&s->es, c->es_sel, c->es_limit, c->es_base, c->es_arbytes);
    seg_in(&s->fs, c->fs_sel, c->fs_limit, c->fs_base, c->fs_arbytes);
    seg_in(&s->gs, c->gs_sel, c->gs_limit, c->gs_base, c->gs_arbytes);
    seg_in(&s->ss, c->ss_sel, c->ss_limit, c->ss_base, c->ss_arbytes);
    seg_in(&s->tr, c->tr_sel, c->tr_limit, c->tr_base, c->tr_arbytes);
    seg_in(&s->ldtr, c->ldtr_sel, c->ldtr_limit, c->ldtr_base, c->ldtr_arbytes);
    seg_in(&s->idtr, 0, c->idtr_limit, c->idtr_base, 0);
    seg_in(&s->gdtr, 0, c->gdtr_limit, c->gdtr_base, 0);
    /* The CPL: SS.DPL in protected mode, 3 in virtual-8086 mode, 0 in real mode. */
    if (!(c->cr0 & CR0_PE))
        s->cpl = 0;
    else
        s->cpl = (c->rflags & RFLAGS_VM) ? 3 : (uint8_t)((c->ss_arbytes >> 5) & 3);
    s->sysenter_cs = c->sysenter_cs;
    s->sysenter_esp = c->sysenter_esp;
    s->sysenter_eip = c->sysenter_eip;
    s->kernel_gs_base = c->shadow_gs;
    s->lstar = c->msr_lstar, s->star = c->msr_star, s->cstar = c->msr_cstar;
    s->sfmask = c->msr_syscall_mask;
    /* LMA is the CPU's: long mode is active when enabled with paging on. */
    if ((efer & EFER_LME) && (c->cr0 & CR0_PG))
        efer |= EFER_LMA;
    s->efer = efer | EFER_SVME;
    v->hvm.tsc_aux = (uint32_t)c->msr_tsc_aux;
    v->hvm.vmcb->ctl.tsc_offset = c->tsc - host_tsc;
    svm_clear_events(v);
    if (c->pending_event & EVENT_VALID)
        v->hvm.pending_event = c->pending_event |
            ((c->pending_event & EVENT_EV) ? (uint64_t)c->error_code << 32 : 0);
    v->hvm.asid_cpu = -1;               /* a new ASID, flushed, at the next entry */
}

uint64_t hvm_vcpu_get_pat(struct vcpu *v)
{
    return v->hvm.vmcb->save.g_pat;
}

void hvm_vcpu_set_pat(struct vcpu *v, uint64_t pat)
{
    v->hvm.vmcb->save.g_pat = pat;
}
