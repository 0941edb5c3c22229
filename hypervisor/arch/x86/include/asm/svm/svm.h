/* SPDX-License-Identifier: GPL-2.0-only */
/* SVM internals shared by the files of arch/x86/hvm/svm/. */
#ifndef ASM_SVM_SVM_H
#define ASM_SVM_SVM_H

#include <keel/types.h>

#include <asm/x86_decode.h>

struct vcpu;

enum x86_mode svm_guest_mode(const struct vcpu *v);
/* Before each VMRUN: inject a pending NMI or vLAPIC interrupt, or ask for
 * an exit as soon as the guest can take one (VINTR). */
void svm_intr_assist(struct vcpu *v);

void svm_handle_exit(struct vcpu *v);
void svm_dump_exit_counts(const struct vcpu *v);   /* debug key 'q' */
void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
#define svm_inject_gp(v)    svm_inject_exception((v), 13, true, 0)
#define svm_inject_ud(v)    svm_inject_exception((v), 6, false, 0)

/* Up to 15 bytes at the guest's RIP, as many as can be read (an
 * instruction may end just before an unmapped page), one read per page;
 * returns how many (0: none). */
size_t svm_fetch_insn(struct vcpu *v, uint8_t bytes[15]);

/* The usual encodings of the instructions whose exits skip them. */
#define SVM_INSN_CPUID      "\x0f\xa2"
#define SVM_INSN_RDMSR      "\x0f\x32"
#define SVM_INSN_WRMSR      "\x0f\x30"
#define SVM_INSN_HLT        "\xf4"
#define SVM_INSN_VMMCALL    "\x0f\x01\xd9"
#define SVM_INSN_XSETBV     "\x0f\x01\xd1"

/* Advance the guest's RIP past the instruction at it (TCG has no NRIP
 * save): when its bytes are the usual encoding 'insn' (one read), by its
 * length, else by the length the decoder finds, which must be at least
 * as long; false if the bytes cannot be read or decoded (the domain has
 * been crashed). */
bool svm_skip_insn(struct vcpu *v, const char *insn, uint8_t len);
#define svm_skip_instruction(v, insn) svm_skip_insn((v), insn, sizeof(insn) - 1)

/* No event pending, being delivered or blocked (NMI until IRET), no
 * interrupt shadow: as a CPU after reset. */
void svm_clear_events(struct vcpu *v);

/* The FXSAVE (legacy) 512 bytes of a vCPU's FPU image while it does not
 * run; set: img NULL for the reset state (FCW 0x37f, MXCSR 0x1f80), else
 * img, whose MXCSR the caller has checked (XRSTOR faults on reserved
 * bits), and XRSTOR will take x87 and SSE state from it. */
void svm_fpu_get_legacy(struct vcpu *v, uint8_t img[512]);
void svm_fpu_set_legacy(struct vcpu *v, const uint8_t *img);

/* XSETBV: 0, or -EPERM for a #GP. */
int svm_set_xcr0(struct vcpu *v, uint32_t index, uint64_t val);

/* CPUID and MSR policy (cpuid.c, msr.c). */
void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
int guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);    /* -EPERM: #GP */
int guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);

#endif
