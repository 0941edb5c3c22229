// SPDX-License-Identifier: GPL-2.0-only
/* Node allocation, copying and child-list editing. */
#include "node.h"

#include <stdlib.h>
#include <string.h>

struct xs_node *node_new(const char *path, const struct xs_perm *perms,
                         uint32_t nperms)
{
    struct xs_node *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->path = strdup(path);
    if (!n->path || !node_set_perms(n, perms, nperms)) {
        node_free(n);
        return NULL;
    }
    return n;
}

static void *dup_bytes(const void *p, size_t len)
{
    void *q = malloc(len ? len : 1);

    if (q && len)
        memcpy(q, p, len);
    return q;
}

struct xs_node *node_clone(const struct xs_node *n)
{
    struct xs_node *c = node_new(n->path, n->perms, n->nperms);

    if (!c)
        return NULL;
    if (!node_set_data(c, n->data, n->datalen))
        goto fail;
    if (n->childlen) {
        c->children = dup_bytes(n->children, n->childlen);
        if (!c->children)
            goto fail;
        c->childlen = n->childlen;
    }
    c->generation = n->generation;
    return c;
fail:
    node_free(c);
    return NULL;
}

void node_free(struct xs_node *n)
{
    if (!n)
        return;
    free(n->path);
    free(n->data);
    free(n->perms);
    free(n->children);
    free(n);
}

void node_free_void(void *n)
{
    node_free(n);
}

bool node_set_data(struct xs_node *n, const void *data, uint32_t len)
{
    uint8_t *d = dup_bytes(data, len);

    if (!d)
        return false;
    free(n->data);
    n->data = d;
    n->datalen = len;
    return true;
}

bool node_set_perms(struct xs_node *n, const struct xs_perm *perms,
                    uint32_t nperms)
{
    struct xs_perm *p = dup_bytes(perms, nperms * sizeof(*perms));

    if (!p)
        return false;
    free(n->perms);
    n->perms = p;
    n->nperms = nperms;
    return true;
}

/* Offset of child @name in the list, or -1. */
static int64_t child_offset(const struct xs_node *n, const char *name)
{
    uint32_t off = 0;

    while (off < n->childlen) {
        const char *c = n->children + off;

        if (!strcmp(c, name))
            return off;
        off += (uint32_t)strlen(c) + 1;
    }
    return -1;
}

bool node_has_child(const struct xs_node *n, const char *name)
{
    return child_offset(n, name) >= 0;
}

bool node_add_child(struct xs_node *n, const char *name)
{
    uint32_t len = (uint32_t)strlen(name) + 1;
    char *c;

    if (node_has_child(n, name))
        return true;
    c = realloc(n->children, n->childlen + len);
    if (!c)
        return false;
    memcpy(c + n->childlen, name, len);
    n->children = c;
    n->childlen += len;
    return true;
}

void node_remove_child(struct xs_node *n, const char *name)
{
    int64_t off = child_offset(n, name);
    uint32_t len;

    if (off < 0)
        return;
    len = (uint32_t)strlen(name) + 1;
    memmove(n->children + off, n->children + off + len,
            n->childlen - (uint32_t)off - len);
    n->childlen -= len;
}

uint32_t node_size(const struct xs_node *n)
{
    return n->datalen + n->childlen + n->nperms * 8u;
}

uint32_t node_owner(const struct xs_node *n)
{
    return n->nperms ? n->perms[0].domid : 0;
}
