/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the x86 memory-operand emulator (hypervisor/arch/x86/hvm/
 * x86_emulate.c): each supported instruction against expected registers,
 * memory and flags; ALU flag edge cases; REP STOS/MOVS; faults and the
 * "unhandled" paths.  Memory is a 4 KiB fake device page at MEM_BASE.
 */
#include "ktest.h"

#include <string.h>

#include <asm/x86_emulate.h>

#define MEM_BASE   0xfee00000ull
#define MEM_SIZE   0x1000u
#define FAULT_BASE 0xdead0000ull
#define FS_BASE    0x10000000ull

static uint8_t mem[MEM_SIZE];
static unsigned int nreads, nwrites;
static uint64_t fault_at = ~0ull;   /* one more #PF address */
static uint64_t es_base = 0x100;

static int fake_access(struct x86_emulate_ctxt *c, uint64_t lin, unsigned int size,
                       uint8_t **p)
{
    if ((lin >= FAULT_BASE && lin < FAULT_BASE + 0x1000) || lin == fault_at) {
        c->fault.vector = X86_EXC_PF;
        c->fault.has_error_code = true;
        c->fault.error_code = 2;
        c->fault.cr2 = lin;
        return X86EMUL_FAULT;
    }
    if (lin < MEM_BASE || lin + size > MEM_BASE + MEM_SIZE) {
        c->reason = "outside fake memory";
        return X86EMUL_UNHANDLED;
    }
    *p = &mem[lin - MEM_BASE];
    return X86EMUL_DONE;
}

static int fake_read(struct x86_emulate_ctxt *c, uint64_t lin, void *buf,
                     unsigned int size)
{
    uint8_t *p;
    int rc = fake_access(c, lin, size, &p);

    if (rc == X86EMUL_DONE) {
        memcpy(buf, p, size);
        nreads++;
    }
    return rc;
}

static int fake_write(struct x86_emulate_ctxt *c, uint64_t lin, const void *buf,
                      unsigned int size)
{
    uint8_t *p;
    int rc = fake_access(c, lin, size, &p);

    if (rc == X86EMUL_DONE) {
        memcpy(p, buf, size);
        nwrites++;
    }
    return rc;
}

static uint64_t fake_seg_base(struct x86_emulate_ctxt *c, enum x86_seg seg)
{
    (void)c;
    return seg == X86_SEG_FS ? FS_BASE : seg == X86_SEG_ES ? es_base : 0;
}

static const struct x86_emulate_ops ops = {
    .read = fake_read, .write = fake_write, .seg_base = fake_seg_base,
};

static struct x86_regs regs;
static struct x86_emulate_ctxt ctxt;

static void setup(enum x86_mode mode)
{
    memset(mem, 0, sizeof(mem));
    memset(&regs, 0, sizeof(regs));
    memset(&ctxt, 0, sizeof(ctxt));
    regs.rip = 0x1000;
    regs.rflags = 0x2;
    ctxt.regs = &regs;
    ctxt.mode = mode;
    ctxt.ops = &ops;
    nreads = nwrites = 0;
    fault_at = ~0ull;
    es_base = 0x100;
}

static int run(const char *bytes, size_t n)
{
    return x86_emulate(&ctxt, (const uint8_t *)bytes, n);
}

#define RUN(lit) run(lit, sizeof(lit) - 1)

static uint64_t mem_get(uint64_t lin, unsigned int size)
{
    uint64_t v = 0;

    memcpy(&v, &mem[lin - MEM_BASE], size);
    return v;
}

static void mem_put(uint64_t lin, unsigned int size, uint64_t v)
{
    memcpy(&mem[lin - MEM_BASE], &v, size);
}

#define RAX regs.gpr[X86_RAX]
#define RCX regs.gpr[X86_RCX]
#define RDX regs.gpr[X86_RDX]
#define RBX regs.gpr[X86_RBX]
#define RSI regs.gpr[X86_RSI]
#define RDI regs.gpr[X86_RDI]
#define ARITH(f) ((f) & X86_FLAGS_ARITH)
#define CF X86_FLAGS_CF
#define PF X86_FLAGS_PF
#define AF X86_FLAGS_AF
#define ZF X86_FLAGS_ZF
#define SF X86_FLAGS_SF
#define OF X86_FLAGS_OF

