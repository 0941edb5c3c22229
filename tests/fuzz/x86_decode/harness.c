// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz harness body: decodes the input in all three modes and checks the
 * decoder's invariants (status codes, 1 <= length <= min(15, available),
 * field ranges, every shorter prefix truncated, determinism), then emulates
 * it on a seeded register file against a dummy memory and checks the
 * emulator's (status codes, RIP advanced by the length on DONE, nothing
 * changed on UNHANDLED, access sizes, fault vectors).
 */
#include <stdlib.h>
#include <string.h>

#include <asm/x86_emulate.h>

#include "harness.h"

static bool decode_status_ok(int rc)
{
    return rc == 0 || rc == -X86_DEC_TRUNCATED || rc == -X86_DEC_TOO_LONG ||
           rc == -X86_DEC_INVALID;
}

static bool in_set(unsigned int v, const uint8_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == v)
            return true;
    return false;
}

static const char *check_fields(const struct x86_insn *in, size_t avail)
{
    static const uint8_t disp_sizes[] = { 0, 1, 2, 4 };
    static const uint8_t imm_sizes[] = { 0, 1, 2, 3, 4, 6, 8 };
    static const uint8_t sizes[] = { 2, 4, 8 };

    if (in->len < 1 || in->len > X86_MAX_INSN_LEN || in->len > avail)
        return "length out of range";
    if (in->opcode_off >= in->len || in->num_prefixes > in->opcode_off)
        return "opcode offset out of range";
    if (!in_set(in->disp_size, disp_sizes, sizeof(disp_sizes)) ||
        !in_set(in->imm_size, imm_sizes, sizeof(imm_sizes)) || in->imm2_size > 2)
        return "displacement/immediate size out of range";
    if (!in_set(in->op_size, sizes, sizeof(sizes)) ||
        !in_set(in->addr_size, sizes, sizeof(sizes)))
        return "operand/address size out of range";
    if (in->has_mem && !in->has_modrm)
        return "memory operand without ModRM";
    if (in->has_sib && in->addr_size == 2)
        return "SIB with 16-bit addressing";
    if ((unsigned int)in->opcode_off + 1u + in->has_modrm + in->has_sib +
        in->disp_size + in->imm_size + in->imm2_size != in->len)
        return "length is not the sum of its parts";
    return NULL;
}

/* Decodes from a heap copy of exactly n bytes so ASan sees over-reads. */
static int decode_copy(struct x86_insn *in, const uint8_t *b, size_t n,
                       enum x86_mode mode)
{
    uint8_t *buf = malloc(n ? n : 1);
    int rc;

    if (n)
        memcpy(buf, b, n);
    rc = x86_decode(in, buf, n, mode);
    free(buf);
    return rc;
}

static const char *fuzz_decode(const uint8_t *b, size_t n, enum x86_mode mode)
{
    struct x86_insn in, again;
    int rc = decode_copy(&in, b, n, mode);
    const char *err;

    if (!decode_status_ok(rc))
        return "unknown decode status";
    if (rc == -X86_DEC_TRUNCATED && n >= X86_MAX_INSN_LEN)
        return "truncated with 15 bytes available";
    if (rc)
        return NULL;
    err = check_fields(&in, n);
    if (err)
        return err;
    if (decode_copy(&again, b, in.len, mode) || again.len != in.len)
        return "exact-length re-decode differs";
    for (size_t k = 0; k < in.len; k++)
        if (decode_copy(&again, b, k, mode) != -X86_DEC_TRUNCATED)
            return "a shorter prefix is not reported truncated";
    return NULL;
}

/* ---- emulation against a dummy memory ---- */

static const char *mem_err;

static bool bad_size(unsigned int size)
{
    return size != 1 && size != 2 && size != 4 && size != 8;
}

static int dummy_read(struct x86_emulate_ctxt *c, uint64_t lin, void *buf,
                      unsigned int size)
{
    if (bad_size(size))
        mem_err = "read of a bad size";
    if (((lin >> 12) & 0xf) == 0xf) {
        c->fault.vector = X86_EXC_PF;
        c->fault.cr2 = lin;
        return X86EMUL_FAULT;
    }
    for (unsigned int i = 0; i < size && i < 8; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(lin * 31 + i);
    return X86EMUL_DONE;
}

static int dummy_write(struct x86_emulate_ctxt *c, uint64_t lin, const void *buf,
                       unsigned int size)
{
    volatile uint8_t sink = 0;

    if (bad_size(size))
        mem_err = "write of a bad size";
    if (((lin >> 12) & 0xf) == 0xe) {
        c->reason = "dummy: unhandled page";
        return X86EMUL_UNHANDLED;
    }
    for (unsigned int i = 0; i < size && i < 8; i++)
        sink ^= ((const uint8_t *)buf)[i];
    (void)sink;
    return X86EMUL_DONE;
}

static uint64_t dummy_seg_base(struct x86_emulate_ctxt *c, enum x86_seg seg)
{
    (void)c;
    return (uint64_t)seg << 16;
}

static const struct x86_emulate_ops dummy_ops = {
    .read = dummy_read, .write = dummy_write, .seg_base = dummy_seg_base,
};

static void seed_regs(struct x86_regs *r, uint8_t seed)
{
    for (unsigned int i = 0; i < 16; i++)
        r->gpr[i] = 0x100000ull * (i + 1) + seed * 0x1111ull + (i & 3);
    r->gpr[X86_RCX] = seed & 0x1f;
    r->rip = 0x7000;
    r->rflags = 0x2 | ((seed & 0x80) ? X86_FLAGS_DF : 0) | (seed & 1);
}

static const char *fuzz_emulate(const uint8_t *b, size_t n, enum x86_mode mode,
                                uint8_t seed)
{
    struct x86_regs regs, before;
    struct x86_emulate_ctxt c = {
        .regs = &regs, .mode = mode, .ops = &dummy_ops, .rep_limit = 16,
    };
    int rc;

    seed_regs(&regs, seed);
    before = regs;
    mem_err = NULL;
    rc = x86_emulate(&c, b, n);
    if (mem_err)
        return mem_err;
    switch (rc) {
    case X86EMUL_DONE:
        if (((regs.rip - before.rip) & 0xffff) != c.insn.len)
            return "DONE without RIP advanced by the length";
        return NULL;
    case X86EMUL_CONTINUE:
        return regs.rip == before.rip ? NULL : "CONTINUE moved RIP";
    case X86EMUL_UNHANDLED:
        if (!c.reason)
            return "UNHANDLED without a reason";
        return memcmp(&regs, &before, sizeof(regs)) ? "UNHANDLED changed state"
                                                     : NULL;
    case X86EMUL_FAULT:
        if (regs.rip != before.rip)
            return "FAULT moved RIP";
        if (c.fault.vector != X86_EXC_UD && c.fault.vector != X86_EXC_GP &&
            c.fault.vector != X86_EXC_SS && c.fault.vector != X86_EXC_PF)
            return "FAULT with an unexpected vector";
        return NULL;
    default:
        return "unknown emulate status";
    }
}

const char *x86_fuzz_one(const uint8_t *data, size_t size)
{
    const uint8_t *b = data + 1;
    size_t n;
    const char *err;

    if (size < 1)
        return NULL;
    n = size - 1;
    for (int m = X86_MODE_16; m <= X86_MODE_64; m++) {
        err = fuzz_decode(b, n, (enum x86_mode)m);
        if (err)
            return err;
    }
    return fuzz_emulate(b, n, (enum x86_mode)(data[0] % 3), data[0]);
}
