// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 instruction decoder (see asm/x86_decode.h): prefixes, REX/VEX/EVEX,
 * opcode maps, ModRM/SIB/displacement and immediates, driven by per-opcode
 * flag tables for the one-byte and 0F maps.  Every byte goes through
 * peek(), which enforces both the bytes available and the 15-byte limit.
 */
#include <asm/x86_decode.h>
#include <keel/lib.h>

/* Per-opcode flags: the low 4 bits are the immediate kind. */
#define IMM_MASK  0x000f
#define IB        0x0001    /* imm8 / rel8 */
#define IW        0x0002    /* imm16 */
#define IZ        0x0003    /* imm16 or imm32 by operand size / relz */
#define IV        0x0004    /* imm16/32/64 by operand size (B8+r) */
#define IMO       0x0005    /* moffs: address-size offset (A0-A3) */
#define IENT      0x0006    /* ENTER: imm16 + imm8 */
#define IFAR      0x0007    /* far pointer: offset16/32 + selector16 */
#define IG3       0x0008    /* F6/F7: imm only for /0 and /1 (TEST) */
#define I78       0x0009    /* 0F 78: EXTRQ/INSERTQ ib,ib with 66/F2 */
#define M         0x0010    /* has ModRM */
#define D64       0x0020    /* 64-bit default operand size in long mode */
#define I64       0x0040    /* invalid in 64-bit mode */
#define UD        0x0080    /* undefined */
#define PX        0x0100    /* prefix or escape: never reaches the table */
#define GRP       0x0200    /* validity or size depends on ModRM */
#define MREG      0x0400    /* ModRM mod field ignored: always registers */

#define R8(x)  x, x, x, x, x, x, x, x
#define R16(x) R8(x), R8(x)

static const uint16_t map_1b[256] = {
    /* 00 */ M, M, M, M, IB, IZ, I64, I64, M, M, M, M, IB, IZ, I64, PX,
    /* 10 */ M, M, M, M, IB, IZ, I64, I64, M, M, M, M, IB, IZ, I64, I64,
    /* 20 */ M, M, M, M, IB, IZ, PX, I64, M, M, M, M, IB, IZ, PX, I64,
    /* 30 */ M, M, M, M, IB, IZ, PX, I64, M, M, M, M, IB, IZ, PX, I64,
    /* 40 */ R16(0),
    /* 50 */ R16(D64),
    /* 60 */ I64, I64, M | I64, M, PX, PX, PX, PX,
             IZ | D64, M | IZ, IB | D64, M | IB, 0, 0, 0, 0,
    /* 70 */ R16(IB | D64),
    /* 80 */ M | IB, M | IZ, M | IB | I64, M | IB, M, M, M, M,
             M, M, M, M, M, M | GRP, M, M | D64 | GRP,
    /* 90 */ R8(0), 0, 0, IFAR | I64, 0, D64, D64, 0, 0,
    /* A0 */ IMO, IMO, IMO, IMO, 0, 0, 0, 0, IB, IZ, 0, 0, 0, 0, 0, 0,
    /* B0 */ R8(IB), R8(IV),
    /* C0 */ M | IB, M | IB, IW | D64, D64, M | I64, M | I64, M | IB | GRP, M | IZ | GRP,
             IENT | D64, D64, IW, 0, 0, IB, I64, 0,
    /* D0 */ M, M, M, M, IB | I64, IB | I64, UD, 0, R8(M),
    /* E0 */ IB | D64, IB | D64, IB | D64, IB | D64, IB, IB, IB, IB,
             IZ | D64, IZ | D64, IFAR | I64, IB | D64, 0, 0, 0, 0,
    /* F0 */ PX, 0, PX, PX, 0, 0, M | IG3, M | IG3,
             0, 0, 0, 0, 0, 0, M | GRP, M | GRP,
};