TEST(mov_store_and_load)
{
    setup(X86_MODE_64);
    RBX = MEM_BASE + 0x300;
    RCX = 0x1122334455667788ull;
    CHECK_EQ(RUN("\x48\x89\x4b\x04"), X86EMUL_DONE);    /* mov [rbx+4], rcx */
    CHECK_EQ(mem_get(MEM_BASE + 0x304, 8), 0x1122334455667788ull);
    CHECK_EQ(regs.rip, 0x1004);
    CHECK_EQ(RUN("\x8b\x43\x04"), X86EMUL_DONE);        /* mov eax, [rbx+4] */
    CHECK_EQ(RAX, 0x55667788);
    RAX = ~0ull;
    CHECK_EQ(RUN("\x66\x8b\x43\x08"), X86EMUL_DONE);    /* mov ax, [rbx+8] */
    CHECK_EQ(RAX, 0xffffffffffff3344ull);
    CHECK_EQ(RUN("\x8a\x63\x04"), X86EMUL_DONE);        /* mov ah, [rbx+4] */
    CHECK_EQ(RAX, 0xffffffffffff8844ull);
    CHECK_EQ(RUN("\x40\x8a\x73\x05"), X86EMUL_DONE);    /* mov sil, [rbx+5] */
    CHECK_EQ(regs.gpr[X86_RSI] & 0xff, 0x77);
    CHECK_EQ(RUN("\x88\x23"), X86EMUL_DONE);            /* mov [rbx], ah */
    CHECK_EQ(mem[0x300], 0x88);
    CHECK_EQ(regs.rflags, 0x2);
    CHECK_EQ(regs.rip, 0x1004 + 3 + 4 + 3 + 4 + 2);
}

TEST(mov_imm_and_rip_relative)
{
    setup(X86_MODE_64);
    regs.rip = MEM_BASE;
    /* mov dword [rip+0x100], 0x12345678: next RIP = base+10 */
    CHECK_EQ(RUN("\xc7\x05\x00\x01\x00\x00\x78\x56\x34\x12"), X86EMUL_DONE);
    CHECK_EQ(mem_get(MEM_BASE + 10 + 0x100, 4), 0x12345678);
    RAX = MEM_BASE + 0x200;
    /* mov qword [rax], -1 (imm32 sign-extended) */
    CHECK_EQ(RUN("\x48\xc7\x00\xff\xff\xff\xff"), X86EMUL_DONE);
    CHECK_EQ(mem_get(MEM_BASE + 0x200, 8), ~0ull);
    /* mov byte [rax+rbx], 0x12 */
    RBX = 0x10;
    CHECK_EQ(RUN("\xc6\x04\x18\x12"), X86EMUL_DONE);
    CHECK_EQ(mem[0x210], 0x12);
    /* mov word [rax], 0x1234 */
    CHECK_EQ(RUN("\x66\xc7\x00\x34\x12"), X86EMUL_DONE);
    CHECK_EQ(mem_get(MEM_BASE + 0x200, 8), 0xffffffffffff1234ull);
}

TEST(mov_moffs)
{
    setup(X86_MODE_64);
    mem_put(MEM_BASE + 0x20, 8, 0x0123456789abcdefull);
    CHECK_EQ(RUN("\x48\xa1\x20\x00\xe0\xfe\x00\x00\x00\x00"), X86EMUL_DONE);
    CHECK_EQ(RAX, 0x0123456789abcdefull);
    CHECK_EQ(RUN("\xa0\x21\x00\xe0\xfe\x00\x00\x00\x00"), X86EMUL_DONE);
    CHECK_EQ(RAX, 0x0123456789abcdcdull);
    RAX = 0xaabbccdd;
    CHECK_EQ(RUN("\xa3\x40\x00\xe0\xfe\x00\x00\x00\x00"), X86EMUL_DONE);
    CHECK_EQ(mem_get(MEM_BASE + 0x40, 4), 0xaabbccdd);
    /* 32-bit mode: moffs32 */
    setup(X86_MODE_32);
    RAX = 0x5a;
    CHECK_EQ(RUN("\xa2\x10\x00\xe0\xfe"), X86EMUL_DONE);
    CHECK_EQ(mem[0x10], 0x5a);
    CHECK_EQ(regs.rip, 0x1005);
}

