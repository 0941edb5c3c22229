/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small bounded set of inclusive [start, end] ranges of uint64_t, kept
 * sorted, disjoint and merged with their neighbours (common/rangeset.c).
 * A domain's I/O permissions (machine frames, I/O ports, IRQs) are three of
 * these.  No allocation: a set holds at most RANGESET_MAX ranges and a
 * change that would need more is refused whole with -ENOMEM.  No lock: the
 * owner serialises changes.
 */
#ifndef KEEL_RANGESET_H
#define KEEL_RANGESET_H

#include <keel/types.h>

#define RANGESET_MAX    16

struct range {
    uint64_t start, end;        /* inclusive */
};

struct rangeset {
    uint32_t nr;
    struct range r[RANGESET_MAX];
};

/* Add or remove [start, end] (start <= end, else -EINVAL): 0 or -ENOMEM
 * (the set unchanged). */
int rangeset_add(struct rangeset *s, uint64_t start, uint64_t end);
int rangeset_remove(struct rangeset *s, uint64_t start, uint64_t end);
/* Is every value of [start, end] in the set? */
bool rangeset_contains(const struct rangeset *s, uint64_t start, uint64_t end);

#endif
