/* SPDX-License-Identifier: MIT */
/*
 * The x86 HVM save record types (see public/hvm/save.h for the framing):
 * the ones Keel saves and loads -- HEADER, CPU, LAPIC, LAPIC_REGS, MTRR --
 * with their layouts, and the type codes of the others.  Layouts and values
 * are Xen 4.17's (public/arch-x86/hvm/save.h); the text is Keel's.
 */
#ifndef KEEL_PUBLIC_ARCH_X86_HVM_SAVE_H
#define KEEL_PUBLIC_ARCH_X86_HVM_SAVE_H

#include <stdint.h>

/* Type codes (Xen: HVM_SAVE_CODE(<TYPE>), CPU_XSAVE_CODE, CPU_MSR_CODE). */
#define HVM_SAVE_CODE_HEADER            1
#define HVM_SAVE_CODE_CPU               2
#define HVM_SAVE_CODE_PIC               3
#define HVM_SAVE_CODE_IOAPIC            4
#define HVM_SAVE_CODE_LAPIC             5
#define HVM_SAVE_CODE_LAPIC_REGS        6
#define HVM_SAVE_CODE_PCI_IRQ           7
#define HVM_SAVE_CODE_ISA_IRQ           8
#define HVM_SAVE_CODE_PCI_LINK          9
#define HVM_SAVE_CODE_PIT               10
#define HVM_SAVE_CODE_RTC               11
#define HVM_SAVE_CODE_HPET              12
#define HVM_SAVE_CODE_PMTIMER           13
#define HVM_SAVE_CODE_MTRR              14
#define HVM_SAVE_CODE_VIRIDIAN_DOMAIN   15
#define CPU_XSAVE_CODE                  16
#define HVM_SAVE_CODE_VIRIDIAN_VCPU     17
#define HVM_SAVE_CODE_VMCE_VCPU         18
#define HVM_SAVE_CODE_TSC_ADJUST        19
#define CPU_MSR_CODE                    20
#define HVM_SAVE_CODE_MAX               20

/* HEADER (code 1): the first record of every buffer. */
#define HVM_FILE_MAGIC      0x54381286
#define HVM_FILE_VERSION    0x00000001

struct hvm_save_header {
    uint32_t magic;             /* HVM_FILE_MAGIC */
    uint32_t version;           /* HVM_FILE_VERSION */
    uint64_t changeset;         /* of the saving hypervisor; ~0: unknown */
    uint32_t cpuid;             /* CPUID leaf 1 EAX of the saving host */
    uint32_t gtsc_khz;          /* the guest's TSC frequency (kHz) */
};

/*
 * CPU (code 2, per vCPU): registers.  Segment arbytes are in the 12-bit
 * form type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1.  pending_event holds an
 * event to inject at the next entry: vector in bits 7:0, type in 10:8,
 * bit 11 "error_code valid", bit 31 valid (bits 30:12 zero).
 */
#define _XEN_X86_FPU_INITIALISED    0
#define XEN_X86_FPU_INITIALISED     (1U << _XEN_X86_FPU_INITIALISED)

struct hvm_hw_cpu {
    uint8_t  fpu_regs[512];     /* FXSAVE image, if XEN_X86_FPU_INITIALISED */

    uint64_t rax, rbx, rcx, rdx, rbp, rsi, rdi, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;

    uint64_t rip;
    uint64_t rflags;

    uint64_t cr0, cr2, cr3, cr4;

    uint64_t dr0, dr1, dr2, dr3, dr6, dr7;

    uint32_t cs_sel, ds_sel, es_sel, fs_sel, gs_sel, ss_sel, tr_sel, ldtr_sel;

    uint32_t cs_limit, ds_limit, es_limit, fs_limit, gs_limit, ss_limit;
    uint32_t tr_limit, ldtr_limit, idtr_limit, gdtr_limit;

    uint64_t cs_base, ds_base, es_base, fs_base, gs_base, ss_base;
    uint64_t tr_base, ldtr_base, idtr_base, gdtr_base;

    uint32_t cs_arbytes, ds_arbytes, es_arbytes, fs_arbytes;
    uint32_t gs_arbytes, ss_arbytes, tr_arbytes, ldtr_arbytes;

    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;

    uint64_t shadow_gs;         /* MSR KERNEL_GS_BASE */

    uint64_t msr_flags;         /* obsolete: ignored */
    uint64_t msr_lstar, msr_star, msr_cstar, msr_syscall_mask;
    uint64_t msr_efer;
    uint64_t msr_tsc_aux;

    uint64_t tsc;               /* what RDTSC returns in the guest */

    uint32_t pending_event;     /* see above; 0: none */
    uint32_t error_code;        /* of pending_event, if bit 11 */

    uint32_t flags;             /* XEN_X86_FPU_INITIALISED */
    uint32_t pad0;              /* zero */
};

/* LAPIC (code 5, per vCPU): the local APIC state outside its registers. */
struct hvm_hw_lapic {
    uint64_t apic_base_msr;     /* IA32_APIC_BASE */
    uint32_t disabled;          /* 1: hardware-disabled, 2: software-disabled */
    uint32_t timer_divisor;     /* what TDCR selects: 1..128 */
    uint64_t tdt_msr;           /* IA32_TSC_DEADLINE */
};

/* LAPIC_REGS (code 6, per vCPU): the xAPIC register page's first 1 KiB,
 * each 32-bit register at its MMIO offset. */
struct hvm_hw_lapic_regs {
    uint8_t data[1024];
};

/* MTRR (code 14, per vCPU): PAT and the MTRR MSRs. */
#define MTRR_VCNT       8
#define NUM_FIXED_MSR   11

struct hvm_hw_mtrr {
    uint64_t msr_pat_cr;
    uint64_t msr_mtrr_var[MTRR_VCNT * 2];       /* base/mask pairs */
    uint64_t msr_mtrr_fixed[NUM_FIXED_MSR];
    uint64_t msr_mtrr_cap;
    uint64_t msr_mtrr_def_type;
};

#endif
