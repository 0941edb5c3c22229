// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of libxenstore's wire codec (xenstored/lib/xs_codec.c):
 * building requests, framing a byte stream into messages, checking replies
 * (including hostile ones) and decoding payloads.
 */
#include "ktest.h"

#include <errno.h>
#include <string.h>

#include "xs_codec.h"

static size_t hdr_at(uint8_t *buf, uint32_t type, uint32_t req_id,
                     uint32_t len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };
    memcpy(buf, &h, sizeof(h));
    return sizeof(h);
}

TEST(build_header_and_payload)
{
    static uint8_t buf[XS_MSG_MAX];
    struct iovec iov[2] = { { "/a", 3 }, { "xyz", 3 } };
    ssize_t n = xs_codec_build(buf, XS_WRITE, 7, 9, iov, 2);
    struct xsd_sockmsg h;

    CHECK_EQ(n, 16 + 6);
    memcpy(&h, buf, sizeof(h));
    CHECK_EQ(h.type, XS_WRITE);
    CHECK_EQ(h.req_id, 7);
    CHECK_EQ(h.tx_id, 9);
    CHECK_EQ(h.len, 6);
    CHECK(memcmp(buf + 16, "/a\0xyz", 6) == 0);
}

TEST(build_payload_limit)
{
    static uint8_t buf[XS_MSG_MAX];
    static char big[XENSTORE_PAYLOAD_MAX + 1];
    struct iovec iov[2] = { { big, XENSTORE_PAYLOAD_MAX - 1 }, { big, 1 } };

    CHECK_EQ(xs_codec_build(buf, XS_WRITE, 1, 0, iov, 2),
             16 + XENSTORE_PAYLOAD_MAX);
    iov[1].iov_len = 2;
    errno = 0;
    CHECK_EQ(xs_codec_build(buf, XS_WRITE, 1, 0, iov, 2), -1);
    CHECK_EQ(errno, E2BIG);
    /* A length that would wrap size_t arithmetic is still refused. */
    iov[1].iov_len = (size_t)-1;
    CHECK_EQ(xs_codec_build(buf, XS_WRITE, 1, 0, iov, 2), -1);
    CHECK_EQ(errno, E2BIG);
}

TEST(parse_needs_whole_header_and_body)
{
    uint8_t buf[64];
    struct xs_msg m;
    size_t h = hdr_at(buf, XS_READ, 3, 5);

    memcpy(buf + h, "hello", 5);
    for (size_t len = 0; len < h + 5; len++)
        CHECK_EQ(xs_codec_parse(buf, len, &m), 0);
    CHECK_EQ(xs_codec_parse(buf, h + 5, &m), h + 5);
    CHECK_EQ(m.hdr.type, XS_READ);
    CHECK_EQ(m.hdr.req_id, 3);
    CHECK_EQ(m.hdr.len, 5);
    CHECK(strcmp(m.body, "hello") == 0);    /* NUL added after the body */
    free(m.body);
}

TEST(parse_back_to_back_messages)
{
    uint8_t buf[128];
    struct xs_msg m;
    size_t n = hdr_at(buf, XS_WATCH_EVENT, 0, 4);
    memcpy(buf + n, "/a\0t", 4);
    n += 4;
    n += hdr_at(buf + n, XS_WRITE, 2, 3);
    memcpy(buf + n, "OK", 3);
    n += 3;

    ssize_t used = xs_codec_parse(buf, n, &m);
    CHECK_EQ(used, 20);
    CHECK_EQ(m.hdr.type, XS_WATCH_EVENT);
    free(m.body);
    CHECK_EQ(xs_codec_parse(buf + used, n - (size_t)used, &m), 19);
    CHECK_EQ(m.hdr.type, XS_WRITE);
    CHECK(strcmp(m.body, "OK") == 0);
    free(m.body);
}

TEST(parse_rejects_huge_length)
{
    uint8_t buf[32];
    struct xs_msg m = { .body = NULL };

    hdr_at(buf, XS_READ, 1, XENSTORE_PAYLOAD_MAX + 1);
    errno = 0;
    CHECK_EQ(xs_codec_parse(buf, 16, &m), -1);
    CHECK_EQ(errno, EBADMSG);
    hdr_at(buf, XS_READ, 1, 0xffffffffu);
    CHECK_EQ(xs_codec_parse(buf, 16, &m), -1);
    CHECK_EQ(errno, EBADMSG);
    CHECK(m.body == NULL);
    /* Exactly the maximum is a legal length (body not here yet). */
    hdr_at(buf, XS_READ, 1, XENSTORE_PAYLOAD_MAX);
    CHECK_EQ(xs_codec_parse(buf, 16, &m), 0);
}

static struct xs_msg msg_of(uint32_t type, uint32_t req_id, const char *body,
                            uint32_t len)
{
    struct xs_msg m = { .hdr = { .type = type, .req_id = req_id, .len = len } };
    m.body = (char *)body;
    return m;
}

