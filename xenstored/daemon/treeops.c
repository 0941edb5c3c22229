// SPDX-License-Identifier: GPL-2.0-only
/* Node operations with permission and quota checks. */
#include "treeops.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"

static bool unprivileged(const struct xs_op *op)
{
    return !op->caller->privileged;
}

static int deny(const struct xs_op *op, const char *what, const char *path)
{
    xsd_log_denial(op->caller->domid, what, path);
    return EACCES;
}

/* A missing node: EACCES when its nearest existing ancestor is unreadable,
 * so existence does not leak; ENOENT otherwise. */
static int missing_node_error(struct xs_op *op, const char *path)
{
    char *p = strdup(path);
    int err = ENOENT;

    if (!p)
        return ENOMEM;
    while (unprivileged(op) && strcmp(p, "/")) {
        char *parent = path_parent(p);
        const struct xs_node *n;
        int gerr;

        free(p);
        p = parent;
        if (!p)
            return ENOMEM;
        n = txn_get(op->txn, p, &gerr);
        if (gerr) {
            err = gerr;
            break;
        }
        if (n) {
            if (!(perm_rights(op->caller, n->perms, n->nperms) &
                  XS_PERM_READ))
                err = deny(op, "read (parent of missing)", path);
            break;
        }
    }
    free(p);
    return err;
}

int op_lookup(struct xs_op *op, const char *path, uint32_t need,
              const struct xs_node **out)
{
    int err;
    const struct xs_node *n = txn_get(op->txn, path, &err);
    uint32_t rights;

    *out = NULL;
    if (err)
        return err;
    if (!n)
        return missing_node_error(op, path);
    rights = perm_rights(op->caller, n->perms, n->nperms);
    if ((rights & need) != need)
        return deny(op, need & XS_PERM_OWNER ? "set-perms" :
                        need & XS_PERM_WRITE ? "write" : "read", path);
    *out = n;
    return 0;
}

/* A mutable copy of an existing node, put back into the transaction. */
static struct xs_node *modifiable(struct xs_op *op, const struct xs_node *n,
                                  int *err)
{
    struct xs_node *c = node_clone(n);

    *err = c ? txn_put(op->txn, c) : ENOMEM;
    return *err ? NULL : c;
}

static int check_size(const struct xs_op *op, uint32_t size, const char *p)
{
    if (unprivileged(op) && size > op->quota->node_size) {
        xsd_log_denial(op->caller->domid, "node size quota", p);
        return ENOSPC;
    }
    return 0;
}

/* How many ancestors of @path are missing; *top = the nearest existing. */
static int find_existing_ancestor(struct xs_op *op, const char *path,
                                  uint32_t *missing, char **top)
{
    char *p = strdup(path);
    int err;

    *missing = 0;
    while (p) {
        char *parent = path_parent(p);
        const struct xs_node *n;

        free(p);
        p = parent;
        if (!p)
            break;
        n = txn_get(op->txn, p, &err);
        if (err) {
            free(p);
            return err;
        }
        if (n) {
            *top = p;
            return 0;
        }
        if (!strcmp(p, "/")) {
            free(p);
            return ENOENT;
        }
        (*missing)++;
    }
    return ENOMEM;
}

static int check_node_quota(struct xs_op *op, uint32_t new_nodes,
                            const char *path)
{
    uint64_t owned;

    if (!unprivileged(op))
        return 0;
    owned = store_owned(op->txn->store, op->caller->domid);
    if ((int64_t)owned + op->txn->own_delta + new_nodes >
        (int64_t)op->quota->nodes) {
        xsd_log_denial(op->caller->domid, "node quota", path);
        return ENOSPC;
    }
    return 0;
}

/* Create one node below an existing parent, inheriting its perms. */
static int create_one(struct xs_op *op, const char *path)
{
    char *ppath = path_parent(path);
    const struct xs_node *parent;
    struct xs_node *pcopy, *n;
    int err;

    if (!ppath)
        return ENOMEM;
    parent = txn_get(op->txn, ppath, &err);
    free(ppath);
    if (!parent)
        return err ? err : ENOENT;
    err = check_size(op, node_size(parent) +
                     (uint32_t)strlen(path_basename(path)) + 1, path);
    if (err)
        return err;
    n = node_new(path, parent->perms, parent->nperms);
    if (!n)
        return ENOMEM;
    if (unprivileged(op))
        n->perms[0].domid = op->caller->domid;
    pcopy = modifiable(op, parent, &err);
    if (!pcopy || !node_add_child(pcopy, path_basename(path))) {
        node_free(n);
        return err ? err : ENOMEM;
    }
    if (unprivileged(op))
        op->txn->own_delta++;
    return txn_put(op->txn, n);
}

/* Create @path and any missing ancestors (write access to the nearest
 * existing one required). */
