// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored unit tests: domains going away.  A dying or vanished domain
 * (as the simulated hypervisor reports it to domain_check_all) loses its
 * connection, watches and transactions, the nodes it owns and its
 * permission entries, and @releaseDomain fires exactly once; a shut down
 * one fires @releaseDomain once until XS_RESUME.  Also the domain
 * messages' corner cases and XS_CONTROL's testing aids.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "dominfo.h"
#include "ktest.h"
#include "memconn.h"
#include "xs_fixture.h"
#include "xsd.h"

static uint32_t call_tx(struct xs_conn *c, uint32_t type, uint32_t tx,
                        const char *payload, uint32_t len)
{
    return memconn_call(c, type, tx, payload, len, reply, &rlen);
}

/* The backend INTRODUCE uses: an in-memory connection per domain. */
static struct xs_conn *fake_connect(struct xsd *x, struct xs_domain *d)
{
    struct xs_caller caller = { .domid = d->domid };

    return memconn_new(x, &caller);
}

static struct xs_ring_backend fake_backend = { .connect = fake_connect };

struct fixture {
    struct xsd x;
    struct xs_conn *dom0;       /* the toolstack */
    struct xs_conn *w;          /* dom0 watcher */
};

static void setup(struct fixture *f)
{
    static const struct xs_caller dom0 = { .privileged = true };

    CHECK_EQ(xsd_init(&f->x), 0);
    f->x.backend = &fake_backend;
    f->x.dominfo = dominfo_sim_new();
    CHECK(f->x.dominfo != NULL);
    f->dom0 = memconn_new(&f->x, &dom0);
    f->w = memconn_new(&f->x, &dom0);
}

static uint32_t count_conns(const struct xsd *x)
{
    const struct xs_conn *c;
    uint32_t n = 0;

    for (c = x->conns; c; c = c->next)
        n++;
    return n;
}

/* How many events for @path are queued on @c (consumes everything). */
static uint32_t events_for(struct xs_conn *c, const char *path)
{
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t n = 0;

    while (memconn_recv(c, &hdr, payload))
        if (hdr.type == XS_WATCH_EVENT && !strcmp(payload, path))
            n++;
    return n;
}

static void watch(struct xs_conn *c, const char *path, const char *token)
{
    CHECK_EQ(call(c, XS_WATCH, 2, path, token), XS_WATCH);
}

/* Toolstack-style layout for domain @id: /local/domain/<id> (n0 r<id>)
 * with a "data" directory the domain owns, and /shared readable by it. */
static struct xs_conn *introduce(struct fixture *f, uint32_t id)
{
    char home[64], data[80], rperm[16], nperm[16], sid[16];

    snprintf(home, sizeof(home), "/local/domain/%u", id);
    snprintf(data, sizeof(data), "%s/data", home);
    snprintf(rperm, sizeof(rperm), "r%u", id);
    snprintf(nperm, sizeof(nperm), "n%u", id);
    snprintf(sid, sizeof(sid), "%u", id);
    CHECK_EQ(call(f->dom0, XS_MKDIR, 1, data), XS_MKDIR);
    CHECK_EQ(call(f->dom0, XS_SET_PERMS, 3, home, "n0", rperm), XS_SET_PERMS);
    CHECK_EQ(call(f->dom0, XS_SET_PERMS, 2, data, nperm), XS_SET_PERMS);
    CHECK_EQ(call(f->dom0, XS_INTRODUCE, 3, sid, "4660", "7"), XS_INTRODUCE);
    CHECK(domain_find(&f->x, id) != NULL);
    CHECK(domain_find(&f->x, id)->conn != NULL);
    return domain_find(&f->x, id)->conn;
}

