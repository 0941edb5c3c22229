// SPDX-License-Identifier: GPL-2.0-only
/*
 * libxenstore (xenstored/lib/xs.c) against a scripted fake daemon.  Each
 * case forks a server child listening on a private socket (XENSTORED_PATH);
 * the child checks every request it receives and answers from a script,
 * exiting non-zero if a request was not what the library should have sent.
 * Covers normal replies, error names, hostile replies (wrong req_id, wrong
 * type, huge length, truncated stream), watch events interleaved with
 * replies, xs_fileno() readiness, DIRECTORY_PART and two threads sharing a
 * handle.
 */
#include "ktest.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xs_codec.h"

/* ---- the fake daemon (runs in the child) ---- */

struct req {
    struct xsd_sockmsg hdr;
    char body[XENSTORE_PAYLOAD_MAX + 1];
};

static bool read_full(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Set by a script whose client must drop the connection (a hostile
 * message): a write that then finds the peer gone ends the script, not as
 * a failure.  Without it the server died of SIGPIPE when the client was
 * quicker (seen once in make test: status 141). */
static bool peer_may_close;

static void write_full(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET) && peer_may_close)
            _exit(0);
        if (n <= 0)
            _exit(90);
        p += n;
        len -= (size_t)n;
    }
}

/* Next request; the child exits 91 if there is none. */
static void get_req(int fd, struct req *r)
{
    if (!read_full(fd, &r->hdr, sizeof(r->hdr)) ||
        r->hdr.len > XENSTORE_PAYLOAD_MAX ||
        !read_full(fd, r->body, r->hdr.len))
        _exit(91);
    r->body[r->hdr.len] = '\0';
}

/* Exit 92 unless the request has this type and exact payload. */
static void expect(const struct req *r, uint32_t type, const char *body,
                   size_t len)
{
    if (r->hdr.type != type || r->hdr.len != len ||
        memcmp(r->body, body, len) != 0)
        _exit(92);
}

static void send_msg(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
                     const char *body, size_t len)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)len };
    uint8_t buf[XS_MSG_MAX];
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), body, len);
    write_full(fd, buf, sizeof(h) + len);   /* one write: no split */
}

static void reply(int fd, const struct req *r, const char *body, size_t len)
{
    send_msg(fd, r->hdr.type, r->hdr.req_id, 0, body, len);
}

static void reply_error(int fd, const struct req *r, const char *name)
{
    send_msg(fd, XS_ERROR, r->hdr.req_id, 0, name, strlen(name) + 1);
}

static void event(int fd, const char *path, const char *token)
{
    char buf[256];
    size_t a = strlen(path) + 1, b = strlen(token) + 1;
    memcpy(buf, path, a);
    memcpy(buf + a, token, b);
    send_msg(fd, XS_WATCH_EVENT, 0, 0, buf, a + b);
}

/* Wait until the client hangs up (so replies are not cut off). */
static void drain(int fd)
{
    char c;
    while (read(fd, &c, 1) > 0)
        ;
}

#define REQ(fd, r, type, lit) \
    do { get_req(fd, r); expect(r, type, lit, sizeof(lit) - 1); } while (0)

/* ---- harness (parent) ---- */

static pid_t server_pid;

/* Listen on a fresh socket, point XENSTORED_PATH at it and fork the
 * server running script(fd) on the first connection. */