static int create_path(struct xs_op *op, const char *path)
{
    uint32_t missing, i;
    char *top = NULL;
    const struct xs_node *anc;
    int err = find_existing_ancestor(op, path, &missing, &top);

    if (!err)
        err = op_lookup(op, top, XS_PERM_WRITE, &anc);
    free(top);
    if (!err)
        err = check_node_quota(op, missing + 1, path);
    for (i = missing + 1; !err && i > 0; i--) {
        /* Ancestor i-1 levels above @path, outermost first. */
        char *p = strdup(path);
        uint32_t up;

        for (up = 1; p && up < i; up++) {
            char *parent = path_parent(p);

            free(p);
            p = parent;
        }
        err = p ? create_one(op, p) : ENOMEM;
        free(p);
    }
    return err;
}

int op_write(struct xs_op *op, const char *path, const void *data,
             uint32_t len)
{
    const struct xs_node *n;
    struct xs_node *copy;
    int err;

    if (path_is_special(path))
        return EINVAL;
    err = check_size(op, len, path);
    if (err)
        return err;
    err = op_lookup(op, path, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        err = create_path(op, path);
        if (!err)
            n = txn_get(op->txn, path, &err);
    }
    if (err)
        return err;
    err = check_size(op, node_size(n) - n->datalen + len, path);
    if (err)
        return err;
    copy = modifiable(op, n, &err);
    if (!copy)
        return err;
    if (!node_set_data(copy, data, len))
        return ENOMEM;
    return txn_note_change(op->txn, copy, false);
}

int op_mkdir(struct xs_op *op, const char *path)
{
    const struct xs_node *n;
    int err;

    if (path_is_special(path))
        return EINVAL;
    err = op_lookup(op, path, XS_PERM_WRITE, &n);
    if (err != ENOENT)
        return err;
    err = create_path(op, path);
    if (err)
        return err;
    n = txn_get(op->txn, path, &err);
    return n ? txn_note_change(op->txn, n, false) : (err ? err : ENOENT);
}

/* Remove @path's subtree from the transaction (children first not
 * required: every node in it is dropped). */
static int remove_subtree(struct xs_op *op, const char *path)
{
    char **stack = NULL;
    size_t depth = 0, cap = 0;
    int err = 0;
    char *cur = strdup(path);

    if (!cur)
        return ENOMEM;
    while (cur && !err) {
        const struct xs_node *n = txn_get(op->txn, cur, &err);
        uint32_t off = 0;

        while (n && !err && off < n->childlen) {
            const char *child = n->children + off;

            off += (uint32_t)strlen(child) + 1;
            if (depth == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                char **s = realloc(stack, ncap * sizeof(*s));

                if (!s) {
                    err = ENOMEM;
                    break;
                }
                stack = s;
                cap = ncap;
            }
            stack[depth] = path_join(cur, child);
            if (!stack[depth])
                err = ENOMEM;
            else
                depth++;
        }
        if (n && !err) {
            if (unprivileged(op) && node_owner(n) == op->caller->domid)
                op->txn->own_delta--;
            err = txn_del(op->txn, cur);
        }
        free(cur);
        cur = depth ? stack[--depth] : NULL;
    }
    free(cur);
    while (depth)
        free(stack[--depth]);
    free(stack);
    return err;
}

int op_rm(struct xs_op *op, const char *path)
{
    const struct xs_node *n, *parent;
    struct xs_node *pcopy;
    char *ppath;
    int err;

    if (!strcmp(path, "/") || path_is_special(path))
        return EINVAL;
    ppath = path_parent(path);
    if (!ppath)
        return ENOMEM;
    err = op_lookup(op, path, XS_PERM_WRITE, &n);
    if (err == ENOENT) {
        /* Already gone: fine if the parent exists. */
        parent = txn_get(op->txn, ppath, &err);
        err = err ? err : (parent ? 0 : ENOENT);
        free(ppath);
        return err;
    }
    if (!err)
        err = txn_note_change(op->txn, n, true);
    if (!err)
        err = remove_subtree(op, path);
    parent = err ? NULL : txn_get(op->txn, ppath, &err);
    free(ppath);
    if (err)
        return err;
    if (!parent)
        return ENOENT;
    pcopy = modifiable(op, parent, &err);
    if (!pcopy)
        return err;
    node_remove_child(pcopy, path_basename(path));
    return 0;
}

int op_set_perms(struct xs_op *op, const char *path,
                 const struct xs_perm *perms, uint32_t nperms)
{
    const struct xs_node *n;
    struct xs_node *copy;
    int err;

    if (unprivileged(op) && nperms > op->quota->perms) {
        xsd_log_denial(op->caller->domid, "permission-count quota", path);
        return ENOSPC;
    }
    err = op_lookup(op, path, XS_PERM_OWNER, &n);
    if (err)
        return err;
    if (unprivileged(op) && perms[0].domid != node_owner(n)) {
        xsd_log_denial(op->caller->domid, "change owner of", path);
        return EPERM;
    }
    copy = modifiable(op, n, &err);
    if (!copy)
        return err;
    if (!node_set_perms(copy, perms, nperms))
        return ENOMEM;
    return txn_note_change(op->txn, copy, false);
}
