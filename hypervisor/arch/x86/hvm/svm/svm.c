// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD SVM: enabling it on each CPU (EFER.SVME and the host save area),
 * building a vCPU's VMCB (intercepts, permission bitmaps that deny by
 * default, nested paging), ASIDs with generation-based flushing, and the run
 * loop that enters the guest and hands every exit to svm_handle_exit().
 */
#include <asm/hvm_vcpu.h>
#include <asm/irqflags.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/event.h>
#include <keel/keyhandler.h>
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/panic.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/xmalloc.h>

#define MSR_VM_HSAVE_PA     0xc0010117
#define IOPM_ORDER          2           /* 12 KiB used */
#define MSRPM_ORDER         1           /* 8 KiB */

struct svm_cpu {
    paddr_t hsave_pa;           /* VMRUN's host save area */
    paddr_t host_vmcb_pa;       /* VMSAVE/VMLOAD of the host's hidden state */
    uint32_t next_asid;
    uint64_t asid_generation;
    bool flush_all;             /* a new generation: flush every ASID once */
};

static struct svm_cpu svm_cpus[NR_CPUS];
static uint32_t max_asid;
static paddr_t iopm_pa, msrpm_pa;
static uint64_t xsave_mask;         /* XCR0 bits this CPU supports, 0: no XSAVE */
static uint32_t fpu_area_order;     /* pages for a vCPU's FPU image */

#define CR4_OSFXSR          (1UL << 9)
#define CR4_OSXMMEXCPT      (1UL << 10)
#define CR4_OSXSAVE         (1UL << 18)
#define XCR0_X87            1ULL
#define XCR0_SSE            2ULL
#define XCR0_AVX            4ULL
#define XCR0_AVX512         (7ULL << 5)

static void xsetbv(uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return lo | ((uint64_t)hi << 32);
}

void svm_vmrun(struct guest_regs *regs, paddr_t vmcb, paddr_t host_vmcb);

bool hvm_available(void)
{
    return cpu_features.svm && cpu_features.npt;
}

/* Let the guest read and write an MSR without an exit: only MSRs whose
 * guest value lives in the VMCB state that VMLOAD/VMSAVE switch. */
static void msrpm_allow(uint8_t *msrpm, uint32_t msr)
{
    uint32_t base;

    if (msr <= 0x1fff)
        base = 0;
    else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
        base = 0x800 * 8;
    else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
        base = 0x1000 * 8;
    else
        return;
    uint32_t bit = base + (msr & 0x1fff) * 2;
    msrpm[bit / 8] &= (uint8_t)~(3u << (bit % 8));
}

static paddr_t alloc_filled(unsigned int order, uint8_t fill)
{
    pfn_t pfn = page_alloc(order);

    if (pfn == PFN_INVALID)
        panic("svm: out of memory at boot");
    memset(pfn_to_virt(pfn), fill, PAGE_SIZE << order);
    return pfn << PAGE_SHIFT;
}

void hvm_cpu_init(void)
{
    struct svm_cpu *sc = &svm_cpus[smp_processor_id()];

    if (!hvm_available())
        return;
    if (smp_processor_id() == 0) {
        struct cpuid_regs xs = cpuid_count(0xd, 0);
        max_asid = cpuid(0x8000000a).ebx - 1;
        if (cpuid(1).ecx & (1u << 26)) {
            xsave_mask = xs.eax | ((uint64_t)xs.edx << 32);
            while ((PAGE_SIZE << fpu_area_order) < xs.ecx)
                fpu_area_order++;
        }
        iopm_pa = alloc_filled(IOPM_ORDER, 0xff);   /* every port intercepted */
        msrpm_pa = alloc_filled(MSRPM_ORDER, 0xff); /* every MSR intercepted... */
        static const uint32_t vmload_msrs[] = {     /* ...but the switched state */
            0xc0000100, 0xc0000101, 0xc0000102,     /* FS, GS, kernel GS base */
            0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR, LSTAR, CSTAR, SFMASK */
            0x174, 0x175, 0x176,                    /* SYSENTER CS, ESP, EIP */
        };
        for (size_t i = 0; i < ARRAY_SIZE(vmload_msrs); i++)
            msrpm_allow(phys_to_virt(msrpm_pa), vmload_msrs[i]);
    }
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | (xsave_mask ? CR4_OSXSAVE : 0));
    if (xsave_mask)
        xsetbv(XCR0_X87 | XCR0_SSE);
    sc->hsave_pa = alloc_filled(0, 0);
    sc->host_vmcb_pa = alloc_filled(0, 0);
    wrmsr(MSR_VM_HSAVE_PA, sc->hsave_pa);
    sc->next_asid = 1;
    sc->asid_generation = 1;
    sc->flush_all = true;
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attr, uint32_t limit, uint64_t base)
{
    s->sel = sel;
    s->attr = attr;
    s->limit = limit;
    s->base = base;
}

