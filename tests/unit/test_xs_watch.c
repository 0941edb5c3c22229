// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored unit tests: watches (the initial event, descendants, removal of
 * a parent, relative paths, permissions, quotas, transactions, the special
 * @introduceDomain / @releaseDomain events).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "memconn.h"
#include "xs_fixture.h"
#include "xsd.h"

/* The next queued watch event as "path|token", or "" when none.  (A
 * connection's own requests through memconn_call skip its events, so the
 * tests watch from a separate connection.) */
static const char *next_event(struct xs_conn *c)
{
    static char text[XENSTORE_PAYLOAD_MAX + 2];
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];

    while (memconn_recv(c, &hdr, payload)) {
        if (hdr.type != XS_WATCH_EVENT)
            continue;
        snprintf(text, sizeof(text), "%s|%s", payload,
                 payload + strlen(payload) + 1);
        return text;
    }
    return "";
}

static void watch(struct xs_conn *c, const char *path, const char *token)
{
    char payload[256];
    size_t n = strlen(path) + 1;

    memcpy(payload, path, n);
    memcpy(payload + n, token, strlen(token) + 1);
    memconn_send(c, XS_WATCH, 0, payload,
                 (uint32_t)(n + strlen(token) + 1));
}

TEST(watch_fires_once_when_set_then_on_changes_below)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *w = dom0_conn_extra(&x);

    watch(w, "/w", "tok");
    CHECK(!strcmp(next_event(w), "/w|tok"));
    CHECK(!strcmp(next_event(w), ""));
    CHECK_EQ(write_node(c, "/w/a/b", "1", 1), XS_WRITE);
    CHECK_EQ(write_node(c, "/wx", "1", 1), XS_WRITE);     /* a sibling */
    CHECK_EQ(write_node(c, "/w", "2", 1), XS_WRITE);
    CHECK(!strcmp(next_event(w), "/w/a/b|tok"));
    CHECK(!strcmp(next_event(w), "/w|tok"));
    CHECK(!strcmp(next_event(w), ""));
    xsd_destroy(&x);
}

TEST(removing_a_parent_fires_watches_below)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *w = dom0_conn_extra(&x);

    CHECK_EQ(write_node(c, "/p/q/r", "1", 1), XS_WRITE);
    watch(w, "/p/q/r", "deep");
    CHECK(!strcmp(next_event(w), "/p/q/r|deep"));
    CHECK_EQ(call(c, XS_RM, 1, "/p"), XS_RM);
    CHECK(!strcmp(next_event(w), "/p/q/r|deep"));
    CHECK(!strcmp(next_event(w), ""));
    xsd_destroy(&x);
}

TEST(relative_watches_report_relative_paths)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = domu_conn(&x, 2);

    CHECK_EQ(call(c0, XS_MKDIR, 1, "/local/domain/2"), XS_MKDIR);
    CHECK_EQ(call(c0, XS_SET_PERMS, 2, "/local/domain/2", "n2"),
             XS_SET_PERMS);
    watch(u, "device", "rel");
    CHECK(!strcmp(next_event(u), "device|rel"));
    CHECK_EQ(write_node(c0, "/local/domain/2/device/vbd", "", 0), XS_WRITE);
    CHECK(!strcmp(next_event(u), "device/vbd|rel"));
    xsd_destroy(&x);
}

TEST(watchers_need_read_access)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = domu_conn(&x, 2);

    watch(u, "/", "all");
    CHECK(!strcmp(next_event(u), "/|all"));
    CHECK_EQ(write_node(c0, "/private", "s", 1), XS_WRITE);
    CHECK(!strcmp(next_event(u), ""));
    CHECK_EQ(write_node(c0, "/public", "s", 1), XS_WRITE);
    CHECK_EQ(call(c0, XS_SET_PERMS, 2, "/public", "r0"), XS_SET_PERMS);
    CHECK(!strcmp(next_event(u), "/public|all"));
    xsd_destroy(&x);
}

