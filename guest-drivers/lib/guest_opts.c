// SPDX-License-Identifier: MIT
/*
 * Parsing of the kernel command line from the PVH start info into
 * "name[=value]" words (see guest_opts.h).
 */
#include "guest_opts.h"
#include "lib.h"
#include "test.h"

const char *guest_cmdline(void)
{
    if (!start_info || !start_info->cmdline_paddr)
        return "";
    return (const char *)(uintptr_t)start_info->cmdline_paddr;
}

/* Find the word for name; returns its start and sets *len to its length. */
static const char *find_word(const char *name, size_t *len)
{
    size_t nlen = strlen(name);
    const char *p = guest_cmdline();

    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wlen = (size_t)(p - w);
        if (wlen >= nlen && strncmp(w, name, nlen) == 0 &&
            (wlen == nlen || w[nlen] == '=')) {
            *len = wlen;
            return w;
        }
    }
    return 0;
}

bool guest_opt_present(const char *name)
{
    size_t len;
    return find_word(name, &len) != 0;
}

bool guest_opt_value(const char *name, char *buf, size_t size)
{
    size_t len, nlen = strlen(name);
    const char *w = find_word(name, &len);

    if (!w)
        return false;
    const char *value = len > nlen ? w + nlen + 1 : w + len;
    size_t vlen = (size_t)(w + len - value);
    if (size) {
        if (vlen > size - 1)
            vlen = size - 1;
        memcpy(buf, value, vlen);
        buf[vlen] = '\0';
    }
    return true;
}

bool guest_opt_is(const char *name, const char *value)
{
    char buf[64];
    return guest_opt_value(name, buf, sizeof(buf)) && strcmp(buf, value) == 0;
}
