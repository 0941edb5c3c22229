// SPDX-License-Identifier: GPL-2.0-only
/* Saving and loading the tree. */
#include "persist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <public/io/xs_wire.h>

#include "path.h"

#define PERSIST_MAGIC "KEELXS1\n"
#define PERSIST_MAX_PERMS 4096u

static bool put_u32(FILE *f, uint32_t v)
{
    return fwrite(&v, sizeof(v), 1, f) == 1;
}

static bool put_node(FILE *f, const struct xs_node *n)
{
    uint32_t i;
    bool ok = put_u32(f, (uint32_t)strlen(n->path)) &&
              fwrite(n->path, 1, strlen(n->path), f) == strlen(n->path) &&
              put_u32(f, n->datalen) &&
              fwrite(n->data, 1, n->datalen, f) == n->datalen &&
              put_u32(f, n->nperms);

    for (i = 0; ok && i < n->nperms; i++)
        ok = put_u32(f, n->perms[i].domid) &&
             fputc(n->perms[i].perm, f) != EOF;
    return ok;
}

/* Depth-first from @path, parents first. */
static bool put_subtree(FILE *f, const struct xs_store *s, const char *path)
{
    const struct xs_node *n = store_get(s, path);
    uint32_t off = 0;

    if (!n || !put_node(f, n))
        return n == NULL;
    while (off < n->childlen) {
        const char *child = n->children + off;
        char *cpath = path_join(path, child);
        bool ok = cpath && put_subtree(f, s, cpath);

        free(cpath);
        if (!ok)
            return false;
        off += (uint32_t)strlen(child) + 1;
    }
    return true;
}

int persist_save(const struct xs_store *s, const char *file)
{
    char *tmp;
    FILE *f;
    bool ok;

    if (asprintf(&tmp, "%s.tmp", file) < 0)
        return ENOMEM;
    f = fopen(tmp, "wb");
    if (!f) {
        free(tmp);
        return errno;
    }
    ok = fwrite(PERSIST_MAGIC, 1, 8, f) == 8 && put_subtree(f, s, "/") &&
         put_node(f, store_get(s, XSD_SPECIAL_INTRODUCE)) &&
         put_node(f, store_get(s, XSD_SPECIAL_RELEASE)) &&
         fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (ok && rename(tmp, file))
        ok = false;
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok ? 0 : EIO;
}

static bool get_u32(FILE *f, uint32_t *v)
{
    return fread(v, sizeof(*v), 1, f) == 1;
}

/* Read a length-prefixed byte string of at most @max bytes (+ NUL). */
static char *get_bytes(FILE *f, uint32_t max, uint32_t *len)
{
    char *p;

    if (!get_u32(f, len) || *len > max)
        return NULL;
    p = malloc(*len + 1);
    if (p && fread(p, 1, *len, f) != *len) {
        free(p);
        return NULL;
    }
    if (p)
        p[*len] = '\0';
    return p;
}

static struct xs_node *get_node(FILE *f)
{
    uint32_t len, datalen, nperms, i;
    char *path = get_bytes(f, XENSTORE_ABS_PATH_MAX, &len);
    char *data = path ? get_bytes(f, XENSTORE_PAYLOAD_MAX, &datalen) : NULL;
    struct xs_node *n = NULL;

    if (!data || strlen(path) != len || !get_u32(f, &nperms) ||
        !nperms || nperms > PERSIST_MAX_PERMS)
        goto out;
    n = node_new(path, NULL, 0);
    if (!n || !node_set_data(n, data, datalen))
        goto fail;
    n->perms = calloc(nperms, sizeof(*n->perms));
    if (!n->perms)
        goto fail;
    n->nperms = nperms;
    for (i = 0; i < nperms; i++) {
        int perm;

        if (!get_u32(f, &n->perms[i].domid) ||
            n->perms[i].domid > XSD_DOMID_MAX ||
            (perm = fgetc(f)) == EOF || perm > (int)XS_PERM_BOTH)
            goto fail;
        n->perms[i].perm = (uint8_t)perm;
    }
    goto out;
fail:
    node_free(n);
    n = NULL;
out:
    free(path);
    free(data);
    return n;
}

/* Link @n into @s below its (already loaded) parent. */
static bool add_loaded(struct xs_store *s, struct xs_node *n)
{
    char *check = NULL;
    struct xs_node *parent;
    char *ppath;
    bool ok;

    if (path_is_special(n->path) || !strcmp(n->path, "/")) {
        store_replace(s, n);
        return true;
    }
    if (path_canonical(n->path, 0, false, 0, &check) || store_get(s, n->path)) {
        free(check);
        return false;
    }
    free(check);
    ppath = path_parent(n->path);
    parent = ppath ? table_get(&s->nodes, ppath, NULL) : NULL;
    free(ppath);
    ok = parent && node_add_child(parent, path_basename(n->path));
    if (ok)
        store_replace(s, n);
    return ok;
}

int persist_load(struct xs_store *s, const char *file)
{
    FILE *f = fopen(file, "rb");
    struct xs_store fresh;
    char magic[8];
    bool ok;
    int c;

    if (!f)
        return ENOENT;
    memset(&fresh, 0, sizeof(fresh));
    ok = fread(magic, 1, 8, f) == 8 && !memcmp(magic, PERSIST_MAGIC, 8) &&
         store_init_empty(&fresh) == 0;
    if (!ok) {
        fclose(f);
        return EINVAL;
    }
    while (ok && (c = fgetc(f)) != EOF) {
        struct xs_node *n;

        ungetc(c, f);
        n = get_node(f);
        ok = n && add_loaded(&fresh, n);
        if (n && !ok)
            node_free(n);
    }
    fclose(f);
    ok = ok && store_get(&fresh, "/") &&
         store_get(&fresh, XSD_SPECIAL_INTRODUCE) &&
         store_get(&fresh, XSD_SPECIAL_RELEASE);
    if (!ok) {
        store_destroy(&fresh);
        return EINVAL;
    }
    store_destroy(s);
    *s = fresh;
    return 0;
}