static const uint16_t map_0f[256] = {
    /* 00 */ M, M, M, M, UD, 0, 0, 0, 0, 0, UD, 0, UD, M, UD, UD,
    /* 10 */ R16(M),
    /* 20 */ M | MREG, M | MREG, M | MREG, M | MREG, UD, UD, UD, UD, R8(M),
    /* 30 */ 0, 0, 0, 0, 0, 0, UD, 0, PX, UD, PX, UD, UD, UD, UD, UD,
    /* 40 */ R16(M),
    /* 50 */ R16(M),
    /* 60 */ R16(M),
    /* 70 */ M | IB, M | IB, M | IB, M | IB, M, M, M, 0,
             M | I78, M, UD, UD, M, M, M, M,
    /* 80 */ R16(IZ | D64),
    /* 90 */ R16(M),
    /* A0 */ D64, D64, 0, M, M | IB, M, UD, UD, D64, D64, 0, M, M | IB, M, M, M,
    /* B0 */ R8(M), M, M, M | IB, M, M, M, M, M,
    /* C0 */ M, M, M | IB, M, M | IB, M | IB, M | IB, M, R8(0),
    /* D0 */ R16(M),
    /* E0 */ R16(M),
    /* F0 */ R16(M),
};

/* Defined opcodes of the legacy (non-VEX) 0F38 and 0F3A maps, one bit each. */
/*
 * 0F38: 00-0B 10 14 15 17 1C-1E 20-25 28-2B 30-35 37-41 80-82 C8-CD CF D8
 * DB-DF F0 F1 F5 F6 F8-FC.
 */
static const uint32_t valid_0f38[8] = {
    0x70b10fff, 0xffbf0f3f, 0x00000003, 0x00000000,
    0x00000007, 0x00000000, 0xf900bf00, 0x1f630000,
};
/* 0F3A: 08-0F 14-17 20-22 40-42 44 60-63 CC CE CF DF. */
static const uint32_t valid_0f3a[8] = {
    0x00f0ff00,     /* 00-1F: 08-0F, 14-17 */
    0x00000007,     /* 20-3F: 20-22 */
    0x00000017,     /* 40-5F: 40-42, 44 */
    0x0000000f,     /* 60-7F: 60-63 */
    0x00000000,
    0x00000000,
    0x8000d000,     /* C0-DF: CC, CE, CF, DF */
    0x00000000,
};

static bool bit_set(const uint32_t *map, uint8_t op)
{
    return (map[op >> 5] >> (op & 31)) & 1;
}

struct dec {
    const uint8_t *bytes;
    size_t avail;
    size_t pos;
    struct x86_insn *insn;
};

/* Checks that n more bytes exist at the current position. */
static int need(const struct dec *d, size_t n)
{
    if (d->pos + n > X86_MAX_INSN_LEN)
        return -X86_DEC_TOO_LONG;
    if (d->pos + n > d->avail)
        return -X86_DEC_TRUNCATED;
    return 0;
}

/* Little-endian value of n (<= 8) bytes; need() must have succeeded. */
static uint64_t take(struct dec *d, unsigned int n)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)d->bytes[d->pos + i] << (8 * i);
    d->pos += n;
    return v;
}

static int take_checked(struct dec *d, unsigned int n, uint64_t *out)
{
    int rc = need(d, n);

    if (rc)
        return rc;
    *out = take(d, n);
    return 0;
}

static int64_t sign_extend(uint64_t v, unsigned int bytes)
{
    unsigned int shift = 64 - 8 * bytes;

    if (bytes == 0 || bytes >= 8)
        return bytes ? (int64_t)v : 0;
    return (int64_t)(v << shift) >> shift;
}

static uint8_t seg_of_prefix(uint8_t b)
{
    switch (b) {
    case 0x26: return X86_SEG_ES;
    case 0x2e: return X86_SEG_CS;
    case 0x36: return X86_SEG_SS;
    case 0x3e: return X86_SEG_DS;
    case 0x64: return X86_SEG_FS;
    case 0x65: return X86_SEG_GS;
    default:   return X86_SEG_NONE;
    }
}

static uint8_t pfx_bit(uint8_t b)
{
    switch (b) {
    case 0x66: return X86_PFX_OPSIZE;
    case 0x67: return X86_PFX_ADSIZE;
    case 0xf0: return X86_PFX_LOCK;
    case 0xf2: return X86_PFX_REPNE;
    case 0xf3: return X86_PFX_REP;
    default:   return 0;
    }
}