TEST(dying_domain_is_released_with_everything_it_held)
{
    struct fixture f;
    struct xs_conn *d5;
    uint32_t conns, tx;
    const struct xs_node *n;

    setup(&f);
    d5 = introduce(&f, 5);
    CHECK_EQ(call(f.dom0, XS_WRITE, 1, "/shared"), XS_WRITE);
    CHECK_EQ(call(f.dom0, XS_SET_PERMS, 3, "/shared", "n0", "r5"),
             XS_SET_PERMS);
    CHECK_EQ(call(d5, XS_WRITE, 2, "data/x", "1"), XS_WRITE);
    CHECK_EQ(call(d5, XS_WATCH, 2, "data", "mine"), XS_WATCH);
    CHECK_EQ(call(d5, XS_TRANSACTION_START, 1, ""), XS_TRANSACTION_START);
    tx = (uint32_t)strtoul(reply, NULL, 10);
    CHECK_EQ(call_tx(d5, XS_WRITE, tx, "data/y\0" "2", 9), XS_WRITE);
    CHECK_EQ(d5->nwatches, 1);
    CHECK_EQ(d5->ntxns, 1);
    CHECK_EQ(store_owned(&f.x.store, 5), 2);    /* data, data/x */
    watch(f.w, "@releaseDomain", "out");
    watch(f.w, "/local/domain/5/data", "gone");
    events_for(f.w, "@releaseDomain");          /* the initial events */
    conns = count_conns(&f.x);

    domain_check_all(&f.x);                     /* nothing happened yet */
    CHECK(domain_find(&f.x, 5) != NULL);
    CHECK_EQ(events_for(f.w, "@releaseDomain"), 0);

    CHECK_EQ(dominfo_sim_set(f.x.dominfo, 5, XS_DOM_DYING), 0);
    domain_check_all(&f.x);
    CHECK(domain_find(&f.x, 5) == NULL);
    CHECK_EQ(count_conns(&f.x), conns - 1);     /* its connection freed */
    CHECK_EQ(store_owned(&f.x.store, 5), 0);    /* quota given back */
    CHECK(store_get(&f.x.store, "/local/domain/5/data") == NULL);
    CHECK(store_get(&f.x.store, "/local/domain/5/data/x") == NULL);
    n = store_get(&f.x.store, "/local/domain/5");   /* dom0's: stays */
    CHECK(n != NULL);
    CHECK_EQ(n->nperms, 1);                     /* r5 dropped */
    n = store_get(&f.x.store, "/shared");
    CHECK(n != NULL);
    CHECK_EQ(n->nperms, 1);
    CHECK_EQ(n->perms[0].domid, 0);
    CHECK_EQ(events_for(f.w, "@releaseDomain"), 1);
    xsd_destroy(&f.x);

    /* Gone rather than dying; the removal and the release both seen. */
    setup(&f);
    introduce(&f, 5);
    watch(f.w, "@releaseDomain", "out");
    watch(f.w, "/local/domain/5/data", "gone");
    events_for(f.w, "");
    CHECK_EQ(dominfo_sim_set(f.x.dominfo, 5, XS_DOM_GONE), 0);
    domain_check_all(&f.x);
    domain_check_all(&f.x);                     /* a second VIRQ: no-op */
    {
        struct xsd_sockmsg hdr;
        char payload[XENSTORE_PAYLOAD_MAX + 1];
        uint32_t rel = 0, gone = 0;

        while (memconn_recv(f.w, &hdr, payload)) {
            rel += !strcmp(payload, "@releaseDomain");
            gone += !strcmp(payload, "/local/domain/5/data");
        }
        CHECK_EQ(rel, 1);
        CHECK_EQ(gone, 1);
    }
    CHECK_ERR(call(f.dom0, XS_RELEASE, 1, "5"), "ENOENT");
    CHECK_EQ(call(f.dom0, XS_IS_DOMAIN_INTRODUCED, 1, "5"),
             XS_IS_DOMAIN_INTRODUCED);
    CHECK(!strcmp(reply, "F"));
    xsd_destroy(&f.x);
}

TEST(shutdown_fires_release_once_until_resume)
{
    struct fixture f;

    setup(&f);
    introduce(&f, 4);
    watch(f.w, "@releaseDomain", "out");
    events_for(f.w, "@releaseDomain");
    CHECK_EQ(dominfo_sim_set(f.x.dominfo, 4, XS_DOM_SHUTDOWN), 0);
    domain_check_all(&f.x);
    CHECK_EQ(events_for(f.w, "@releaseDomain"), 1);
    CHECK(domain_find(&f.x, 4) != NULL);        /* still introduced */
    CHECK(domain_find(&f.x, 4)->shutdown);
    domain_check_all(&f.x);
    CHECK_EQ(events_for(f.w, "@releaseDomain"), 0);
    CHECK_EQ(call(f.dom0, XS_RESUME, 1, "4"), XS_RESUME);
    CHECK(!domain_find(&f.x, 4)->shutdown);
    domain_check_all(&f.x);                     /* still shut down */
    CHECK_EQ(events_for(f.w, "@releaseDomain"), 1);
    CHECK_ERR(call(f.dom0, XS_RESUME, 1, "0"), "EINVAL");
    CHECK_ERR(call(f.dom0, XS_RESUME, 1, "9"), "ENOENT");
    xsd_destroy(&f.x);
}

TEST(unanswered_query_releases_nothing)
{
    struct fixture f;

    setup(&f);
    introduce(&f, 3);
    watch(f.w, "@releaseDomain", "out");
    events_for(f.w, "@releaseDomain");
    CHECK_EQ(dominfo_sim_set(f.x.dominfo, 3, XS_DOM_DYING), 0);
    dominfo_sim_fail(f.x.dominfo, EIO);
    domain_check_all(&f.x);
    CHECK(domain_find(&f.x, 3) != NULL);
    CHECK_EQ(events_for(f.w, "@releaseDomain"), 0);
    dominfo_sim_fail(f.x.dominfo, 0);
    domain_check_all(&f.x);
    CHECK(domain_find(&f.x, 3) == NULL);
    CHECK_EQ(events_for(f.w, "@releaseDomain"), 1);
    xsd_destroy(&f.x);
}

