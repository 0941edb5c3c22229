// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory and string functions for the freestanding hypervisor.  GCC may emit
 * calls to memset/memcpy/memmove/memcmp itself, so these exist under their
 * standard names.
 */
#include <keel/lib.h>

/*
 * memset, memcpy and memmove move eight bytes at a time, eight words per
 * loop, where the destination (and source) allow: they scrub and copy
 * guest memory, and under emulation a byte loop costs about eight times as
 * much.  The compiler must not turn these loops into calls to themselves:
 * it does not inside functions of these names.
 */
#define WORD        sizeof(uint64_t)
#define WORD_ALIGNED(p) (((uintptr_t)(p) & (WORD - 1)) == 0)

void *memset(void *s, int c, size_t n)
{
    uint8_t *p = s;
    uint64_t pattern = 0x0101010101010101ULL * (uint8_t)c;

    while (n && !WORD_ALIGNED(p)) {
        *p++ = (uint8_t)c;
        n--;
    }
    for (; n >= 8 * WORD; n -= 8 * WORD, p += 8 * WORD) {
        uint64_t *w = (uint64_t *)p;
        w[0] = pattern; w[1] = pattern; w[2] = pattern; w[3] = pattern;
        w[4] = pattern; w[5] = pattern; w[6] = pattern; w[7] = pattern;
    }
    for (; n >= WORD; n -= WORD, p += WORD)
        *(uint64_t *)p = pattern;
    while (n--)
        *p++ = (uint8_t)c;
    return s;
}

/* Forward copy; overlap allowed when dst is below src. */
static void copy_forward(uint8_t *d, const uint8_t *s, size_t n)
{
    if (((uintptr_t)d & (WORD - 1)) == ((uintptr_t)s & (WORD - 1))) {
        while (n && !WORD_ALIGNED(d)) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 8 * WORD; n -= 8 * WORD, d += 8 * WORD, s += 8 * WORD) {
            uint64_t *dw = (uint64_t *)d;
            const uint64_t *sw = (const uint64_t *)s;
            uint64_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            uint64_t f = sw[4], g = sw[5], h = sw[6], i = sw[7];
            dw[0] = a; dw[1] = b; dw[2] = c; dw[3] = e;
            dw[4] = f; dw[5] = g; dw[6] = h; dw[7] = i;
        }
        for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
            *(uint64_t *)d = *(const uint64_t *)s;
    }
    while (n--)
        *d++ = *s++;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n) {
        copy_forward(d, s, n);
    } else {
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++)
        if (!strncmp(hay, needle, n))
            return (char *)hay;
    return n == 0 ? (char *)hay : NULL;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Like C's strtoull, without errno: on overflow the result saturates to
 * ULLONG_MAX; *end points after the last digit used. */
unsigned long long strtoull(const char *s, char **end, int base)
{
    unsigned long long v = 0;
    bool overflow = false;
    int d;

    while (*s == ' ' || *s == '\t')
        s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        digit_value(s[2]) < 16) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = (s[0] == '0' && digit_value(s[1]) < 8) ? 8 : 10;
    }
    for (; (d = digit_value(*s)) < base; s++) {
        if (v > (~0ULL - (unsigned)d) / (unsigned)base)
            overflow = true;
        v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)s;
    return overflow ? ~0ULL : v;
}
