/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD SVM virtual machine control block (AMD APM vol. 2, appendix B):
 * a 4 KiB page holding the control area (intercepts, exit information,
 * event injection, nested paging) at 0x000 and the guest state save area at
 * 0x400.  Offsets are checked at build time.
 */
#ifndef ASM_SVM_VMCB_H
#define ASM_SVM_VMCB_H

#include <keel/types.h>

struct __packed vmcb_seg {
    uint16_t sel;
    uint16_t attr;      /* type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1 */
    uint32_t limit;
    uint64_t base;
};

struct __packed vmcb_control {
    uint32_t intercept_cr;          /* 0x000: reads 0-15, writes 16-31 */
    uint32_t intercept_dr;          /* 0x004 */
    uint32_t intercept_exceptions;  /* 0x008 */
    uint32_t intercept_misc1;       /* 0x00c */
    uint32_t intercept_misc2;       /* 0x010 */
    uint32_t intercept_misc3;       /* 0x014 */
    uint8_t  reserved0[0x03c - 0x018];
    uint16_t pause_filter_thresh;   /* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t asid;                  /* 0x058 */
    uint8_t  tlb_control;           /* 0x05c */
    uint8_t  reserved1[3];
    uint32_t int_ctl;               /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR, V_INTR_MASKING */
    uint32_t int_vector;            /* 0x064 */
    uint32_t int_state;             /* 0x068: bit 0 interrupt shadow */
    uint8_t  reserved2[4];
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088 */
    uint64_t np_ctl;                /* 0x090: bit 0 NP_ENABLE */
    uint64_t avic_apic_bar;         /* 0x098 */
    uint64_t ghcb_gpa;              /* 0x0a0 */
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8 */
    uint32_t clean;                 /* 0x0c0 */
    uint32_t reserved3;
    uint64_t nrip;                  /* 0x0c8 */
    uint8_t  insn_len;              /* 0x0d0 */
    uint8_t  insn_bytes[15];
    uint8_t  reserved4[0x400 - 0x0e0];
};

