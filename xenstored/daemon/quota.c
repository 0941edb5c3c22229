// SPDX-License-Identifier: GPL-2.0-only
/* Quota values and their names. */
#include "quota.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/xs_wire.h>

static const struct {
    const char *name;
    size_t offset;
} quota_names[] = {
    { "nodes", offsetof(struct xs_quota, nodes) },
    { "node-size", offsetof(struct xs_quota, node_size) },
    { "watches", offsetof(struct xs_quota, watches) },
    { "transactions", offsetof(struct xs_quota, transactions) },
    { "permissions", offsetof(struct xs_quota, perms) },
    { "transaction-nodes", offsetof(struct xs_quota, txn_nodes) },
    { "path-max", offsetof(struct xs_quota, path_len) },
    { "outstanding", offsetof(struct xs_quota, outstanding) },
};

#define NQUOTAS (sizeof(quota_names) / sizeof(quota_names[0]))

void quota_defaults(struct xs_quota *q)
{
    q->nodes = 1000;
    q->node_size = 2048;
    q->watches = 128;
    q->transactions = 10;
    q->perms = 5;
    q->txn_nodes = 1024;
    q->path_len = XENSTORE_REL_PATH_MAX;
    q->outstanding = 20;
}

static uint32_t *quota_field(struct xs_quota *q, const char *name)
{
    size_t i;

    for (i = 0; i < NQUOTAS; i++)
        if (!strcmp(quota_names[i].name, name))
            return (uint32_t *)((char *)q + quota_names[i].offset);
    return NULL;
}

int quota_set(struct xs_quota *q, const char *name, const char *value)
{
    uint32_t *field = quota_field(q, name);
    unsigned long v;
    char *end;

    if (!field || value[0] < '0' || value[0] > '9')
        return EINVAL;
    errno = 0;
    v = strtoul(value, &end, 10);
    if (*end || errno || v == 0 || v > UINT32_MAX)
        return EINVAL;
    *field = (uint32_t)v;
    return 0;
}

int quota_set_arg(struct xs_quota *q, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char name[32];
    size_t n;

    if (!eq)
        return EINVAL;
    n = (size_t)(eq - arg);
    if (n >= sizeof(name))
        return EINVAL;
    memcpy(name, arg, n);
    name[n] = '\0';
    return quota_set(q, name, eq + 1);
}

bool quota_get(const struct xs_quota *q, const char *name, uint32_t *value)
{
    uint32_t *field = quota_field((struct xs_quota *)q, name);

    if (!field)
        return false;
    *value = *field;
    return true;
}

bool quota_list(const struct xs_quota *q, struct xs_buf *out)
{
    char line[64];
    size_t i;

    for (i = 0; i < NQUOTAS; i++) {
        const uint32_t *v =
            (const uint32_t *)((const char *)q + quota_names[i].offset);
        int n = snprintf(line, sizeof(line), "%s: %u\n",
                         quota_names[i].name, *v);

        if (!buf_append(out, line, (size_t)n))
            return false;
    }
    return buf_append(out, "", 1);
}