TEST(unwatch_duplicates_and_quota)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *u = domu_conn(&x, 2);
    char tok[16];
    uint32_t i;

    watch(c, "/u", "t");
    CHECK(!strcmp(next_event(c), "/u|t"));
    CHECK_ERR(call(c, XS_WATCH, 2, "/u", "t"), "EEXIST");
    CHECK_EQ(call(c, XS_UNWATCH, 2, "/u", "t"), XS_UNWATCH);
    CHECK_ERR(call(c, XS_UNWATCH, 2, "/u", "t"), "ENOENT");
    CHECK_EQ(write_node(c, "/u", "", 0), XS_WRITE);
    CHECK(!strcmp(next_event(c), ""));
    CHECK_ERR(call(c, XS_WATCH, 2, "/bad//path", "t"), "EINVAL");
    CHECK_ERR(call(c, XS_WATCH, 2, "@otherSpecial", "t"), "EINVAL");
    for (i = 0; i < 128; i++) {
        snprintf(tok, sizeof(tok), "t%u", i);
        CHECK_EQ(call(u, XS_WATCH, 2, "/x", tok), XS_WATCH);
    }
    CHECK_ERR(call(u, XS_WATCH, 2, "/x", "one-more"), "E2BIG");
    CHECK_EQ(call(u, XS_RESET_WATCHES, 1, ""), XS_RESET_WATCHES);
    CHECK_EQ(u->nwatches, 0);
    CHECK_EQ(call(u, XS_WATCH, 2, "/x", "again"), XS_WATCH);
    xsd_destroy(&x);
}

TEST(transactions_fire_on_commit_only)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *w = dom0_conn_extra(&x);
    uint32_t t;

    watch(w, "/t", "tx");
    CHECK(!strcmp(next_event(w), "/t|tx"));
    CHECK_EQ(memconn_call(c, XS_TRANSACTION_START, 0, "", 1, reply, &rlen),
             XS_TRANSACTION_START);
    t = (uint32_t)strtoul(reply, NULL, 10);
    CHECK_EQ(memconn_call(c, XS_WRITE, t, "/t/a\0v", 6, reply, &rlen),
             XS_WRITE);
    CHECK(!strcmp(next_event(w), ""));
    CHECK_EQ(memconn_call(c, XS_TRANSACTION_END, t, "T", 2, reply, &rlen),
             XS_TRANSACTION_END);
    CHECK(!strcmp(next_event(w), "/t/a|tx"));
    CHECK_EQ(memconn_call(c, XS_TRANSACTION_START, 0, "", 1, reply, &rlen),
             XS_TRANSACTION_START);
    t = (uint32_t)strtoul(reply, NULL, 10);
    CHECK_EQ(memconn_call(c, XS_WRITE, t, "/t/b\0v", 6, reply, &rlen),
             XS_WRITE);
    CHECK_EQ(memconn_call(c, XS_TRANSACTION_END, t, "F", 2, reply, &rlen),
             XS_TRANSACTION_END);
    CHECK(!strcmp(next_event(w), ""));
    xsd_destroy(&x);
}

TEST(introduce_and_release_fire_special_watches)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x), *u = domu_conn(&x, 9);
    struct xs_conn *w = dom0_conn_extra(&x);

    watch(w, "@introduceDomain", "in");
    watch(w, "@releaseDomain", "out");
    watch(u, "@introduceDomain", "nosy");
    CHECK(!strcmp(next_event(w), "@introduceDomain|in"));
    CHECK(!strcmp(next_event(w), "@releaseDomain|out"));
    CHECK(!strcmp(next_event(u), "@introduceDomain|nosy"));
    CHECK_EQ(call(c, XS_IS_DOMAIN_INTRODUCED, 1, "5"),
             XS_IS_DOMAIN_INTRODUCED);
    CHECK(!strcmp(reply, "F"));
    CHECK_EQ(call(c, XS_INTRODUCE, 3, "5", "4660", "7"), XS_INTRODUCE);
    CHECK(!strcmp(next_event(w), "@introduceDomain|in"));
    CHECK(!strcmp(next_event(u), ""));  /* no read access to the special */
    CHECK_EQ(call(c, XS_IS_DOMAIN_INTRODUCED, 1, "5"),
             XS_IS_DOMAIN_INTRODUCED);
    CHECK(!strcmp(reply, "T"));
    CHECK_EQ(call(c, XS_RELEASE, 1, "5"), XS_RELEASE);
    CHECK(!strcmp(next_event(w), "@releaseDomain|out"));
    CHECK_ERR(call(c, XS_RELEASE, 1, "5"), "ENOENT");
    CHECK_ERR(call(c, XS_INTRODUCE, 2, "5", "1"), "EINVAL");
    CHECK_ERR(call(c, XS_INTRODUCE, 3, "70000", "1", "1"), "EINVAL");
    xsd_destroy(&x);
}
