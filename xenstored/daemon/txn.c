// SPDX-License-Identifier: GPL-2.0-only
/* Optimistic transactions over the committed store. */
#include "txn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xs_txn_entry {
    struct xs_node *node;   /* this transaction's copy; NULL = absent */
    bool existed;           /* present in the store at first access */
    uint64_t seen_gen;      /* its generation then */
    bool modified;
};

static void entry_free(void *p)
{
    struct xs_txn_entry *e = p;

    if (e)
        node_free(e->node);
    free(e);
}

struct xs_txn *txn_new(struct xs_store *s, uint32_t id, uint32_t access_limit)
{
    struct xs_txn *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    if (!table_init(&t->entries)) {
        free(t);
        return NULL;
    }
    t->id = id;
    t->store = s;
    t->start_gen = s->generation;
    t->access_limit = access_limit;
    return t;
}

void changes_free(struct xs_changes *c)
{
    uint32_t i;

    for (i = 0; i < c->count; i++) {
        free(c->items[i].path);
        free(c->items[i].perms);
    }
    free(c->items);
    memset(c, 0, sizeof(*c));
}

void txn_free(struct xs_txn *t)
{
    if (!t)
        return;
    table_destroy(&t->entries, entry_free);
    changes_free(&t->changes);
    free(t);
}

static struct xs_txn_entry *txn_entry(struct xs_txn *t, const char *path,
                                      int *err)
{
    struct xs_txn_entry *e = table_get(&t->entries, path, NULL);
    const struct xs_node *committed;

    *err = 0;
    if (e)
        return e;
    if (t->access_limit && t->entries.count >= t->access_limit) {
        *err = ENOSPC;
        return NULL;
    }
    e = calloc(1, sizeof(*e));
    if (!e)
        goto nomem;
    committed = store_get(t->store, path);
    if (committed) {
        e->node = node_clone(committed);
        if (!e->node)
            goto nomem;
        e->existed = true;
        e->seen_gen = committed->generation;
    }
    if (!table_put(&t->entries, path, e, NULL))
        goto nomem;
    return e;
nomem:
    entry_free(e);
    *err = ENOMEM;
    return NULL;
}

const struct xs_node *txn_get(struct xs_txn *t, const char *path, int *err)
{
    struct xs_txn_entry *e = txn_entry(t, path, err);

    return e ? e->node : NULL;
}

int txn_put(struct xs_txn *t, struct xs_node *n)
{
    int err;
    struct xs_txn_entry *e = txn_entry(t, n->path, &err);

    if (!e) {
        node_free(n);
        return err;
    }
    if (e->node != n)
        node_free(e->node);
    e->node = n;
    e->modified = true;
    return 0;
}

int txn_del(struct xs_txn *t, const char *path)
{
    int err;
    struct xs_txn_entry *e = txn_entry(t, path, &err);

    if (!e)
        return err;
    node_free(e->node);
    e->node = NULL;
    e->modified = true;
    return 0;
}

int txn_note_change(struct xs_txn *t, const struct xs_node *n, bool removed)
{
    struct xs_changes *c = &t->changes;
    struct xs_change *item;

    if (c->count == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 4;
        struct xs_change *p = realloc(c->items, cap * sizeof(*p));

        if (!p)
            return ENOMEM;
        c->items = p;
        c->cap = cap;
    }
    item = &c->items[c->count];
    item->path = strdup(n->path);
    item->perms = malloc(n->nperms * sizeof(*n->perms) + 1);
    if (!item->path || !item->perms) {
        free(item->path);
        free(item->perms);
        return ENOMEM;
    }
    memcpy(item->perms, n->perms, n->nperms * sizeof(*n->perms));
    item->nperms = n->nperms;
    item->removed = removed;
    c->count++;
    return 0;
}

/* Was anything this transaction touched changed since it started? */
static bool txn_conflicts(struct xs_txn *t)
{
    struct xs_table_entry *te;
    size_t i;

    for (te = table_first(&t->entries, &i); te;
         te = table_next(&t->entries, te, &i)) {
        const struct xs_txn_entry *e = te->val;
        const struct xs_node *now = store_get(t->store, te->key);

        if (e->existed != (now != NULL))
            return true;
        if (now && (now->generation != e->seen_gen ||
                    e->seen_gen > t->start_gen))
            return true;
    }
    return false;
}

int txn_commit(struct xs_txn *t, struct xs_changes *changes)
{
    struct xs_table_entry *te;
    size_t i;

    if (txn_conflicts(t))
        return EAGAIN;
    for (te = table_first(&t->entries, &i); te;
         te = table_next(&t->entries, te, &i)) {
        struct xs_txn_entry *e = te->val;

        if (!e->modified)
            continue;
        if (e->node)
            store_replace(t->store, e->node);
        else
            store_delete(t->store, te->key);
        e->node = NULL;
        e->modified = false;
    }
    *changes = t->changes;
    memset(&t->changes, 0, sizeof(t->changes));
    return 0;
}
