/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder: turns up to 15 guest instruction bytes into their
 * exact length, prefixes, opcode, ModRM/SIB/displacement/immediate and the
 * effective operand and address sizes.  Used where SVM gives no NRIP or
 * decode assists (QEMU TCG): MMIO faults, I/O, CPUID/MSR/HLT/VMMCALL skips.
 *
 * The bytes are hostile: the decoder never reads at or past `avail`, never
 * past 15, and rejects what it does not know.
 *
 * Covered exactly: the whole general-purpose one-byte and 0F maps, the legacy
 * SSE 0F38/0F3A maps, VEX (C4/C5) and EVEX (62) forms of maps 0F/0F38/0F3A
 * (EVEX also maps 5 and 6).  Not supported (decoded as #UD): 3DNow! (0F 0F,
 * 0F 0E), XOP (8F with ModRM.reg != 0 is #UD as on CPUs without XOP).
 * In 64-bit mode a 66 prefix on near branches selects a 16-bit displacement,
 * as on AMD processors (Keel runs under SVM).
 */
#ifndef ASM_X86_DECODE_H
#define ASM_X86_DECODE_H

#include <keel/types.h>
#include <keel/errno.h>

#define X86_MAX_INSN_LEN 15

/* Decode status: 0 or one of these (negated). */
#define X86_DEC_TRUNCATED ENODATA   /* more bytes needed than `avail` */
#define X86_DEC_TOO_LONG  E2BIG     /* longer than 15 bytes: #GP(0) */
#define X86_DEC_INVALID   EILSEQ    /* undefined or unsupported opcode: #UD */

enum x86_mode {
    X86_MODE_16,    /* real, virtual-8086 or 16-bit protected (CS.D=0) */
    X86_MODE_32,    /* 32-bit protected or compatibility (CS.D=1) */
    X86_MODE_64,    /* 64-bit (EFER.LMA=1, CS.L=1) */
};

enum x86_seg {
    X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
    X86_SEG_NONE = 0xff,
};

/* GPR numbers, the ModRM/REX encoding. */
enum x86_gpr {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_REG_NONE = 0xff,
};

/* Legacy prefix bits in x86_insn.prefixes. */
#define X86_PFX_OPSIZE  0x01    /* 66 */
#define X86_PFX_ADSIZE  0x02    /* 67 */
#define X86_PFX_LOCK    0x04    /* F0 */
#define X86_PFX_REPNE   0x08    /* F2 */
#define X86_PFX_REP     0x10    /* F3 */

enum x86_map {
    X86_MAP_1B,     /* one-byte opcodes */
    X86_MAP_0F,
    X86_MAP_0F38,
    X86_MAP_0F3A,
    X86_MAP_5,      /* EVEX only (AVX512-FP16) */
    X86_MAP_6,
};

enum x86_vex_kind { X86_VEX_NONE, X86_VEX2, X86_VEX3, X86_EVEX };

struct x86_insn {
    uint8_t len;            /* total length in bytes, 1..15 */
    uint8_t mode;           /* enum x86_mode it was decoded in */
    uint8_t op_size;        /* effective operand size: 2, 4 or 8 bytes */
    uint8_t addr_size;      /* effective address size: 2, 4 or 8 bytes */

    uint8_t prefixes;       /* X86_PFX_* */
    uint8_t last_rep;       /* 0xF2 or 0xF3 (whichever came last) or 0 */
    uint8_t seg;            /* segment override (enum x86_seg) or NONE */
    uint8_t num_prefixes;   /* legacy + REX bytes before the opcode/VEX */

    uint8_t rex;            /* the REX byte in effect (0x40..0x4F) or 0 */
    bool rex_w, rex_r, rex_x, rex_b;    /* from REX, VEX or EVEX */

    uint8_t vex;            /* enum x86_vex_kind */
    uint8_t vex_vvvv;       /* register specifier, un-inverted (0..31) */
    uint8_t vex_l;          /* vector length: 0=128, 1=256, 2=512 */
    uint8_t vex_pp;         /* implied prefix: 0 none, 1 66, 2 F3, 3 F2 */

    uint8_t map;            /* enum x86_map */
    uint8_t opcode;         /* the opcode byte within its map */
    uint8_t opcode_off;     /* offset of the opcode byte in the instruction */

    bool has_modrm;
    uint8_t modrm, mod, reg, rm;    /* reg/rm include REX.R/REX.B (0..15) */
    bool has_sib;
    uint8_t sib;
    bool has_mem;           /* ModRM names memory (mod != 3) */
    bool rip_rel;           /* RIP/EIP-relative (64-bit mode, mod=0 rm=5) */
    uint8_t base;           /* enum x86_gpr or X86_REG_NONE */
    uint8_t index;          /* enum x86_gpr or X86_REG_NONE */
    uint8_t scale;          /* 1, 2, 4 or 8 */
    uint8_t ea_seg;         /* segment of the memory operand (override or default) */

    uint8_t disp_size;      /* 0, 1, 2 or 4 */
    int64_t disp;           /* sign-extended */
    uint8_t imm_size;       /* 0, 1, 2, 4 or 8; moffs: the address size */
    uint8_t imm2_size;      /* second immediate: ENTER ib, far selector, EXTRQ */
    uint64_t imm;           /* zero-extended raw value (sign-extend by use) */
    uint64_t imm2;
};

/*
 * Decodes the instruction at bytes[0..avail) in `mode`.  Returns 0 with
 * *insn filled, or -X86_DEC_TRUNCATED, -X86_DEC_TOO_LONG or -X86_DEC_INVALID.
 */
int x86_decode(struct x86_insn *insn, const uint8_t *bytes, size_t avail,
               enum x86_mode mode);

/* The decode mode for a guest: long mode active, CS.L and CS.D. */
enum x86_mode x86_mode_of(bool efer_lma, bool cs_l, bool cs_d);

/* A short name for a decode status, for log messages. */
const char *x86_decode_strerror(int err);

#endif
