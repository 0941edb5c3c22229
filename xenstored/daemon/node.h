/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One node of the store: its absolute path, value bytes, permissions, the
 * names of its children (NUL-terminated, concatenated as sent in a
 * DIRECTORY reply) and its generation (bumped on every change).
 */
#ifndef XSD_NODE_H
#define XSD_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "perms.h"

struct xs_node {
    char *path;
    uint8_t *data;
    uint32_t datalen;
    struct xs_perm *perms;
    uint32_t nperms;
    char *children;
    uint32_t childlen;
    uint64_t generation;
};

struct xs_node *node_new(const char *path, const struct xs_perm *perms,
                         uint32_t nperms);
struct xs_node *node_clone(const struct xs_node *n);
void node_free(struct xs_node *n);
void node_free_void(void *n);
bool node_set_data(struct xs_node *n, const void *data, uint32_t len);
bool node_set_perms(struct xs_node *n, const struct xs_perm *perms,
                    uint32_t nperms);
bool node_has_child(const struct xs_node *n, const char *name);
bool node_add_child(struct xs_node *n, const char *name);
void node_remove_child(struct xs_node *n, const char *name);
/* The size counted against the node-size quota. */
uint32_t node_size(const struct xs_node *n);
uint32_t node_owner(const struct xs_node *n);

#endif