TEST(movzx_movsx_movsxd)
{
    setup(X86_MODE_64);
    RBX = MEM_BASE;
    mem_put(MEM_BASE, 4, 0x8081f2f3);
    RAX = ~0ull;
    CHECK_EQ(RUN("\x0f\xb6\x03"), X86EMUL_DONE);        /* movzx eax, byte */
    CHECK_EQ(RAX, 0xf3);
    CHECK_EQ(RUN("\x48\x0f\xbe\x03"), X86EMUL_DONE);    /* movsx rax, byte */
    CHECK_EQ(RAX, 0xfffffffffffffff3ull);
    CHECK_EQ(RUN("\x0f\xb7\x03"), X86EMUL_DONE);        /* movzx eax, word */
    CHECK_EQ(RAX, 0xf2f3);
    CHECK_EQ(RUN("\x0f\xbf\x03"), X86EMUL_DONE);        /* movsx eax, word */
    CHECK_EQ(RAX, 0xfffff2f3);
    RAX = 0x1234567812345678ull;
    CHECK_EQ(RUN("\x66\x0f\xbe\x03"), X86EMUL_DONE);    /* movsx ax, byte */
    CHECK_EQ(RAX, 0x123456781234fff3ull);
    CHECK_EQ(RUN("\x48\x63\x03"), X86EMUL_DONE);        /* movsxd rax, [rbx] */
    CHECK_EQ(RAX, 0xffffffff8081f2f3ull);
    CHECK_EQ(RUN("\x63\x03"), X86EMUL_DONE);            /* movsxd eax: plain */
    CHECK_EQ(RAX, 0x8081f2f3);
    setup(X86_MODE_32);
    CHECK_EQ(RUN("\x63\x03"), X86EMUL_UNHANDLED);       /* ARPL */
    CHECK(ctxt.reason != NULL);
    CHECK_EQ(regs.rip, 0x1000);
}

struct alu_case {
    enum x86_alu_op op;
    unsigned int size;
    uint64_t dst, src, cf_in;
    uint64_t res, flags;
};

static const struct alu_case alu_cases[] = {
    /* ADD */
    { X86_ALU_ADD, 1, 0xff, 0x01, 0, 0x00, CF | ZF | PF | AF },
    { X86_ALU_ADD, 1, 0x7f, 0x01, 0, 0x80, OF | SF | AF },
    { X86_ALU_ADD, 1, 0x80, 0x80, 0, 0x00, CF | OF | ZF | PF },
    { X86_ALU_ADD, 1, 0x0f, 0x01, 0, 0x10, AF },
    { X86_ALU_ADD, 1, 0x01, 0x02, 0, 0x03, PF },
    { X86_ALU_ADD, 2, 0xffff, 0x0001, 0, 0, CF | ZF | PF | AF },
    { X86_ALU_ADD, 4, 0x7fffffff, 1, 0, 0x80000000, OF | SF | AF | PF },
    { X86_ALU_ADD, 8, ~0ull, 1, 0, 0, CF | ZF | PF | AF },
    { X86_ALU_ADD, 8, 0x7fffffffffffffffull, 1, 0, 0x8000000000000000ull,
      OF | SF | AF | PF },
    { X86_ALU_ADD, 8, 0x8000000000000000ull, 0x8000000000000000ull, 0, 0,
      CF | OF | ZF | PF },
    /* ADC */
    { X86_ALU_ADC, 1, 0xff, 0x00, 1, 0x00, CF | ZF | PF | AF },
    { X86_ALU_ADC, 1, 0x00, 0xff, 1, 0x00, CF | ZF | PF | AF },
    { X86_ALU_ADC, 8, 5, ~0ull, 1, 5, CF | PF | AF },
    { X86_ALU_ADC, 4, 0x7ffffffe, 1, 1, 0x80000000, OF | SF | AF | PF },
    /* SUB / CMP */
    { X86_ALU_SUB, 1, 0x00, 0x01, 0, 0xff, CF | SF | AF | PF },
    { X86_ALU_SUB, 1, 0x80, 0x01, 0, 0x7f, OF | AF },
    { X86_ALU_SUB, 1, 0x7f, 0xff, 0, 0x80, CF | OF | SF },
    { X86_ALU_SUB, 1, 0x10, 0x01, 0, 0x0f, AF | PF },
    { X86_ALU_SUB, 4, 5, 5, 0, 0, ZF | PF },
    { X86_ALU_SUB, 8, 0, 1, 0, ~0ull, CF | SF | AF | PF },
    { X86_ALU_SUB, 8, 0x8000000000000000ull, 1, 0, 0x7fffffffffffffffull,
      OF | AF | PF },
    { X86_ALU_CMP, 2, 0x8000, 0x0001, 0, 0x7fff, OF | AF | PF },
    { X86_ALU_CMP, 4, 3, 7, 0, 0xfffffffc, CF | SF | PF | AF },
    /* SBB */
    { X86_ALU_SBB, 1, 0x05, 0x05, 1, 0xff, CF | SF | AF | PF },
    { X86_ALU_SBB, 8, 0, ~0ull, 1, 0, CF | ZF | PF | AF },
    { X86_ALU_SBB, 1, 0x80, 0x00, 1, 0x7f, OF | AF },
    /* logic: CF = OF = 0, AF cleared */
    { X86_ALU_AND, 1, 0xf0, 0x0f, 1, 0x00, ZF | PF },
    { X86_ALU_OR, 4, 0x80000000, 1, 1, 0x80000001, SF },
    { X86_ALU_XOR, 8, ~0ull, 0x0f, 1, 0xfffffffffffffff0ull, SF | PF },
    { X86_ALU_AND, 2, 0xff03, 0xffff, 0, 0xff03, SF | PF },
};

