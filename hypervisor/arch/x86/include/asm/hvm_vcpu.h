/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vendor-neutral HVM part of a vCPU, and the interface the common code
 * uses to run one.  SVM implements it (arch/x86/hvm/svm/); VMX will too.
 */
#ifndef ASM_HVM_VCPU_H
#define ASM_HVM_VCPU_H

/* Offsets in struct guest_regs, for the world switch. */
#define GREG_RBX    0
#define GREG_RCX    8
#define GREG_RDX    16
#define GREG_RSI    24
#define GREG_RDI    32
#define GREG_RBP    40
#define GREG_R8     48

#ifndef __ASSEMBLY__
#include <asm/vlapic.h>
#include <asm/vpit.h>
#include <keel/types.h>

/* Guest general registers not kept in the VMCB (RAX, RSP, RIP are). */
struct guest_regs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
BUILD_BUG_ON(offsetof(struct guest_regs, rdi) != GREG_RDI);
BUILD_BUG_ON(offsetof(struct guest_regs, r8) != GREG_R8);

struct vmcb;

struct hvm_vcpu {
    struct guest_regs regs;
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    uint32_t asid;
    uint64_t asid_generation;   /* of asid_cpu's allocator */
    int32_t asid_cpu;           /* CPU the ASID belongs to, -1 none */
    uint64_t pending_event;     /* EVENTINJ to deliver on the next entry, 0 none */
    uint64_t last_eventinj;     /* the last event injected, and the RIP it */
    uint64_t last_eventinj_rip; /* was injected at: for crash reports */
    void *fpu_area;             /* XSAVE (or FXSAVE) image while not running */
    uint64_t xcr0;              /* the guest's XCR0 */
    uint32_t tsc_aux;           /* the guest's TSC_AUX (RDTSCP) */
    bool fpu_saved;
    bool nmi_pending;           /* an NMI IPI to inject */
    bool nmi_blocked;           /* an NMI injected, its handler's IRET not
                                   seen yet (IRET intercepted meanwhile) */
    bool in_guest;              /* between VMRUN and #VMEXIT (atomic) */
    uint64_t tlb_generation_seen;   /* of its domain's p2m, at the last entry */
    bool wait_for_sipi;         /* INIT received: a STARTUP IPI starts it */
    uint64_t exit_counts[8];    /* by kind (svm/exit.c), for the debug keys */
    struct vlapic vlapic;
};

/* The arch part of a domain: emulated platform devices. */
struct hvm_domain {
    struct vpit vpit;           /* PIT channel 2 and port 0x61 (vpit.c) */
    uint32_t cpuid_hidden[14];  /* feature bits set_cpu_policy took away, by
                                   featureset word (hvm/cpu_policy.c) */
};

struct vcpu;
struct domain;
struct p2m;

void hvm_domain_init(struct domain *d);        /* at creation; cannot fail */

bool hvm_available(void);               /* SVM with NPT on this machine */
void hvm_cpu_init(void);                /* enable on this CPU */
int hvm_vcpu_init(struct vcpu *v);      /* VMCB etc.; -ENOMEM */
void hvm_vcpu_destroy(struct vcpu *v);
/* The p2m flush hook: after it returns, no vCPU of the domain uses a
 * translation from before the call. */
void hvm_p2m_flush(struct p2m *p2m);
/* Start state of the PVH boot protocol: 32-bit flat, paging off. */
void hvm_vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t ebx);
/* After INIT and a STARTUP IPI: real mode at vector << 12, as on hardware. */
void hvm_vcpu_set_real_mode_entry(struct vcpu *v, uint8_t vector);
/*
 * CPU save records (svm/ctx.c), for arch/x86/hvm/hvm_save.c.  get: every
 * field Keel keeps (DR0-3 are not: 0); the guest TSC is host_tsc plus v's
 * offset.  set: load a record the caller has checked into a vCPU that does
 * not run, so that its next entry resumes there: no interrupt shadow, no
 * NMI blocked, the record's pending event (if any) delivered first, the
 * guest TSC reading c->tsc at host_tsc.  PAT: the guest's IA32_PAT.
 */
struct hvm_hw_cpu;
void hvm_vcpu_get_cpu_ctxt(struct vcpu *v, struct hvm_hw_cpu *c, uint64_t host_tsc);
void hvm_vcpu_set_cpu_ctxt(struct vcpu *v, const struct hvm_hw_cpu *c, uint64_t host_tsc);
uint64_t hvm_vcpu_get_pat(struct vcpu *v);
void hvm_vcpu_set_pat(struct vcpu *v, uint64_t pat);
/* Run v until it must be rescheduled (blocked, preempted, shut down). */
void hvm_vcpu_run(struct vcpu *v);
void hvm_vcpu_save_fpu(struct vcpu *v);
/* An NMI, or with interrupts on a vLAPIC interrupt or an upcall, is pending:
 * the vCPU must not stay blocked. */
bool hvm_vcpu_has_pending_events(struct vcpu *v);
void hvm_vcpu_restore_fpu(struct vcpu *v);

/* The vLAPIC wiring (arch/x86/hvm/vlapic_vcpu.c). */
void hvm_vlapic_init(struct vcpu *v);
void hvm_vlapic_destroy(struct vcpu *v);
/* Handle a nested page fault on v's local APIC page: true if it was one. */
bool hvm_vlapic_mmio(struct vcpu *v, uint64_t gpa);

/* Guest virtual memory, through the guest's own page tables and the p2m. */
int guest_virt_to_phys(struct vcpu *v, uint64_t gva, uint64_t *gpa);
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len);

#endif /* __ASSEMBLY__ */
#endif
