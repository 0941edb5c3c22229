/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One request being handled: the connection, header and payload, the reply
 * being built, and helpers to split the payload into its NUL-terminated
 * arguments.  Handlers return 0 (reply built) or the errno to report.
 */
#ifndef XSD_REQUEST_H
#define XSD_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "conn.h"
#include "treeops.h"

struct xs_req {
    struct xs_conn *conn;
    const struct xsd_sockmsg *hdr;
    const char *payload;
    uint32_t len;
    struct xs_buf reply;
    struct xs_watch *new_watch;     /* WATCH: fire once after the reply */
};

/* Exactly @n NUL-terminated strings and nothing after them. */
bool req_args(const struct xs_req *r, const char **argv, uint32_t n);
/* The number of NUL-terminated strings, or -1 if the payload does not end
 * with a NUL. */
int32_t req_count_args(const struct xs_req *r);
bool req_ack(struct xs_req *r);     /* reply "OK" */
/* Parse a decimal domid (<= 65535). */
bool parse_domid(const char *s, uint32_t *out);
bool parse_u64(const char *s, uint64_t *out);
/* Canonicalise a path argument for the requesting connection. */
int req_path(const struct xs_req *r, const char *name, bool allow_special,
             char **out);

/* Run @fn in the request's transaction (or an implicit one committed at
 * once when hdr->tx_id is 0). */
int req_in_txn(struct xs_req *r, const char *path,
               int (*fn)(struct xs_req *r, struct xs_op *op,
                         const char *path));

/* Handlers, by message type. */
int h_read(struct xs_req *r);
int h_write(struct xs_req *r);
int h_mkdir(struct xs_req *r);
int h_rm(struct xs_req *r);
int h_directory(struct xs_req *r);
int h_directory_part(struct xs_req *r);
int h_get_perms(struct xs_req *r);
int h_set_perms(struct xs_req *r);
int h_watch(struct xs_req *r);
int h_unwatch(struct xs_req *r);
int h_reset_watches(struct xs_req *r);
int h_transaction_start(struct xs_req *r);
int h_transaction_end(struct xs_req *r);
int h_introduce(struct xs_req *r);
int h_release(struct xs_req *r);
int h_get_domain_path(struct xs_req *r);
int h_is_domain_introduced(struct xs_req *r);
int h_resume(struct xs_req *r);
int h_set_target(struct xs_req *r);
int h_control(struct xs_req *r);

#endif
