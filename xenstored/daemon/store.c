// SPDX-License-Identifier: GPL-2.0-only
/* The committed node store. */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"

static int store_add_initial(struct xs_store *s, const char *path,
                             const char *child)
{
    static const struct xs_perm dom0_only = { 0, XS_PERM_NONE };
    struct xs_node *n = node_new(path, &dom0_only, 1);

    if (!n || (child && !node_add_child(n, child))) {
        node_free(n);
        return ENOMEM;
    }
    store_replace(s, n);
    return 0;
}

int store_init_empty(struct xs_store *s)
{
    memset(s, 0, sizeof(*s));
    s->owned = calloc(XSD_DOMID_MAX + 1, sizeof(*s->owned));
    if (!s->owned || !table_init(&s->nodes)) {
        store_destroy(s);
        return ENOMEM;
    }
    return 0;
}

int store_init(struct xs_store *s)
{
    if (store_init_empty(s))
        return ENOMEM;
    if (store_add_initial(s, "/", "tool") ||
        store_add_initial(s, "/tool", "xenstored") ||
        store_add_initial(s, "/tool/xenstored", NULL) ||
        store_add_initial(s, XSD_SPECIAL_INTRODUCE, NULL) ||
        store_add_initial(s, XSD_SPECIAL_RELEASE, NULL)) {
        store_destroy(s);
        return ENOMEM;
    }
    return 0;
}

void store_destroy(struct xs_store *s)
{
    if (s->nodes.buckets)
        table_destroy(&s->nodes, node_free_void);
    free(s->owned);
    memset(s, 0, sizeof(*s));
}

const struct xs_node *store_get(const struct xs_store *s, const char *path)
{
    return table_get(&s->nodes, path, NULL);
}

static void count_owner(struct xs_store *s, const struct xs_node *n, int delta)
{
    uint32_t owner = node_owner(n);

    if (owner > XSD_DOMID_MAX || path_is_special(n->path))
        return;
    if (delta < 0 && s->owned[owner])
        s->owned[owner]--;
    else if (delta > 0)
        s->owned[owner]++;
}

void store_replace(struct xs_store *s, struct xs_node *n)
{
    void *old = NULL;

    n->generation = ++s->generation;
    if (!table_put(&s->nodes, n->path, n, &old)) {
        xsd_log(XSD_LOG_ERR, "out of memory: change to %s lost", n->path);
        node_free(n);
        return;
    }
    if (old) {
        count_owner(s, old, -1);
        node_free(old);
    }
    count_owner(s, n, +1);
}

void store_delete(struct xs_store *s, const char *path)
{
    struct xs_node *old = table_remove(&s->nodes, path, NULL);

    if (old) {
        count_owner(s, old, -1);
        node_free(old);
    }
    s->generation++;
}

uint32_t store_owned(const struct xs_store *s, uint32_t domid)
{
    return domid <= XSD_DOMID_MAX ? s->owned[domid] : 0;
}
