/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The committed store: every node by absolute path, the generation counter
 * and the number of nodes each domain owns (for the node quota).  Changes
 * reach it only through transaction commits (see txn.h).
 */
#ifndef XSD_STORE_H
#define XSD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "node.h"
#include "table.h"

struct xs_store {
    struct xs_table nodes;          /* path -> struct xs_node * */
    uint64_t generation;            /* last generation handed out */
    uint32_t *owned;                /* [XSD_DOMID_MAX + 1] nodes per owner */
};

/* An empty store holding "/", "/tool", "/tool/xenstored" and the special
 * watch nodes, all owned by dom0 with no access for others. */
int store_init(struct xs_store *s);
/* A store with no nodes at all (for loading a saved tree). */
int store_init_empty(struct xs_store *s);
void store_destroy(struct xs_store *s);
const struct xs_node *store_get(const struct xs_store *s, const char *path);
/* Takes ownership of @n, replacing any node at its path; stamps a new
 * generation and keeps the owner counts. */
void store_replace(struct xs_store *s, struct xs_node *n);
void store_delete(struct xs_store *s, const char *path);
uint32_t store_owned(const struct xs_store *s, uint32_t domid);

#endif