TEST(check_reply_matches_request)
{
    struct xs_msg m = msg_of(XS_READ, 5, "v", 1);

    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 5), 0);
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 6), EBADMSG);   /* req_id */
    CHECK_EQ(xs_codec_check_reply(&m, XS_WRITE, 5), EBADMSG);  /* type */
    m = msg_of(XS_WATCH_EVENT, 5, "a\0b", 4);
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 5), EBADMSG);
}

TEST(check_reply_error_names)
{
    struct xs_msg m = msg_of(XS_ERROR, 1, "ENOENT", 7);
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 1), ENOENT);
    m = msg_of(XS_ERROR, 1, "EAGAIN", 7);
    CHECK_EQ(xs_codec_check_reply(&m, XS_TRANSACTION_END, 1), EAGAIN);
    m = msg_of(XS_ERROR, 1, "E2BIG", 6);
    CHECK_EQ(xs_codec_check_reply(&m, XS_DIRECTORY, 1), E2BIG);
    m = msg_of(XS_ERROR, 1, "EWHATEVER", 10);     /* unknown: EINVAL */
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 1), EINVAL);
    /* Malformed error payloads. */
    m = msg_of(XS_ERROR, 1, "ENOENT", 6);         /* no NUL */
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 1), EBADMSG);
    m = msg_of(XS_ERROR, 1, "", 0);
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 1), EBADMSG);
    m = msg_of(XS_ERROR, 1, "EIO\0EIO", 8);       /* embedded NUL */
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 1), EBADMSG);
    m = msg_of(XS_ERROR, 2, "ENOENT", 7);         /* someone else's */
    CHECK_EQ(xs_codec_check_reply(&m, XS_READ, 1), EBADMSG);
}

TEST(split_strings)
{
    unsigned int n = 99;
    char **v = xs_codec_split("a\0bb\0ccc\0", 9, &n);

    CHECK_EQ(n, 3);
    CHECK(strcmp(v[0], "a") == 0 && strcmp(v[1], "bb") == 0 &&
          strcmp(v[2], "ccc") == 0);
    CHECK(v[3] == NULL);
    free(v);
    v = xs_codec_split("", 0, &n);
    CHECK(v != NULL);
    CHECK_EQ(n, 0);
    free(v);
    v = xs_codec_split("x\0tail", 6, &n);         /* unterminated tail */
    CHECK_EQ(n, 1);
    CHECK(strcmp(v[0], "x") == 0);
    free(v);
}

TEST(event_needs_path_and_token)
{
    unsigned int n;
    char **v = xs_codec_event_vec("/a/b\0tok\0", 9, &n);

    CHECK(v != NULL);
    CHECK_EQ(n, 2);
    CHECK(strcmp(v[XS_WATCH_PATH], "/a/b") == 0);
    CHECK(strcmp(v[XS_WATCH_TOKEN], "tok") == 0);
    free(v);
    errno = 0;
    CHECK(xs_codec_event_vec("/a/b\0tok", 8, &n) == NULL);
    CHECK_EQ(errno, EBADMSG);
    CHECK(xs_codec_event_vec("", 0, &n) == NULL);
}

TEST(perms_decode)
{
    unsigned int n = 0;
    struct xs_permissions *p = xs_codec_perms("n0\0r5\0b7\0w12\0", 13, &n);

    CHECK(p != NULL);
    CHECK_EQ(n, 4);
    CHECK_EQ(p[0].id, 0);
    CHECK_EQ(p[0].perms, XS_PERM_NONE);
    CHECK_EQ(p[1].id, 5);
    CHECK_EQ(p[1].perms, XS_PERM_READ);
    CHECK_EQ(p[2].perms, XS_PERM_READ | XS_PERM_WRITE);
    CHECK_EQ(p[3].id, 12);
    CHECK_EQ(p[3].perms, XS_PERM_WRITE);
    free(p);
    errno = 0;
    CHECK(xs_codec_perms("x0\0", 3, &n) == NULL);
    CHECK_EQ(errno, EBADMSG);
    CHECK(xs_codec_perms("r\0", 2, &n) == NULL);     /* no domid */
    CHECK(xs_codec_perms("r1x\0", 4, &n) == NULL);   /* junk after id */
    CHECK(xs_codec_perms("r1", 2, &n) == NULL);      /* unterminated */
    CHECK(xs_codec_perms("n0\0\0", 4, &n) == NULL);  /* empty entry */
    CHECK(xs_codec_perms("", 0, &n) == NULL);
}

TEST(perm_to_string)
{
    struct xs_permissions p = { .id = 42, .perms = XS_PERM_READ };
    char buf[MAX_STRLEN(unsigned int) + 1];

    CHECK(xs_perm_to_string(&p, buf, sizeof(buf)));
    CHECK(strcmp(buf, "r42") == 0);
    p.perms = XS_PERM_READ | XS_PERM_WRITE;
    CHECK(xs_perm_to_string(&p, buf, sizeof(buf)));
    CHECK(strcmp(buf, "b42") == 0);
    p = (struct xs_permissions){ .id = 4294967295u, .perms = XS_PERM_NONE };
    CHECK(xs_perm_to_string(&p, buf, sizeof(buf)));
    CHECK(strcmp(buf, "n4294967295") == 0);
    p.perms = XS_PERM_OWNER;
    CHECK(!xs_perm_to_string(&p, buf, sizeof(buf)));
}