static void vmcb_init_intercepts(struct vmcb *vmcb)
{
    struct vmcb_control *c = &vmcb->ctl;

    c->intercept_exceptions = 1u << 6;          /* #UD: VMCALL from a guest that guessed Intel */
    c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_SMI |
                         SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_INVD |
                         SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
                         SVM_INTERCEPT_MSR | SVM_INTERCEPT_TASKSW | SVM_INTERCEPT_SHUTDOWN;
    c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
                         SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
                         SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_ICEBP | SVM_INTERCEPT_MONITOR |
                         SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_XSETBV;
    c->iopm_base_pa = iopm_pa;
    c->msrpm_base_pa = msrpm_pa;
    c->int_ctl = SVM_V_INTR_MASKING;
}

int hvm_vcpu_init(struct vcpu *v)
{
    pfn_t pfn = page_alloc(0), fpu = page_alloc(fpu_area_order);

    if (pfn == PFN_INVALID || fpu == PFN_INVALID) {
        if (pfn != PFN_INVALID)
            page_free(pfn, 0);
        if (fpu != PFN_INVALID)
            page_free(fpu, fpu_area_order);
        return -ENOMEM;
    }
    v->hvm.fpu_area = pfn_to_virt(fpu);         /* zeroed: XSTATE_BV 0, all init */
    v->hvm.xcr0 = XCR0_X87;
    v->hvm.vmcb = pfn_to_virt(pfn);             /* zeroed by page_alloc */
    v->hvm.vmcb_pa = pfn << PAGE_SHIFT;
    v->hvm.asid_cpu = -1;
    vmcb_init_intercepts(v->hvm.vmcb);
    v->hvm.vmcb->ctl.np_ctl = 1;
    v->hvm.vmcb->ctl.n_cr3 = p2m_root_maddr(&v->domain->p2m);
    v->hvm.vmcb->save.g_pat = 0x0007040600070406ULL;    /* the reset PAT */
    svm_fpu_set_legacy(v, NULL);
    hvm_vlapic_init(v);
    return 0;
}

void hvm_vcpu_destroy(struct vcpu *v)
{
    hvm_vlapic_destroy(v);
    if (v->hvm.fpu_area)
        page_free(virt_to_pfn(v->hvm.fpu_area), fpu_area_order);
    v->hvm.fpu_area = NULL;
    if (v->hvm.vmcb)
        page_free(v->hvm.vmcb_pa >> PAGE_SHIFT, 0);
    v->hvm.vmcb = NULL;
}

void hvm_vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t ebx)
{
    struct vmcb_save *s = &v->hvm.vmcb->save;

    set_seg(&s->cs, 0x08, 0xc9b, 0xffffffff, 0);    /* 32-bit code, accessed */
    set_seg(&s->ds, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&s->es, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&s->ss, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&s->fs, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&s->gs, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&s->tr, 0x18, 0x8b, 0x67, 0);           /* 32-bit busy TSS */
    set_seg(&s->ldtr, 0, 0x82, 0, 0);
    set_seg(&s->gdtr, 0, 0, 0, 0);
    set_seg(&s->idtr, 0, 0, 0, 0);
    s->cpl = 0;
    s->cr0 = 0x11;                                  /* PE | ET */
    s->cr3 = 0;
    s->cr4 = 0;
    s->efer = EFER_SVME;                            /* required by VMRUN; hidden */
    s->rflags = 0x2;
    s->rip = entry;
    s->rsp = 0;
    s->rax = 0;
    s->dr6 = 0xffff0ff0;
    s->dr7 = 0x400;
    memset(&v->hvm.regs, 0, sizeof(v->hvm.regs));
    v->hvm.regs.rbx = ebx;
}