TEST(alu_flags_table)
{
    for (size_t i = 0; i < ARRAY_SIZE(alu_cases); i++) {
        const struct alu_case *t = &alu_cases[i];
        uint64_t fl = 0x2 | X86_FLAGS_DF | (t->cf_in ? CF : 0) | OF | ZF;
        uint64_t res = x86_alu(t->op, t->dst, t->src, t->size, &fl);

        if (res != t->res || ARITH(fl) != t->flags)
            fprintf(stderr, "alu case %zu: res %#llx flags %#llx\n", i,
                    (unsigned long long)res, (unsigned long long)ARITH(fl));
        CHECK_EQ(res, t->res);
        CHECK_EQ(ARITH(fl), t->flags);
        CHECK_EQ(fl & ~(uint64_t)X86_FLAGS_ARITH, 0x2 | X86_FLAGS_DF);
    }
}

TEST(alu_memory_forms)
{
    setup(X86_MODE_64);
    RDI = MEM_BASE + 0x80;
    mem_put(RDI, 4, 0xfffffffe);
    RCX = 2;
    CHECK_EQ(RUN("\x01\x0f"), X86EMUL_DONE);            /* add [rdi], ecx */
    CHECK_EQ(mem_get(RDI, 4), 0);
    CHECK_EQ(ARITH(regs.rflags), CF | ZF | PF | AF);
    CHECK_EQ(RUN("\x83\x2f\x01"), X86EMUL_DONE);        /* sub dword [rdi], 1 */
    CHECK_EQ(mem_get(RDI, 4), 0xffffffff);
    CHECK_EQ(ARITH(regs.rflags), CF | SF | PF | AF);
    CHECK_EQ(RUN("\x81\x27\xff\x00\x00\x00"), X86EMUL_DONE);  /* and [rdi], 0xff */
    CHECK_EQ(mem_get(RDI, 4), 0xff);
    CHECK_EQ(ARITH(regs.rflags), PF);
    CHECK_EQ(RUN("\x80\x0f\x00"), X86EMUL_DONE);        /* or byte [rdi], 0 */
    CHECK_EQ(ARITH(regs.rflags), SF | PF);
    RAX = 0xf0;
    CHECK_EQ(RUN("\x32\x07"), X86EMUL_DONE);            /* xor al, [rdi] */
    CHECK_EQ(RAX, 0x0f);
    CHECK_EQ(mem_get(RDI, 4), 0xff);
    CHECK_EQ(ARITH(regs.rflags), PF);
    /* cmp [rdi], eax: no write */
    nwrites = 0;
    CHECK_EQ(RUN("\x39\x07"), X86EMUL_DONE);
    CHECK_EQ(nwrites, 0);
    CHECK_EQ(ARITH(regs.rflags), PF);       /* 0xff - 0x0f = 0xf0 */
    CHECK_EQ(RUN("\x83\x3f\xff"), X86EMUL_DONE);        /* cmp dword [rdi], -1 */
    CHECK_EQ(ARITH(regs.rflags), CF | PF);  /* 0xff - 0xffffffff = 0x100 */
    /* test [rdi], imm / reg */
    CHECK_EQ(RUN("\xf7\x07\x00\x01\x00\x00"), X86EMUL_DONE);
    CHECK_EQ(ARITH(regs.rflags), ZF | PF);
    RCX = 0x80;
    CHECK_EQ(RUN("\x84\x0f"), X86EMUL_DONE);            /* test [rdi], cl */
    CHECK_EQ(ARITH(regs.rflags), SF);
    CHECK_EQ(nwrites, 0);
    /* 64-bit add with sign-extended imm8, adc with carry in */
    mem_put(RDI, 8, 5);
    CHECK_EQ(RUN("\x48\x83\x07\xfb"), X86EMUL_DONE);    /* add qword [rdi], -5 */
    CHECK_EQ(mem_get(RDI, 8), 0);
    CHECK_EQ(ARITH(regs.rflags), CF | ZF | PF | AF);
    CHECK_EQ(RUN("\x48\x83\x17\x00"), X86EMUL_DONE);    /* adc qword [rdi], 0 */
    CHECK_EQ(mem_get(RDI, 8), 1);
    CHECK_EQ(ARITH(regs.rflags), 0);
    /* sub rdx, [rdi] (reg destination) */
    RDX = 0;
    CHECK_EQ(RUN("\x48\x2b\x17"), X86EMUL_DONE);
    CHECK_EQ(RDX, ~0ull);
    CHECK_EQ(ARITH(regs.rflags), CF | SF | PF | AF);
    /* lock or [rdi], eax */
    RAX = 0x100;
    CHECK_EQ(RUN("\xf0\x09\x07"), X86EMUL_DONE);
    CHECK_EQ(mem_get(RDI, 4), 0x101);
}

