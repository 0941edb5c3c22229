// SPDX-License-Identifier: GPL-2.0-only
/* Creation and teardown of the daemon state. */
#include "xsd.h"

#include <string.h>

#include "conn.h"
#include "domain.h"
#include "dominfo.h"

/* A privileged client that stops reading is dropped beyond this backlog. */
#define XSD_PRIVILEGED_OUT_LIMIT (64u << 20)

int xsd_init(struct xsd *x)
{
    memset(x, 0, sizeof(*x));
    quota_defaults(&x->quota);
    x->out_limit = XSD_PRIVILEGED_OUT_LIMIT;
    return store_init(&x->store);
}

void xsd_destroy(struct xsd *x)
{
    domain_free_all(x);
    while (x->conns)
        conn_free(x->conns);
    store_destroy(&x->store);
    if (x->dominfo)
        x->dominfo->destroy(x->dominfo);
    x->dominfo = NULL;
}