void hvm_vcpu_set_real_mode_entry(struct vcpu *v, uint8_t vector)
{
    struct vmcb_save *s = &v->hvm.vmcb->save;

    set_seg(&s->cs, (uint16_t)(vector << 8), 0x9b, 0xffff, (uint64_t)vector << 12);
    set_seg(&s->ds, 0, 0x93, 0xffff, 0);
    set_seg(&s->es, 0, 0x93, 0xffff, 0);
    set_seg(&s->ss, 0, 0x93, 0xffff, 0);
    set_seg(&s->fs, 0, 0x93, 0xffff, 0);
    set_seg(&s->gs, 0, 0x93, 0xffff, 0);
    set_seg(&s->tr, 0, 0x8b, 0xffff, 0);
    set_seg(&s->ldtr, 0, 0x82, 0xffff, 0);
    set_seg(&s->gdtr, 0, 0, 0xffff, 0);
    set_seg(&s->idtr, 0, 0, 0xffff, 0);
    s->cpl = 0;
    s->cr0 = 0x60000010;                            /* CD | NW | ET */
    s->cr3 = 0;
    s->cr4 = 0;
    s->efer = EFER_SVME;
    s->rflags = 0x2;
    s->rip = 0;
    s->rsp = 0;
    s->rax = 0;
    s->dr6 = 0xffff0ff0;
    s->dr7 = 0x400;
    memset(&v->hvm.regs, 0, sizeof(v->hvm.regs));
    svm_clear_events(v);                            /* a fresh CPU */
}

void svm_clear_events(struct vcpu *v)
{
    struct vmcb_control *c = &v->hvm.vmcb->ctl;

    v->hvm.pending_event = 0;
    v->hvm.nmi_pending = false;
    v->hvm.nmi_blocked = false;
    c->intercept_misc1 &= ~(SVM_INTERCEPT_IRET | SVM_INTERCEPT_VINTR);
    c->int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR);
    c->int_state = 0;
    c->exitintinfo = 0;
    c->eventinj = 0;
}

/* The FXSAVE layout's first 512 bytes lead both FXSAVE and XSAVE images;
 * an XSAVE image's header (XSTATE_BV) follows at 512. */
#define FXSAVE_FCW          0
#define FXSAVE_MXCSR        24
#define XSAVE_XSTATE_BV     512

