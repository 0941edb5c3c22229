// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded range sets (keel/rangeset.h).  Each change builds the new list
 * aside and copies it in only if it fits, so a refused change leaves the
 * set as it was.
 */
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/rangeset.h>

#define MIN_OF(a, b)    ((a) < (b) ? (a) : (b))
#define MAX_OF(a, b)    ((a) > (b) ? (a) : (b))

/* Append to a list being built; false if it would overflow. */
static bool put(struct range *out, uint32_t *n, uint64_t start, uint64_t end)
{
    if (*n == RANGESET_MAX)
        return false;
    out[*n].start = start;
    out[*n].end = end;
    (*n)++;
    return true;
}

static int commit(struct rangeset *s, const struct range *out, uint32_t n)
{
    memcpy(s->r, out, n * sizeof(*out));
    s->nr = n;
    return 0;
}

/* Do a and b overlap or touch (so they merge into one range)? */
static bool joins(const struct range *a, uint64_t start, uint64_t end)
{
    return !(a->end < start && a->end + 1 < start) && !(end < a->start && end + 1 < a->start);
}

int rangeset_add(struct rangeset *s, uint64_t start, uint64_t end)
{
    struct range out[RANGESET_MAX];
    uint32_t n = 0, i = 0;

    if (start > end)
        return -EINVAL;
    for (; i < s->nr && s->r[i].end < start && s->r[i].end + 1 < start; i++)
        if (!put(out, &n, s->r[i].start, s->r[i].end))
            return -ENOMEM;
    for (; i < s->nr && joins(&s->r[i], start, end); i++) {
        start = MIN_OF(start, s->r[i].start);
        end = MAX_OF(end, s->r[i].end);
    }
    if (!put(out, &n, start, end))
        return -ENOMEM;
    for (; i < s->nr; i++)
        if (!put(out, &n, s->r[i].start, s->r[i].end))
            return -ENOMEM;
    return commit(s, out, n);
}

int rangeset_remove(struct rangeset *s, uint64_t start, uint64_t end)
{
    struct range out[RANGESET_MAX];
    uint32_t n = 0;

    if (start > end)
        return -EINVAL;
    for (uint32_t i = 0; i < s->nr; i++) {
        const struct range *r = &s->r[i];

        if (r->end < start || r->start > end) {
            if (!put(out, &n, r->start, r->end))
                return -ENOMEM;
            continue;
        }
        if (r->start < start && !put(out, &n, r->start, start - 1))
            return -ENOMEM;
        if (r->end > end && !put(out, &n, end + 1, r->end))
            return -ENOMEM;
    }
    return commit(s, out, n);
}

bool rangeset_contains(const struct rangeset *s, uint64_t start, uint64_t end)
{
    for (uint32_t i = 0; i < s->nr; i++)
        if (s->r[i].start <= start && end <= s->r[i].end)
            return true;
    return false;
}
