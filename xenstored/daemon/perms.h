/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Node permissions: the textual form (n|r|w|b followed by a domid), the first
 * entry naming the owner and the default for unlisted domains, and the
 * access check for a caller.
 */
#ifndef XSD_PERMS_H
#define XSD_PERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH  (XS_PERM_READ | XS_PERM_WRITE)
#define XS_PERM_OWNER 4u    /* only in check results, never stored */

#define XSD_DOMID_MAX 0xffffu

struct xs_perm {
    uint32_t domid;
    uint8_t perm;
};

/* Who is asking: the connection's domain and its rights. */
struct xs_caller {
    uint32_t domid;
    bool privileged;        /* dom0 / socket clients: bypass every check */
    bool has_target;
    uint32_t target;        /* XS_SET_TARGET: acts as owner of this domain */
};

/* Parse one entry such as "r5"; returns false when malformed. */
bool perm_parse(const char *s, struct xs_perm *out);
bool perm_format(struct xs_buf *b, const struct xs_perm *p);
/* Rights of @caller over a node with these perms (XS_PERM_* incl. OWNER). */
uint32_t perm_rights(const struct xs_caller *caller,
                     const struct xs_perm *perms, uint32_t nperms);

#endif
