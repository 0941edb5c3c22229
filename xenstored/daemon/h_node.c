// SPDX-License-Identifier: GPL-2.0-only
/* Handlers for the node messages: READ, WRITE, MKDIR, RM, DIRECTORY,
 * DIRECTORY_PART, GET_PERMS and SET_PERMS. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

/* Handlers taking one path argument share this shape. */
static int one_path(struct xs_req *r, bool allow_special,
                    int (*fn)(struct xs_req *, struct xs_op *, const char *))
{
    const char *argv[1];
    char *path;
    int err;

    if (!req_args(r, argv, 1))
        return EINVAL;
    err = req_path(r, argv[0], allow_special, &path);
    if (err)
        return err;
    err = req_in_txn(r, path, fn);
    free(path);
    return err;
}

static int do_read(struct xs_req *r, struct xs_op *op, const char *path)
{
    const struct xs_node *n;
    int err = op_lookup(op, path, XS_PERM_READ, &n);

    if (err)
        return err;
    return buf_append(&r->reply, n->data, n->datalen) ? 0 : ENOMEM;
}

int h_read(struct xs_req *r)
{
    return one_path(r, false, do_read);
}

static int do_directory(struct xs_req *r, struct xs_op *op, const char *path)
{
    const struct xs_node *n;
    int err = op_lookup(op, path, XS_PERM_READ, &n);

    if (err)
        return err;
    return buf_append(&r->reply, n->children, n->childlen) ? 0 : ENOMEM;
}

int h_directory(struct xs_req *r)
{
    return one_path(r, false, do_directory);
}

static int do_mkdir(struct xs_req *r, struct xs_op *op, const char *path)
{
    int err = op_mkdir(op, path);

    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

int h_mkdir(struct xs_req *r)
{
    return one_path(r, false, do_mkdir);
}

static int do_rm(struct xs_req *r, struct xs_op *op, const char *path)
{
    int err = op_rm(op, path);

    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

int h_rm(struct xs_req *r)
{
    return one_path(r, false, do_rm);
}

static int do_get_perms(struct xs_req *r, struct xs_op *op, const char *path)
{
    const struct xs_node *n;
    int err = op_lookup(op, path, XS_PERM_READ, &n);
    uint32_t i;

    if (err)
        return err;
    for (i = 0; i < n->nperms; i++)
        if (!perm_format(&r->reply, &n->perms[i]))
            return ENOMEM;
    return 0;
}

int h_get_perms(struct xs_req *r)
{
    return one_path(r, true, do_get_perms);
}

/* WRITE: "<path>\0<value bytes>" (the value is not NUL-terminated). */
static int do_write(struct xs_req *r, struct xs_op *op, const char *path)
{
    size_t off = strlen(r->payload) + 1;
    int err = op_write(op, path, r->payload + off, (uint32_t)(r->len - off));

    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

int h_write(struct xs_req *r)
{
    char *path;
    int err;

    if (!memchr(r->payload, '\0', r->len))
        return EINVAL;
    err = req_path(r, r->payload, false, &path);
    if (err)
        return err;
    err = req_in_txn(r, path, do_write);
    free(path);
    return err;
}

/* DIRECTORY_PART: "<path>\0<offset>\0" -> "<generation>\0" followed by as
 * many child names from byte @offset as fit; the final part ends with an
 * empty name. */
static int do_directory_part(struct xs_req *r, struct xs_op *op,
                             const char *path)
{
    const struct xs_node *n;
    const char *offstr = r->payload + strlen(r->payload) + 1;
    uint64_t off;
    uint32_t len = 0, room;
    int err;

    if (!parse_u64(offstr, &off))
        return EINVAL;
    err = op_lookup(op, path, XS_PERM_READ, &n);
    if (err)
        return err;
    if (!buf_printf0(&r->reply, "%" PRIu64, n->generation))
        return ENOMEM;
    if (off >= n->childlen)
        return buf_append(&r->reply, "", 1) ? 0 : ENOMEM;
    room = XENSTORE_PAYLOAD_MAX - (uint32_t)r->reply.len - 1;
    while (off + len < n->childlen) {
        uint32_t next = (uint32_t)strlen(n->children + off + len) + 1;

        if (len + next > room)
            break;
        len += next;
    }
    if (!buf_append(&r->reply, n->children + off, len))
        return ENOMEM;
    if (off + len == n->childlen && !buf_append(&r->reply, "", 1))
        return ENOMEM;
    return 0;
}

int h_directory_part(struct xs_req *r)
{
    const char *argv[2];
    char *path;
    int err;

    if (!req_args(r, argv, 2))
        return EINVAL;
    err = req_path(r, argv[0], false, &path);
    if (err)
        return err;
    err = req_in_txn(r, path, do_directory_part);
    free(path);
    return err;
}

static int do_set_perms(struct xs_req *r, struct xs_op *op, const char *path)
{
    int32_t nargs = req_count_args(r);
    uint32_t nperms = (uint32_t)nargs - 1, i;
    struct xs_perm *perms = calloc(nperms, sizeof(*perms));
    const char *p = r->payload + strlen(r->payload) + 1;
    int err = 0;

    if (!perms)
        return ENOMEM;
    for (i = 0; i < nperms && !err; i++, p += strlen(p) + 1)
        if (!perm_parse(p, &perms[i]))
            err = EINVAL;
    if (!err)
        err = op_set_perms(op, path, perms, nperms);
    free(perms);
    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

int h_set_perms(struct xs_req *r)
{
    char *path;
    int err;

    if (req_count_args(r) < 2)
        return EINVAL;
    err = req_path(r, r->payload, true, &path);
    if (err)
        return err;
    err = req_in_txn(r, path, do_set_perms);
    free(path);
    return err;
}