static void set_rex(struct x86_insn *insn, uint8_t rex)
{
    insn->rex = rex;
    insn->rex_w = rex & 8;
    insn->rex_r = rex & 4;
    insn->rex_x = rex & 2;
    insn->rex_b = rex & 1;
}

/* Legacy prefixes and REX.  Leaves d->pos at the first opcode byte. */
static int decode_prefixes(struct dec *d)
{
    struct x86_insn *insn = d->insn;

    for (;;) {
        int rc = need(d, 1);
        uint8_t b, seg, bit;

        if (rc)
            return rc;
        b = d->bytes[d->pos];
        seg = seg_of_prefix(b);
        bit = pfx_bit(b);
        if (seg != X86_SEG_NONE) {
            insn->seg = seg;
        } else if (bit) {
            insn->prefixes |= bit;
            if (b == 0xf2 || b == 0xf3)
                insn->last_rep = b;
        } else if (insn->mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
            set_rex(insn, b);
            d->pos++;
            continue;
        } else {
            return 0;
        }
        set_rex(insn, 0);   /* a REX not directly before the opcode is ignored */
        d->pos++;
    }
}

static int vex_map(uint8_t m)
{
    switch (m) {
    case 1: return X86_MAP_0F;
    case 2: return X86_MAP_0F38;
    case 3: return X86_MAP_0F3A;
    default: return -1;
    }
}

/* VEX C4/C5 at d->pos (already known not to be LES/LDS). */
static int decode_vex(struct dec *d, uint8_t b0)
{
    struct x86_insn *insn = d->insn;
    unsigned int n = b0 == 0xc4 ? 3 : 2;
    uint8_t p1, p2;
    int rc = need(d, n), map;

    if (rc)
        return rc;
    p1 = d->bytes[d->pos + 1];
    if (n == 3) {
        p2 = d->bytes[d->pos + 2];
        map = vex_map(p1 & 0x1f);
        insn->rex_x = !(p1 & 0x40);
        insn->rex_b = !(p1 & 0x20);
        insn->rex_w = p2 & 0x80;
        insn->vex = X86_VEX3;
    } else {
        p2 = p1;
        map = X86_MAP_0F;
        insn->vex = X86_VEX2;
    }
    insn->rex_r = !(p1 & 0x80);
    insn->vex_vvvv = (~p2 >> 3) & 0xf;
    insn->vex_l = (p2 >> 2) & 1;
    insn->vex_pp = p2 & 3;
    d->pos += n;
    if (map < 0)
        return -X86_DEC_INVALID;
    insn->map = (uint8_t)map;
    return 0;
}

/* EVEX 62 at d->pos (already known not to be BOUND). */
static int decode_evex(struct dec *d)
{
    struct x86_insn *insn = d->insn;
    uint8_t p0, p1, p2, m;
    int rc = need(d, 4);

    if (rc)
        return rc;
    p0 = d->bytes[d->pos + 1];
    p1 = d->bytes[d->pos + 2];
    p2 = d->bytes[d->pos + 3];
    d->pos += 4;
    if ((p0 & 0x08) || !(p1 & 0x04))
        return -X86_DEC_INVALID;
    m = p0 & 7;
    if (m == 5 || m == 6)
        insn->map = m == 5 ? X86_MAP_5 : X86_MAP_6;
    else if (vex_map(m) >= 0)
        insn->map = (uint8_t)vex_map(m);
    else
        return -X86_DEC_INVALID;
    insn->vex = X86_EVEX;
    insn->rex_r = !(p0 & 0x80);
    insn->rex_x = !(p0 & 0x40);
    insn->rex_b = !(p0 & 0x20);
    insn->rex_w = p1 & 0x80;
    insn->vex_vvvv = ((~p1 >> 3) & 0xf) | (p2 & 0x08 ? 0 : 0x10);
    insn->vex_pp = p1 & 3;
    insn->vex_l = (p2 >> 5) & 3;
    return 0;
}

/*
 * Outside 64-bit mode C4/C5/62 are VEX/EVEX only when the following byte
 * would be a register ModRM (mod = 3); otherwise they are LES/LDS/BOUND.
 */
