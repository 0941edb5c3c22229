// SPDX-License-Identifier: GPL-2.0-only
/* Domain registration (INTRODUCE) and teardown (RELEASE, death). */
#include "domain.h"

#include <errno.h>
#include <stdlib.h>

#include "conn.h"
#include "log.h"
#include "orphans.h"
#include "path.h"
#include "watch.h"

struct xs_domain *domain_find(struct xsd *x, uint32_t domid)
{
    struct xs_domain *d;

    for (d = x->domains; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

static int domain_connect(struct xsd *x, struct xs_domain *d)
{
    struct xs_conn *c;

    if (!x->backend)
        return 0;
    c = x->backend->connect(x, d);
    if (!c)
        return errno ? errno : EIO;
    c->domain = d;
    c->caller.has_target = d->has_target;
    c->caller.target = d->target;
    d->conn = c;
    return 0;
}

int domain_introduce(struct xsd *x, uint32_t domid, uint64_t mfn,
                     uint32_t port)
{
    struct xs_domain *d = domain_find(x, domid);
    bool fresh = d == NULL;
    int err;

    if (fresh) {
        d = calloc(1, sizeof(*d));
        if (!d)
            return ENOMEM;
        d->domid = domid;
    } else if (d->conn) {
        conn_free(d->conn);     /* re-introduction: rebind the ring */
    }
    d->mfn = mfn;
    d->port = port;
    err = domain_connect(x, d);
    if (err) {
        if (fresh)
            free(d);
        return err;
    }
    if (fresh) {
        d->next = x->domains;
        x->domains = d;
        xsd_log(XSD_LOG_INFO, "introduced domain %u", domid);
        watch_fire_special(x, XSD_SPECIAL_INTRODUCE);
    }
    return 0;
}

/* Connections standing in for @domid (socket clients demoted with
 * XS_CONTROL drop-privilege) close with it; targets on it are lifted. */
static void forget_domid(struct xsd *x, uint32_t domid)
{
    struct xs_conn *c;
    struct xs_domain *d;

    for (c = x->conns; c; c = c->next) {
        if (!c->caller.privileged && !c->domain && c->caller.domid == domid)
            conn_mark_broken(c, "its domain was released");
        if (c->caller.has_target && c->caller.target == domid)
            c->caller.has_target = false;
    }
    for (d = x->domains; d; d = d->next)
        if (d->has_target && d->target == domid)
            d->has_target = false;
}

int domain_release(struct xsd *x, uint32_t domid)
{
    struct xs_domain **pp, *d;

    for (pp = &x->domains; *pp; pp = &(*pp)->next)
        if ((*pp)->domid == domid)
            break;
    d = *pp;
    if (!d)
        return ENOENT;
    *pp = d->next;
    if (d->conn)
        conn_free(d->conn);     /* its watches, transactions, output */
    free(d);
    forget_domid(x, domid);
    orphans_clean(x, domid);
    xsd_log(XSD_LOG_INFO, "released domain %u", domid);
    watch_fire_special(x, XSD_SPECIAL_RELEASE);
    return 0;
}

void domain_set_target(struct xs_domain *d, uint32_t target)
{
    d->has_target = true;
    d->target = target;
    if (d->conn) {
        d->conn->caller.has_target = true;
        d->conn->caller.target = target;
    }
}

void domain_conn_gone(struct xs_domain *d)
{
    d->conn = NULL;
}

void domain_free_all(struct xsd *x)
{
    while (x->domains) {
        struct xs_domain *d = x->domains;

        x->domains = d->next;
        if (d->conn)
            conn_free(d->conn);
        free(d);
    }
}
