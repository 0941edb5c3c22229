// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored unit tests: the ring transport over an in-process
 * xenstore_domain_interface, acting as the guest: requests, draining,
 * wrap-around, a full response ring, hostile indexes and oversized
 * messages, the outstanding-request quota and reconnection.
 */
#include <stdlib.h>
#include <string.h>

#include "ktest.h"
#include "ring.h"
#include "xsd.h"

static unsigned int kicks;

static void count_kick(void *arg)
{
    (void)arg;
    kicks++;
}

static const struct xs_ring_ops test_ops = { .kick = count_kick };

/* Guest side: put bytes on the request ring (false if no room). */
static bool guest_put(struct xenstore_domain_interface *r, const void *p,
                      uint32_t len)
{
    uint32_t i;

    if (len > XENSTORE_RING_SIZE - (r->req_prod - r->req_cons))
        return false;
    for (i = 0; i < len; i++)
        r->req[MASK_XENSTORE_IDX(r->req_prod + i)] = ((const char *)p)[i];
    r->req_prod += len;
    return true;
}

static bool guest_request(struct xenstore_domain_interface *r, uint32_t type,
                          uint32_t req_id, const char *payload, uint32_t len)
{
    struct xsd_sockmsg hdr = { type, req_id, 0, len };

    return guest_put(r, &hdr, sizeof(hdr)) && guest_put(r, payload, len);
}

/* Guest side: take one complete reply off the response ring. */
static bool guest_get(struct xenstore_domain_interface *r,
                      struct xsd_sockmsg *hdr, char *payload)
{
    uint32_t avail = r->rsp_prod - r->rsp_cons, i;
    char *h = (char *)hdr;

    if (avail < sizeof(*hdr))
        return false;
    for (i = 0; i < sizeof(*hdr); i++)
        h[i] = r->rsp[MASK_XENSTORE_IDX(r->rsp_cons + i)];
    if (avail < sizeof(*hdr) + hdr->len)
        return false;
    for (i = 0; i < hdr->len; i++)
        payload[i] = r->rsp[MASK_XENSTORE_IDX(r->rsp_cons + sizeof(*hdr) + i)];
    payload[hdr->len] = '\0';
    r->rsp_cons += (uint32_t)sizeof(*hdr) + hdr->len;
    return true;
}

struct fixture {
    struct xsd x;
    struct xenstore_domain_interface *intf;
    struct xs_conn *c;
};

static void setup(struct fixture *f, uint32_t domid)
{
    CHECK_EQ(xsd_init(&f->x), 0);
    f->intf = calloc(1, sizeof(*f->intf));
    f->c = ring_conn_new(&f->x, domid, f->intf, &test_ops);
    CHECK(f->c != NULL);
    kicks = 0;
}

static void teardown(struct fixture *f)
{
    xsd_destroy(&f->x);
    free(f->intf);
}

TEST(request_gets_a_reply_and_a_kick)
{
    struct fixture f;
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];

    setup(&f, 0);
    CHECK_EQ(f.intf->server_features, XENSTORE_SERVER_FEATURE_RECONNECTION |
                                      XENSTORE_SERVER_FEATURE_ERROR);
    CHECK(guest_request(f.intf, XS_GET_DOMAIN_PATH, 7, "3", 2));
    ring_handle_event(f.c);
    CHECK(guest_get(f.intf, &hdr, payload));
    CHECK_EQ(hdr.type, XS_GET_DOMAIN_PATH);
    CHECK_EQ(hdr.req_id, 7);
    CHECK(!strcmp(payload, "/local/domain/3"));
    CHECK(kicks >= 1);
    CHECK_EQ(f.intf->req_cons, f.intf->req_prod);
    teardown(&f);
}

TEST(every_request_is_drained_per_wakeup)
{
    struct fixture f;
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t i, got = 0;

    setup(&f, 0);
    for (i = 0; i < 10; i++)
        CHECK(guest_request(f.intf, XS_READ, i, "/tool", 6));
    ring_handle_event(f.c);
    while (guest_get(f.intf, &hdr, payload)) {
        CHECK_EQ(hdr.req_id, got);
        got++;
    }
    CHECK_EQ(got, 10);
    teardown(&f);
}

TEST(indexes_wrap_around_uint32)
{
    struct fixture f;
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t i;

    setup(&f, 0);
    f.intf->req_cons = f.intf->req_prod = 0xfffffff0u;
    f.intf->rsp_cons = f.intf->rsp_prod = 0xfffffff8u;
    for (i = 0; i < 3; i++) {
        CHECK(guest_request(f.intf, XS_READ, i, "/tool", 6));
        ring_handle_event(f.c);
        CHECK(guest_get(f.intf, &hdr, payload));
        CHECK_EQ(hdr.type, XS_READ);
    }
    CHECK(!f.c->broken);
    teardown(&f);
}

