// SPDX-License-Identifier: GPL-2.0-only
/* Connection lifecycle, message assembly and the output queue. */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "domain.h"
#include "log.h"
#include "watch.h"

/* Stop reading a client's requests while this much output is queued. */
#define CONN_INPUT_PAUSE_BYTES (1u << 20)

struct xs_conn *conn_new(struct xsd *x, const struct xs_transport *ops,
                         void *transport_data, int fd,
                         const struct xs_caller *caller)
{
    struct xs_conn *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->xsd = x;
    c->ops = ops;
    c->transport_data = transport_data;
    c->fd = fd;
    c->caller = *caller;
    c->next = x->conns;
    x->conns = c;
    return c;
}

void conn_discard_output(struct xs_conn *c)
{
    while (c->out_head) {
        struct xs_outmsg *m = c->out_head;

        c->out_head = m->next;
        free(m);
    }
    c->out_tail = NULL;
    c->out_bytes = 0;
    c->out_replies = 0;
}

void conn_reset_state(struct xs_conn *c)
{
    watch_remove_all(c);
    while (c->txns) {
        struct xs_txn *t = c->txns;

        c->txns = t->next;
        txn_free(t);
    }
    c->ntxns = 0;
    c->hdr_got = 0;
    c->payload_got = 0;
}

void conn_free(struct xs_conn *c)
{
    struct xs_conn **pp;

    if (!c)
        return;
    for (pp = &c->xsd->conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    conn_reset_state(c);
    conn_discard_output(c);
    if (c->domain)
        domain_conn_gone(c->domain);
    if (c->ops->destroy)
        c->ops->destroy(c);
    free(c);
}

void conn_mark_broken(struct xs_conn *c, const char *why)
{
    if (!c->broken)
        xsd_log(XSD_LOG_WARN, "dropping connection of domain %u: %s",
                c->caller.domid, why);
    c->broken = true;
}

bool conn_input_blocked(const struct xs_conn *c)
{
    if (c->out_bytes >= CONN_INPUT_PAUSE_BYTES)
        return true;
    return !c->caller.privileged &&
           c->out_replies >= c->xsd->quota.outstanding;
}

bool conn_has_output(const struct xs_conn *c)
{
    return c->out_head != NULL;
}

/* Returns false when the transport has nothing more (or failed). */
static bool conn_read_some(struct xs_conn *c, void *buf, uint32_t len,
                           uint32_t *got)
{
    int64_t n = c->ops->read(c, buf, len);

    if (n < 0) {
        if (!c->broken)
            xsd_log(XSD_LOG_DEBUG, "connection of domain %u closed",
                    c->caller.domid);
        c->broken = true;
        return false;
    }
    *got += (uint32_t)n;
    return n > 0;
}

static bool conn_header_complete(struct xs_conn *c)
{
    memcpy(&c->hdr, c->hdr_bytes, sizeof(c->hdr));
    if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
        xsd_log(XSD_LOG_WARN, "domain %u sent a %u-byte payload (max %u)",
                c->caller.domid, c->hdr.len, XENSTORE_PAYLOAD_MAX);
        conn_mark_broken(c, "oversized message");
        return false;
    }
    c->payload_got = 0;
    return true;
}

void conn_process_input(struct xs_conn *c)
{
    const uint32_t hsize = sizeof(struct xsd_sockmsg);

    while (!c->broken && !conn_input_blocked(c)) {
        if (c->hdr_got < hsize) {
            if (!conn_read_some(c, c->hdr_bytes + c->hdr_got,
                                hsize - c->hdr_got, &c->hdr_got))
                return;
            if (c->hdr_got < hsize || !conn_header_complete(c))
                continue;
        }
        if (c->payload_got < c->hdr.len) {
            if (!conn_read_some(c, c->payload + c->payload_got,
                                c->hdr.len - c->payload_got,
                                &c->payload_got))
                return;
            if (c->payload_got < c->hdr.len)
                continue;
        }
        c->payload[c->hdr.len] = '\0';
        c->hdr_got = 0;
        c->payload_got = 0;
        xsd_dispatch(c, &c->hdr, c->payload);
    }
}

void conn_flush(struct xs_conn *c)
{
    bool progressed = false;

    while (c->out_head && !c->broken) {
        struct xs_outmsg *m = c->out_head;
        int64_t n = c->ops->write(c, m->data + m->off, m->len - m->off);

        if (n < 0) {
            conn_mark_broken(c, "write failed");
            return;
        }
        if (n == 0)
            break;
        progressed = true;
        m->off += (uint32_t)n;
        if (m->off < m->len)
            continue;
        c->out_head = m->next;
        if (!c->out_head)
            c->out_tail = NULL;
        c->out_bytes -= m->len;
        if (m->is_reply)
            c->out_replies--;
        free(m);
        if (c->ops->notify)
            c->ops->notify(c);
        progressed = false;
    }
    if (progressed && c->ops->notify)
        c->ops->notify(c);
}

bool conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
                uint32_t tx_id, const void *payload, uint32_t len,
                bool is_reply)
{
    struct xsd_sockmsg hdr = { type, req_id, tx_id, len };
    struct xs_outmsg *m;

    if (c->broken)
        return false;
    m = malloc(sizeof(*m) + sizeof(hdr) + len);
    if (!m) {
        conn_mark_broken(c, "out of memory queueing output");
        return false;
    }
    m->next = NULL;
    m->len = (uint32_t)sizeof(hdr) + len;
    m->off = 0;
    m->is_reply = is_reply;
    memcpy(m->data, &hdr, sizeof(hdr));
    if (len)
        memcpy(m->data + sizeof(hdr), payload, len);
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    c->out_bytes += m->len;
    if (is_reply)
        c->out_replies++;
    return true;
}
