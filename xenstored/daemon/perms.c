// SPDX-License-Identifier: GPL-2.0-only
/* Permission parsing, formatting and checking. */
#include "perms.h"

#include <stdlib.h>

bool perm_parse(const char *s, struct xs_perm *out)
{
    unsigned long v;
    char *end;

    switch (s[0]) {
    case 'n': out->perm = XS_PERM_NONE; break;
    case 'r': out->perm = XS_PERM_READ; break;
    case 'w': out->perm = XS_PERM_WRITE; break;
    case 'b': out->perm = XS_PERM_BOTH; break;
    default: return false;
    }
    if (s[1] < '0' || s[1] > '9')
        return false;
    v = strtoul(s + 1, &end, 10);
    if (*end || v > XSD_DOMID_MAX)
        return false;
    out->domid = (uint32_t)v;
    return true;
}

bool perm_format(struct xs_buf *b, const struct xs_perm *p)
{
    static const char letters[] = "nrwb";

    return buf_printf0(b, "%c%u", letters[p->perm & XS_PERM_BOTH], p->domid);
}

static bool caller_is(const struct xs_caller *c, uint32_t domid)
{
    return c->domid == domid || (c->has_target && c->target == domid);
}

uint32_t perm_rights(const struct xs_caller *caller,
                     const struct xs_perm *perms, uint32_t nperms)
{
    uint32_t i;

    if (caller->privileged)
        return XS_PERM_BOTH | XS_PERM_OWNER;
    if (!nperms)
        return XS_PERM_NONE;
    if (caller_is(caller, perms[0].domid))
        return XS_PERM_BOTH | XS_PERM_OWNER;
    for (i = 1; i < nperms; i++)
        if (caller_is(caller, perms[i].domid))
            return perms[i].perm;
    return perms[0].perm;
}
