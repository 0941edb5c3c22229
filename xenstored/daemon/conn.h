/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A client connection: its transport (Unix socket or a domain's ring) behind
 * a small read/write/can_read/notify interface, the message being
 * assembled, the queue of replies and watch events not yet delivered, and
 * the client's watches and transactions.
 */
#ifndef XSD_CONN_H
#define XSD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>     /* before xs_wire.h: enables its error table */
#include <public/io/xs_wire.h>

#include "perms.h"
#include "txn.h"
#include "xsd.h"

struct xs_conn;

struct xs_transport {
    /* Bytes read (>0), 0 when nothing is available, -1 when the peer is
     * gone or broke the protocol. */
    int64_t (*read)(struct xs_conn *c, void *buf, uint32_t len);
    /* Bytes written (>=0), -1 when the peer is gone. */
    int64_t (*write)(struct xs_conn *c, const void *buf, uint32_t len);
    bool (*can_read)(struct xs_conn *c);
    void (*notify)(struct xs_conn *c);     /* may be NULL */
    void (*destroy)(struct xs_conn *c);    /* may be NULL */
};

struct xs_outmsg {
    struct xs_outmsg *next;
    uint32_t len;
    uint32_t off;
    bool is_reply;
    uint8_t data[];
};

struct xs_watch {
    struct xs_watch *next;
    char *path;         /* canonical */
    char *token;
    bool relative;      /* report paths relative to the domain's home */
};

struct xs_conn {
    struct xsd *xsd;
    const struct xs_transport *ops;
    void *transport_data;
    int fd;                         /* pollable fd, or -1 */
    struct xs_caller caller;
    struct xs_domain *domain;       /* ring connections */

    uint8_t hdr_bytes[sizeof(struct xsd_sockmsg)];
    uint32_t hdr_got;
    struct xsd_sockmsg hdr;
    uint8_t payload[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t payload_got;

    struct xs_outmsg *out_head, *out_tail;
    uint32_t out_replies;           /* queued replies (not events) */
    uint64_t out_bytes;

    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_txn *txns;
    uint32_t ntxns;
    uint32_t next_txn_id;

    bool broken;                    /* drop at the next opportunity */
    struct xs_conn *next;
};

struct xs_conn *conn_new(struct xsd *x, const struct xs_transport *ops,
                         void *transport_data, int fd,
                         const struct xs_caller *caller);
void conn_free(struct xs_conn *c);
/* Read and handle every complete request available; stops early when the
 * output queue is full (back-pressure). */
void conn_process_input(struct xs_conn *c);
/* Write as much queued output as the transport takes. */
void conn_flush(struct xs_conn *c);
bool conn_input_blocked(const struct xs_conn *c);
bool conn_has_output(const struct xs_conn *c);
/* Queue a message; false (and the connection marked broken) on ENOMEM. */
bool conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
                uint32_t tx_id, const void *payload, uint32_t len,
                bool is_reply);
void conn_mark_broken(struct xs_conn *c, const char *why);
/* Drop watches, transactions and partial input (RESET / reconnection). */
void conn_reset_state(struct xs_conn *c);
void conn_discard_output(struct xs_conn *c);

#endif
