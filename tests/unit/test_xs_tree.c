// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored unit tests: node operations through the dispatcher (READ,
 * WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART), path validation and the
 * handling of malformed messages.
 */
#include <string.h>

#include "ktest.h"
#include "memconn.h"
#include "xs_fixture.h"
#include "xsd.h"

TEST(write_then_read_creates_parents)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);

    CHECK_EQ(write_node(c, "/a/b/c", "hello", 5), XS_WRITE);
    CHECK(!strcmp(reply, "OK"));
    CHECK_EQ(call(c, XS_READ, 1, "/a/b/c"), XS_READ);
    CHECK_EQ(rlen, 5);
    CHECK(!memcmp(reply, "hello", 5));
    CHECK_EQ(call(c, XS_READ, 1, "/a/b"), XS_READ);
    CHECK_EQ(rlen, 0);
    CHECK_EQ(call(c, XS_DIRECTORY, 1, "/a"), XS_DIRECTORY);
    CHECK_EQ(rlen, 2);
    CHECK(!memcmp(reply, "b\0", 2));
    CHECK_EQ(call(c, XS_DIRECTORY, 1, "/"), XS_DIRECTORY);
    CHECK_EQ(rlen, sizeof("tool\0a"));
    xsd_destroy(&x);
}

TEST(binary_values_keep_every_byte)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);
    static const uint8_t val[] = { 0, 1, 0, 255, 'x' };

    CHECK_EQ(write_node(c, "/bin", val, sizeof(val)), XS_WRITE);
    CHECK_EQ(call(c, XS_READ, 1, "/bin"), XS_READ);
    CHECK_EQ(rlen, sizeof(val));
    CHECK(!memcmp(reply, val, sizeof(val)));
    xsd_destroy(&x);
}

TEST(read_missing_is_enoent)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);

    CHECK_ERR(call(c, XS_READ, 1, "/nope"), "ENOENT");
    CHECK_ERR(call(c, XS_DIRECTORY, 1, "/nope/deeper"), "ENOENT");
    xsd_destroy(&x);
}

TEST(mkdir_is_idempotent)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);

    CHECK_EQ(call(c, XS_MKDIR, 1, "/m/n"), XS_MKDIR);
    CHECK_EQ(write_node(c, "/m/n", "v", 1), XS_WRITE);
    CHECK_EQ(call(c, XS_MKDIR, 1, "/m/n"), XS_MKDIR);
    CHECK_EQ(call(c, XS_READ, 1, "/m/n"), XS_READ);
    CHECK_EQ(rlen, 1);      /* mkdir of an existing node keeps its value */
    xsd_destroy(&x);
}

TEST(rm_is_recursive_and_root_is_protected)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);

    CHECK_EQ(write_node(c, "/r/s/t", "1", 1), XS_WRITE);
    CHECK_EQ(write_node(c, "/r/u", "2", 1), XS_WRITE);
    CHECK_EQ(call(c, XS_RM, 1, "/r"), XS_RM);
    CHECK_ERR(call(c, XS_READ, 1, "/r/s/t"), "ENOENT");
    CHECK_ERR(call(c, XS_READ, 1, "/r"), "ENOENT");
    CHECK_EQ(x.store.nodes.count, 5);   /* only the initial nodes left */
    CHECK_ERR(call(c, XS_RM, 1, "/"), "EINVAL");
    CHECK_EQ(call(c, XS_RM, 1, "/gone"), XS_RM);    /* parent exists */
    CHECK_ERR(call(c, XS_RM, 1, "/gone/deeper"), "ENOENT");
    xsd_destroy(&x);
}

TEST(invalid_paths_are_einval)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);
    static char longp[XENSTORE_ABS_PATH_MAX + 8];

    memset(longp, 'a', sizeof(longp) - 1);
    longp[0] = '/';
    CHECK_ERR(call(c, XS_READ, 1, "//x"), "EINVAL");
    CHECK_ERR(call(c, XS_READ, 1, "/x/"), "EINVAL");
    CHECK_ERR(call(c, XS_READ, 1, "/a b"), "EINVAL");
    CHECK_ERR(call(c, XS_READ, 1, "/a.b"), "EINVAL");
    CHECK_ERR(call(c, XS_READ, 1, ""), "EINVAL");
    CHECK_ERR(call(c, XS_READ, 1, "@introduceDomain"), "EINVAL");
    CHECK_ERR(write_node(c, longp, "v", 1), "EINVAL");
    CHECK_EQ(write_node(c, "/ok_A-9@", "v", 1), XS_WRITE);
    xsd_destroy(&x);
}

