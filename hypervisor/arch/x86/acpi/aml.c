// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal AML scan for the sleep-state objects \_S0_..\_S5_: finds a
 * NameOp ("Name(_S5_, ...)", optionally root-prefixed) followed by a
 * PackageOp, and reads the package's first elements as SLP_TYPa/SLP_TYPb.
 * No AML interpreter: only data encodings are understood (ZeroOp, OneOp,
 * Byte/Word/DWord/QWordPrefix, and a bare small byte as some hand-written
 * firmware emits).  A package of one element carries SLP_TYPa in bits 0-7
 * and SLP_TYPb in bits 8-15.  Values above 7 (SLP_TYP is 3 bits) are
 * refused.  Never reads outside [aml, aml + len) nor past the package.
 */
#include <asm/acpi.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01
#define AML_NAME_OP         0x08
#define AML_BYTE_PREFIX     0x0A
#define AML_WORD_PREFIX     0x0B
#define AML_DWORD_PREFIX    0x0C
#define AML_QWORD_PREFIX    0x0E
#define AML_PACKAGE_OP      0x12
#define AML_ROOT_PREFIX     0x5C
#define AML_ONES_OP         0xFF

#define SLP_TYP_MAX         7

struct aml_cursor {
    const uint8_t *p;
    uint32_t pos;
    uint32_t end;
};

/* PkgLength: the package's length counted from the PkgLength's first byte. */
static bool read_pkg_length(struct aml_cursor *c, uint32_t *len)
{
    uint8_t lead, extra;
    uint32_t v;

    if (c->pos >= c->end)
        return false;
    lead = c->p[c->pos];
    extra = lead >> 6;
    if (c->end - c->pos < 1u + extra)
        return false;
    if (!extra) {
        v = lead & 0x3F;
    } else {
        v = lead & 0x0F;
        for (uint8_t i = 1; i <= extra; i++)
            v |= (uint32_t)c->p[c->pos + i] << (4 + 8 * (i - 1));
    }
    c->pos += 1u + extra;
    *len = v;
    return true;
}

static bool read_le(struct aml_cursor *c, uint32_t size, uint64_t *v)
{
    if (c->end - c->pos < size)
        return false;
    *v = 0;
    for (uint32_t i = 0; i < size; i++)
        *v |= (uint64_t)c->p[c->pos + i] << (8 * i);
    c->pos += size;
    return true;
}

static bool read_integer(struct aml_cursor *c, uint64_t *v)
{
    uint8_t op;

    if (c->pos >= c->end)
        return false;
    op = c->p[c->pos++];
    switch (op) {
    case AML_ZERO_OP:      *v = 0; return true;
    case AML_ONE_OP:       *v = 1; return true;
    case AML_ONES_OP:      *v = ~0ULL; return true;
    case AML_BYTE_PREFIX:  return read_le(c, 1, v);
    case AML_WORD_PREFIX:  return read_le(c, 2, v);
    case AML_DWORD_PREFIX: return read_le(c, 4, v);
    case AML_QWORD_PREFIX: return read_le(c, 8, v);
    default:
        if (op > SLP_TYP_MAX)
            return false;
        *v = op;        /* a bare small value */
        return true;
    }
}

/* The package that should follow the name at aml[pos]. */
static int read_sleep_package(const uint8_t *aml, uint32_t len, uint32_t pos,
                              uint8_t *typa, uint8_t *typb)
{
    struct aml_cursor c = { .p = aml, .pos = pos, .end = len };
    uint32_t start, pkg_len;
    uint64_t a, b;
    uint8_t count;

    if (c.pos >= c.end || aml[c.pos++] != AML_PACKAGE_OP)
        return -EINVAL;
    start = c.pos;
    if (!read_pkg_length(&c, &pkg_len) || pkg_len > len - start ||
        start + pkg_len <= c.pos)
        return -EINVAL;
    c.end = start + pkg_len;
    count = aml[c.pos++];
    if (!count || !read_integer(&c, &a))
        return -EINVAL;
    if (count == 1) {
        b = (a >> 8) & 0xFF;
        a &= 0xFF;
    } else if (!read_integer(&c, &b)) {
        return -EINVAL;
    }
    if (a > SLP_TYP_MAX || b > SLP_TYP_MAX)
        return -EINVAL;
    *typa = (uint8_t)a;
    *typb = (uint8_t)b;
    return 0;
}

static bool after_name_op(const uint8_t *aml, uint32_t i)
{
    if (i >= 1 && aml[i - 1] == AML_NAME_OP)
        return true;
    return i >= 2 && aml[i - 1] == AML_ROOT_PREFIX && aml[i - 2] == AML_NAME_OP;
}

int acpi_aml_sleep_type(const uint8_t *aml, uint32_t len, unsigned int state,
                        uint8_t *slp_typa, uint8_t *slp_typb)
{
    const uint8_t name[4] = { '_', 'S', (uint8_t)('0' + state), '_' };

    if (!aml || state > 5)
        return -EINVAL;
    for (uint32_t i = 1; len >= 4 && i <= len - 4; i++) {
        if (aml[i] != '_' || memcmp(aml + i, name, sizeof(name)) ||
            !after_name_op(aml, i))
            continue;
        if (!read_sleep_package(aml, len, i + 4, slp_typa, slp_typb))
            return 0;
    }
    return -ENOENT;
}
