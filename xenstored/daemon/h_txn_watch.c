// SPDX-License-Identifier: GPL-2.0-only
/* Handlers for WATCH, UNWATCH, RESET_WATCHES, TRANSACTION_START and
 * TRANSACTION_END. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "request.h"
#include "watch.h"

int h_watch(struct xs_req *r)
{
    const char *argv[2];
    struct xs_watch *w = NULL;
    char *path;
    int err;

    if (!req_args(r, argv, 2))
        return EINVAL;
    err = req_path(r, argv[0], true, &path);
    if (err)
        return err;
    err = watch_add(r->conn, path, argv[1],
                    argv[0][0] != '/' && argv[0][0] != '@', &w);
    if (!err && !req_ack(r)) {
        watch_remove(r->conn, path, argv[1]);
        err = ENOMEM;
    }
    if (!err)
        r->new_watch = w;   /* its first event follows the reply */
    free(path);
    return err;
}

int h_unwatch(struct xs_req *r)
{
    const char *argv[2];
    char *path;
    int err;

    if (!req_args(r, argv, 2))
        return EINVAL;
    err = req_path(r, argv[0], true, &path);
    if (err)
        return err;
    err = watch_remove(r->conn, path, argv[1]);
    free(path);
    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

int h_reset_watches(struct xs_req *r)
{
    struct xs_conn *c = r->conn;

    watch_remove_all(c);
    while (c->txns) {
        struct xs_txn *t = c->txns;

        c->txns = t->next;
        txn_free(t);
    }
    c->ntxns = 0;
    return req_ack(r) ? 0 : ENOMEM;
}

static bool txn_id_used(const struct xs_conn *c, uint32_t id)
{
    const struct xs_txn *t;

    for (t = c->txns; t; t = t->next)
        if (t->id == id)
            return true;
    return false;
}

int h_transaction_start(struct xs_req *r)
{
    struct xs_conn *c = r->conn;
    struct xsd *x = c->xsd;
    uint32_t limit = c->caller.privileged ? 0 : x->quota.txn_nodes;
    struct xs_txn *t;
    uint32_t id;

    if (r->hdr->tx_id)
        return EBUSY;
    if (!c->caller.privileged && c->ntxns >= x->quota.transactions) {
        xsd_log_denial(c->caller.domid, "transaction quota", NULL);
        return ENOSPC;
    }
    do {
        id = ++c->next_txn_id;
    } while (id == 0 || txn_id_used(c, id));
    t = txn_new(&x->store, id, limit);
    if (!t)
        return ENOMEM;
    if (!buf_printf0(&r->reply, "%u", id)) {
        txn_free(t);
        return ENOMEM;
    }
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    return 0;
}

static struct xs_txn *unlink_txn(struct xs_conn *c, uint32_t id)
{
    struct xs_txn **pp;

    for (pp = &c->txns; *pp; pp = &(*pp)->next) {
        struct xs_txn *t = *pp;

        if (t->id == id) {
            *pp = t->next;
            c->ntxns--;
            return t;
        }
    }
    return NULL;
}

static int commit_txn(struct xs_conn *c, struct xs_txn *t)
{
    struct xsd *x = c->xsd;
    struct xs_changes changes = { 0 };
    int err;

    if (!c->caller.privileged && t->own_delta > 0 &&
        store_owned(&x->store, c->caller.domid) + t->own_delta >
            x->quota.nodes) {
        xsd_log_denial(c->caller.domid, "node quota at commit", NULL);
        return ENOSPC;
    }
    err = txn_commit(t, &changes);
    if (err)
        return err;
    if (changes.count) {
        x->dirty = true;
        watch_fire_changes(x, &changes);
    }
    changes_free(&changes);
    return 0;
}

int h_transaction_end(struct xs_req *r)
{
    const char *argv[1];
    struct xs_txn *t;
    bool commit;
    int err = 0;

    if (!req_args(r, argv, 1))
        return EINVAL;
    if (!strcmp(argv[0], "T"))
        commit = true;
    else if (!strcmp(argv[0], "F"))
        commit = false;
    else
        return EINVAL;
    t = unlink_txn(r->conn, r->hdr->tx_id);
    if (!t)
        return ENOENT;
    if (commit)
        err = commit_txn(r->conn, t);
    txn_free(t);
    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}
