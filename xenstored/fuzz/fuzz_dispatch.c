// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer entry point for the daemon's message parser and dispatcher.
 * Input byte 0 picks the mode:
 *   bit 0: the client is unprivileged (domain 1 + bits 2..7) instead of dom0
 *   bit 1: deliver through a ring page (the next 16 bytes are the four ring
 *          indexes, the rest the request ring contents) instead of a stream
 * The rest is the byte stream of requests.  A privileged watcher on "/"
 * sees every change.  Each input runs on a fresh daemon state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "ring.h"
#include "xsd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem_stream {
    const uint8_t *data;
    size_t len;
    size_t off;
};

static int64_t mem_read(struct xs_conn *c, void *buf, uint32_t len)
{
    struct mem_stream *m = c->transport_data;
    size_t n = m->len - m->off;

    if (n == 0)
        return -1;          /* end of input: the client hangs up */
    if (n > len)
        n = len;
    memcpy(buf, m->data + m->off, n);
    m->off += n;
    return (int64_t)n;
}

static int64_t mem_write(struct xs_conn *c, const void *buf, uint32_t len)
{
    (void)c;
    (void)buf;
    return len;             /* a client that reads everything */
}

static bool mem_can_read(struct xs_conn *c)
{
    struct mem_stream *m = c->transport_data;

    return m->off < m->len;
}

static const struct xs_transport mem_transport = {
    .read = mem_read, .write = mem_write, .can_read = mem_can_read,
};

static void add_root_watcher(struct xsd *x)
{
    static const struct xs_caller dom0 = { .privileged = true };
    static const uint8_t watch[] = {
        4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, '/', 0, 'w', 0 };
    static struct mem_stream once;
    struct xs_conn *w;

    once = (struct mem_stream){ watch, sizeof(watch), 0 };
    w = conn_new(x, &mem_transport, &once, -1, &dom0);
    if (w) {
        conn_process_input(w);
        w->broken = false;  /* keep it as a silent watcher */
    }
}

static void run_stream(struct xsd *x, struct xs_caller *caller,
                       const uint8_t *data, size_t size)
{
    struct mem_stream m = { data, size, 0 };
    struct xs_conn *c = conn_new(x, &mem_transport, &m, -1, caller);

    if (!c)
        return;
    while (!c->broken) {
        conn_process_input(c);
        conn_flush(c);
    }
    conn_free(c);
}

static void run_ring(struct xsd *x, uint32_t domid, const uint8_t *data,
                     size_t size)
{
    static const struct xs_ring_ops no_ops;
    struct xenstore_domain_interface *intf = calloc(1, sizeof(*intf));
    struct xs_conn *c;
    int round;

    if (!intf || size < 16) {
        free(intf);
        return;
    }
    memcpy(&intf->req_cons, data, 16);
    data += 16;
    size -= 16;
    memcpy(intf->req, data, size < XENSTORE_RING_SIZE ? size
                                                      : XENSTORE_RING_SIZE);
    c = ring_conn_new(x, domid, intf, &no_ops);
    for (round = 0; c && round < 4; round++) {
        ring_handle_event(c);
        intf->rsp_cons = intf->rsp_prod;    /* the guest reads replies */
    }
    conn_free(c);
    free(intf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_caller caller = { .privileged = true };
    struct xsd x;
    uint8_t mode;

    if (size < 1 || xsd_init(&x))
        return 0;
    mode = data[0];
    if (mode & 1) {
        caller.privileged = false;
        caller.domid = 1u + (mode >> 2);
    }
    add_root_watcher(&x);
    if (mode & 2)
        run_ring(&x, caller.privileged ? 0 : caller.domid, data + 1,
                 size - 1);
    else
        run_stream(&x, &caller, data + 1, size - 1);
    xsd_destroy(&x);
    return 0;
}
