/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An in-memory loopback transport: requests are appended to an input
 * buffer and handled at once, replies and events collected in order.  Used
 * by the unit tests (not linked into the daemon).
 */
#ifndef XSD_MEMCONN_H
#define XSD_MEMCONN_H

#include "conn.h"

struct xs_conn *memconn_new(struct xsd *x, const struct xs_caller *caller);
/* Append raw bytes as if the client wrote them, then process. */
void memconn_feed(struct xs_conn *c, const void *bytes, uint32_t len);
/* Send one request (header + payload) and process it. */
void memconn_send(struct xs_conn *c, uint32_t type, uint32_t tx_id,
                  const void *payload, uint32_t len);
/* Pop the next queued message; payload gets len bytes + a NUL.  False
 * when nothing is queued. */
bool memconn_recv(struct xs_conn *c, struct xsd_sockmsg *hdr,
                  char payload[XENSTORE_PAYLOAD_MAX + 1]);

/* Send a request and return the type of its reply (XS_ERROR with the errno
 * name in @reply), skipping watch events; XS_INVALID when no reply came. */
uint32_t memconn_call(struct xs_conn *c, uint32_t type, uint32_t tx_id,
                      const void *payload, uint32_t len,
                      char reply[XENSTORE_PAYLOAD_MAX + 1], uint32_t *rlen);

#endif