TEST(u32_reply)
{
    uint32_t v = 0;

    CHECK(xs_codec_u32("12\0", 3, &v));
    CHECK_EQ(v, 12);
    CHECK(xs_codec_u32("4294967295\0", 11, &v));
    CHECK_EQ(v, 4294967295u);
    CHECK(!xs_codec_u32("4294967296\0", 11, &v));
    CHECK(!xs_codec_u32("12", 2, &v));              /* no NUL */
    CHECK(!xs_codec_u32("\0", 1, &v));
    CHECK(!xs_codec_u32("1a\0", 3, &v));
    CHECK(!xs_codec_u32("1\0\0", 3, &v));           /* extra bytes */
}

TEST(dirpart_single_reply)
{
    struct xs_dirpart d = { .strings = NULL };
    static const char r[] = "7\0a\0bb\0";          /* + implicit final NUL */

    CHECK_EQ(xs_dirpart_feed(&d, r, sizeof(r)), 1);
    CHECK_EQ(d.off, 5);
    CHECK(memcmp(d.strings, "a\0bb\0", 5) == 0);
    xs_dirpart_free(&d);
}

TEST(dirpart_two_parts_and_empty)
{
    struct xs_dirpart d = { .strings = NULL };

    CHECK_EQ(xs_dirpart_feed(&d, "9\0a\0b\0", 6), 0);
    CHECK_EQ(d.off, 4);                 /* next offset to ask for */
    CHECK_EQ(xs_dirpart_feed(&d, "9\0c\0\0", 5), 1);
    CHECK_EQ(d.off, 6);
    CHECK(memcmp(d.strings, "a\0b\0c\0", 6) == 0);
    xs_dirpart_free(&d);
    /* Offset past the end (or an empty node): just the empty name. */
    CHECK_EQ(xs_dirpart_feed(&d, "9\0\0", 3), 1);
    CHECK_EQ(d.off, 0);
    xs_dirpart_free(&d);
}

TEST(dirpart_restarts_when_node_changes)
{
    struct xs_dirpart d = { .strings = NULL };

    CHECK_EQ(xs_dirpart_feed(&d, "9\0a\0b\0", 6), 0);
    CHECK_EQ(xs_dirpart_feed(&d, "10\0c\0\0", 6), 0);
    CHECK_EQ(d.off, 0);                 /* ask again from the start */
    CHECK_EQ(xs_dirpart_feed(&d, "10\0x\0\0", 6), 1);
    CHECK_EQ(d.off, 2);
    CHECK(memcmp(d.strings, "x\0", 2) == 0);
    xs_dirpart_free(&d);
}

TEST(dirpart_hostile_replies)
{
    struct xs_dirpart d = { .strings = NULL };

    errno = 0;
    CHECK_EQ(xs_dirpart_feed(&d, "9", 1), -1);          /* no generation */
    CHECK_EQ(errno, EBADMSG);
    CHECK_EQ(xs_dirpart_feed(&d, "\0a\0\0", 4), -1);    /* empty gen */
    CHECK_EQ(xs_dirpart_feed(&d, "9\0", 2), -1);        /* no progress */
    CHECK_EQ(xs_dirpart_feed(&d, "9\0ab", 4), -1);      /* cut name */
    CHECK_EQ(xs_dirpart_feed(&d, "1234567890123456789012345\0a\0\0", 30), -1);
    xs_dirpart_free(&d);
}

TEST(dirpart_gives_up_on_endless_changes)
{
    struct xs_dirpart d = { .strings = NULL };
    int r = 0;
    char reply[32];

    for (unsigned int i = 0; i < 5000 && r >= 0; i++) {
        int n = snprintf(reply, sizeof(reply), "%u", i) + 1;
        memcpy(reply + n, "a\0", 2);
        r = xs_dirpart_feed(&d, reply, (size_t)n + 2);
        CHECK(r != 1);
    }
    CHECK_EQ(r, -1);
    CHECK_EQ(errno, EAGAIN);
    xs_dirpart_free(&d);
}

TEST(strings_to_perms)
{
    struct xs_permissions p[2];

    CHECK(xs_strings_to_perms(p, 2, "b0\0r3\0"));
    CHECK_EQ(p[0].perms, XS_PERM_READ | XS_PERM_WRITE);
    CHECK_EQ(p[1].id, 3);
    CHECK(!xs_strings_to_perms(p, 1, "q0"));
    CHECK_EQ(errno, EINVAL);
}

TEST(path_is_subpath)
{
    CHECK(xs_path_is_subpath("/a", "/a"));
    CHECK(xs_path_is_subpath("/a", "/a/b"));
    CHECK(!xs_path_is_subpath("/a", "/ab"));
    CHECK(!xs_path_is_subpath("/a/b", "/a"));
    CHECK(!xs_path_is_subpath("a", "/a"));
}