void svm_fpu_set_legacy(struct vcpu *v, const uint8_t *img)
{
    uint8_t *area = v->hvm.fpu_area;
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    uint64_t bv = 0;

    memset(area, 0, 512);
    if (img) {
        memcpy(area, img, 512);
        bv = v->hvm.xcr0 & (XCR0_X87 | XCR0_SSE);   /* XRSTOR takes them */
    } else {                                    /* the reset state */
        memcpy(area + FXSAVE_FCW, &fcw, sizeof(fcw));
        memcpy(area + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
    }
    if (xsave_mask) {
        memset(area + XSAVE_XSTATE_BV, 0, 64);
        memcpy(area + XSAVE_XSTATE_BV, &bv, sizeof(bv));
    }
    v->hvm.fpu_saved = true;
}

void svm_fpu_get_legacy(struct vcpu *v, uint8_t img[512])
{
    memcpy(img, v->hvm.fpu_area, 512);
}

#define EXITINTINFO_VALID   (1ULL << 31)
#define RFLAGS_IF           (1ULL << 9)

void svm_intr_assist(struct vcpu *v)
{
    struct vmcb_control *c = &v->hvm.vmcb->ctl;
    int vector;

    /* An event cut short by the exit is delivered again first. */
    if (c->exitintinfo & EXITINTINFO_VALID) {
        c->eventinj = c->exitintinfo;
        c->exitintinfo = 0;
        return;
    }
    if (v->hvm.pending_event) {
        c->eventinj = v->hvm.pending_event;
        v->hvm.pending_event = 0;
        return;
    }
    /* NMIs are blocked from one's delivery to its handler's IRET, which
     * Keel intercepts (svm/exit.c), as the CPU itself would block them. */
    if (v->hvm.nmi_pending && !v->hvm.nmi_blocked) {
        if (!(c->int_state & 1)) {
            v->hvm.nmi_pending = false;
            v->hvm.nmi_blocked = true;
            c->intercept_misc1 |= SVM_INTERCEPT_IRET;
            c->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | 2;
            return;
        }
        /* In a shadow (the IRET itself has yet to run): exit as soon as the
         * guest takes interrupts, or at its next exit, as Xen does. */
        c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR;
        c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
        return;
    }
    /* Xen's event-channel callback vector comes first and bypasses the
     * vLAPIC (no IRR/ISR, no EOI), while evtchn_upcall_pending is set. */
    vector = evtchn_upcall_vector(v);
    if (vector >= 0 && (v->hvm.vmcb->save.rflags & RFLAGS_IF) && !(c->int_state & 1)) {
        c->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | (uint8_t)vector;
        return;
    }
    if (vector < 0)
        vector = vlapic_has_pending_irq(&v->hvm.vlapic);
    if (vector < 0)
        return;
    if ((v->hvm.vmcb->save.rflags & RFLAGS_IF) && !(c->int_state & 1)) {
        vlapic_ack_irq(&v->hvm.vlapic, (uint8_t)vector);
        c->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | (uint8_t)vector;
        return;
    }
    /* Not now: exit as soon as the guest can take an interrupt. */
    c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR;
    c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
}

/* Give v an ASID valid on this CPU; a new generation flushes them all. */
static void svm_assign_asid(struct vcpu *v, unsigned int cpu)
{
    struct svm_cpu *sc = &svm_cpus[cpu];
    struct vmcb_control *c = &v->hvm.vmcb->ctl;

    c->tlb_control = SVM_TLB_FLUSH_NONE;
    if (v->hvm.asid_cpu == (int32_t)cpu && v->hvm.asid_generation == sc->asid_generation)
        return;
    if (sc->next_asid > max_asid) {
        sc->asid_generation++;
        sc->next_asid = 1;
        sc->flush_all = true;
    }
    v->hvm.asid = sc->next_asid++;
    v->hvm.asid_generation = sc->asid_generation;
    v->hvm.asid_cpu = (int32_t)cpu;
    c->asid = v->hvm.asid;
    c->tlb_control = sc->flush_all ? SVM_TLB_FLUSH_ALL : SVM_TLB_FLUSH_GUEST;
    sc->flush_all = false;
}

/* A guest's FPU/SSE/AVX state and its XCR0 live in the registers while it
 * runs on this CPU (Keel itself never touches them); they are saved, with
 * exactly the components its XCR0 enables, when the vCPU is descheduled, so
 * nothing of one guest's state is ever visible to the next.
 *
 * The guest's XCR0 is read back from the register here rather than trusted
 * from the XSETBV intercept: VMRUN and #VMEXIT leave XCR0 alone, and QEMU's
 * TCG (7.2) does not implement the XSETBV intercept, so a guest's XSETBV
 * changes XCR0 without an exit.  Restoring a stale v->hvm.xcr0 reset the
 * guest's XCR0 behind its back (Linux then saw wrong CPUID 0xD sizes, and
 * its XRSTOR of a signal frame with SSE/PKRU bits #GP'd: "bad frame in
 * rt_sigreturn"). */
void hvm_vcpu_save_fpu(struct vcpu *v)
{
    uint64_t mask;

    if (xsave_mask)
        v->hvm.xcr0 = xgetbv0();
    mask = v->hvm.xcr0;
    if (xsave_mask)
        __asm__ volatile("xsave64 (%0)" : : "r"(v->hvm.fpu_area), "a"((uint32_t)mask),
                         "d"((uint32_t)(mask >> 32)) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(v->hvm.fpu_area) : "memory");
    v->hvm.fpu_saved = true;
}

void hvm_vcpu_restore_fpu(struct vcpu *v)
{
    uint64_t mask = v->hvm.xcr0;

    if (!v->hvm.fpu_saved)
        return;
    if (cpu_features.rdtscp)
        wrmsr(0xc0000103, v->hvm.tsc_aux);     /* TSC_AUX, no guest sees another's */
    if (xsave_mask) {
        xsetbv(mask);
        __asm__ volatile("xrstor64 (%0)" : : "r"(v->hvm.fpu_area), "a"((uint32_t)mask),
                         "d"((uint32_t)(mask >> 32)) : "memory");
    } else {
        __asm__ volatile("fxrstor64 (%0)" : : "r"(v->hvm.fpu_area) : "memory");
    }
    v->hvm.fpu_saved = false;
}

/* XSETBV from the guest: a valid XCR0 becomes the vCPU's and is loaded. */
int svm_set_xcr0(struct vcpu *v, uint32_t index, uint64_t val)
{
    if (!xsave_mask || index != 0 || !(val & XCR0_X87) || (val & ~xsave_mask) ||
        ((val & XCR0_AVX) && !(val & XCR0_SSE)) ||
        ((val & XCR0_AVX512) && ((val & XCR0_AVX512) != XCR0_AVX512 || !(val & XCR0_AVX))))
        return -EPERM;
    v->hvm.xcr0 = val;
    xsetbv(val);
    return 0;
}

/* v holds no guest translation from before generation gen. */
static bool vcpu_tlb_current(struct vcpu *v, uint64_t gen)
{
    return !__atomic_load_n(&v->hvm.in_guest, __ATOMIC_SEQ_CST) ||
           __atomic_load_n(&v->hvm.tlb_generation_seen, __ATOMIC_SEQ_CST) >= gen;
}

/* Guest-physical mappings went away: every vCPU of the domain that is in
 * the guest with a TLB from before must leave it (an event-check IPI makes
 * it exit) or enter again flushing its ASID.  Waiting for in_guest to be
 * seen false alone is not enough: the vCPU may exit and enter again between
 * two looks, and a waiter whose emulated CPU the host runs rarely could miss
 * every such window for minutes.  An entry records the generation its flush
 * covers (tlb_generation_seen), which stays. */
void hvm_p2m_flush(struct p2m *p2m)
{
    struct domain *d = p2m->owner;
    uint64_t gen;

    if (!d)
        return;
    gen = __atomic_add_fetch(&d->tlb_generation, 1, __ATOMIC_SEQ_CST);
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (!v || vcpu_tlb_current(v, gen))
            continue;
        if (v->processor != smp_processor_id())
            smp_send_event_check(v->processor);
        while (!vcpu_tlb_current(v, gen))
            cpu_relax();
    }
}