TEST(relative_paths_are_under_the_domain_home)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);

    CHECK_EQ(write_node(c, "device/vif", "x", 1), XS_WRITE);
    CHECK_EQ(call(c, XS_READ, 1, "/local/domain/0/device/vif"), XS_READ);
    CHECK_EQ(call(c, XS_GET_DOMAIN_PATH, 1, "7"), XS_GET_DOMAIN_PATH);
    CHECK(!strcmp(reply, "/local/domain/7"));
    CHECK_ERR(call(c, XS_GET_DOMAIN_PATH, 1, "x7"), "EINVAL");
    xsd_destroy(&x);
}

TEST(directory_part_reassembles_a_long_list)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);
    char path[64], off[16], gen[32] = "";
    uint32_t got = 0, total = 0, i, chunks = 0;

    for (i = 0; i < 400; i++) {
        snprintf(path, sizeof(path), "/big/child-number-%03u", i);
        CHECK_EQ(call(c, XS_MKDIR, 1, path), XS_MKDIR);
        total += (uint32_t)strlen(path) - 5 + 1;
    }
    CHECK_ERR(call(c, XS_DIRECTORY, 1, "/big"), "E2BIG");
    for (;;) {
        size_t glen;

        snprintf(off, sizeof(off), "%u", got);
        CHECK_EQ(call(c, XS_DIRECTORY_PART, 2, "/big", off),
                 XS_DIRECTORY_PART);
        glen = strlen(reply) + 1;
        if (!gen[0])
            strcpy(gen, reply);
        CHECK(!strcmp(gen, reply));     /* unchanged node, same generation */
        chunks++;
        if (rlen >= 2 && reply[rlen - 1] == 0 && reply[rlen - 2] == 0 &&
            rlen - glen >= 1) {
            got += rlen - (uint32_t)glen - 1;
            break;
        }
        got += rlen - (uint32_t)glen;
        if (chunks > 10)
            break;
    }
    CHECK_EQ(got, total);
    CHECK(chunks >= 2);
    xsd_destroy(&x);
}

TEST(malformed_requests_get_einval)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);

    CHECK_ERR(memconn_call(c, 999, 0, "x", 1, reply, &rlen), "EINVAL");
    CHECK_ERR(memconn_call(c, XS_WATCH_EVENT, 0, "a\0b", 4, reply, &rlen),
              "EINVAL");
    CHECK_ERR(memconn_call(c, XS_ERROR, 0, "E", 2, reply, &rlen), "EINVAL");
    CHECK_ERR(memconn_call(c, 20, 0, "", 0, reply, &rlen), "EINVAL");
    CHECK_ERR(memconn_call(c, XS_READ, 0, "/tool", 5, reply, &rlen),
              "EINVAL");                                /* no NUL */
    CHECK_ERR(memconn_call(c, XS_READ, 0, "/a\0/b", 6, reply, &rlen),
              "EINVAL");                                /* two args */
    CHECK_ERR(memconn_call(c, XS_WRITE, 0, "/novalue", 8, reply, &rlen),
              "EINVAL");
    CHECK(!c->broken);
    CHECK_EQ(call(c, XS_READ, 1, "/tool"), XS_READ);
    xsd_destroy(&x);
}

TEST(oversized_message_drops_the_connection)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);
    struct xsd_sockmsg hdr = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };

    memconn_feed(c, &hdr, sizeof(hdr));
    CHECK(c->broken);
    xsd_destroy(&x);
}

TEST(split_messages_are_reassembled)
{
    struct xsd x;
    struct xs_conn *c = dom0_conn(&x);
    struct xsd_sockmsg hdr = { XS_READ, 42, 0, 6 }, rh;
    const uint8_t *h = (const uint8_t *)&hdr;
    uint32_t i;

    for (i = 0; i < sizeof(hdr); i++)
        memconn_feed(c, h + i, 1);
    memconn_feed(c, "/to", 3);
    CHECK(!memconn_recv(c, &rh, reply));
    memconn_feed(c, "ol", 3);
    CHECK(memconn_recv(c, &rh, reply));
    CHECK_EQ(rh.type, XS_READ);
    CHECK_EQ(rh.req_id, 42);
    xsd_destroy(&x);
}
