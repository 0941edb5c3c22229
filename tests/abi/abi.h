/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ABI conformance test: the table each side (Keel's headers, Xen's headers)
 * exports, built from the generated check list abi_checks.h.  Each check
 * becomes one row; the two tables line up row for row.
 */
#ifndef KEEL_TESTS_ABI_H
#define KEEL_TESTS_ABI_H

#include <stdint.h>

enum abi_kind { ABI_K_CONST, ABI_K_STR, ABI_K_TYPE, ABI_K_AGG, ABI_K_FIELD, ABI_K_SKIP, ABI_K_MISSING };

struct abi_row {
    uint32_t kind;          /* enum abi_kind */
    const char *header;     /* Keel header defining the name */
    const char *group;      /* aggregate name for fields, else the name */
    const char *name;       /* constant, type, aggregate or member path */
    uint64_t value;         /* constant value; sizeof for types/aggregates;
                               offsetof for fields */
    uint64_t size;          /* sizeof(constant/type/member); ~0 for flexible arrays */
    int32_t is_signed;      /* constants and scalar types; -1 when n/a */
    const char *str;        /* string constants; else null */
};

extern const struct abi_row keel_rows[];
extern const uint32_t keel_nrows;
extern const struct abi_row xen_rows[];        /* as a guest sees Xen's headers */
extern const uint32_t xen_nrows;
extern const struct abi_row xen_tools_rows[];  /* with __XEN_TOOLS__ */
extern const uint32_t xen_tools_nrows;

/* Shared expansion of abi_checks.h into struct abi_row initialisers. */
#define ABI_SIGNED(e)  ((__typeof__(e))0 - 1 < 0)
#define ABI_MEMBER_SIZE(T, p)  sizeof(((T *)0)->p)
#define ABI_CONST(h, n) \
    { ABI_K_CONST, h, #n, #n, (uint64_t)(n), sizeof(n), ABI_SIGNED(n), 0 },
#define ABI_STR(h, n) \
    { ABI_K_STR, h, #n, #n, 0, sizeof(n), -1, n },
#define ABI_TYPE(h, s, t) \
    { ABI_K_TYPE, h, s, s, sizeof(t), sizeof(t), ABI_SIGNED((t)0), 0 },
#define ABI_TYPESZ(h, s, t) \
    { ABI_K_TYPE, h, s, s, sizeof(t), sizeof(t), -1, 0 },
#define ABI_AGG(h, s, t) \
    { ABI_K_AGG, h, s, s, sizeof(t), sizeof(t), -1, 0 },
#define ABI_FIELD(h, s, t, p) \
    { ABI_K_FIELD, h, s, #p, __builtin_offsetof(t, p), ABI_MEMBER_SIZE(t, p), -1, 0 },
#define ABI_FLEX(h, s, t, p) \
    { ABI_K_FIELD, h, s, #p, __builtin_offsetof(t, p), ~(uint64_t)0, -1, 0 },
#define ABI_MISSING(h, n) \
    { ABI_K_MISSING, h, n, n, 0, 0, -1, 0 },
#define ABI_SKIP(h, n, why) \
    { ABI_K_SKIP, h, n, n, 0, 0, -1, why },

#endif /* KEEL_TESTS_ABI_H */
