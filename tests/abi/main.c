// SPDX-License-Identifier: GPL-2.0-only
/*
 * ABI conformance test, comparison and TAP output.  keel_side.c and
 * xen_side.c (twice: guest and toolstack view) evaluate the same generated
 * check list against Keel's and Xen's public headers; this program compares
 * them row by row and prints one TAP line per constant, per typedef and per
 * struct/union (covering its size and every member's offset and size).
 * Exit status 1 on any mismatch.  An optional argument selects the lines
 * whose name contains it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "abi.h"

static const struct abi_row *xen_row(uint32_t i)
{
    if (xen_rows[i].kind != ABI_K_MISSING)
        return &xen_rows[i];
    return &xen_tools_rows[i];
}

/* Compare row i; on mismatch print a TAP diagnostic and return 0. */
static int same(uint32_t i)
{
    const struct abi_row *k = &keel_rows[i], *x = xen_row(i);

    if (x->kind == ABI_K_MISSING) {
        printf("#   %s: Keel defines it, Xen does not (list it in tests/abi/allowlist.txt "
               "with a reason, or remove it)\n", k->name);
        return 0;
    }
    if (k->kind == ABI_K_STR) {
        if (strcmp(k->str, x->str) == 0)
            return 1;
        printf("#   %s: Keel \"%s\", Xen \"%s\"\n", k->name, k->str, x->str);
        return 0;
    }
    if (k->value == x->value && k->size == x->size && k->is_signed == x->is_signed)
        return 1;
    switch (k->kind) {
    case ABI_K_FIELD:
        printf("#   %s.%s: Keel offset %" PRIu64 " size %" PRId64 ", Xen offset %" PRIu64
               " size %" PRId64 "\n", k->group, k->name, k->value, (int64_t)k->size,
               x->value, (int64_t)x->size);
        break;
    case ABI_K_CONST:
        printf("#   %s: Keel %#" PRIx64 " (%" PRIu64 " bytes, %s), Xen %#" PRIx64
               " (%" PRIu64 " bytes, %s)\n", k->name, k->value, k->size,
               k->is_signed ? "signed" : "unsigned", x->value, x->size,
               x->is_signed ? "signed" : "unsigned");
        break;
    default:
        printf("#   %s: Keel size %" PRIu64 " signed %d, Xen size %" PRIu64 " signed %d\n",
               k->name, k->value, k->is_signed, x->value, x->is_signed);
        break;
    }
    return 0;
}

/* Rows [i, end) form one TAP line: an aggregate with its fields, or one row. */
static uint32_t group_end(uint32_t i)
{
    uint32_t end = i + 1;

    if (keel_rows[i].kind == ABI_K_AGG)
        while (end < keel_nrows && keel_rows[end].kind == ABI_K_FIELD &&
               strcmp(keel_rows[end].group, keel_rows[i].name) == 0)
            end++;
    return end;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    uint32_t i, n = 0, failed = 0, tap = 0;

    if (keel_nrows != xen_nrows || keel_nrows != xen_tools_nrows) {
        printf("1..1\nnot ok 1 - check tables differ in length (%u/%u/%u): stale build\n",
               keel_nrows, xen_nrows, xen_tools_nrows);
        return 1;
    }
    for (i = 0; i < keel_nrows; i = group_end(i))
        if (!only || strstr(keel_rows[i].name, only))
            n++;
    printf("1..%u\n", n);
    for (i = 0; i < keel_nrows; i = group_end(i)) {
        const struct abi_row *k = &keel_rows[i];
        uint32_t j, end = group_end(i), ok = 1;

        if (only && !strstr(k->name, only))
            continue;
        tap++;
        if (k->kind == ABI_K_SKIP) {
            printf("ok %u - %s: %s # SKIP Keel-only: %s\n", tap, k->header, k->name, k->str);
            continue;
        }
        for (j = i; j < end; j++)
            ok &= (uint32_t)same(j);
        if (k->kind == ABI_K_AGG)
            printf("%s %u - %s: %s (%" PRIu64 " bytes, %u members)\n", ok ? "ok" : "not ok",
                   tap, k->header, k->name, k->value, end - i - 1);
        else
            printf("%s %u - %s: %s\n", ok ? "ok" : "not ok", tap, k->header, k->name);
        failed += !ok;
    }
    return failed ? 1 : 0;
}
