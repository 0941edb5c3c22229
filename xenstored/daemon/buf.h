/* SPDX-License-Identifier: GPL-2.0-only */
/* A growable byte buffer used to build replies and queue output. */
#ifndef XSD_BUF_H
#define XSD_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    bool failed;        /* an allocation failed: contents incomplete */
};

void buf_init(struct xs_buf *b);
void buf_free(struct xs_buf *b);
bool buf_append(struct xs_buf *b, const void *p, size_t n);
bool buf_append_str0(struct xs_buf *b, const char *s);  /* with its NUL */
bool buf_printf0(struct xs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));  /* appends text + NUL */

#endif
