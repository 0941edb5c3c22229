// SPDX-License-Identifier: GPL-2.0-only
/* Ring transport over a struct xenstore_domain_interface. */
#include "ring.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

struct xs_ring {
    struct xenstore_domain_interface *intf;
    struct xs_ring_ops ops;
};

static uint32_t load_idx(const XENSTORE_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(XENSTORE_RING_IDX *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void ring_fail(struct xs_conn *c, uint32_t error, const char *why)
{
    struct xs_ring *r = c->transport_data;

    if (r->intf->error == XENSTORE_ERROR_NONE)
        store_idx(&r->intf->error, error);
    conn_mark_broken(c, why);
    if (r->ops.kick)
        r->ops.kick(r->ops.arg);
}

static int64_t ring_read(struct xs_conn *c, void *buf, uint32_t len)
{
    struct xs_ring *r = c->transport_data;
    uint32_t cons = load_idx(&r->intf->req_cons);
    uint32_t prod = load_idx(&r->intf->req_prod);
    uint32_t avail = prod - cons, off = MASK_XENSTORE_IDX(cons), n;

    if (avail > XENSTORE_RING_SIZE) {
        ring_fail(c, XENSTORE_ERROR_RINGIDX, "request ring indexes invalid");
        return -1;
    }
    n = avail;
    if (n > XENSTORE_RING_SIZE - off)
        n = XENSTORE_RING_SIZE - off;
    if (n > len)
        n = len;
    if (!n)
        return 0;
    memcpy(buf, r->intf->req + off, n);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    store_idx(&r->intf->req_cons, cons + n);
    if (r->ops.kick)
        r->ops.kick(r->ops.arg);     /* the guest may be waiting for room */
    return n;
}

static int64_t ring_write(struct xs_conn *c, const void *buf, uint32_t len)
{
    struct xs_ring *r = c->transport_data;
    uint32_t cons = load_idx(&r->intf->rsp_cons);
    uint32_t prod = load_idx(&r->intf->rsp_prod);
    uint32_t used = prod - cons, off = MASK_XENSTORE_IDX(prod), n;

    if (used > XENSTORE_RING_SIZE) {
        ring_fail(c, XENSTORE_ERROR_RINGIDX, "response ring indexes invalid");
        return -1;
    }
    n = XENSTORE_RING_SIZE - used;
    if (n > XENSTORE_RING_SIZE - off)
        n = XENSTORE_RING_SIZE - off;
    if (n > len)
        n = len;
    if (!n)
        return 0;
    memcpy(r->intf->rsp + off, buf, n);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    store_idx(&r->intf->rsp_prod, prod + n);
    return n;
}

static bool ring_can_read(struct xs_conn *c)
{
    struct xs_ring *r = c->transport_data;

    return load_idx(&r->intf->req_prod) != load_idx(&r->intf->req_cons);
}

static void ring_notify(struct xs_conn *c)
{
    struct xs_ring *r = c->transport_data;

    if (r->ops.kick)
        r->ops.kick(r->ops.arg);
}

static void ring_destroy(struct xs_conn *c)
{
    struct xs_ring *r = c->transport_data;

    if (r->ops.release)
        r->ops.release(r->ops.arg);
    free(r);
}

static const struct xs_transport ring_transport = {
    .read = ring_read,
    .write = ring_write,
    .can_read = ring_can_read,
    .notify = ring_notify,
    .destroy = ring_destroy,
};

bool ring_is_ring_conn(const struct xs_conn *c)
{
    return c->ops == &ring_transport;
}

void *ring_conn_arg(const struct xs_conn *c)
{
    const struct xs_ring *r = c->transport_data;

    return r->ops.arg;
}

struct xs_conn *ring_conn_new(struct xsd *x, uint32_t domid,
                              struct xenstore_domain_interface *intf,
                              const struct xs_ring_ops *ops)
{
    struct xs_caller caller = { .domid = domid, .privileged = domid == 0 };
    struct xs_ring *r = calloc(1, sizeof(*r));
    struct xs_conn *c;

    if (!r)
        return NULL;
    r->intf = intf;
    r->ops = *ops;
    c = conn_new(x, &ring_transport, r, -1, &caller);
    if (!c) {
        free(r);
        return NULL;
    }
    store_idx(&intf->server_features, XENSTORE_SERVER_FEATURE_RECONNECTION |
                                      XENSTORE_SERVER_FEATURE_ERROR);
    return c;
}

/* The guest asked to start over: forget everything, zero the indexes. */
static void ring_reconnect(struct xs_conn *c)
{
    struct xs_ring *r = c->transport_data;

    conn_reset_state(c);
    conn_discard_output(c);
    c->broken = false;
    store_idx(&r->intf->req_cons, 0);
    store_idx(&r->intf->req_prod, 0);
    store_idx(&r->intf->rsp_cons, 0);
    store_idx(&r->intf->rsp_prod, 0);
    store_idx(&r->intf->error, XENSTORE_ERROR_NONE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    store_idx(&r->intf->connection, XENSTORE_CONNECTED);
    ring_notify(c);
}

void ring_handle_event(struct xs_conn *c)
{
    struct xs_ring *r = c->transport_data;

    if (load_idx(&r->intf->connection) == XENSTORE_RECONNECT)
        ring_reconnect(c);
    if (c->broken)
        return;
    conn_flush(c);
    conn_process_input(c);
    conn_flush(c);
    if (c->broken && r->intf->error == XENSTORE_ERROR_NONE)
        ring_fail(c, XENSTORE_ERROR_PROTO, "protocol error");
}
