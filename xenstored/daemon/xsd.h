/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's state as one object: the store, the quotas, every
 * connection and known domain, the ring backend (NULL when running
 * without a hypervisor) and the domain-state provider.  Everything takes a struct xsd * so tests and the
 * fuzzer can run many independent instances.
 */
#ifndef XSD_XSD_H
#define XSD_XSD_H

#include <stdbool.h>
#include <stdint.h>

#include "quota.h"
#include "store.h"

struct xs_conn;
struct xs_dominfo;
struct xs_domain;
struct xsd;

/* How INTRODUCE reaches a domain's ring (see ring_xen.c). */
struct xs_ring_backend {
    /* Map the ring of @d (d->domid, d->mfn, d->port) and return a new
     * connection for it, or NULL with errno set. */
    struct xs_conn *(*connect)(struct xsd *x, struct xs_domain *d);
    void *data;
};

struct xsd {
    struct xs_store store;
    struct xs_quota quota;
    struct xs_conn *conns;
    struct xs_domain *domains;
    struct xs_ring_backend *backend;
    struct xs_dominfo *dominfo; /* domain states; owned, may be NULL */
    bool keep_orphans;          /* --keep-orphans: a released domain's
                                   nodes go to dom0, not away */
    bool dirty;                 /* store changed since last persisted */
    bool log_requests;          /* XS_CONTROL "log on" */
    uint64_t out_limit;         /* queued output bytes before a privileged
                                   client is dropped */
};

int xsd_init(struct xsd *x);
/* Frees every connection, domain and node, and the dominfo provider. */
void xsd_destroy(struct xsd *x);

#endif
