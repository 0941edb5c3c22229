// SPDX-License-Identifier: GPL-2.0-only
/* In-memory loopback transport for tests. */
#include "memconn.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct memconn {
    struct xs_buf in;
    size_t in_off;
    struct xs_buf out;
    size_t out_off;
};

static int64_t mem_read(struct xs_conn *c, void *buf, uint32_t len)
{
    struct memconn *m = c->transport_data;
    size_t n = m->in.len - m->in_off;

    if (n > len)
        n = len;
    memcpy(buf, m->in.data + m->in_off, n);
    m->in_off += n;
    return (int64_t)n;
}

static int64_t mem_write(struct xs_conn *c, const void *buf, uint32_t len)
{
    struct memconn *m = c->transport_data;

    return buf_append(&m->out, buf, len) ? (int64_t)len : -1;
}

static bool mem_can_read(struct xs_conn *c)
{
    struct memconn *m = c->transport_data;

    return m->in_off < m->in.len;
}

static void mem_destroy(struct xs_conn *c)
{
    struct memconn *m = c->transport_data;

    buf_free(&m->in);
    buf_free(&m->out);
    free(m);
}

static const struct xs_transport mem_transport = {
    .read = mem_read, .write = mem_write, .can_read = mem_can_read,
    .destroy = mem_destroy,
};

struct xs_conn *memconn_new(struct xsd *x, const struct xs_caller *caller)
{
    struct memconn *m = calloc(1, sizeof(*m));
    struct xs_conn *c = m ? conn_new(x, &mem_transport, m, -1, caller) : NULL;

    if (!c)
        free(m);
    return c;
}

static void flush_all(struct xsd *x)
{
    struct xs_conn *c;

    for (c = x->conns; c; c = c->next)
        conn_flush(c);
}

void memconn_feed(struct xs_conn *c, const void *bytes, uint32_t len)
{
    struct memconn *m = c->transport_data;

    buf_append(&m->in, bytes, len);
    conn_process_input(c);
    flush_all(c->xsd);
}

void memconn_send(struct xs_conn *c, uint32_t type, uint32_t tx_id,
                  const void *payload, uint32_t len)
{
    static uint32_t next_req = 1;
    struct xsd_sockmsg hdr = { type, next_req++, tx_id, len };
    struct memconn *m = c->transport_data;

    buf_append(&m->in, &hdr, sizeof(hdr));
    buf_append(&m->in, payload, len);
    conn_process_input(c);
    flush_all(c->xsd);
}

bool memconn_recv(struct xs_conn *c, struct xsd_sockmsg *hdr,
                  char payload[XENSTORE_PAYLOAD_MAX + 1])
{
    struct memconn *m = c->transport_data;

    conn_flush(c);
    if (m->out.len - m->out_off < sizeof(*hdr))
        return false;
    memcpy(hdr, m->out.data + m->out_off, sizeof(*hdr));
    if (hdr->len > XENSTORE_PAYLOAD_MAX ||
        m->out.len - m->out_off - sizeof(*hdr) < hdr->len)
        return false;
    memcpy(payload, m->out.data + m->out_off + sizeof(*hdr), hdr->len);
    payload[hdr->len] = '\0';
    m->out_off += sizeof(*hdr) + hdr->len;
    return true;
}

uint32_t memconn_call(struct xs_conn *c, uint32_t type, uint32_t tx_id,
                      const void *payload, uint32_t len,
                      char reply[XENSTORE_PAYLOAD_MAX + 1], uint32_t *rlen)
{
    struct xsd_sockmsg hdr;

    memconn_send(c, type, tx_id, payload, len);
    while (memconn_recv(c, &hdr, reply)) {
        if (hdr.type == XS_WATCH_EVENT)
            continue;
        if (rlen)
            *rlen = hdr.len;
        return hdr.type;
    }
    return XS_INVALID;
}