static int is_vex_start(struct dec *d, uint8_t b, bool *vex)
{
    int rc;

    *vex = false;
    if (b != 0xc4 && b != 0xc5 && b != 0x62)
        return 0;
    if (d->insn->mode == X86_MODE_64) {
        *vex = true;
        return 0;
    }
    d->pos++;
    rc = need(d, 1);
    d->pos--;
    if (rc)
        return rc;
    *vex = (d->bytes[d->pos + 1] & 0xc0) == 0xc0;
    return 0;
}

/* Flags for an opcode in a VEX/EVEX map. */
static uint16_t vex_flags(const struct x86_insn *insn)
{
    switch (insn->map) {
    case X86_MAP_0F:
        if (insn->opcode == 0x77 && insn->vex != X86_EVEX)
            return 0;       /* VZEROUPPER / VZEROALL */
        return M | ((map_0f[insn->opcode] & IMM_MASK) == IB ? IB : 0);
    case X86_MAP_0F3A:
        return M | IB;
    default:
        return M;
    }
}

static int vex_prefix_check(const struct x86_insn *insn)
{
    uint8_t bad = X86_PFX_OPSIZE | X86_PFX_LOCK | X86_PFX_REP | X86_PFX_REPNE;

    if (insn->rex || (insn->prefixes & bad))
        return -X86_DEC_INVALID;
    return 0;
}

/* Opcode bytes (with escapes or VEX/EVEX); returns the opcode's flags. */
static int decode_opcode(struct dec *d, uint16_t *flags)
{
    struct x86_insn *insn = d->insn;
    uint8_t b = d->bytes[d->pos];   /* decode_prefixes checked it exists */
    bool vex;
    int rc = is_vex_start(d, b, &vex);

    if (rc)
        return rc;
    if (vex) {
        rc = vex_prefix_check(insn);
        if (!rc)
            rc = b == 0x62 ? decode_evex(d) : decode_vex(d, b);
        if (rc)
            return rc;
    } else if (b == 0x0f) {
        d->pos++;
        rc = need(d, 1);
        if (rc)
            return rc;
        b = d->bytes[d->pos];
        insn->map = X86_MAP_0F;
        if (b == 0x38 || b == 0x3a) {
            insn->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
            d->pos++;
        }
    }
    rc = need(d, 1);
    if (rc)
        return rc;
    insn->opcode_off = (uint8_t)d->pos;
    insn->opcode = d->bytes[d->pos++];
    if (insn->vex != X86_VEX_NONE) {
        *flags = vex_flags(insn);
        return 0;
    }
    switch (insn->map) {
    case X86_MAP_1B:
        *flags = map_1b[insn->opcode];
        break;
    case X86_MAP_0F:
        *flags = map_0f[insn->opcode];
        break;
    case X86_MAP_0F38:
        *flags = bit_set(valid_0f38, insn->opcode) ? M : UD;
        break;
    default:
        *flags = bit_set(valid_0f3a, insn->opcode) ? M | IB : UD;
        break;
    }
    return 0;
}

static void set_sizes(struct x86_insn *insn, bool d64)
{
    bool opsz = insn->prefixes & X86_PFX_OPSIZE;
    bool adsz = insn->prefixes & X86_PFX_ADSIZE;

    switch (insn->mode) {
    case X86_MODE_16:
        insn->op_size = opsz ? 4 : 2;
        insn->addr_size = adsz ? 4 : 2;
        break;
    case X86_MODE_32:
        insn->op_size = opsz ? 2 : 4;
        insn->addr_size = adsz ? 2 : 4;
        break;
    default:
        if (insn->rex_w)
            insn->op_size = 8;
        else
            insn->op_size = opsz ? 2 : (d64 ? 8 : 4);
        insn->addr_size = adsz ? 4 : 8;
        break;
    }
}

/* 16-bit addressing forms: base and index per ModRM.rm. */
static const uint8_t ea16_base[8] = {
    X86_RBX, X86_RBX, X86_RBP, X86_RBP, X86_REG_NONE, X86_REG_NONE, X86_RBP, X86_RBX,
};
static const uint8_t ea16_index[8] = {
    X86_RSI, X86_RDI, X86_RSI, X86_RDI, X86_RSI, X86_RDI, X86_REG_NONE, X86_REG_NONE,
};

