// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored unit tests: transactions (isolation, commit, abort, EAGAIN on
 * conflicts, quotas, id handling).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "memconn.h"
#include "xs_fixture.h"
#include "xsd.h"

static uint32_t tx_start(struct xs_conn *c)
{
    CHECK_EQ(memconn_call(c, XS_TRANSACTION_START, 0, "", 1, reply, &rlen),
             XS_TRANSACTION_START);
    return (uint32_t)strtoul(reply, NULL, 10);
}

static uint32_t tx_call(struct xs_conn *c, uint32_t tx, uint32_t type,
                        const char *payload, uint32_t len)
{
    return memconn_call(c, type, tx, payload, len, reply, &rlen);
}

TEST(commit_applies_and_isolates_until_then)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *o = dom0_conn_extra(&x);
    uint32_t t = tx_start(c);

    CHECK(t != 0);
    CHECK_EQ(tx_call(c, t, XS_WRITE, "/tx/a\0v", 7), XS_WRITE);
    CHECK_EQ(tx_call(c, t, XS_READ, "/tx/a", 6), XS_READ);
    CHECK(!memcmp(reply, "v", 1));
    CHECK_ERR(call(o, XS_READ, 1, "/tx/a"), "ENOENT");
    CHECK_EQ(tx_call(c, t, XS_TRANSACTION_END, "T", 2), XS_TRANSACTION_END);
    CHECK_EQ(call(o, XS_READ, 1, "/tx/a"), XS_READ);
    CHECK_ERR(tx_call(c, t, XS_READ, "/tx/a", 6), "ENOENT");  /* tx gone */
    xsd_destroy(&x);
}

TEST(abort_discards)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);
    uint32_t t = tx_start(c);

    CHECK_EQ(tx_call(c, t, XS_WRITE, "/ab\0v", 5), XS_WRITE);
    CHECK_EQ(tx_call(c, t, XS_RM, "/tool", 6), XS_RM);
    CHECK_EQ(tx_call(c, t, XS_TRANSACTION_END, "F", 2), XS_TRANSACTION_END);
    CHECK_ERR(call(c, XS_READ, 1, "/ab"), "ENOENT");
    CHECK_EQ(call(c, XS_READ, 1, "/tool"), XS_READ);
    xsd_destroy(&x);
}

TEST(conflicting_change_gives_eagain)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *o = dom0_conn_extra(&x);
    uint32_t t;

    CHECK_EQ(write_node(c, "/k", "0", 1), XS_WRITE);
    t = tx_start(c);
    CHECK_EQ(tx_call(c, t, XS_READ, "/k", 3), XS_READ);
    CHECK_EQ(write_node(o, "/k", "1", 1), XS_WRITE);
    CHECK_EQ(tx_call(c, t, XS_WRITE, "/k\0" "2", 4), XS_WRITE);
    CHECK_ERR(tx_call(c, t, XS_TRANSACTION_END, "T", 2), "EAGAIN");
    CHECK_EQ(call(c, XS_READ, 1, "/k"), XS_READ);
    CHECK(!memcmp(reply, "1", 1));              /* the other write won */
    xsd_destroy(&x);
}

TEST(change_before_first_access_still_conflicts)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *o = dom0_conn_extra(&x);
    uint32_t t;

    CHECK_EQ(write_node(c, "/s", "0", 1), XS_WRITE);
    t = tx_start(c);
    CHECK_EQ(write_node(o, "/s", "1", 1), XS_WRITE);
    CHECK_EQ(tx_call(c, t, XS_READ, "/s", 3), XS_READ);
    CHECK_ERR(tx_call(c, t, XS_TRANSACTION_END, "T", 2), "EAGAIN");
    xsd_destroy(&x);
}

TEST(independent_transactions_both_commit)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *o = dom0_conn_extra(&x);
    uint32_t t1, t2;

    CHECK_EQ(write_node(c, "/p/a", "", 0), XS_WRITE);
    CHECK_EQ(write_node(c, "/p/b", "", 0), XS_WRITE);
    t1 = tx_start(c);
    t2 = tx_start(o);
    CHECK_EQ(tx_call(c, t1, XS_WRITE, "/p/a\0x", 6), XS_WRITE);
    CHECK_EQ(tx_call(o, t2, XS_WRITE, "/p/b\0y", 6), XS_WRITE);
    CHECK_EQ(tx_call(c, t1, XS_TRANSACTION_END, "T", 2), XS_TRANSACTION_END);
    CHECK_EQ(tx_call(o, t2, XS_TRANSACTION_END, "T", 2), XS_TRANSACTION_END);
    xsd_destroy(&x);
}

TEST(transaction_ids_and_arguments)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);
    uint32_t t = tx_start(c);

    CHECK_ERR(tx_call(c, t, XS_TRANSACTION_START, "", 1), "EBUSY");
    CHECK_ERR(tx_call(c, t, XS_TRANSACTION_END, "X", 2), "EINVAL");
    CHECK_ERR(tx_call(c, t + 100, XS_TRANSACTION_END, "T", 2), "ENOENT");
    CHECK_ERR(tx_call(c, 0, XS_TRANSACTION_END, "T", 2), "ENOENT");
    CHECK_ERR(tx_call(c, t + 100, XS_READ, "/tool", 6), "ENOENT");
    CHECK(tx_start(c) != t);
    xsd_destroy(&x);
}

TEST(transaction_quotas_for_domains)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = domu_conn(&x, 4);
    uint32_t i, t = 0;

    for (i = 0; i < 10; i++)
        t = tx_start(u);
    CHECK_ERR(memconn_call(u, XS_TRANSACTION_START, 0, "", 1, reply, &rlen),
              "ENOSPC");
    CHECK_EQ(tx_call(u, t, XS_TRANSACTION_END, "F", 2), XS_TRANSACTION_END);
    x.quota.txn_nodes = 2;
    CHECK_EQ(call(c0, XS_SET_PERMS, 2, "/tool", "r0"), XS_SET_PERMS);
    t = tx_start(u);
    CHECK_EQ(tx_call(u, t, XS_READ, "/tool", 6), XS_READ);
    CHECK_ERR(tx_call(u, t, XS_READ, "/tool/xenstored", 16), "EACCES");
    CHECK_ERR(tx_call(u, t, XS_READ, "/", 2), "ENOSPC");
    for (i = 0; i < 20; i++)
        tx_start(c0);       /* dom0 is not limited */
    xsd_destroy(&x);
}