/* Enter v and return at its next #VMEXIT; false if it was not entered
 * because a softirq is pending.  Interrupts are off from the last look at
 * the softirqs and the events to inject until VMRUN, and then GIF holds
 * them: one that comes in that time is taken as an exit right after VMRUN.
 * (Taken before, a timer interrupt would raise its softirq and leave the
 * CPU in a guest that may not exit again: no time slice, no vCPU timer, no
 * debug keys, and Linux's BSP spinning for the AP for good, issue #17.) */
static bool svm_enter_guest(struct vcpu *v, unsigned int cpu)
{
    struct vmcb_control *c = &v->hvm.vmcb->ctl;
    uint64_t gen = __atomic_load_n(&v->domain->tlb_generation, __ATOMIC_SEQ_CST), latest;

    svm_assign_asid(v, cpu);
    if (gen != v->hvm.tlb_generation_seen && c->tlb_control == SVM_TLB_FLUSH_NONE)
        c->tlb_control = SVM_TLB_FLUSH_GUEST;
    local_irq_disable();
    if (softirq_pending(cpu)) {
        local_irq_enable();
        return false;
    }
    c->eventinj = 0;
    svm_intr_assist(v);
    if (c->eventinj) {
        v->hvm.last_eventinj = c->eventinj;
        v->hvm.last_eventinj_rip = v->hvm.vmcb->save.rip;
    }
    __asm__ volatile("clgi" ::: "memory");
    local_irq_enable();             /* GIF=0 holds interrupts until STGI */
    __atomic_store_n(&v->hvm.in_guest, true, __ATOMIC_SEQ_CST);
    latest = __atomic_load_n(&v->domain->tlb_generation, __ATOMIC_SEQ_CST);
    if (latest != gen)
        c->tlb_control = SVM_TLB_FLUSH_GUEST;   /* a flush raced with this entry */
    __atomic_store_n(&v->hvm.tlb_generation_seen, latest, __ATOMIC_SEQ_CST);
    svm_vmrun(&v->hvm.regs, v->hvm.vmcb_pa, svm_cpus[cpu].host_vmcb_pa);
    __atomic_store_n(&v->hvm.in_guest, false, __ATOMIC_SEQ_CST);
    local_irq_disable();
    __asm__ volatile("stgi" ::: "memory");
    local_irq_enable();             /* pending host interrupts are taken here */
    v->exits++;
    return true;
}

