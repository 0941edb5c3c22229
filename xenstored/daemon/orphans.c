// SPDX-License-Identifier: GPL-2.0-only
/* Removing a destroyed domain's nodes and permission entries. */
#include "orphans.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"
#include "treeops.h"
#include "watch.h"

static bool mentions(const struct xs_node *n, uint32_t domid)
{
    uint32_t i;

    for (i = 0; i < n->nperms; i++)
        if (n->perms[i].domid == domid)
            return true;
    return false;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The paths of every node naming @domid, sorted (parents first). */
static char **collect(const struct xs_store *s, uint32_t domid, size_t *count)
{
    char **paths = calloc(s->nodes.count + 1, sizeof(*paths));
    struct xs_table_entry *e;
    size_t i, n = 0;

    if (!paths)
        return NULL;
    for (e = table_first(&s->nodes, &i); e; e = table_next(&s->nodes, e, &i)) {
        if (!mentions(e->val, domid))
            continue;
        paths[n] = strdup(e->key);
        if (!paths[n]) {
            while (n)
                free(paths[--n]);
            free(paths);
            return NULL;
        }
        n++;
    }
    qsort(paths, n, sizeof(*paths), by_path);
    *count = n;
    return paths;
}

static int clean_node(struct xs_op *op, const char *path, uint32_t domid,
                      bool keep)
{
    int err;
    const struct xs_node *n = txn_get(op->txn, path, &err);
    struct xs_perm *p;
    uint32_t i, k = 1;

    if (!n)
        return err;         /* already gone with an ancestor */
    if (node_owner(n) == domid && !keep && strcmp(path, "/") &&
        !path_is_special(path))
        return op_rm(op, path);
    p = malloc(n->nperms * sizeof(*p));
    if (!p)
        return ENOMEM;
    p[0] = n->perms[0];
    if (p[0].domid == domid)
        p[0].domid = 0;     /* kept orphan (or "/", a special): dom0's */
    for (i = 1; i < n->nperms; i++)
        if (n->perms[i].domid != domid)
            p[k++] = n->perms[i];
    err = op_set_perms(op, path, p, k);
    free(p);
    return err;
}

int orphans_clean(struct xsd *x, uint32_t domid)
{
    static const struct xs_caller dom0 = { .domid = 0, .privileged = true };
    struct xs_changes changes = { 0 };
    struct xs_op op = { .caller = &dom0, .quota = &x->quota };
    size_t count = 0, i;
    char **paths = collect(&x->store, domid, &count);
    int err = paths ? 0 : ENOMEM;

    if (!err && count) {
        op.txn = txn_new(&x->store, 0, 0);
        err = op.txn ? 0 : ENOMEM;
        for (i = 0; !err && i < count; i++)
            err = clean_node(&op, paths[i], domid, x->keep_orphans);
        if (!err)
            err = txn_commit(op.txn, &changes);
        txn_free(op.txn);
    }
    for (i = 0; paths && i < count; i++)
        free(paths[i]);
    free(paths);
    if (err) {
        xsd_log(XSD_LOG_ERR, "cannot clean the nodes of domain %u: %s",
                domid, strerror(err));
        return err;
    }
    if (changes.count) {
        x->dirty = true;
        xsd_log(XSD_LOG_INFO, "domain %u: %u orphaned node(s) %s", domid,
                changes.count, x->keep_orphans ? "given to dom0" : "cleaned");
        watch_fire_changes(x, &changes);
    }
    changes_free(&changes);
    return 0;
}