TEST(keep_orphans_gives_the_nodes_to_dom0)
{
    struct fixture f;
    struct xs_conn *d6;
    const struct xs_node *n;
    uint32_t owned0;

    setup(&f);
    f.x.keep_orphans = true;
    d6 = introduce(&f, 6);
    CHECK_EQ(call(d6, XS_WRITE, 2, "data/x", "1"), XS_WRITE);
    owned0 = store_owned(&f.x.store, 0);
    CHECK_EQ(call(f.dom0, XS_RELEASE, 1, "6"), XS_RELEASE);
    n = store_get(&f.x.store, "/local/domain/6/data/x");
    CHECK(n != NULL);
    CHECK_EQ(node_owner(n), 0);
    CHECK_EQ(store_owned(&f.x.store, 6), 0);
    CHECK_EQ(store_owned(&f.x.store, 0), owned0 + 2);
    xsd_destroy(&f.x);
}

TEST(release_closes_stand_ins_and_lifts_targets)
{
    struct fixture f;
    struct xs_caller as6 = { .domid = 6 };
    struct xs_conn *stand_in, *d7;

    setup(&f);
    stand_in = memconn_new(&f.x, &as6);
    introduce(&f, 6);
    d7 = introduce(&f, 7);
    CHECK_ERR(call(f.dom0, XS_SET_TARGET, 2, "7", "8"), "ENOENT");
    CHECK_ERR(call(f.dom0, XS_SET_TARGET, 2, "8", "6"), "ENOENT");
    CHECK_EQ(call(f.dom0, XS_SET_TARGET, 2, "7", "6"), XS_SET_TARGET);
    CHECK(d7->caller.has_target);
    /* Domain 7 now acts as the owner of domain 6's nodes. */
    CHECK_EQ(call(d7, XS_WRITE, 2, "/local/domain/6/data/t", "x"), XS_WRITE);
    CHECK_EQ(call(f.dom0, XS_RELEASE, 1, "6"), XS_RELEASE);
    CHECK(stand_in->broken);
    CHECK(!d7->caller.has_target);
    CHECK(!domain_find(&f.x, 7)->has_target);
    CHECK(!d7->broken);
    xsd_destroy(&f.x);
}

TEST(control_domain_state_is_a_simulator_only_aid)
{
    struct fixture f;

    setup(&f);
    introduce(&f, 5);
    CHECK_ERR(call(f.dom0, XS_CONTROL, 3, "domain-state", "5", "zombie"),
              "EINVAL");
    CHECK_ERR(call(f.dom0, XS_CONTROL, 2, "domain-dying", "0"), "EINVAL");
    CHECK_ERR(call(f.dom0, XS_CONTROL, 3, "domain-dying", "5", "x"),
              "EINVAL");
    CHECK_EQ(call(f.dom0, XS_CONTROL, 3, "domain-state", "5", "shutdown"),
             XS_CONTROL);
    CHECK(domain_find(&f.x, 5)->shutdown);
    CHECK_EQ(call(f.dom0, XS_CONTROL, 2, "domain-dying", "5"), XS_CONTROL);
    CHECK(domain_find(&f.x, 5) == NULL);
    /* With a real hypervisor the command does not exist. */
    f.x.dominfo->simulated = false;
    introduce(&f, 8);
    CHECK_ERR(call(f.dom0, XS_CONTROL, 2, "domain-dying", "8"), "EINVAL");
    CHECK(domain_find(&f.x, 8) != NULL);
    xsd_destroy(&f.x);
}

TEST(domain_message_corner_cases)
{
    struct fixture f;

    setup(&f);
    CHECK_EQ(call(f.dom0, XS_IS_DOMAIN_INTRODUCED, 1, "32752"),
             XS_IS_DOMAIN_INTRODUCED);          /* DOMID_SELF */
    CHECK(!strcmp(reply, "T"));
    CHECK_EQ(call(f.dom0, XS_IS_DOMAIN_INTRODUCED, 1, "0"),
             XS_IS_DOMAIN_INTRODUCED);
    CHECK(!strcmp(reply, "T"));
    CHECK_ERR(call(f.dom0, XS_RELEASE, 1, "0"), "EINVAL");
    CHECK_EQ(call(f.dom0, XS_CONTROL, 4, "quota", "set", "nodes", "7"),
             XS_CONTROL);
    CHECK_EQ(call(f.dom0, XS_CONTROL, 2, "quota", "nodes"), XS_CONTROL);
    CHECK(!strcmp(reply, "7"));
    CHECK_ERR(call(f.dom0, XS_CONTROL, 4, "quota", "set", "bogus", "7"),
              "EINVAL");
    xsd_destroy(&f.x);
}
