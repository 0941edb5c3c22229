// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored unit tests: permissions (parsing, the access rule, inheritance,
 * ownership), quotas for unprivileged domains and the logging of denials.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktest.h"
#include "log.h"
#include "memconn.h"
#include "perms.h"
#include "xs_fixture.h"
#include "xsd.h"

TEST(perm_strings_parse_and_format)
{
    struct xs_perm p;
    struct xs_buf b;

    CHECK(perm_parse("b7", &p) && p.perm == XS_PERM_BOTH && p.domid == 7);
    CHECK(perm_parse("n0", &p) && p.perm == XS_PERM_NONE);
    CHECK(!perm_parse("x1", &p));
    CHECK(!perm_parse("r", &p));
    CHECK(!perm_parse("r1a", &p));
    CHECK(!perm_parse("r65536", &p));
    CHECK(!perm_parse("r-1", &p));
    buf_init(&b);
    p.perm = XS_PERM_WRITE;
    p.domid = 12;
    CHECK(perm_format(&b, &p));
    CHECK(!strcmp((char *)b.data, "w12"));
    buf_free(&b);
}

TEST(access_rule_owner_listed_default_target)
{
    const struct xs_perm perms[] = { { 5, XS_PERM_READ }, { 6, XS_PERM_WRITE },
                                     { 7, XS_PERM_NONE } };
    struct xs_caller c = { .domid = 5 };

    CHECK_EQ(perm_rights(&c, perms, 3), XS_PERM_BOTH | XS_PERM_OWNER);
    c.domid = 6;
    CHECK_EQ(perm_rights(&c, perms, 3), XS_PERM_WRITE);
    c.domid = 7;
    CHECK_EQ(perm_rights(&c, perms, 3), XS_PERM_NONE);
    c.domid = 8;                     /* unlisted: the owner entry's default */
    CHECK_EQ(perm_rights(&c, perms, 3), XS_PERM_READ);
    c.has_target = true;             /* a stub domain acting for domain 5 */
    c.target = 5;
    CHECK_EQ(perm_rights(&c, perms, 3), XS_PERM_BOTH | XS_PERM_OWNER);
    c = (struct xs_caller){ .domid = 9, .privileged = true };
    CHECK_EQ(perm_rights(&c, perms, 3), XS_PERM_BOTH | XS_PERM_OWNER);
}

TEST(unprivileged_access_is_checked)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = domu_conn(&x, 3);

    CHECK_EQ(write_node(c0, "/secret", "s", 1), XS_WRITE);
    CHECK_ERR(call(u, XS_READ, 1, "/secret"), "EACCES");
    CHECK_ERR(write_node(u, "/secret", "x", 1), "EACCES");
    CHECK_ERR(call(u, XS_RM, 1, "/secret"), "EACCES");
    CHECK_ERR(call(u, XS_SET_PERMS, 2, "/secret", "b3"), "EACCES");
    /* A missing node under an unreadable parent does not leak. */
    CHECK_ERR(call(u, XS_READ, 1, "/secret/none"), "EACCES");
    CHECK_EQ(call(c0, XS_SET_PERMS, 3, "/secret", "n0", "r3"), XS_SET_PERMS);
    CHECK_EQ(call(u, XS_READ, 1, "/secret"), XS_READ);
    CHECK_ERR(call(u, XS_READ, 1, "/secret/none"), "ENOENT");
    CHECK_ERR(write_node(u, "/secret", "x", 1), "EACCES");
    CHECK_ERR(call(u, XS_INTRODUCE, 3, "4", "1", "1"), "EACCES");
    CHECK_ERR(call(u, XS_CONTROL, 1, "quota"), "EACCES");
    xsd_destroy(&x);
}