TEST(not_neg_inc_dec)
{
    setup(X86_MODE_64);
    RBX = MEM_BASE;
    mem[0] = 0x80;
    regs.rflags |= CF;
    CHECK_EQ(RUN("\xfe\x0b"), X86EMUL_DONE);            /* dec byte [rbx] */
    CHECK_EQ(mem[0], 0x7f);
    CHECK_EQ(ARITH(regs.rflags), CF | OF | AF);         /* CF kept */
    CHECK_EQ(RUN("\xfe\x03"), X86EMUL_DONE);            /* inc byte [rbx] */
    CHECK_EQ(mem[0], 0x80);
    CHECK_EQ(ARITH(regs.rflags), CF | OF | SF | AF);
    CHECK_EQ(RUN("\xf6\x1b"), X86EMUL_DONE);            /* neg byte [rbx] */
    CHECK_EQ(mem[0], 0x80);
    CHECK_EQ(ARITH(regs.rflags), CF | OF | SF);
    CHECK_EQ(RUN("\xf6\x13"), X86EMUL_DONE);            /* not byte [rbx] */
    CHECK_EQ(mem[0], 0x7f);
    CHECK_EQ(ARITH(regs.rflags), CF | OF | SF);         /* unchanged */
    mem_put(MEM_BASE, 4, 0);
    CHECK_EQ(RUN("\xf7\x1b"), X86EMUL_DONE);            /* neg dword 0 */
    CHECK_EQ(ARITH(regs.rflags), ZF | PF);
    CHECK_EQ(RUN("\xff\x0b"), X86EMUL_DONE);            /* dec dword [rbx] */
    CHECK_EQ(mem_get(MEM_BASE, 4), 0xffffffff);
    CHECK_EQ(RUN("\xf7\x23"), X86EMUL_UNHANDLED);       /* mul */
    CHECK_EQ(RUN("\xff\x13"), X86EMUL_UNHANDLED);       /* call [rbx] */
}

