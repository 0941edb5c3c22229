/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-domain quotas with Xen 4.17's defaults, settable by name on the
 * command line (--quota name=value) and through XS_CONTROL "quota".
 * Privileged callers (dom0, socket clients) are never limited.
 */
#ifndef XSD_QUOTA_H
#define XSD_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct xs_quota {
    uint32_t nodes;             /* nodes owned per domain: 1000 */
    uint32_t node_size;         /* bytes of value+children+perms: 2048 */
    uint32_t watches;           /* watches per domain: 128 */
    uint32_t transactions;      /* open transactions per connection: 10 */
    uint32_t perms;             /* permission entries per node: 5 */
    uint32_t txn_nodes;         /* nodes accessed per transaction: 1024 */
    uint32_t path_len;          /* path below /local/domain/<id>/: 2048 */
    uint32_t outstanding;       /* unanswered requests per domain: 20 */
};

void quota_defaults(struct xs_quota *q);
/* "name=value": returns 0, or EINVAL for an unknown name / bad number. */
int quota_set_arg(struct xs_quota *q, const char *arg);
int quota_set(struct xs_quota *q, const char *name, const char *value);
bool quota_get(const struct xs_quota *q, const char *name, uint32_t *value);
/* One "name: value" line per quota, as a single NUL-terminated string. */
bool quota_list(const struct xs_quota *q, struct xs_buf *out);

#endif
