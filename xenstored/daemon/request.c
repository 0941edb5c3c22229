// SPDX-License-Identifier: GPL-2.0-only
/* Argument parsing and transaction wrapping shared by the handlers. */
#include "request.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "watch.h"

int32_t req_count_args(const struct xs_req *r)
{
    int32_t n = 0;
    uint32_t i;

    if (r->len == 0 || r->payload[r->len - 1] != '\0')
        return -1;
    for (i = 0; i < r->len; i++)
        if (r->payload[i] == '\0')
            n++;
    return n;
}

bool req_args(const struct xs_req *r, const char **argv, uint32_t n)
{
    const char *p = r->payload;
    uint32_t i;

    if (req_count_args(r) != (int32_t)n)
        return false;
    for (i = 0; i < n; i++) {
        argv[i] = p;
        p += strlen(p) + 1;
    }
    return true;
}

bool req_ack(struct xs_req *r)
{
    return buf_append_str0(&r->reply, "OK");
}

bool parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s || strlen(s) > 20)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

bool parse_domid(const char *s, uint32_t *out)
{
    uint64_t v;

    if (!parse_u64(s, &v) || v > XSD_DOMID_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

int req_path(const struct xs_req *r, const char *name, bool allow_special,
             char **out)
{
    const struct xs_conn *c = r->conn;
    uint32_t max_rel = c->caller.privileged ? 0 : c->xsd->quota.path_len;

    return path_canonical(name, c->caller.domid, allow_special, max_rel, out);
}

static struct xs_txn *find_txn(struct xs_conn *c, uint32_t id)
{
    struct xs_txn *t;

    for (t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

static int run_implicit(struct xs_req *r, const char *path,
                        int (*fn)(struct xs_req *, struct xs_op *,
                                  const char *))
{
    struct xsd *x = r->conn->xsd;
    struct xs_txn *t = txn_new(&x->store, 0, 0);
    struct xs_op op = { t, &r->conn->caller, &x->quota };
    struct xs_changes changes = { 0 };
    int err;

    if (!t)
        return ENOMEM;
    err = fn(r, &op, path);
    if (!err)
        err = txn_commit(t, &changes);
    txn_free(t);
    if (err)
        return err;
    if (changes.count) {
        x->dirty = true;
        watch_fire_changes(x, &changes);
    }
    changes_free(&changes);
    return 0;
}

int req_in_txn(struct xs_req *r, const char *path,
               int (*fn)(struct xs_req *, struct xs_op *, const char *))
{
    struct xs_txn *t;
    struct xs_op op;

    if (r->hdr->tx_id == 0)
        return run_implicit(r, path, fn);
    t = find_txn(r->conn, r->hdr->tx_id);
    if (!t)
        return ENOENT;
    op.txn = t;
    op.caller = &r->conn->caller;
    op.quota = &r->conn->xsd->quota;
    return fn(r, &op, path);
}