static unsigned int modrm16(struct x86_insn *insn)
{
    unsigned int rm = insn->modrm & 7;

    insn->base = ea16_base[rm];
    insn->index = ea16_index[rm];
    if (insn->mod == 0 && rm == 6) {
        insn->base = X86_REG_NONE;
        return 2;
    }
    return insn->mod == 1 ? 1 : insn->mod == 2 ? 2 : 0;
}

static int modrm32(struct dec *d)
{
    struct x86_insn *insn = d->insn;
    unsigned int rm = insn->modrm & 7, base;
    int rc;

    insn->base = (uint8_t)(rm | (insn->rex_b ? 8 : 0));
    if (rm == 4) {
        rc = need(d, 1);
        if (rc)
            return rc;
        insn->has_sib = true;
        insn->sib = d->bytes[d->pos++];
        base = insn->sib & 7;
        insn->scale = (uint8_t)(1u << (insn->sib >> 6));
        insn->index = (uint8_t)(((insn->sib >> 3) & 7) | (insn->rex_x ? 8 : 0));
        if (insn->index == X86_RSP)
            insn->index = X86_REG_NONE;
        insn->base = (uint8_t)(base | (insn->rex_b ? 8 : 0));
        if (base == 5 && insn->mod == 0) {
            insn->base = X86_REG_NONE;
            return 4;
        }
    } else if (rm == 5 && insn->mod == 0) {
        insn->base = X86_REG_NONE;
        insn->rip_rel = insn->mode == X86_MODE_64;
        return 4;
    }
    return insn->mod == 1 ? 1 : insn->mod == 2 ? 4 : 0;
}

static uint8_t default_seg(const struct x86_insn *insn)
{
    if (insn->base == X86_RSP || insn->base == X86_RBP)
        return X86_SEG_SS;
    return X86_SEG_DS;
}

static int decode_modrm(struct dec *d, uint16_t flags)
{
    struct x86_insn *insn = d->insn;
    int rc = need(d, 1), disp_size;
    uint64_t disp;

    if (rc)
        return rc;
    insn->has_modrm = true;
    insn->modrm = d->bytes[d->pos++];
    insn->mod = insn->modrm >> 6;
    insn->reg = (uint8_t)(((insn->modrm >> 3) & 7) | (insn->rex_r ? 8 : 0));
    insn->rm = (uint8_t)((insn->modrm & 7) | (insn->rex_b ? 8 : 0));
    if (insn->mod == 3 || (flags & MREG))
        return 0;
    insn->has_mem = true;
    insn->scale = 1;
    if (insn->addr_size == 2) {
        disp_size = (int)modrm16(insn);
    } else {
        disp_size = modrm32(d);
        if (disp_size < 0)
            return disp_size;
    }
    insn->ea_seg = insn->seg != X86_SEG_NONE ? insn->seg : default_seg(insn);
    rc = take_checked(d, (unsigned int)disp_size, &disp);
    if (rc)
        return rc;
    insn->disp_size = (uint8_t)disp_size;
    insn->disp = sign_extend(disp, (unsigned int)disp_size);
    return 0;
}

/* ModRM-dependent validity and sizes of the one-byte groups. */
static int check_group(struct x86_insn *insn)
{
    unsigned int reg = (insn->modrm >> 3) & 7;

    switch (insn->opcode) {
    case 0x8d:                      /* LEA needs memory */
        return insn->mod == 3 ? -X86_DEC_INVALID : 0;
    case 0x8f:                      /* POP r/m; XOP is not supported */
        return reg ? -X86_DEC_INVALID : 0;
    case 0xc6:                      /* MOV r/m8, imm8 / XABORT */
    case 0xc7:                      /* MOV r/m, immz / XBEGIN */
        return reg == 0 || insn->modrm == 0xf8 ? 0 : -X86_DEC_INVALID;
    case 0xfe:                      /* INC/DEC r/m8 */
        return reg <= 1 ? 0 : -X86_DEC_INVALID;
    case 0xff:
        if (reg == 7 || ((reg == 3 || reg == 5) && insn->mod == 3))
            return -X86_DEC_INVALID;
        if (reg == 2 || reg == 4 || reg == 6)
            set_sizes(insn, true);  /* near CALL/JMP, PUSH: 64-bit default */
        return 0;
    default:
        return 0;
    }
}

