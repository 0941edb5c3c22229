// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 emulator for memory-operand instructions (see asm/x86_emulate.h):
 * operand access (registers, byte registers, linear addresses through the
 * callbacks), exact ALU flags, string instructions with bounded REP, and
 * the per-opcode dispatch.  Results are committed only after every memory
 * write of the instruction succeeded (string instructions: per iteration).
 */
#include <asm/x86_emulate.h>
#include <keel/lib.h>

#define SIGN_BIT(size)  (1ull << (8 * (size) - 1))

static uint64_t size_mask(unsigned int size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t sext(uint64_t v, unsigned int size)
{
    unsigned int shift = 64 - 8 * size;

    if (size == 0 || size >= 8)
        return size ? v : 0;
    return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* ---- results ---------------------------------------------------------- */

static int unhandled(struct x86_emulate_ctxt *c, const char *why)
{
    c->reason = why;
    return X86EMUL_UNHANDLED;
}

static int fault_raise(struct x86_emulate_ctxt *c, uint8_t vector, bool has_ec,
                 uint32_t ec)
{
    c->fault.vector = vector;
    c->fault.has_error_code = has_ec;
    c->fault.error_code = ec;
    c->fault.cr2 = 0;
    return X86EMUL_FAULT;
}

static int raise_ud(struct x86_emulate_ctxt *c)
{
    return fault_raise(c, X86_EXC_UD, false, 0);
}

static void advance_rip(struct x86_emulate_ctxt *c)
{
    uint64_t rip = c->regs->rip + c->insn.len;

    if (c->mode == X86_MODE_32)
        rip &= 0xffffffffull;
    else if (c->mode == X86_MODE_16)
        rip &= 0xffffull;
    c->regs->rip = rip;
}

/* ---- registers -------------------------------------------------------- */

/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
static bool high_byte(const struct x86_emulate_ctxt *c, uint8_t reg,
                      unsigned int size)
{
    return size == 1 && reg >= 4 && reg < 8 && !c->insn.rex;
}

static uint64_t reg_get(const struct x86_emulate_ctxt *c, uint8_t reg,
                        unsigned int size)
{
    if (high_byte(c, reg, size))
        return (c->regs->gpr[reg - 4] >> 8) & 0xff;
    return c->regs->gpr[reg & 15] & size_mask(size);
}

static void reg_set(struct x86_emulate_ctxt *c, uint8_t reg, unsigned int size,
                    uint64_t val)
{
    uint64_t *r;

    if (high_byte(c, reg, size)) {
        r = &c->regs->gpr[reg - 4];
        *r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
        return;
    }
    r = &c->regs->gpr[reg & 15];
    if (size >= 4)
        *r = val & size_mask(size);     /* 32-bit writes zero-extend */
    else
        *r = (*r & ~size_mask(size)) | (val & size_mask(size));
}

/* ---- addresses -------------------------------------------------------- */

static bool canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static uint64_t seg_base(struct x86_emulate_ctxt *c, uint8_t seg)
{
    if (!c->ops->seg_base)
        return 0;
    if (c->mode == X86_MODE_64 && seg != X86_SEG_FS && seg != X86_SEG_GS)
        return 0;
    return c->ops->seg_base(c, (enum x86_seg)seg);
}

static int linearize(struct x86_emulate_ctxt *c, uint8_t seg, uint64_t ea,
                     unsigned int size, uint64_t *lin)
{
    uint64_t a = seg_base(c, seg) + ea;

    if (c->mode != X86_MODE_64) {
        *lin = a & 0xffffffffull;
        return X86EMUL_DONE;
    }
    if (!canonical(a) || !canonical(a + size - 1))
        return fault_raise(c, seg == X86_SEG_SS ? X86_EXC_SS : X86_EXC_GP, true, 0);
    *lin = a;
    return X86EMUL_DONE;
}

static uint64_t modrm_ea(const struct x86_emulate_ctxt *c)
{
    const struct x86_insn *in = &c->insn;
    uint64_t ea = (uint64_t)in->disp;

    if (in->base != X86_REG_NONE)
        ea += c->regs->gpr[in->base];
    if (in->index != X86_REG_NONE)
        ea += c->regs->gpr[in->index] * in->scale;
    if (in->rip_rel)
        ea += c->regs->rip + in->len;
    return ea & size_mask(in->addr_size);
}

static bool is_moffs(const struct x86_insn *in)
{
    return in->map == X86_MAP_1B && in->vex == X86_VEX_NONE &&
           in->opcode >= 0xa0 && in->opcode <= 0xa3;
}

static int mem_linear(struct x86_emulate_ctxt *c, unsigned int size,
                      uint64_t *lin)
{
    const struct x86_insn *in = &c->insn;

    if (is_moffs(in)) {
        uint8_t seg = in->seg != X86_SEG_NONE ? in->seg : X86_SEG_DS;

        return linearize(c, seg, in->imm & size_mask(in->addr_size), size, lin);
    }
    if (!in->has_mem)
        return unhandled(c, "no memory operand");
    return linearize(c, in->ea_seg, modrm_ea(c), size, lin);
}

int x86_emulate_mem_linear(struct x86_emulate_ctxt *c, uint64_t *linear)
{
    return mem_linear(c, 1, linear);
}

/* ---- memory ----------------------------------------------------------- */

static int mem_read(struct x86_emulate_ctxt *c, uint64_t lin, unsigned int size,
                    uint64_t *val)
{
    uint8_t buf[8] = { 0 };
    int rc = c->ops->read(c, lin, buf, size);

    *val = 0;
    for (unsigned int i = 0; rc == X86EMUL_DONE && i < size; i++)
        *val |= (uint64_t)buf[i] << (8 * i);
    return rc;
}

static int mem_write(struct x86_emulate_ctxt *c, uint64_t lin, unsigned int size,
                     uint64_t val)
{
    uint8_t buf[8];

    for (unsigned int i = 0; i < size; i++)
        buf[i] = (uint8_t)(val >> (8 * i));
    return c->ops->write(c, lin, buf, size);
}

/* ---- operands --------------------------------------------------------- */

/* The ModRM r/m operand (or moffs): a register or a linear address. */
struct opnd {
    bool mem;
    uint8_t reg;
    uint64_t lin;
};

static int rm_opnd(struct x86_emulate_ctxt *c, unsigned int size, struct opnd *o)
{
    o->mem = c->insn.has_mem || is_moffs(&c->insn);
    o->reg = c->insn.rm;
    o->lin = 0;
    return o->mem ? mem_linear(c, size, &o->lin) : X86EMUL_DONE;
}

static struct opnd reg_opnd(uint8_t reg)
{
    return (struct opnd){ .mem = false, .reg = reg, .lin = 0 };
}

static int opnd_read(struct x86_emulate_ctxt *c, const struct opnd *o,
                     unsigned int size, uint64_t *val)
{
    if (o->mem)
        return mem_read(c, o->lin, size, val);
    *val = reg_get(c, o->reg, size);
    return X86EMUL_DONE;
}

static int opnd_write(struct x86_emulate_ctxt *c, const struct opnd *o,
                      unsigned int size, uint64_t val)
{
    if (o->mem)
        return mem_write(c, o->lin, size, val);
    reg_set(c, o->reg, size, val);
    return X86EMUL_DONE;
}

/* ---- ALU -------------------------------------------------------------- */

static bool parity_even(uint8_t v)
{
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

uint64_t x86_alu(enum x86_alu_op op, uint64_t dst, uint64_t src,
                 unsigned int size, uint64_t *rflags)
{
    uint64_t mask = size_mask(size), sign = SIGN_BIT(size), res, f = 0;
    bool cin = *rflags & X86_FLAGS_CF, arith = true;

    dst &= mask;
    src &= mask;
    switch (op) {
    case X86_ALU_ADD:
    case X86_ALU_ADC:
        cin = op == X86_ALU_ADC && cin;
        res = (dst + src + cin) & mask;
        f |= (res < dst || (cin && res == dst)) ? X86_FLAGS_CF : 0;
        f |= ((dst ^ res) & (src ^ res) & sign) ? X86_FLAGS_OF : 0;
        break;
    case X86_ALU_SUB:
    case X86_ALU_SBB:
    case X86_ALU_CMP:
        cin = op == X86_ALU_SBB && cin;
        res = (dst - src - cin) & mask;
        f |= (dst < src || (cin && dst == src)) ? X86_FLAGS_CF : 0;
        f |= ((dst ^ src) & (dst ^ res) & sign) ? X86_FLAGS_OF : 0;
        break;
    default:
        res = op == X86_ALU_AND ? dst & src : op == X86_ALU_OR ? dst | src
                                                               : dst ^ src;
        arith = false;  /* CF = OF = 0; AF is undefined: cleared */
        break;
    }
    if (arith && ((dst ^ src ^ res) & 0x10))
        f |= X86_FLAGS_AF;
    f |= res == 0 ? X86_FLAGS_ZF : 0;
    f |= (res & sign) ? X86_FLAGS_SF : 0;
    f |= parity_even((uint8_t)res) ? X86_FLAGS_PF : 0;
    *rflags = (*rflags & ~(uint64_t)X86_FLAGS_ARITH) | f;
    return res;
}

/* dst = dst OP src; flags committed only once the write succeeded. */
static int alu_apply(struct x86_emulate_ctxt *c, enum x86_alu_op op,
                     const struct opnd *dst, uint64_t src, unsigned int size,
                     bool write)
{
    uint64_t d, res, fl = c->regs->rflags;
    int rc = opnd_read(c, dst, size, &d);

    if (rc)
        return rc;
    res = x86_alu(op, d, src, size, &fl);
    if (write && op != X86_ALU_CMP) {
        rc = opnd_write(c, dst, size, res);
        if (rc)
            return rc;
    }
    c->regs->rflags = fl;
    return X86EMUL_DONE;
}

/* ---- instruction groups ----------------------------------------------- */

static unsigned int byte_or_op(const struct x86_insn *in)
{
    return (in->opcode & 1) ? in->op_size : 1;
}

static uint64_t imm_sx(const struct x86_insn *in)
{
    return sext(in->imm, in->imm_size);
}

/* 00-3D: ALU Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / rAX,Iz. */
static int emul_alu_classic(struct x86_emulate_ctxt *c)
{
    const struct x86_insn *in = &c->insn;
    enum x86_alu_op op = (enum x86_alu_op)(in->opcode >> 3);
    unsigned int form = in->opcode & 7, size = byte_or_op(in);
    struct opnd rm, reg = reg_opnd(in->reg);
    uint64_t src;
    int rc;

    if (form >= 4) {
        reg = reg_opnd(X86_RAX);
        return alu_apply(c, op, &reg, imm_sx(in), size, true);
    }
    rc = rm_opnd(c, size, &rm);
    if (rc)
        return rc;
    if (form <= 1)
        return alu_apply(c, op, &rm, reg_get(c, in->reg, size), size, true);
    rc = opnd_read(c, &rm, size, &src);
    return rc ? rc : alu_apply(c, op, &reg, src, size, true);
}

/* 80-83: ALU r/m, imm. */
static int emul_alu_imm(struct x86_emulate_ctxt *c)
{
    const struct x86_insn *in = &c->insn;
    unsigned int size = in->opcode == 0x81 || in->opcode == 0x83 ? in->op_size : 1;
    struct opnd rm;
    int rc = rm_opnd(c, size, &rm);

    if (rc)
        return rc;
    return alu_apply(c, (enum x86_alu_op)(in->reg & 7), &rm, imm_sx(in), size,
                     true);
}

/* 84/85 TEST r/m, reg; F6/F7 /0 /1 TEST r/m, imm. */
static int emul_test(struct x86_emulate_ctxt *c, bool imm)
{
    const struct x86_insn *in = &c->insn;
    unsigned int size = byte_or_op(in);
    struct opnd rm;
    int rc = rm_opnd(c, size, &rm);
    uint64_t src = imm ? imm_sx(in) : reg_get(c, in->reg, size);

    if (rc)
        return rc;
    return alu_apply(c, X86_ALU_AND, &rm, src, size, false);
}

/* F6/F7 /2 NOT, /3 NEG. */
static int emul_not_neg(struct x86_emulate_ctxt *c, bool neg)
{
    unsigned int size = byte_or_op(&c->insn);
    uint64_t v, res, fl = c->regs->rflags;
    struct opnd rm;
    int rc = rm_opnd(c, size, &rm);

    if (!rc)
        rc = opnd_read(c, &rm, size, &v);
    if (rc)
        return rc;
    res = neg ? x86_alu(X86_ALU_SUB, 0, v, size, &fl) : ~v;
    rc = opnd_write(c, &rm, size, res);
    if (!rc)
        c->regs->rflags = fl;
    return rc;
}

/* FE/FF /0 INC, /1 DEC: CF is preserved. */
static int emul_inc_dec(struct x86_emulate_ctxt *c, bool dec)
{
    unsigned int size = byte_or_op(&c->insn);
    uint64_t v, res, fl = c->regs->rflags;
    struct opnd rm;
    int rc = rm_opnd(c, size, &rm);

    if (!rc)
        rc = opnd_read(c, &rm, size, &v);
    if (rc)
        return rc;
    res = x86_alu(dec ? X86_ALU_SUB : X86_ALU_ADD, v, 1, size, &fl);
    fl = (fl & ~(uint64_t)X86_FLAGS_CF) | (c->regs->rflags & X86_FLAGS_CF);
    rc = opnd_write(c, &rm, size, res);
    if (!rc)
        c->regs->rflags = fl;
    return rc;
}

static int emul_grp3(struct x86_emulate_ctxt *c)
{
    switch (c->insn.reg & 7) {
    case 0:
    case 1:
        return emul_test(c, true);
    case 2:
    case 3:
        return emul_not_neg(c, (c->insn.reg & 7) == 3);
    default:
        return unhandled(c, "MUL/IMUL/DIV/IDIV not emulated");
    }
}

static int emul_grp45(struct x86_emulate_ctxt *c)
{
    if ((c->insn.reg & 7) > 1)
        return unhandled(c, "CALL/JMP/PUSH r/m not emulated");
    return emul_inc_dec(c, (c->insn.reg & 7) == 1);
}

/* 86/87 XCHG r/m, reg. */
static int emul_xchg(struct x86_emulate_ctxt *c)
{
    const struct x86_insn *in = &c->insn;
    unsigned int size = byte_or_op(in);
    uint64_t old, val = reg_get(c, in->reg, size);
    struct opnd rm;
    int rc = rm_opnd(c, size, &rm);

    if (!rc)
        rc = opnd_read(c, &rm, size, &old);
    if (!rc)
        rc = opnd_write(c, &rm, size, val);
    if (!rc)
        reg_set(c, in->reg, size, old);
    return rc;
}

/* 88-8B MOV, C6/C7 MOV imm, A0-A3 MOV moffs. */
static int emul_mov(struct x86_emulate_ctxt *c)
{
    const struct x86_insn *in = &c->insn;
    unsigned int size = byte_or_op(in);
    bool to_reg = in->opcode == 0x8a || in->opcode == 0x8b ||
                  in->opcode == 0xa0 || in->opcode == 0xa1;
    uint8_t reg = is_moffs(in) ? X86_RAX : in->reg;
    struct opnd rm;
    uint64_t v;
    int rc = rm_opnd(c, size, &rm);

    if (rc)
        return rc;
    if (in->opcode == 0xc6 || in->opcode == 0xc7)
        return opnd_write(c, &rm, size, imm_sx(in));
    if (!to_reg)
        return opnd_write(c, &rm, size, reg_get(c, reg, size));
    rc = opnd_read(c, &rm, size, &v);
    if (!rc)
        reg_set(c, reg, size, v);
    return rc;
}

/* 0F B6/B7/BE/BF MOVZX/MOVSX, 63 MOVSXD (64-bit mode). */
static int emul_movx(struct x86_emulate_ctxt *c, unsigned int src_size, bool sx)
{
    const struct x86_insn *in = &c->insn;
    struct opnd rm;
    uint64_t v;
    int rc = rm_opnd(c, src_size, &rm);

    if (!rc)
        rc = opnd_read(c, &rm, src_size, &v);
    if (rc)
        return rc;
    reg_set(c, in->reg, in->op_size, sx ? sext(v, src_size) : v);
    return X86EMUL_DONE;
}

/* ---- string instructions ---------------------------------------------- */

/* rSI/rDI/rCX as the address size sees them; writes keep the CPU's rules. */
static uint64_t areg_get(const struct x86_emulate_ctxt *c, uint8_t reg)
{
    return c->regs->gpr[reg] & size_mask(c->insn.addr_size);
}

static void areg_set(struct x86_emulate_ctxt *c, uint8_t reg, uint64_t v)
{
    reg_set(c, reg, c->insn.addr_size, v);
}

/* One STOS/MOVS element; registers are updated only when it succeeded. */
static int string_step(struct x86_emulate_ctxt *c, bool movs, unsigned int size)
{
    const struct x86_insn *in = &c->insn;
    uint64_t delta = (c->regs->rflags & X86_FLAGS_DF) ? -(uint64_t)size : size;
    uint64_t src, dst, val = reg_get(c, X86_RAX, size);
    uint8_t seg = in->seg != X86_SEG_NONE ? in->seg : X86_SEG_DS;
    int rc;

    if (movs) {
        rc = linearize(c, seg, areg_get(c, X86_RSI), size, &src);
        if (!rc)
            rc = mem_read(c, src, size, &val);
        if (rc)
            return rc;
    }
    rc = linearize(c, X86_SEG_ES, areg_get(c, X86_RDI), size, &dst);
    if (!rc)
        rc = mem_write(c, dst, size, val);
    if (rc)
        return rc;
    if (movs)
        areg_set(c, X86_RSI, areg_get(c, X86_RSI) + delta);
    areg_set(c, X86_RDI, areg_get(c, X86_RDI) + delta);
    return X86EMUL_DONE;
}

static int emul_string(struct x86_emulate_ctxt *c, bool movs)
{
    const struct x86_insn *in = &c->insn;
    bool rep = in->prefixes & (X86_PFX_REP | X86_PFX_REPNE);
    uint32_t limit = c->rep_limit ? c->rep_limit : X86EMUL_REP_LIMIT_DEFAULT;
    uint64_t count = rep ? areg_get(c, X86_RCX) : 1, done = 0;
    int rc = X86EMUL_DONE;

    while (done < count && done < limit) {
        rc = string_step(c, movs, byte_or_op(in));
        if (rc)
            break;
        done++;
        if (rep)
            areg_set(c, X86_RCX, count - done);
    }
    if (rc == X86EMUL_UNHANDLED && done)
        return X86EMUL_CONTINUE;    /* progress made; a re-run reports it */
    if (rc)
        return rc;
    if (done < count)
        return X86EMUL_CONTINUE;
    advance_rip(c);
    return X86EMUL_DONE;
}

/* ---- dispatch --------------------------------------------------------- */

static bool lockable(const struct x86_insn *in)
{
    uint8_t op = in->opcode, reg = in->reg & 7;

    if (!in->has_mem || in->map != X86_MAP_1B)
        return false;
    if (op < 0x40)
        return (op & 7) <= 1 && (op >> 3) != X86_ALU_CMP;
    switch (op) {
    case 0x80: case 0x81: case 0x82: case 0x83:
        return reg != X86_ALU_CMP;
    case 0x86: case 0x87:
        return true;
    case 0xf6: case 0xf7:
        return reg == 2 || reg == 3;
    case 0xfe: case 0xff:
        return reg <= 1;
    default:
        return false;
    }
}

static int emul_1b(struct x86_emulate_ctxt *c)
{
    uint8_t op = c->insn.opcode;

    if (op < 0x40 && (op & 7) <= 5)
        return emul_alu_classic(c);
    switch (op) {
    case 0x63:
        if (c->mode != X86_MODE_64)
            return unhandled(c, "ARPL not emulated");
        return emul_movx(c, c->insn.op_size == 8 ? 4 : c->insn.op_size, true);
    case 0x80: case 0x81: case 0x82: case 0x83:
        return emul_alu_imm(c);
    case 0x84: case 0x85:
        return emul_test(c, false);
    case 0x86: case 0x87:
        return emul_xchg(c);
    case 0x88: case 0x89: case 0x8a: case 0x8b:
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        return emul_mov(c);
    case 0xc6: case 0xc7:
        if (c->insn.reg & 7)
            return unhandled(c, "XABORT/XBEGIN not emulated");
        return emul_mov(c);
    case 0xf6: case 0xf7:
        return emul_grp3(c);
    case 0xfe: case 0xff:
        return emul_grp45(c);
    default:
        return unhandled(c, "one-byte opcode not emulated");
    }
}

static int emul_0f(struct x86_emulate_ctxt *c)
{
    switch (c->insn.opcode) {
    case 0xb6: return emul_movx(c, 1, false);
    case 0xb7: return emul_movx(c, 2, false);
    case 0xbe: return emul_movx(c, 1, true);
    case 0xbf: return emul_movx(c, 2, true);
    default:   return unhandled(c, "0F opcode not emulated");
    }
}

/* 0F 38 F9 MOVDIRI m32/m64, r32/r64: a plain store for our purposes. */
static int emul_0f38(struct x86_emulate_ctxt *c)
{
    const struct x86_insn *in = &c->insn;
    uint8_t pfx = X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE;
    unsigned int size = in->rex_w ? 8 : 4;
    struct opnd rm;
    int rc;

    if (in->opcode != 0xf9 || (in->prefixes & pfx))
        return unhandled(c, "0F38 opcode not emulated");
    if (!in->has_mem)
        return raise_ud(c);
    rc = rm_opnd(c, size, &rm);
    return rc ? rc : opnd_write(c, &rm, size, reg_get(c, in->reg, size));
}

static bool is_string(const struct x86_insn *in)
{
    return in->map == X86_MAP_1B && (in->opcode == 0xa4 || in->opcode == 0xa5 ||
                                      in->opcode == 0xaa || in->opcode == 0xab);
}

int x86_emulate_insn(struct x86_emulate_ctxt *c)
{
    const struct x86_insn *in = &c->insn;
    int rc;

    c->reason = NULL;
    memset(&c->fault, 0, sizeof(c->fault));
    if (in->vex != X86_VEX_NONE)
        return unhandled(c, "VEX/EVEX instructions not emulated");
    if ((in->prefixes & X86_PFX_LOCK) && !lockable(in))
        return raise_ud(c);
    if (is_string(in))
        return emul_string(c, in->opcode == 0xa4 || in->opcode == 0xa5);
    switch (in->map) {
    case X86_MAP_1B:   rc = emul_1b(c); break;
    case X86_MAP_0F:   rc = emul_0f(c); break;
    case X86_MAP_0F38: rc = emul_0f38(c); break;
    default:           rc = unhandled(c, "0F3A opcode not emulated"); break;
    }
    if (rc == X86EMUL_DONE)
        advance_rip(c);
    return rc;
}

int x86_emulate(struct x86_emulate_ctxt *c, const uint8_t *bytes, size_t avail)
{
    int rc = x86_decode(&c->insn, bytes, avail, c->mode);

    c->reason = NULL;
    memset(&c->fault, 0, sizeof(c->fault));
    switch (rc) {
    case 0:
        return x86_emulate_insn(c);
    case -X86_DEC_INVALID:
        return raise_ud(c);
    case -X86_DEC_TOO_LONG:
        return fault_raise(c, X86_EXC_GP, true, 0);
    default:
        return unhandled(c, x86_decode_strerror(rc));
    }
}