static void start_server(void (*script)(int fd))
{
    static char path[108];
    snprintf(path, sizeof(path), "/tmp/xsc-conn-%d.sock", (int)getpid());
    unlink(path);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strcpy(addr.sun_path, path);
    CHECK(lfd >= 0);
    CHECK(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    CHECK(listen(lfd, 4) == 0);
    setenv("XENSTORED_PATH", path, 1);
    server_pid = fork();
    CHECK(server_pid >= 0);
    if (server_pid == 0) {
        alarm(20);
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            _exit(93);
        script(fd);
        _exit(0);
    }
    close(lfd);
}

/* The server's exit status (0: every request was as expected). */
static int server_status(void)
{
    int status;
    CHECK_EQ(waitpid(server_pid, &status, 0), server_pid);
    unlink(getenv("XENSTORED_PATH"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool fd_readable(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, timeout_ms) == 1;
}

/* ---- cases ---- */

static void script_read(int fd)
{
    struct req r;
    REQ(fd, &r, XS_READ, "/vm/name\0");
    reply(fd, &r, "hello", 5);
    REQ(fd, &r, XS_READ, "/missing\0");
    reply_error(fd, &r, "ENOENT");
    REQ(fd, &r, XS_READ, "/empty\0");
    reply(fd, &r, "", 0);
    drain(fd);
}

TEST(read_value_error_and_empty)
{
    start_server(script_read);
    struct xs_handle *h = xs_open(0);
    CHECK(h != NULL);
    unsigned int len = 99;
    char *v = xs_read(h, XBT_NULL, "/vm/name", &len);
    CHECK(v != NULL);
    CHECK_EQ(len, 5);
    CHECK(strcmp(v, "hello") == 0);
    free(v);
    errno = 0;
    CHECK(xs_read(h, XBT_NULL, "/missing", &len) == NULL);
    CHECK_EQ(errno, ENOENT);
    v = xs_read(h, XBT_NULL, "/empty", &len);   /* still in sync */
    CHECK(v != NULL);
    CHECK_EQ(len, 0);
    CHECK_EQ(v[0], '\0');
    free(v);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

TEST(open_fails_without_daemon)
{
    setenv("XENSTORED_PATH", "/nonexistent/xsc/socket", 1);
    errno = 0;
    CHECK(xs_open(0) == NULL);
    CHECK_EQ(errno, ENOENT);
}

static void script_writes(int fd)
{
    struct req r;
    REQ(fd, &r, XS_WRITE, "/a/b\0va\0lue");     /* binary value */
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_MKDIR, "/d\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_RM, "/d\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_SET_PERMS, "/p\0b0\0r5\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_GET_PERMS, "/p\0");
    reply(fd, &r, "b0\0r5\0", 6);
    REQ(fd, &r, XS_WATCH, "/w\0tok\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_UNWATCH, "/w\0tok\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_GET_DOMAIN_PATH, "7\0");
    reply(fd, &r, "/local/domain/7", 16);
    REQ(fd, &r, XS_INTRODUCE, "3\0" "4096\0" "9\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_IS_DOMAIN_INTRODUCED, "3\0");
    reply(fd, &r, "T", 2);
    REQ(fd, &r, XS_IS_DOMAIN_INTRODUCED, "4\0");
    reply(fd, &r, "F", 2);
    REQ(fd, &r, XS_RELEASE, "3\0");
    reply(fd, &r, "OK", 3);
    drain(fd);
}

TEST(request_payloads_are_xen_format)
{
    start_server(script_writes);
    struct xs_handle *h = xs_open(0);
    CHECK(h != NULL);
    CHECK(xs_write(h, XBT_NULL, "/a/b", "va\0lue", 6));
    CHECK(xs_mkdir(h, XBT_NULL, "/d"));
    CHECK(xs_rm(h, XBT_NULL, "/d"));
    struct xs_permissions set[2] = {
        { .id = 0, .perms = XS_PERM_READ | XS_PERM_WRITE },
        { .id = 5, .perms = XS_PERM_READ },
    };
    CHECK(xs_set_permissions(h, XBT_NULL, "/p", set, 2));
    unsigned int n = 0;
    struct xs_permissions *got = xs_get_permissions(h, XBT_NULL, "/p", &n);
    CHECK(got != NULL);
    CHECK_EQ(n, 2);
    CHECK_EQ(got[1].id, 5);
    CHECK_EQ(got[1].perms, XS_PERM_READ);
    free(got);
    CHECK(xs_watch(h, "/w", "tok"));
    CHECK(xs_unwatch(h, "/w", "tok"));
    char *dp = xs_get_domain_path(h, 7);
    CHECK(dp != NULL && strcmp(dp, "/local/domain/7") == 0);
    free(dp);
    CHECK(xs_introduce_domain(h, 3, 4096, 9));
    CHECK(xs_is_domain_introduced(h, 3));
    CHECK(!xs_is_domain_introduced(h, 4));
    CHECK(xs_release_domain(h, 3));
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_transaction(int fd)
{
    struct req r;
    REQ(fd, &r, XS_TRANSACTION_START, "\0");
    if (r.hdr.tx_id != 0)
        _exit(94);
    reply(fd, &r, "17", 3);
    REQ(fd, &r, XS_WRITE, "/t\0x");
    if (r.hdr.tx_id != 17)
        _exit(95);
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_TRANSACTION_END, "T\0");
    if (r.hdr.tx_id != 17)
        _exit(96);
    reply_error(fd, &r, "EAGAIN");
    REQ(fd, &r, XS_TRANSACTION_START, "\0");
    reply(fd, &r, "18", 3);
    REQ(fd, &r, XS_TRANSACTION_END, "F\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_TRANSACTION_START, "\0");
    reply(fd, &r, "x1", 3);                     /* not a number */
    drain(fd);
}

TEST(transactions_and_eagain)
{
    start_server(script_transaction);
    struct xs_handle *h = xs_open(0);
    xs_transaction_t t = xs_transaction_start(h);
    CHECK_EQ(t, 17);
    CHECK(xs_write(h, t, "/t", "x", 1));
    errno = 0;
    CHECK(!xs_transaction_end(h, t, false));
    CHECK_EQ(errno, EAGAIN);
    t = xs_transaction_start(h);
    CHECK_EQ(t, 18);
    CHECK(xs_transaction_end(h, t, true));
    errno = 0;
    CHECK_EQ(xs_transaction_start(h), XBT_NULL);
    CHECK_EQ(errno, EBADMSG);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_wrong_req_id(int fd)
{
    struct req r;
    get_req(fd, &r);
    send_msg(fd, XS_READ, r.hdr.req_id + 1, 0, "x", 1);
    drain(fd);
}

TEST(hostile_wrong_req_id_kills_connection)
{
    start_server(script_wrong_req_id);
    struct xs_handle *h = xs_open(0);
    errno = 0;
    CHECK(xs_read(h, XBT_NULL, "/a", NULL) == NULL);
    CHECK_EQ(errno, EBADMSG);
    errno = 0;              /* the stream can't be trusted any more */
    CHECK(xs_read(h, XBT_NULL, "/a", NULL) == NULL);
    CHECK_EQ(errno, EBADMSG);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_wrong_type(int fd)
{
    struct req r;
    get_req(fd, &r);
    send_msg(fd, XS_DIRECTORY, r.hdr.req_id, 0, "a", 2);
    drain(fd);
}

TEST(hostile_wrong_type)
{
    start_server(script_wrong_type);
    struct xs_handle *h = xs_open(0);
    errno = 0;
    CHECK(xs_read(h, XBT_NULL, "/a", NULL) == NULL);
    CHECK_EQ(errno, EBADMSG);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_huge_length(int fd)
{
    struct req r;
    peer_may_close = true;      /* the client drops us at the header */
    get_req(fd, &r);
    struct xsd_sockmsg h = { XS_READ, r.hdr.req_id, 0, 0x7fffffff };
    write_full(fd, &h, sizeof(h));
    write_full(fd, "xxxxxxxx", 8);
    drain(fd);
}

TEST(hostile_huge_length)
{
    start_server(script_huge_length);
    struct xs_handle *h = xs_open(0);
    errno = 0;
    CHECK(xs_read(h, XBT_NULL, "/a", NULL) == NULL);
    CHECK_EQ(errno, EBADMSG);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_short_header(int fd)
{
    struct req r;
    get_req(fd, &r);
    write_full(fd, "\x02\0\0\0\x01", 5);     /* 5 of 16 header bytes */
    close(fd);
}

TEST(hostile_short_header_then_eof)
{
    start_server(script_short_header);
    struct xs_handle *h = xs_open(0);
    errno = 0;
    CHECK(xs_read(h, XBT_NULL, "/a", NULL) == NULL);
    CHECK_EQ(errno, ECONNRESET);
    CHECK(xs_read_watch(h, NULL) == NULL);     /* no hang either */
    CHECK_EQ(errno, ECONNRESET);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_bad_event(int fd)
{
    struct req r;
    peer_may_close = true;      /* the client drops us at the bad event */
    get_req(fd, &r);
    send_msg(fd, XS_WATCH_EVENT, 0, 0, "/only-path", 11);
    reply(fd, &r, "v", 1);
    drain(fd);
}

TEST(hostile_event_without_token)
{
    start_server(script_bad_event);
    struct xs_handle *h = xs_open(0);
    errno = 0;
    CHECK(xs_read(h, XBT_NULL, "/a", NULL) == NULL);
    CHECK_EQ(errno, EBADMSG);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_unsolicited_reply(int fd)
{
    send_msg(fd, XS_READ, 1, 0, "x", 1);       /* before any request */
    drain(fd);
}

TEST(hostile_unsolicited_reply)
{
    start_server(script_unsolicited_reply);
    struct xs_handle *h = xs_open(0);
    CHECK(fd_readable(xs_fileno(h), 5000));
    errno = 0;
    CHECK(xs_read_watch(h, NULL) == NULL);
    CHECK_EQ(errno, EBADMSG);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_events_between(int fd)
{
    struct req r;
    REQ(fd, &r, XS_WATCH, "/w\0t1\0");
    event(fd, "/w", "t1");                      /* fires before the reply */
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_READ, "/x\0");
    event(fd, "/w/a", "t1");
    event(fd, "/w/b", "t1");
    reply(fd, &r, "1", 1);
    drain(fd);
}

TEST(events_queued_during_requests)
{
    start_server(script_events_between);
    struct xs_handle *h = xs_open(0);
    int fd = xs_fileno(h);
    CHECK(!fd_readable(fd, 0));
    errno = 0;
    CHECK(xs_check_watch(h) == NULL);
    CHECK_EQ(errno, EAGAIN);
    CHECK(xs_watch(h, "/w", "t1"));
    char *v = xs_read(h, XBT_NULL, "/x", NULL);
    CHECK(v && strcmp(v, "1") == 0);
    free(v);
    const char *want[] = { "/w", "/w/a", "/w/b" };
    for (int i = 0; i < 3; i++) {
        CHECK(fd_readable(fd, 0));      /* queued: readable at once */
        char **vec = xs_check_watch(h);
        CHECK(vec != NULL);
        CHECK(strcmp(vec[XS_WATCH_PATH], want[i]) == 0);
        CHECK(strcmp(vec[XS_WATCH_TOKEN], "t1") == 0);
        free(vec);
    }
    CHECK(!fd_readable(fd, 0));
    errno = 0;
    CHECK(xs_check_watch(h) == NULL);
    CHECK_EQ(errno, EAGAIN);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_unwatch_filter(int fd)
{
    struct req r;
    REQ(fd, &r, XS_WATCH, "/w\0t\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_WATCH, "/v\0u\0");
    reply(fd, &r, "OK", 3);
    REQ(fd, &r, XS_UNWATCH, "/w\0t\0");
    event(fd, "/w/x", "t");
    event(fd, "/v", "u");
    event(fd, "/w", "t");
    reply(fd, &r, "OK", 3);
    drain(fd);
}

TEST(unwatch_filter_drops_stale_events)
{
    start_server(script_unwatch_filter);
    struct xs_handle *h = xs_open(XS_UNWATCH_FILTER);
    CHECK(xs_watch(h, "/w", "t"));
    CHECK(xs_watch(h, "/v", "u"));
    CHECK(xs_unwatch(h, "/w", "t"));
    char **vec = xs_check_watch(h);
    CHECK(vec && strcmp(vec[XS_WATCH_PATH], "/v") == 0);
    free(vec);
    CHECK(xs_check_watch(h) == NULL);
    CHECK(!fd_readable(xs_fileno(h), 0));
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

static void script_dirpart(int fd)
{
    struct req r;
    REQ(fd, &r, XS_DIRECTORY, "/big\0");
    reply_error(fd, &r, "E2BIG");
    REQ(fd, &r, XS_DIRECTORY_PART, "/big\0" "0\0");
    reply(fd, &r, "5\0alpha\0beta\0", 13);
    REQ(fd, &r, XS_DIRECTORY_PART, "/big\0" "11\0");
    reply(fd, &r, "6\0gamma\0", 8);             /* changed: restart */
    REQ(fd, &r, XS_DIRECTORY_PART, "/big\0" "0\0");
    reply(fd, &r, "6\0alpha\0", 8);
    REQ(fd, &r, XS_DIRECTORY_PART, "/big\0" "6\0");
    reply(fd, &r, "6\0gamma\0\0", 9);
    drain(fd);
}

TEST(directory_falls_back_to_parts)
{
    start_server(script_dirpart);
    struct xs_handle *h = xs_open(0);
    unsigned int n = 0;
    char **list = xs_directory(h, XBT_NULL, "/big", &n);
    CHECK(list != NULL);
    CHECK_EQ(n, 2);
    CHECK(strcmp(list[0], "alpha") == 0);
    CHECK(strcmp(list[1], "gamma") == 0);
    free(list);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

TEST(request_too_big_is_refused_locally)
{
    static char big[XENSTORE_PAYLOAD_MAX];
    start_server(drain);
    struct xs_handle *h = xs_open(0);
    memset(big, 'v', sizeof(big));
    errno = 0;
    CHECK(!xs_write(h, XBT_NULL, "/a", big, sizeof(big)));
    CHECK_EQ(errno, E2BIG);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}

/* Thread A blocks in xs_read_watch while the main thread makes requests. */
static void script_threads(int fd)
{
    struct req r;
    for (int i = 0; i < 50; i++) {
        get_req(fd, &r);
        if (r.hdr.type != XS_READ)
            _exit(97);
        reply(fd, &r, r.body, strlen(r.body));  /* echo the path */
    }
    event(fd, "/done", "tok");
    drain(fd);
}

static void *watch_thread(void *arg)
{
    return xs_read_watch(arg, NULL);
}

TEST(watch_reader_thread_and_requests)
{
    start_server(script_threads);
    struct xs_handle *h = xs_open(0);
    pthread_t tid;
    CHECK(pthread_create(&tid, NULL, watch_thread, h) == 0);
    for (int i = 0; i < 50; i++) {
        char path[32];
        snprintf(path, sizeof(path), "/k%d", i);
        char *v = xs_read(h, XBT_NULL, path, NULL);
        CHECK(v && strcmp(v, path) == 0);
        free(v);
    }
    char **vec;
    CHECK(pthread_join(tid, (void **)&vec) == 0);
    CHECK(vec && strcmp(vec[XS_WATCH_PATH], "/done") == 0);
    free(vec);
    xs_close(h);
    CHECK_EQ(server_status(), 0);
}
