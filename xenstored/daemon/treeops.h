/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The node operations of the protocol (read, write, mkdir, rm, get/set
 * perms, directory) applied to a transaction's view with the caller's
 * permissions and quotas.  Paths here are already canonical.  Each returns
 * 0 or the errno to send back; successful changes are noted in the
 * transaction for watches.
 */
#ifndef XSD_TREEOPS_H
#define XSD_TREEOPS_H

#include <stdint.h>

#include "perms.h"
#include "quota.h"
#include "txn.h"

struct xs_op {
    struct xs_txn *txn;
    const struct xs_caller *caller;
    const struct xs_quota *quota;
};

/* The node at @path if the caller holds @need (XS_PERM_*). */
int op_lookup(struct xs_op *op, const char *path, uint32_t need,
              const struct xs_node **out);
int op_write(struct xs_op *op, const char *path, const void *data,
             uint32_t len);
int op_mkdir(struct xs_op *op, const char *path);
int op_rm(struct xs_op *op, const char *path);
int op_set_perms(struct xs_op *op, const char *path,
                 const struct xs_perm *perms, uint32_t nperms);

#endif