TEST(xchg_memory)
{
    setup(X86_MODE_64);
    RBX = MEM_BASE + 8;
    mem_put(RBX, 8, 0x1111111111111111ull);
    RAX = 0x2222222222222222ull;
    CHECK_EQ(RUN("\x48\x87\x03"), X86EMUL_DONE);
    CHECK_EQ(RAX, 0x1111111111111111ull);
    CHECK_EQ(mem_get(RBX, 8), 0x2222222222222222ull);
    CHECK_EQ(RUN("\x86\x23"), X86EMUL_DONE);            /* xchg [rbx], ah */
    CHECK_EQ(RAX, 0x1111111111112211ull);
    CHECK_EQ(mem[8], 0x11);
}

TEST(stos_movs_single_and_rep)
{
    setup(X86_MODE_64);
    RDI = MEM_BASE + 0x100;
    RAX = 0xa5;
    CHECK_EQ(RUN("\xaa"), X86EMUL_DONE);                /* stosb */
    CHECK_EQ(mem[0x100], 0xa5);
    CHECK_EQ(RDI, MEM_BASE + 0x101);
    RCX = 4;
    RAX = 0x11223344;
    CHECK_EQ(RUN("\xf3\xab"), X86EMUL_DONE);            /* rep stosd */
    CHECK_EQ(RCX, 0);
    CHECK_EQ(RDI, MEM_BASE + 0x111);
    CHECK_EQ(mem_get(MEM_BASE + 0x10d, 4), 0x11223344);
    CHECK_EQ(regs.rip, 0x1003);
    /* DF = 1: downwards */
    regs.rflags |= X86_FLAGS_DF;
    RCX = 3;
    RDI = MEM_BASE + 0x210;
    RAX = 0x5a;
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_DONE);
    CHECK_EQ(RDI, MEM_BASE + 0x20d);
    CHECK_EQ(mem[0x210], 0x5a);
    CHECK_EQ(mem[0x20e], 0x5a);
    CHECK_EQ(mem[0x20d], 0);
    /* RCX = 0: nothing touched, RIP advanced */
    RCX = 0;
    nwrites = 0;
    CHECK_EQ(RUN("\xf3\x48\xab"), X86EMUL_DONE);
    CHECK_EQ(nwrites, 0);
    CHECK_EQ(regs.rip, 0x1003 + 2 + 3);
    /* rep movsq, DF = 0 */
    regs.rflags &= ~(uint64_t)X86_FLAGS_DF;
    for (unsigned int i = 0; i < 32; i++)
        mem[0x400 + i] = (uint8_t)i;
    RSI = MEM_BASE + 0x400;
    RDI = MEM_BASE + 0x800;
    RCX = 4;
    CHECK_EQ(RUN("\xf3\x48\xa5"), X86EMUL_DONE);
    CHECK(memcmp(&mem[0x400], &mem[0x800], 32) == 0);
    CHECK_EQ(RSI, MEM_BASE + 0x420);
    CHECK_EQ(RDI, MEM_BASE + 0x820);
    /* movsw, DF = 1, no REP */
    regs.rflags |= X86_FLAGS_DF;
    RSI = MEM_BASE + 0x402;
    RDI = MEM_BASE + 0x900;
    RCX = 77;
    CHECK_EQ(RUN("\x66\xa5"), X86EMUL_DONE);
    CHECK_EQ(mem_get(MEM_BASE + 0x900, 2), 0x0302);
    CHECK_EQ(RSI, MEM_BASE + 0x400);
    CHECK_EQ(RDI, MEM_BASE + 0x8fe);
    CHECK_EQ(RCX, 77);
}

