// SPDX-License-Identifier: GPL-2.0-only
/*
 * Formatted output for the hypervisor: %d %i %u %x %X %o %p %s %c %%, with
 * flags '-' '0' ' ' '+' '#', a width and a precision (also '*'), and the
 * length modifiers hh h l ll z t j.  No floating point.
 */
#include <keel/lib.h>
#include <keel/selftest.h>

struct out {
    char *buf;
    size_t size;
    size_t len;     /* characters that would have been written */
};

struct spec {
    bool left, zero, plus, space, alt;
    int width, prec;    /* prec < 0: none */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    size_t n;

    if (!s)
        s = "(null)";
    n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
    if (!sp->left)
        pad(o, ' ', sp->width - (int)n);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - (int)n);
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned base,
                    bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len, zeros = 0;
    char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    const char *prefix = (sp->alt && base == 16 && v) ? (upper ? "0X" : "0x") : "";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (sp->prec >= 0 && sp->prec > n)
        zeros = sp->prec - n;
    len = n + zeros + (sign ? 1 : 0) + (int)strlen(prefix);
    if (sp->zero && !sp->left && sp->prec < 0 && sp->width > len) {
        zeros += sp->width - len;
        len = sp->width;
    }
    if (!sp->left)
        pad(o, ' ', sp->width - len);
    if (sign)
        put(o, sign);
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - len);
}

static const char *parse_int(const char *f, int *v, va_list *ap)
{
    if (*f == '*') {
        *v = va_arg(*ap, int);
        return f + 1;
    }
    *v = 0;
    while (*f >= '0' && *f <= '9')
        *v = *v * 10 + (*f++ - '0');
    return f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    va_list ap;

    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        struct spec sp = { .prec = -1 };
        int lng = 0;            /* -2 hh, -1 h, 0 int, 1 long, 2 long long */

        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        for (f++;; f++) {
            if (*f == '-') sp.left = true;
            else if (*f == '0') sp.zero = true;
            else if (*f == '+') sp.plus = true;
            else if (*f == ' ') sp.space = true;
            else if (*f == '#') sp.alt = true;
            else break;
        }
        f = parse_int(f, &sp.width, &ap);
        if (sp.width < 0) {
            sp.left = true;
            sp.width = -sp.width;
        }
        if (*f == '.')
            f = parse_int(f + 1, &sp.prec, &ap);
        for (;; f++) {
            if (*f == 'h') lng--;
            else if (*f == 'l') lng++;
            else if (*f == 'z' || *f == 't' || *f == 'j') lng = 1;
            else break;
        }
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = lng >= 1 ? (lng == 1 ? va_arg(ap, long) : va_arg(ap, long long))
                                 : va_arg(ap, int);
            if (lng == -1) v = (short)v;
            if (lng <= -2) v = (signed char)v;
            put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = lng >= 1 ? (lng == 1 ? va_arg(ap, unsigned long)
                                              : va_arg(ap, unsigned long long))
                                  : va_arg(ap, unsigned int);
            if (lng == -1) v = (uint16_t)v;
            if (lng <= -2) v = (uint8_t)v;
            put_num(&o, v, false, *f == 'u' ? 10 : *f == 'o' ? 8 : 16, *f == 'X', &sp);
            break;
        }
        case 'p':
            sp.alt = true;
            put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
            break;
        case 's':
            put_str(&o, va_arg(ap, const char *), &sp);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            f--;
            break;
        default:
            put(&o, '%');
            put(&o, *f);
            break;
        }
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static int selftest_vsnprintf(void)
{
    char buf[80];
    int rc = 0;

    snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%016lx|%s|%.2s|%c|%%|%zu", -42, 7u, 0xabu,
             0xdeadbeefUL, "str", "abc", 'z', (size_t)99);
    if (strcmp(buf, "-42|    7|ab  |00000000deadbeef|str|ab|z|%|99"))
        rc = -1;
    if (snprintf(buf, 4, "%s", "truncated") != 9 || strcmp(buf, "tru"))
        rc = -1;
    if (rc)
        printk(KLOG_ERR "vsnprintf: got '%s'\n", buf);
    return rc;
}
SELFTEST(vsnprintf, selftest_vsnprintf);