static int imm_sizes(const struct x86_insn *insn, uint16_t flags,
                     unsigned int *imm, unsigned int *imm2)
{
    unsigned int z = insn->op_size == 2 ? 2 : 4;
    bool test = ((insn->modrm >> 3) & 7) <= 1;

    *imm2 = 0;
    switch (flags & IMM_MASK) {
    case IB:   *imm = 1; break;
    case IW:   *imm = 2; break;
    case IZ:   *imm = z; break;
    case IV:   *imm = insn->op_size; break;
    case IMO:  *imm = insn->addr_size; break;
    case IENT: *imm = 2; *imm2 = 1; break;
    case IFAR: *imm = z; *imm2 = 2; break;
    case IG3:  *imm = !test ? 0 : insn->opcode == 0xf6 ? 1 : z; break;
    case I78:
        *imm = *imm2 = insn->last_rep == 0xf2 ||
            (!insn->last_rep && (insn->prefixes & X86_PFX_OPSIZE)) ? 1 : 0;
        break;
    default:   *imm = 0; break;
    }
    return 0;
}

static int decode_imm(struct dec *d, uint16_t flags)
{
    struct x86_insn *insn = d->insn;
    unsigned int n, n2;
    int rc;

    imm_sizes(insn, flags, &n, &n2);
    rc = take_checked(d, n, &insn->imm);
    if (!rc)
        rc = take_checked(d, n2, &insn->imm2);
    insn->imm_size = (uint8_t)n;
    insn->imm2_size = (uint8_t)n2;
    return rc;
}

static void insn_init(struct x86_insn *insn, enum x86_mode mode)
{
    memset(insn, 0, sizeof(*insn));
    insn->mode = (uint8_t)mode;
    insn->seg = X86_SEG_NONE;
    insn->ea_seg = X86_SEG_NONE;
    insn->base = X86_REG_NONE;
    insn->index = X86_REG_NONE;
}

static int decode_body(struct dec *d)
{
    struct x86_insn *insn = d->insn;
    uint16_t flags = 0;
    int rc = decode_prefixes(d);

    if (rc)
        return rc;
    insn->num_prefixes = (uint8_t)d->pos;
    rc = decode_opcode(d, &flags);
    if (rc)
        return rc;
    if ((flags & UD) || ((flags & I64) && insn->mode == X86_MODE_64))
        return -X86_DEC_INVALID;
    if (insn->vex != X86_VEX_NONE && insn->mode != X86_MODE_64) {
        insn->rex_r = insn->rex_x = insn->rex_b = insn->rex_w = false;
        insn->vex_vvvv &= 7;
    }
    set_sizes(insn, flags & D64);
    if (flags & M) {
        rc = decode_modrm(d, flags);
        if (!rc && (flags & GRP) && insn->map == X86_MAP_1B)
            rc = check_group(insn);
        if (rc)
            return rc;
    }
    return decode_imm(d, flags);
}

int x86_decode(struct x86_insn *insn, const uint8_t *bytes, size_t avail,
               enum x86_mode mode)
{
    struct dec d = { .bytes = bytes, .avail = avail, .pos = 0, .insn = insn };
    int rc;

    insn_init(insn, mode);
    if (mode > X86_MODE_64)
        return -X86_DEC_INVALID;
    rc = decode_body(&d);
    if (rc)
        return rc;
    insn->len = (uint8_t)d.pos;
    return 0;
}

enum x86_mode x86_mode_of(bool efer_lma, bool cs_l, bool cs_d)
{
    if (efer_lma && cs_l)
        return X86_MODE_64;
    return cs_d ? X86_MODE_32 : X86_MODE_16;
}

const char *x86_decode_strerror(int err)
{
    switch (err) {
    case 0:                  return "ok";
    case -X86_DEC_TRUNCATED: return "truncated instruction";
    case -X86_DEC_TOO_LONG:  return "instruction longer than 15 bytes";
    case -X86_DEC_INVALID:   return "undefined or unsupported opcode";
    default:                 return "unknown decode error";
    }
}