TEST(rep_bounded_and_address_size)
{
    setup(X86_MODE_64);
    ctxt.rep_limit = 8;
    RDI = MEM_BASE;
    RCX = 20;
    RAX = 0x77;
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_CONTINUE);
    CHECK_EQ(RCX, 12);
    CHECK_EQ(regs.rip, 0x1000);
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_CONTINUE);
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_DONE);
    CHECK_EQ(RCX, 0);
    CHECK_EQ(RDI, MEM_BASE + 20);
    CHECK_EQ(regs.rip, 0x1002);
    /* 67: ECX/EDI count, upper halves: RCX's upper bits ignored */
    RCX = 0xffffffff00000002ull;
    RDI = MEM_BASE + 0x40;
    CHECK_EQ(RUN("\x67\xf3\xaa"), X86EMUL_DONE);
    CHECK_EQ(RCX, 0);
    CHECK_EQ(RDI, MEM_BASE + 0x42);
    /* 16-bit mode: CX/DI with the ES base; DI wraps at 64 KiB */
    setup(X86_MODE_16);
    es_base = MEM_BASE;
    RCX = 0xabcd0005;
    RDI = 0x12340ffe;
    RAX = 0x42;
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_CONTINUE);  /* runs off the page */
    CHECK_EQ(RCX, 0xabcd0003);
    CHECK_EQ(RDI, 0x12341000);
    CHECK_EQ(mem[0xfff], 0x42);
    regs.rflags |= X86_FLAGS_DF;
    RDI = 0x12340001;
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_CONTINUE);
    CHECK_EQ(RDI, 0x1234ffff);
    CHECK_EQ(RCX, 0xabcd0001);
    CHECK_EQ(mem[0], 0x42);
    CHECK_EQ(regs.rip, 0x1000);
}

TEST(string_fault_midway)
{
    setup(X86_MODE_64);
    RDI = MEM_BASE + 0x10;
    RCX = 5;
    RAX = 1;
    fault_at = MEM_BASE + 0x12;
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_FAULT);
    CHECK_EQ(ctxt.fault.vector, X86_EXC_PF);
    CHECK_EQ(ctxt.fault.cr2, MEM_BASE + 0x12);
    CHECK_EQ(RCX, 3);
    CHECK_EQ(RDI, MEM_BASE + 0x12);
    CHECK_EQ(regs.rip, 0x1000);
    /* unhandled after progress: CONTINUE, then UNHANDLED with no change */
    RDI = MEM_BASE + 0xffe;
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_CONTINUE);
    CHECK_EQ(RCX, 1);
    CHECK_EQ(RUN("\xf3\xaa"), X86EMUL_UNHANDLED);
    CHECK_EQ(RCX, 1);
    CHECK_EQ(RDI, MEM_BASE + 0x1000);
    /* movs: a faulting source read leaves everything */
    RSI = FAULT_BASE;
    RDI = MEM_BASE;
    RCX = 2;
    CHECK_EQ(RUN("\xf3\xa4"), X86EMUL_FAULT);
    CHECK_EQ(RCX, 2);
    CHECK_EQ(RSI, FAULT_BASE);
    /* lock rep stos: #UD */
    CHECK_EQ(RUN("\xf0\xf3\xaa"), X86EMUL_FAULT);
    CHECK_EQ(ctxt.fault.vector, X86_EXC_UD);
}

TEST(faults_and_segments)
{
    setup(X86_MODE_64);
    RAX = FAULT_BASE + 0x10;
    CHECK_EQ(RUN("\x89\x18"), X86EMUL_FAULT);           /* mov [rax], ebx */
    CHECK_EQ(ctxt.fault.vector, X86_EXC_PF);
    CHECK_EQ(ctxt.fault.cr2, FAULT_BASE + 0x10);
    CHECK_EQ(regs.rip, 0x1000);
    /* a faulting RMW leaves flags alone */
    regs.rflags = 0x2 | ZF;
    CHECK_EQ(RUN("\x83\x00\x01"), X86EMUL_FAULT);
    CHECK_EQ(regs.rflags, 0x2 | ZF);
    /* non-canonical: #GP(0); via rsp: #SS(0) */
    RAX = 0x0000800000000000ull;
    CHECK_EQ(RUN("\x8b\x00"), X86EMUL_FAULT);
    CHECK_EQ(ctxt.fault.vector, X86_EXC_GP);
    CHECK(ctxt.fault.has_error_code);
    CHECK_EQ(ctxt.fault.error_code, 0);
    regs.gpr[X86_RSP] = 0x8000000000000000ull;
    CHECK_EQ(RUN("\x8b\x04\x24"), X86EMUL_FAULT);
    CHECK_EQ(ctxt.fault.vector, X86_EXC_SS);
    /* FS base in 64-bit mode; ES base ignored there */
    RAX = MEM_BASE - FS_BASE + 0x30;
    RBX = 0xcafe;
    CHECK_EQ(RUN("\x64\x89\x18"), X86EMUL_DONE);        /* mov fs:[rax], ebx */
    CHECK_EQ(mem_get(MEM_BASE + 0x30, 4), 0xcafe);
    RAX = MEM_BASE + 0x34;
    CHECK_EQ(RUN("\x26\x89\x18"), X86EMUL_DONE);        /* es: ignored */
    CHECK_EQ(mem_get(MEM_BASE + 0x34, 4), 0xcafe);
    /* 32-bit mode: ES base applies, address wraps at 4 GiB */
    setup(X86_MODE_32);
    RAX = MEM_BASE - 0x100 + 0x40;
    RBX = 0x55;
    CHECK_EQ(RUN("\x26\x88\x18"), X86EMUL_DONE);
    CHECK_EQ(mem[0x40], 0x55);
    RAX = MEM_BASE + 0x50 + 0x100000000ull;     /* upper bits dropped */
    CHECK_EQ(RUN("\x88\x18"), X86EMUL_DONE);
    CHECK_EQ(mem[0x50], 0x55);
}