TEST(full_response_ring_waits_for_the_guest)
{
    struct fixture f;
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    char value[1000];
    uint32_t got = 0, round;

    setup(&f, 0);
    memset(value, 'v', sizeof(value));
    memcpy(value, "/big\0", 5);
    CHECK(guest_request(f.intf, XS_WRITE, 1, value, sizeof(value)));
    ring_handle_event(f.c);
    CHECK(guest_get(f.intf, &hdr, payload));
    CHECK(guest_request(f.intf, XS_READ, 2, "/big", 5));
    CHECK(guest_request(f.intf, XS_READ, 3, "/big", 5));
    ring_handle_event(f.c);
    CHECK_EQ(f.intf->rsp_prod - f.intf->rsp_cons, XENSTORE_RING_SIZE);
    for (round = 0; round < 10 && got < 2; round++) {
        while (guest_get(f.intf, &hdr, payload)) {
            CHECK_EQ(hdr.len, sizeof(value) - 5);
            got++;
        }
        if (f.intf->rsp_prod - f.intf->rsp_cons == XENSTORE_RING_SIZE)
            break;
        ring_handle_event(f.c);
    }
    CHECK_EQ(got, 2);
    CHECK(!f.c->broken);
    teardown(&f);
}

TEST(producer_too_far_ahead_breaks_the_connection)
{
    struct fixture f;

    setup(&f, 3);
    f.intf->req_prod = f.intf->req_cons + XENSTORE_RING_SIZE + 1;
    ring_handle_event(f.c);
    CHECK(f.c->broken);
    CHECK_EQ(f.intf->error, XENSTORE_ERROR_RINGIDX);
    ring_handle_event(f.c);     /* ignored, no crash */
    teardown(&f);
}

TEST(bogus_response_indexes_break_the_connection)
{
    struct fixture f;

    setup(&f, 3);
    f.intf->rsp_cons = 5000;
    f.intf->rsp_prod = 1;
    CHECK(guest_request(f.intf, XS_READ, 1, "/", 2));
    ring_handle_event(f.c);
    CHECK(f.c->broken);
    CHECK_EQ(f.intf->error, XENSTORE_ERROR_RINGIDX);
    teardown(&f);
}

TEST(oversized_message_is_a_protocol_error)
{
    struct fixture f;
    struct xsd_sockmsg hdr = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };

    setup(&f, 3);
    CHECK(guest_put(f.intf, &hdr, sizeof(hdr)));
    ring_handle_event(f.c);
    CHECK(f.c->broken);
    CHECK_EQ(f.intf->error, XENSTORE_ERROR_PROTO);
    teardown(&f);
}

TEST(outstanding_quota_pauses_reading)
{
    struct fixture f;
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t i, got = 0;

    setup(&f, 3);
    f.x.quota.outstanding = 2;
    /* Fill the response ring so replies queue up inside the daemon. */
    f.intf->rsp_prod = XENSTORE_RING_SIZE;
    for (i = 0; i < 6; i++)
        CHECK(guest_request(f.intf, XS_GET_DOMAIN_PATH, i, "1", 2));
    ring_handle_event(f.c);
    CHECK_EQ(f.c->out_replies, 2);
    CHECK(f.intf->req_cons != f.intf->req_prod);    /* rest left unread */
    f.intf->rsp_cons = f.intf->rsp_prod;            /* guest catches up */
    for (i = 0; i < 8; i++) {
        ring_handle_event(f.c);
        while (guest_get(f.intf, &hdr, payload))
            got++;
    }
    CHECK_EQ(got, 6);
    CHECK(!f.c->broken);
    teardown(&f);
}

TEST(reconnect_resets_the_connection)
{
    struct fixture f;
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];

    setup(&f, 0);
    CHECK(guest_request(f.intf, XS_WATCH, 1, "/\0t", 4));
    ring_handle_event(f.c);
    CHECK_EQ(f.c->nwatches, 1);
    f.intf->connection = XENSTORE_RECONNECT;
    ring_handle_event(f.c);
    CHECK_EQ(f.intf->connection, XENSTORE_CONNECTED);
    CHECK_EQ(f.c->nwatches, 0);
    CHECK_EQ(f.intf->rsp_prod, 0);
    CHECK(guest_request(f.intf, XS_READ, 2, "/tool", 6));
    ring_handle_event(f.c);
    CHECK(guest_get(f.intf, &hdr, payload));
    CHECK_EQ(hdr.req_id, 2);
    teardown(&f);
}