void hvm_vcpu_run(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();

    hvm_vcpu_restore_fpu(v);
    while (v->state == VCPU_RUNNING && v->domain->state == DOMAIN_RUNNING &&
           !softirq_pending(cpu) && svm_enter_guest(v, cpu))
        svm_handle_exit(v);
    hvm_vcpu_save_fpu(v);
}

void hvm_domain_init(struct domain *d)
{
    vpit_init(&d->hvm.vpit);
}

/* Debug key 'q': v's registers as of its last exit, and its vLAPIC. */
void hvm_vcpu_dump(struct vcpu *v)
{
    const struct vmcb *vmcb = v->hvm.vmcb;

    printk("    rip %lx rsp %lx rflags %lx cpl %u%s, last exit %#lx\n", vmcb->save.rip,
           vmcb->save.rsp, vmcb->save.rflags, vmcb->save.cpl,
           vmcb->ctl.int_state & 1 ? " (interrupt shadow)" : "", vmcb->ctl.exitcode);
    printk("    cr0 %lx cr3 %lx cr4 %lx efer %lx, inject %lx, nmi %d, in guest %d\n",
           vmcb->save.cr0, vmcb->save.cr3, vmcb->save.cr4, vmcb->save.efer,
           v->hvm.pending_event | vmcb->ctl.eventinj, v->hvm.nmi_pending, v->hvm.in_guest);
    printk("    cs %x/%lx ss %x/%lx tr %x/%lx gdtr %lx/%x idtr %lx/%x\n", vmcb->save.cs.sel,
           vmcb->save.cs.base, vmcb->save.ss.sel, vmcb->save.ss.base, vmcb->save.tr.sel,
           vmcb->save.tr.base, vmcb->save.gdtr.base, vmcb->save.gdtr.limit,
           vmcb->save.idtr.base, vmcb->save.idtr.limit);
    printk("    exitintinfo %lx, exitinfo %lx %lx, last injected %lx at %lx, cr2 %lx\n",
           vmcb->ctl.exitintinfo, vmcb->ctl.exitinfo1, vmcb->ctl.exitinfo2,
           v->hvm.last_eventinj, v->hvm.last_eventinj_rip, vmcb->save.cr2);
    svm_dump_exit_counts(v);
    vlapic_dump(&v->hvm.vlapic);
}

/* Would an event wake the vCPU from HLT: an NMI (unless one is being
 * handled), or (interrupts on) a vLAPIC interrupt or an event-channel
 * upcall. */
bool hvm_vcpu_has_pending_events(struct vcpu *v)
{
    if (__atomic_load_n(&v->hvm.nmi_pending, __ATOMIC_SEQ_CST) && !v->hvm.nmi_blocked)
        return true;
    if (!(v->hvm.vmcb->save.rflags & RFLAGS_IF))
        return false;
    return vlapic_has_pending_irq(&v->hvm.vlapic) >= 0 || evtchn_upcall_vector(v) >= 0;
}

void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    v->hvm.pending_event = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXC | vector |
                           (has_error ? SVM_EVTINJ_EV | ((uint64_t)error << 32) : 0);
}