TEST(addressing_16bit)
{
    setup(X86_MODE_16);
    /* mov [bx+si+0x10], al with a DS base of 0: linear = (bx+si+0x10) & 0xffff,
     * which is never our page: expect the callback's unhandled. */
    RBX = 0x10000;
    CHECK_EQ(RUN("\x88\x40\x10"), X86EMUL_UNHANDLED);
    CHECK(strcmp(ctxt.reason, "outside fake memory") == 0);
    /* 32-bit addressing via 67 reaches it */
    RBX = MEM_BASE + 4;
    RAX = 0x99;
    CHECK_EQ(RUN("\x67\x88\x03"), X86EMUL_DONE);
    CHECK_EQ(mem[4], 0x99);
    CHECK_EQ(regs.rip, 0x1003);
}

TEST(decode_errors_and_unhandled)
{
    setup(X86_MODE_64);
    CHECK_EQ(RUN("\x0f\x0b"), X86EMUL_UNHANDLED);       /* UD2: not emulated */
    CHECK_EQ(RUN("\xd6"), X86EMUL_FAULT);
    CHECK_EQ(ctxt.fault.vector, X86_EXC_UD);
    CHECK_EQ(RUN("\x89"), X86EMUL_UNHANDLED);
    CHECK(strcmp(ctxt.reason, "truncated instruction") == 0);
    CHECK_EQ(RUN("\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x90"),
             X86EMUL_FAULT);
    CHECK_EQ(ctxt.fault.vector, X86_EXC_GP);
    CHECK_EQ(RUN("\xf0\x89\x00"), X86EMUL_FAULT);       /* lock mov */
    CHECK_EQ(ctxt.fault.vector, X86_EXC_UD);
    CHECK_EQ(RUN("\xf0\x39\x00"), X86EMUL_FAULT);       /* lock cmp */
    CHECK_EQ(RUN("\xf0\x01\xc0"), X86EMUL_FAULT);       /* lock add reg,reg */
    CHECK_EQ(RUN("\xc5\xfe\x6f\x00"), X86EMUL_UNHANDLED);   /* vmovdqu */
    CHECK_EQ(RUN("\x66\x0f\x6e\x00"), X86EMUL_UNHANDLED);   /* movd */
    CHECK_EQ(RUN("\x8c\x00"), X86EMUL_UNHANDLED);       /* mov [rax], es */
    CHECK_EQ(regs.rip, 0x1000);
}

TEST(movdiri)
{
    setup(X86_MODE_64);
    RAX = MEM_BASE + 0x60;
    RCX = 0x0102030405060708ull;
    CHECK_EQ(RUN("\x48\x0f\x38\xf9\x08"), X86EMUL_DONE);
    CHECK_EQ(mem_get(MEM_BASE + 0x60, 8), 0x0102030405060708ull);
    CHECK_EQ(RUN("\x0f\x38\xf9\x48\x08"), X86EMUL_DONE);
    CHECK_EQ(mem_get(MEM_BASE + 0x68, 4), 0x05060708);
    CHECK_EQ(regs.rip, 0x1000 + 5 + 5);
}
