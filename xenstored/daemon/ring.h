/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ring transport: a domain's struct xenstore_domain_interface page.
 * Requests are read from req[] between req_cons and req_prod, replies and
 * watch events written to rsp[] between rsp_prod and rsp_cons.  The guest
 * controls the indexes, so every read of them is validated: a producer more
 * than a ring's size ahead of its consumer breaks the connection (and is
 * reported in the page's error field), never the daemon.  The page may be
 * any memory: a mapped guest page or, in tests, a local buffer.
 */
#ifndef XSD_RING_H
#define XSD_RING_H

#include <public/io/xs_wire.h>

#include "conn.h"

struct xs_ring_ops {
    void (*kick)(void *arg);        /* notify the guest (event channel) */
    void (*release)(void *arg);     /* unmap / unbind when the conn dies */
    void *arg;
};

/* A connection for domain @domid over @intf; NULL on ENOMEM. */
struct xs_conn *ring_conn_new(struct xsd *x, uint32_t domid,
                              struct xenstore_domain_interface *intf,
                              const struct xs_ring_ops *ops);
/* The guest signalled: handle a reconnection request, drain every request,
 * write queued output (kicking after each message). */
void ring_handle_event(struct xs_conn *c);
bool ring_is_ring_conn(const struct xs_conn *c);
/* The ops->arg a ring connection was created with. */
void *ring_conn_arg(const struct xs_conn *c);

#endif