struct __packed vmcb_save {
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;  /* 0x400 */
    uint8_t  reserved0[0x4cb - 0x4a0];
    uint8_t  cpl;                   /* 0x4cb */
    uint32_t reserved1;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t  reserved2[0x548 - 0x4d8];
    uint64_t cr4;                   /* 0x548 */
    uint64_t cr3;
    uint64_t cr0;
    uint64_t dr7;
    uint64_t dr6;
    uint64_t rflags;
    uint64_t rip;                   /* 0x578 */
    uint8_t  reserved3[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint8_t  reserved4[0x5f8 - 0x5e0];
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t cr2;                   /* 0x640 */
    uint8_t  reserved5[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint64_t dbgctl;
    uint64_t br_from, br_to, lastexcpfrom, lastexcpto;
};

struct vmcb {
    struct vmcb_control ctl;
    struct vmcb_save save;
    uint8_t reserved[4096 - 0x400 - sizeof(struct vmcb_save)];
};

BUILD_BUG_ON(sizeof(struct vmcb) != 4096);
BUILD_BUG_ON(offsetof(struct vmcb, ctl.exitcode) != 0x070);
BUILD_BUG_ON(offsetof(struct vmcb, ctl.n_cr3) != 0x0b0);
BUILD_BUG_ON(offsetof(struct vmcb, ctl.insn_len) != 0x0d0);
BUILD_BUG_ON(offsetof(struct vmcb, save.cpl) != 0x4cb);
BUILD_BUG_ON(offsetof(struct vmcb, save.efer) != 0x4d0);
BUILD_BUG_ON(offsetof(struct vmcb, save.cr4) != 0x548);
BUILD_BUG_ON(offsetof(struct vmcb, save.rip) != 0x578);
BUILD_BUG_ON(offsetof(struct vmcb, save.rsp) != 0x5d8);
BUILD_BUG_ON(offsetof(struct vmcb, save.rax) != 0x5f8);
BUILD_BUG_ON(offsetof(struct vmcb, save.cr2) != 0x640);
BUILD_BUG_ON(offsetof(struct vmcb, save.g_pat) != 0x668);

/* intercept_misc1 */
#define SVM_INTERCEPT_INTR      (1u << 0)
#define SVM_INTERCEPT_NMI       (1u << 1)
#define SVM_INTERCEPT_SMI       (1u << 2)
#define SVM_INTERCEPT_INIT      (1u << 3)
#define SVM_INTERCEPT_VINTR     (1u << 4)
#define SVM_INTERCEPT_CPUID     (1u << 18)
#define SVM_INTERCEPT_IRET      (1u << 20)
#define SVM_INTERCEPT_INVD      (1u << 22)
#define SVM_INTERCEPT_HLT       (1u << 24)
#define SVM_INTERCEPT_INVLPGA   (1u << 26)
#define SVM_INTERCEPT_IOIO      (1u << 27)
#define SVM_INTERCEPT_MSR       (1u << 28)
#define SVM_INTERCEPT_TASKSW    (1u << 29)
#define SVM_INTERCEPT_SHUTDOWN  (1u << 31)
/* intercept_misc2 */
#define SVM_INTERCEPT_VMRUN     (1u << 0)
#define SVM_INTERCEPT_VMMCALL   (1u << 1)
#define SVM_INTERCEPT_VMLOAD    (1u << 2)
#define SVM_INTERCEPT_VMSAVE    (1u << 3)
#define SVM_INTERCEPT_STGI      (1u << 4)
#define SVM_INTERCEPT_CLGI      (1u << 5)
#define SVM_INTERCEPT_SKINIT    (1u << 6)
#define SVM_INTERCEPT_RDTSCP    (1u << 7)
#define SVM_INTERCEPT_ICEBP     (1u << 8)
#define SVM_INTERCEPT_MONITOR   (1u << 10)
#define SVM_INTERCEPT_MWAIT     (1u << 11)
#define SVM_INTERCEPT_XSETBV    (1u << 13)

/* int_ctl */
#define SVM_V_IRQ               (1u << 8)
#define SVM_V_IGN_TPR           (1u << 20)
#define SVM_V_INTR_MASKING      (1u << 24)

/* eventinj */
#define SVM_EVTINJ_VALID        (1ULL << 31)
#define SVM_EVTINJ_EV           (1ULL << 11)
#define SVM_EVTINJ_TYPE_INTR    (0ULL << 8)
#define SVM_EVTINJ_TYPE_NMI     (2ULL << 8)
#define SVM_EVTINJ_TYPE_EXC     (3ULL << 8)

/* tlb_control */
#define SVM_TLB_FLUSH_NONE      0
#define SVM_TLB_FLUSH_ALL       1
#define SVM_TLB_FLUSH_GUEST     3

/* Exit codes */
#define SVM_EXIT_EXCP_BASE      0x040
#define SVM_EXIT_INTR           0x060
#define SVM_EXIT_NMI            0x061
#define SVM_EXIT_SMI            0x062
#define SVM_EXIT_INIT           0x063
#define SVM_EXIT_VINTR          0x064
#define SVM_EXIT_CPUID          0x072
#define SVM_EXIT_IRET           0x074
#define SVM_EXIT_HLT            0x078
#define SVM_EXIT_INVLPGA        0x07a
#define SVM_EXIT_IOIO           0x07b
#define SVM_EXIT_MSR            0x07c
#define SVM_EXIT_TASK_SWITCH    0x07d
#define SVM_EXIT_SHUTDOWN       0x07f
#define SVM_EXIT_VMRUN          0x080
#define SVM_EXIT_VMMCALL        0x081
#define SVM_EXIT_VMLOAD         0x082
#define SVM_EXIT_VMSAVE         0x083
#define SVM_EXIT_STGI           0x084
#define SVM_EXIT_CLGI           0x085
#define SVM_EXIT_SKINIT         0x086
#define SVM_EXIT_RDTSCP         0x087
#define SVM_EXIT_ICEBP          0x088
#define SVM_EXIT_MONITOR        0x08a
#define SVM_EXIT_MWAIT          0x08b
#define SVM_EXIT_XSETBV         0x08d
#define SVM_EXIT_NPF            0x400
#define SVM_EXIT_INVALID        ((uint64_t)-1)

#endif
