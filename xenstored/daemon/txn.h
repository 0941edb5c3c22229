/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transactions: an optimistic private view of the store.  The first access
 * to a path copies the committed node (or notes its absence) together with
 * its generation; reads and writes then use the copy.  Commit fails with
 * EAGAIN when anything accessed changed after the transaction started,
 * otherwise it applies every modified copy.  Requests outside a transaction
 * run in an implicit one that commits at once, so a failing request never
 * leaves half its work behind.
 */
#ifndef XSD_TXN_H
#define XSD_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "table.h"

/* A change to fire watches for once committed. */
struct xs_change {
    char *path;
    bool removed;           /* the node and its subtree went away */
    struct xs_perm *perms;  /* the node's perms (before removal) */
    uint32_t nperms;
};

struct xs_changes {
    struct xs_change *items;
    uint32_t count;
    uint32_t cap;
};

struct xs_txn {
    uint32_t id;
    struct xs_store *store;
    uint64_t start_gen;
    struct xs_table entries;        /* path -> struct xs_txn_entry * */
    uint32_t access_limit;          /* max distinct paths; 0 = unlimited */
    int64_t own_delta;              /* nodes created - removed by the owner */
    struct xs_changes changes;
    struct xs_txn *next;            /* the connection's list */
};

struct xs_txn *txn_new(struct xs_store *s, uint32_t id, uint32_t access_limit);
void txn_free(struct xs_txn *t);
/* The node as this transaction sees it, or NULL with *err 0 (absent),
 * ENOSPC (access limit) or ENOMEM. */
const struct xs_node *txn_get(struct xs_txn *t, const char *path, int *err);
/* Replace the node at n->path with @n (taking ownership); 0 or errno. */
int txn_put(struct xs_txn *t, struct xs_node *n);
int txn_del(struct xs_txn *t, const char *path);
int txn_note_change(struct xs_txn *t, const struct xs_node *n, bool removed);
/* 0 (applied; *changes receives the watch changes) or EAGAIN. */
int txn_commit(struct xs_txn *t, struct xs_changes *changes);

void changes_free(struct xs_changes *c);

#endif
