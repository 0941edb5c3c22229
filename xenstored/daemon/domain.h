/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains known to the daemon: INTRODUCE registers a domain's ring (mfn +
 * event channel) and fires @introduceDomain; RELEASE, or the hypervisor
 * reporting the domain dying or gone (domain_check_all), drops it: its
 * connection with its watches and transactions, the nodes it owns
 * (orphans.h), then fires @releaseDomain.  Without a ring backend
 * (--no-domain-init) a domain is registered without a connection.
 */
#ifndef XSD_DOMAIN_H
#define XSD_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "xsd.h"

struct xs_conn;

struct xs_domain {
    uint32_t domid;
    uint64_t mfn;
    uint32_t port;              /* the domain's event channel port */
    bool shutdown;              /* cleared by XS_RESUME */
    bool has_target;
    uint32_t target;
    struct xs_conn *conn;       /* NULL without a backend or once broken */
    void *backend_data;         /* mapping / local port, for the backend */
    struct xs_domain *next;
};

struct xs_domain *domain_find(struct xsd *x, uint32_t domid);
/* 0, or ENOMEM / the backend's errno.  Re-introducing reconnects. */
int domain_introduce(struct xsd *x, uint32_t domid, uint64_t mfn,
                     uint32_t port);
/* 0 or ENOENT. */
int domain_release(struct xsd *x, uint32_t domid);
/* VIRQ_DOM_EXC fired: query x->dominfo about every domain (see
 * domain_check.c); fires @releaseDomain for shut down domains and
 * releases dying or vanished ones. */
void domain_check_all(struct xsd *x);
void domain_set_target(struct xs_domain *d, uint32_t target);
/* Called by conn_free when the domain's connection goes away. */
void domain_conn_gone(struct xs_domain *d);
void domain_free_all(struct xsd *x);

#endif