TEST(children_inherit_and_creators_own)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = domu_conn(&x, 3);

    CHECK_EQ(call(c0, XS_MKDIR, 1, "/local/domain/3"), XS_MKDIR);
    CHECK_EQ(call(c0, XS_SET_PERMS, 3, "/local/domain/3", "n0", "b3"),
             XS_SET_PERMS);
    CHECK_EQ(write_node(c0, "/local/domain/3/byzero", "", 0), XS_WRITE);
    CHECK_EQ(call(c0, XS_GET_PERMS, 1, "/local/domain/3/byzero"),
             XS_GET_PERMS);
    CHECK_EQ(rlen, sizeof("n0\0b3"));
    CHECK(!memcmp(reply, "n0\0b3", rlen));
    CHECK_EQ(write_node(u, "data/x", "v", 1), XS_WRITE);   /* relative */
    CHECK_EQ(call(u, XS_GET_PERMS, 1, "data"), XS_GET_PERMS);
    CHECK(!memcmp(reply, "n3\0b3", sizeof("n3\0b3")));
    CHECK_EQ(store_owned(&x.store, 3), 2);
    /* Owners may change perms but not give the node away. */
    CHECK_EQ(call(u, XS_SET_PERMS, 2, "data", "r3"), XS_SET_PERMS);
    CHECK_ERR(call(u, XS_SET_PERMS, 2, "data", "r4"), "EPERM");
    CHECK_ERR(call(u, XS_SET_PERMS, 2, "data", "q4"), "EINVAL");
    xsd_destroy(&x);
}

static struct xs_conn *home_for(struct xsd *x, struct xs_conn *c0,
                                uint32_t domid)
{
    char path[32], perm[16];

    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    snprintf(perm, sizeof(perm), "n%u", domid);
    CHECK_EQ(call(c0, XS_MKDIR, 1, path), XS_MKDIR);
    CHECK_EQ(call(c0, XS_SET_PERMS, 2, path, perm), XS_SET_PERMS);
    return domu_conn(x, domid);
}

TEST(node_quota_is_enospc_and_atomic)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = home_for(&x, c0, 3);
    char name[32];
    uint32_t i;

    x.quota.nodes = 5;      /* the home itself counts: 4 more allowed */
    for (i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "n%u", i);
        CHECK_EQ(write_node(u, name, "", 0), XS_WRITE);
    }
    CHECK_ERR(write_node(u, "n9", "", 0), "ENOSPC");
    CHECK_EQ(call(u, XS_RM, 1, "n0"), XS_RM);
    CHECK_ERR(write_node(u, "p/q", "", 0), "ENOSPC");   /* needs two */
    CHECK_ERR(call(u, XS_READ, 1, "p"), "ENOENT");       /* nothing left */
    CHECK_EQ(write_node(u, "p", "", 0), XS_WRITE);
    CHECK_EQ(write_node(c0, "/local/domain/3/by0-a/b/c", "", 0), XS_WRITE);
    xsd_destroy(&x);
}

TEST(size_perm_count_and_path_quotas)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = home_for(&x, c0, 3);
    static char big[3000];
    static char longrel[XENSTORE_REL_PATH_MAX + 2];

    memset(big, 'v', sizeof(big));
    CHECK_ERR(write_node(u, "big", big, 2049), "ENOSPC");
    CHECK_EQ(write_node(u, "big", big, 2000), XS_WRITE);
    CHECK_EQ(write_node(c0, "/local/domain/3/big", big, sizeof(big)),
             XS_WRITE);                         /* dom0 is unlimited */
    CHECK_ERR(call(u, XS_SET_PERMS, 7, "big", "n3", "r1", "r2", "r4", "r5",
                   "r6"), "ENOSPC");
    CHECK_EQ(call(u, XS_SET_PERMS, 5, "big", "n3", "r1", "r2", "r4", "r5"),
             XS_SET_PERMS);
    memset(longrel, 'a', sizeof(longrel) - 1);
    CHECK_ERR(write_node(u, longrel, "", 0), "EINVAL");
    xsd_destroy(&x);
}

TEST(denials_are_logged)
{
    struct xsd x;
    struct xs_conn *c0 = dom0_conn(&x), *u = domu_conn(&x, 3);
    char path[] = "/tmp/xs-perm-log-XXXXXX";
    char text[4096] = "";
    int fd = mkstemp(path);
    FILE *f;

    CHECK(fd >= 0);
    close(fd);
    CHECK_EQ(xsd_log_open(path), 0);
    CHECK_EQ(write_node(c0, "/hidden", "s", 1), XS_WRITE);
    CHECK_ERR(call(u, XS_READ, 1, "/hidden"), "EACCES");
    xsd_log_close();
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        CHECK(fread(text, 1, sizeof(text) - 1, f) > 0);
        fclose(f);
    }
    unlink(path);
    CHECK(strstr(text, "denied: domain 3 read /hidden") != NULL);
    xsd_destroy(&x);
}
