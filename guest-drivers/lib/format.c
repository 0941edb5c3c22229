// SPDX-License-Identifier: MIT
/*
 * vsnprintf/snprintf for the guest library.  Conversions: %d %i %u %x %X %p
 * %s %c %%; length modifiers l, ll, z; flags '0' and '-'; a decimal field
 * width.  Always NUL-terminates (when size > 0) and returns the length the
 * full output would have had.
 */
#include "lib.h"

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
                       bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

static void put_number(struct out *o, uint64_t value, bool negative,
                       unsigned base, bool upper, int width, bool left,
                       char pad, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = digits[value % base];
        value /= base;
    } while (value);

    size_t pre = (negative ? 1 : 0) + strlen(prefix);
    int fill = width > (int)(n + pre) ? width - (int)(n + pre) : 0;

    if (!left && pad == ' ')
        while (fill-- > 0)
            put(o, ' ');
    if (negative)
        put(o, '-');
    while (*prefix)
        put(o, *prefix++);
    if (!left && pad == '0')
        while (fill-- > 0)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;

        bool left = false;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs += *fmt == 'z' ? 2 : 1;
            fmt++;
        }

        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            put_number(&o, mag, v < 0, 10, false, width, left, pad, "");
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            put_number(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X',
                       width, left, pad, "");
            break;
        }
        case 'p':
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false,
                       width, left, pad, "0x");
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            put_padded(&o, s, strlen(s), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
