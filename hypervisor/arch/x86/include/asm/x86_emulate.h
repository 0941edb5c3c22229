/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 emulator for the memory-operand instructions guests use on device
 * pages (local APIC, MMIO BARs): MOV forms (88-8B, C6/C7, A0-A3, MOVZX/MOVSX,
 * MOVSXD), STOS/MOVS with or without REP, ADD/OR/ADC/SBB/AND/SUB/XOR/CMP/TEST
 * with exact arithmetic flags, XCHG, and MOVDIRI.  It runs on a guest GPR
 * file and reaches memory only through callbacks on linear addresses.
 *
 * Not emulated (X86EMUL_UNHANDLED with a reason): everything else, including
 * vector moves (MOVD/MOVQ/MOVDQU...: Keel does not touch guest vector state
 * here), x87, 16/32-bit segment limit and access-rights checks.
 * A read-modify-write is not atomic: LOCK is accepted where the CPU accepts
 * it, but memory behind the callbacks is assumed to be device memory.
 */
#ifndef ASM_X86_EMULATE_H
#define ASM_X86_EMULATE_H

#include <asm/x86_decode.h>

/* RFLAGS bits the emulator reads or writes. */
#define X86_FLAGS_CF    (1u << 0)
#define X86_FLAGS_PF    (1u << 2)
#define X86_FLAGS_AF    (1u << 4)
#define X86_FLAGS_ZF    (1u << 6)
#define X86_FLAGS_SF    (1u << 7)
#define X86_FLAGS_DF    (1u << 10)
#define X86_FLAGS_OF    (1u << 11)
#define X86_FLAGS_ARITH (X86_FLAGS_CF | X86_FLAGS_PF | X86_FLAGS_AF | \
                         X86_FLAGS_ZF | X86_FLAGS_SF | X86_FLAGS_OF)

/* Exception vectors a callback or the emulator may report. */
#define X86_EXC_UD  6
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14

enum x86_emul_status {
    X86EMUL_DONE,       /* executed; RIP advanced past the instruction */
    X86EMUL_CONTINUE,   /* REP: some iterations done, RIP unchanged; re-run */
    X86EMUL_UNHANDLED,  /* nothing changed; ctxt->reason says why */
    X86EMUL_FAULT,      /* inject ctxt->fault; state as the CPU leaves it */
};

struct x86_regs {
    uint64_t gpr[16];   /* enum x86_gpr order: RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 */
    uint64_t rip;
    uint64_t rflags;
};

struct x86_fault {
    uint8_t vector;         /* X86_EXC_* */
    bool has_error_code;
    uint32_t error_code;
    uint64_t cr2;           /* #PF: the faulting linear address */
};

struct x86_emulate_ctxt;

/*
 * Callbacks.  read/write move `size` bytes (1..64, little-endian) at a
 * linear address and return X86EMUL_DONE, X86EMUL_FAULT (after filling
 * ctxt->fault) or X86EMUL_UNHANDLED (after setting ctxt->reason).  An access
 * is never split by the emulator; the callback handles page crossings.
 * seg_base is optional (NULL: every base is 0); in 64-bit mode it is only
 * asked for FS and GS.
 */
struct x86_emulate_ops {
    int (*read)(struct x86_emulate_ctxt *ctxt, uint64_t linear, void *buf,
                unsigned int size);
    int (*write)(struct x86_emulate_ctxt *ctxt, uint64_t linear,
                 const void *buf, unsigned int size);
    uint64_t (*seg_base)(struct x86_emulate_ctxt *ctxt, enum x86_seg seg);
};

#define X86EMUL_REP_LIMIT_DEFAULT 256

struct x86_emulate_ctxt {
    /* Filled by the caller. */
    struct x86_regs *regs;
    enum x86_mode mode;
    const struct x86_emulate_ops *ops;
    void *opaque;               /* for the callbacks */
    uint32_t rep_limit;         /* REP iterations per call; 0: the default */

    /* Filled by the emulator. */
    struct x86_insn insn;       /* the decoded instruction */
    struct x86_fault fault;     /* X86EMUL_FAULT */
    const char *reason;         /* X86EMUL_UNHANDLED */
};

/*
 * Decodes bytes[0..avail) (the guest's bytes at RIP) and executes them.
 * Decode errors: undefined opcode -> FAULT #UD; longer than 15 bytes ->
 * FAULT #GP(0); truncated -> UNHANDLED ("truncated instruction").
 */
int x86_emulate(struct x86_emulate_ctxt *ctxt, const uint8_t *bytes,
                size_t avail);

/* Executes an instruction already decoded into ctxt->insn. */
int x86_emulate_insn(struct x86_emulate_ctxt *ctxt);

/* The memory operand's linear address (ModRM or moffs). 0 or FAULT. */
int x86_emulate_mem_linear(struct x86_emulate_ctxt *ctxt, uint64_t *linear);

/* The arithmetic flags of dst OP src at `size` bytes, as the CPU sets them. */
enum x86_alu_op { X86_ALU_ADD, X86_ALU_OR, X86_ALU_ADC, X86_ALU_SBB,
                  X86_ALU_AND, X86_ALU_SUB, X86_ALU_XOR, X86_ALU_CMP };
uint64_t x86_alu(enum x86_alu_op op, uint64_t dst, uint64_t src,
                 unsigned int size, uint64_t *rflags);

#endif
