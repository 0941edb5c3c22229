// SPDX-License-Identifier: GPL-2.0-only
/* Growable byte buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct xs_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void buf_free(struct xs_buf *b)
{
    free(b->data);
    buf_init(b);
}

static bool buf_reserve(struct xs_buf *b, size_t extra)
{
    size_t want = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    uint8_t *p;

    if (b->failed || want < b->len)
        return false;
    if (want <= b->cap)
        return true;
    while (cap < want)
        cap *= 2;
    p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

bool buf_append(struct xs_buf *b, const void *p, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

bool buf_append_str0(struct xs_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s) + 1);
}

bool buf_printf0(struct xs_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    if ((size_t)n < sizeof(small))
        return buf_append(b, small, (size_t)n + 1);
    if (!buf_reserve(b, (size_t)n + 1))
        return false;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n + 1;
    return true;
}
