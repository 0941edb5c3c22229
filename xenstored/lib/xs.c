// SPDX-License-Identifier: LGPL-2.1-only
/*
 * libxenstore connection handling and the public API of <xenstore.h>.
 *
 * Design (no background thread): requests are serialised by req_lock.  A
 * thread that needs a message (a request waiting for its reply, or a watch
 * reader) becomes the "reader" if nobody else is reading, reads the socket
 * with h->lock dropped, then under h->lock cuts complete messages out of the
 * receive buffer and hands them out: WATCH_EVENTs to the event queue, replies
 * to the pending request.  Waiters sleep on h->cond, broadcast after every
 * read.  xs_fileno() is an epoll fd over the socket and an eventfd that is
 * non-zero while the event queue is non-empty.
 */
#include "xs_codec.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define XS_DEFAULT_RUNDIR "/run/xenstored"
#define XS_XENBUS_DEV "/dev/xen/xenbus"

struct xs_event {
    struct xs_event *next;
    size_t len;
    char data[];
};

struct xs_handle {
    int fd;                     /* socket or xenbus device */
    bool is_socket;
    int epfd;                   /* what xs_fileno() returns */
    int evfd;                   /* readable while events are queued */
    bool unwatch_filter;

    pthread_mutex_t req_lock;   /* one request in flight */
    pthread_mutex_t lock;       /* everything below */
    pthread_cond_t cond;
    bool reading;               /* some thread is in read() */
    int dead_errno;             /* non-zero: connection unusable */

    uint32_t next_req_id;
    bool awaiting;              /* a request waits for req_id's reply */
    uint32_t req_id;
    struct xs_msg reply;        /* body != NULL once arrived */

    struct xs_event *ev_head, **ev_tail;

    size_t rxlen;               /* only the reader touches rxbuf */
    uint8_t rxbuf[XS_MSG_MAX];
};

/* ---- paths ---- */

const char *xs_daemon_rundir(void)
{
    const char *s = getenv("XENSTORED_RUNDIR");
    return s ? s : XS_DEFAULT_RUNDIR;
}

const char *xs_daemon_socket(void)
{
    static char buf[PATH_MAX];
    const char *s = getenv("XENSTORED_PATH");

    if (s)
        return s;
    if ((size_t)snprintf(buf, sizeof(buf), "%s/socket", xs_daemon_rundir())
        >= sizeof(buf))
        return NULL;
    return buf;
}

const char *xs_daemon_socket_ro(void)
{
    return xs_daemon_socket();
}

/* ---- opening and closing ---- */

static int connect_socket(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (!path || strlen(path) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static bool setup_poll(struct xs_handle *h)
{
    h->epfd = epoll_create1(EPOLL_CLOEXEC);
    h->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (h->epfd < 0 || h->evfd < 0)
        return false;
    struct epoll_event ev = { .events = EPOLLIN };
    ev.data.fd = h->fd;
    if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0)
        return false;
    ev.data.fd = h->evfd;
    return epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->evfd, &ev) == 0;
}

static void free_handle(struct xs_handle *h)
{
    struct xs_event *e = h->ev_head;
    while (e) {
        struct xs_event *next = e->next;
        free(e);
        e = next;
    }
    free(h->reply.body);
    free(h);
}

static struct xs_handle *handle_from_fd(int fd, bool is_socket)
{
    struct xs_handle *h = calloc(1, sizeof(*h));
    if (!h) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    h->fd = fd;
    h->is_socket = is_socket;
    h->epfd = h->evfd = -1;
    h->ev_tail = &h->ev_head;
    h->next_req_id = 1;
    pthread_mutex_init(&h->req_lock, NULL);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    if (!setup_poll(h)) {
        int saved = errno;
        xs_daemon_destroy_postfork(h);
        errno = saved;
        return NULL;
    }
    return h;
}

struct xs_handle *xs_open(unsigned long flags)
{
    struct xs_handle *h;
    int fd = connect_socket(xs_daemon_socket());

    if (fd >= 0) {
        h = handle_from_fd(fd, true);
    } else {
        int saved = errno;
        fd = getenv("XENSTORED_PATH") ? -1
                                      : open(XS_XENBUS_DEV, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            errno = saved;      /* report why the socket failed */
            return NULL;
        }
        h = handle_from_fd(fd, false);
    }
    if (h && (flags & XS_UNWATCH_FILTER))
        h->unwatch_filter = true;
    return h;
}

struct xs_handle *xs_daemon_open(void) { return xs_open(0); }
struct xs_handle *xs_domain_open(void) { return xs_open(0); }
struct xs_handle *xs_daemon_open_readonly(void) { return xs_open(0); }

void xs_daemon_destroy_postfork(struct xs_handle *h)
{
    if (!h)
        return;
    if (h->epfd >= 0)
        close(h->epfd);
    if (h->evfd >= 0)
        close(h->evfd);
    close(h->fd);
    free_handle(h);
}

void xs_close(struct xs_handle *h)
{
    if (!h)
        return;
    pthread_mutex_destroy(&h->req_lock);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->cond);
    xs_daemon_destroy_postfork(h);
}

void xs_daemon_close(struct xs_handle *h)
{
    xs_close(h);
}

/* ---- receiving ---- */

/* With h->lock held: the connection cannot be trusted any more. */
static void mark_dead(struct xs_handle *h, int err)
{
    if (!h->dead_errno)
        h->dead_errno = err;
    if (h->is_socket)
        shutdown(h->fd, SHUT_RDWR);     /* wakes pollers of xs_fileno() */
    pthread_cond_broadcast(&h->cond);
}

static void queue_event(struct xs_handle *h, const struct xs_msg *m)
{
    struct xs_event *e = malloc(sizeof(*e) + m->hdr.len);
    if (!e) {
        mark_dead(h, ENOMEM);           /* losing an event silently is worse */
        return;
    }
    e->next = NULL;
    e->len = m->hdr.len;
    memcpy(e->data, m->body, m->hdr.len);
    bool was_empty = h->ev_head == NULL;
    *h->ev_tail = e;
    h->ev_tail = &e->next;
    if (was_empty) {
        uint64_t one = 1;
        if (write(h->evfd, &one, sizeof(one)) < 0) {
            /* The counter cannot overflow from 0; nothing to do. */
        }
    }
}

/* With h->lock held: hand one message to its owner.  Takes m->body. */
static void dispatch(struct xs_handle *h, struct xs_msg *m)
{
    if (m->hdr.type == XS_WATCH_EVENT) {
        if (xs_codec_count_strings(m->body, m->hdr.len) < 2)
            mark_dead(h, EBADMSG);
        else
            queue_event(h, m);
        free(m->body);
        return;
    }
    if (!h->awaiting || h->reply.body || m->hdr.req_id != h->req_id) {
        free(m->body);                  /* a reply nobody asked for */
        mark_dead(h, EBADMSG);
        return;
    }
    h->reply = *m;
}

/* With h->lock held: cut and dispatch every complete message in rxbuf. */
static void dispatch_all(struct xs_handle *h)
{
    size_t used = 0;

    while (!h->dead_errno) {
        struct xs_msg m;
        ssize_t n = xs_codec_parse(h->rxbuf + used, h->rxlen - used, &m);
        if (n < 0) {
            mark_dead(h, errno);
            break;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        dispatch(h, &m);
    }
    memmove(h->rxbuf, h->rxbuf + used, h->rxlen - used);
    h->rxlen -= used;
}

static ssize_t read_some(struct xs_handle *h, bool block)
{
    void *dst = h->rxbuf + h->rxlen;
    size_t room = sizeof(h->rxbuf) - h->rxlen;

    if (h->is_socket)
        return recv(h->fd, dst, room, block ? 0 : MSG_DONTWAIT);
    if (!block) {
        /* A device has no per-call flag: poll it first. */
        struct epoll_event ev;
        int ep = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event want = { .events = EPOLLIN };
        if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, h->fd, &want) < 0 ||
            epoll_wait(ep, &ev, 1, 0) != 1) {
            if (ep >= 0)
                close(ep);
            errno = EAGAIN;
            return -1;
        }
        close(ep);
    }
    return read(h->fd, dst, room);
}

/*
 * With h->lock held: wait until ready(h), reading the socket when no other
 * thread is.  Returns 0, or -1 with errno: the connection's error, or EAGAIN
 * when !block and nothing is ready.
 */
static int wait_until(struct xs_handle *h, bool (*ready)(struct xs_handle *),
                      bool block)
{
    bool drained = false;

    for (;;) {
        if (ready(h))
            return 0;
        if (h->dead_errno) {
            errno = h->dead_errno;
            return -1;
        }
        if (!block && (drained || h->reading)) {
            errno = EAGAIN;
            return -1;
        }
        if (h->reading) {
            pthread_cond_wait(&h->cond, &h->lock);
            continue;
        }
        h->reading = true;
        pthread_mutex_unlock(&h->lock);
        ssize_t n = read_some(h, block);
        int err = errno;
        pthread_mutex_lock(&h->lock);
        h->reading = false;
        if (n > 0) {
            h->rxlen += (size_t)n;
            dispatch_all(h);
        } else if (n == 0) {
            mark_dead(h, ECONNRESET);
        } else if (err == EAGAIN || err == EWOULDBLOCK) {
            drained = true;
        } else if (err != EINTR) {
            mark_dead(h, err);
        }
        pthread_cond_broadcast(&h->cond);
    }
}

static bool reply_ready(struct xs_handle *h)
{
    return h->reply.body != NULL;
}

static bool event_ready(struct xs_handle *h)
{
    return h->ev_head != NULL;
}

/* ---- requests ---- */

static bool send_all(struct xs_handle *h, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = h->is_socket ? send(h->fd, buf, len, MSG_NOSIGNAL)
                                 : write(h->fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* With req_lock held: send one request and wait for its reply. */
static int transact(struct xs_handle *h, const uint8_t *msg, size_t len,
                    uint32_t req_id, struct xs_msg *reply)
{
    pthread_mutex_lock(&h->lock);
    if (h->dead_errno) {
        int err = h->dead_errno;
        pthread_mutex_unlock(&h->lock);
        return err;
    }
    h->awaiting = true;
    h->req_id = req_id;
    pthread_mutex_unlock(&h->lock);

    int err = 0;
    if (!send_all(h, msg, len)) {
        err = errno ? errno : EIO;
        pthread_mutex_lock(&h->lock);
        mark_dead(h, err);
    } else {
        pthread_mutex_lock(&h->lock);
        if (wait_until(h, reply_ready, true) < 0)
            err = errno;
    }
    *reply = h->reply;
    h->reply.body = NULL;
    h->awaiting = false;
    pthread_mutex_unlock(&h->lock);
    return err;
}

/*
 * Send type with the concatenated parts as payload; on success return the
 * reply body (malloc'd, NUL-terminated) and its length.  NULL with errno.
 */
static char *xs_talkv(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                      const struct iovec *iov, unsigned int n, unsigned int *len)
{
    uint8_t *buf = malloc(XS_MSG_MAX);
    if (!buf) {
        errno = ENOMEM;
        return NULL;
    }
    pthread_mutex_lock(&h->req_lock);
    uint32_t req_id = h->next_req_id++;
    ssize_t total = xs_codec_build(buf, type, req_id, t, iov, n);
    struct xs_msg reply = { .body = NULL };
    int err = total < 0 ? errno : transact(h, buf, (size_t)total, req_id, &reply);
    pthread_mutex_unlock(&h->req_lock);
    free(buf);

    if (!err)
        err = xs_codec_check_reply(&reply, type, req_id);
    if (err == EBADMSG && reply.body) {
        pthread_mutex_lock(&h->lock);   /* stream no longer trusted */
        mark_dead(h, EBADMSG);
        pthread_mutex_unlock(&h->lock);
    }
    if (err) {
        free(reply.body);
        errno = err;
        return NULL;
    }
    if (len)
        *len = reply.hdr.len;
    return reply.body;
}

/* One string argument, NUL included. */
static char *xs_single(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                       const char *arg, unsigned int *len)
{
    struct iovec iov = { (void *)arg, strlen(arg) + 1 };
    return xs_talkv(h, t, type, &iov, 1, len);
}

static bool xs_bool(char *reply)
{
    if (!reply)
        return false;
    free(reply);
    return true;
}

/* ---- the API ---- */

static char **directory_part(struct xs_handle *h, xs_transaction_t t,
                             const char *path, unsigned int *num)
{
    struct xs_dirpart d = { .strings = NULL };

    for (;;) {
        char offstr[24];
        snprintf(offstr, sizeof(offstr), "%zu", d.off);
        struct iovec iov[2] = {
            { (void *)path, strlen(path) + 1 },
            { offstr, strlen(offstr) + 1 },
        };
        unsigned int len;
        char *body = xs_talkv(h, t, XS_DIRECTORY_PART, iov, 2, &len);
        if (!body) {
            if (errno == ENOSYS)
                errno = E2BIG;      /* daemon without DIRECTORY_PART */
            xs_dirpart_free(&d);
            return NULL;
        }
        int r = xs_dirpart_feed(&d, body, len);
        free(body);
        if (r < 0) {
            int err = errno;
            xs_dirpart_free(&d);
            errno = err;
            return NULL;
        }
        if (r == 1)
            break;
    }
    char **vec = xs_codec_split(d.strings ? d.strings : "", d.off, num);
    xs_dirpart_free(&d);
    return vec;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t,
                    const char *path, unsigned int *num)
{
    unsigned int len;
    char *body = xs_single(h, t, XS_DIRECTORY, path, &len);

    if (!body)
        return errno == E2BIG ? directory_part(h, t, path, num) : NULL;
    char **vec = xs_codec_split(body, len, num);
    free(body);
    return vec;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len)
{
    return xs_single(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)data, len },
    };
    return xs_bool(xs_talkv(h, t, XS_WRITE, iov, 2, NULL));
}

bool xs_write_all(int fd, const void *data, unsigned int len)
{
    const uint8_t *p = data;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (unsigned int)n;
    }
    return true;
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_MKDIR, path, NULL));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_RM, path, NULL));
}

bool xs_restrict(struct xs_handle *h, unsigned int domid)
{
    (void)h;
    (void)domid;
    errno = ENOSYS;
    return false;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t,
                                          const char *path, unsigned int *num)
{
    unsigned int len;
    char *body = xs_single(h, t, XS_GET_PERMS, path, &len);

    if (!body)
        return NULL;
    struct xs_permissions *perms = xs_codec_perms(body, len, num);
    free(body);
    return perms;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t used = 0;

    for (unsigned int i = 0; i < num_perms; i++) {
        char one[MAX_STRLEN(unsigned int) + 1];
        if (!xs_perm_to_string(&perms[i], one, sizeof(one)))
            return false;
        size_t n = strlen(one) + 1;
        if (n > sizeof(buf) - used) {
            errno = E2BIG;
            return false;
        }
        memcpy(buf + used, one, n);
        used += n;
    }
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { buf, used },
    };
    return xs_bool(xs_talkv(h, t, XS_SET_PERMS, iov, 2, NULL));
}

bool xs_watch_depth(struct xs_handle *h, const char *path, const char *token,
                    unsigned int depth)
{
    char dstr[MAX_STRLEN(unsigned int)];
    snprintf(dstr, sizeof(dstr), "%u", depth);
    struct iovec iov[3] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)token, strlen(token) + 1 },
        { dstr, strlen(dstr) + 1 },
    };
    return xs_bool(xs_talkv(h, XBT_NULL, XS_WATCH, iov, 3, NULL));
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)token, strlen(token) + 1 },
    };
    return xs_bool(xs_talkv(h, XBT_NULL, XS_WATCH, iov, 2, NULL));
}

int xs_fileno(struct xs_handle *h)
{
    return h->epfd;
}

/* With h->lock held and the queue non-empty. */
static char **pop_event(struct xs_handle *h, unsigned int *num)
{
    struct xs_event *e = h->ev_head;
    unsigned int n;
    char **vec = xs_codec_split(e->data, e->len, &n);

    if (!vec)
        return NULL;
    h->ev_head = e->next;
    if (!h->ev_head) {
        uint64_t count;
        h->ev_tail = &h->ev_head;
        if (read(h->evfd, &count, sizeof(count)) < 0) {
            /* Already zero: fine. */
        }
    }
    free(e);
    if (num)
        *num = n;
    return vec;
}

static char **next_event(struct xs_handle *h, unsigned int *num, bool block)
{
    char **vec = NULL;

    pthread_mutex_lock(&h->lock);
    if (wait_until(h, event_ready, block) == 0)
        vec = pop_event(h, num);
    pthread_mutex_unlock(&h->lock);
    return vec;
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    return next_event(h, num, true);
}

char **xs_check_watch(struct xs_handle *h)
{
    return next_event(h, NULL, false);
}

/* Drop queued events of an removed watch (XS_UNWATCH_FILTER). */
static void filter_events(struct xs_handle *h, const char *path,
                          const char *token)
{
    pthread_mutex_lock(&h->lock);
    struct xs_event **pp = &h->ev_head;
    h->ev_tail = &h->ev_head;
    while (*pp) {
        struct xs_event *e = *pp;
        const char *epath = e->data;
        const char *etoken = epath + strlen(epath) + 1;
        if (strcmp(etoken, token) == 0 && xs_path_is_subpath(path, epath)) {
            *pp = e->next;
            free(e);
            continue;
        }
        pp = &e->next;
        h->ev_tail = pp;
    }
    if (!h->ev_head) {
        uint64_t count;
        if (read(h->evfd, &count, sizeof(count)) < 0) {
            /* Already zero. */
        }
    }
    pthread_mutex_unlock(&h->lock);
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)token, strlen(token) + 1 },
    };
    if (!xs_bool(xs_talkv(h, XBT_NULL, XS_UNWATCH, iov, 2, NULL)))
        return false;
    if (h->unwatch_filter)
        filter_events(h, path, token);
    return true;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    unsigned int len;
    char *body = xs_single(h, XBT_NULL, XS_TRANSACTION_START, "", &len);
    uint32_t id;

    if (!body)
        return XBT_NULL;
    bool ok = xs_codec_u32(body, len, &id) && id != XBT_NULL;
    free(body);
    if (!ok) {
        errno = EBADMSG;
        return XBT_NULL;
    }
    return id;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    return xs_bool(xs_single(h, t, XS_TRANSACTION_END, abort ? "F" : "T",
                             NULL));
}

static char *domid_request(struct xs_handle *h, uint32_t type,
                           unsigned int domid, unsigned int *len)
{
    char buf[MAX_STRLEN(unsigned int)];
    snprintf(buf, sizeof(buf), "%u", domid);
    return xs_single(h, XBT_NULL, type, buf, len);
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn)
{
    char d[MAX_STRLEN(unsigned int)], m[MAX_STRLEN(unsigned long)];
    char e[MAX_STRLEN(unsigned int)];
    snprintf(d, sizeof(d), "%u", domid);
    snprintf(m, sizeof(m), "%lu", mfn);
    snprintf(e, sizeof(e), "%u", eventchn);
    struct iovec iov[3] = {
        { d, strlen(d) + 1 }, { m, strlen(m) + 1 }, { e, strlen(e) + 1 },
    };
    return xs_bool(xs_talkv(h, XBT_NULL, XS_INTRODUCE, iov, 3, NULL));
}

bool xs_set_target(struct xs_handle *h, unsigned int domid,
                   unsigned int target)
{
    char d[MAX_STRLEN(unsigned int)], t[MAX_STRLEN(unsigned int)];
    snprintf(d, sizeof(d), "%u", domid);
    snprintf(t, sizeof(t), "%u", target);
    struct iovec iov[2] = { { d, strlen(d) + 1 }, { t, strlen(t) + 1 } };
    return xs_bool(xs_talkv(h, XBT_NULL, XS_SET_TARGET, iov, 2, NULL));
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(domid_request(h, XS_RESUME, domid, NULL));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(domid_request(h, XS_RELEASE, domid, NULL));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    unsigned int len;
    char *body = domid_request(h, XS_GET_DOMAIN_PATH, domid, &len);

    /* A path: one string, no embedded NUL (the terminator is optional). */
    if (body && (len == 0 || strlen(body) + 1 < len)) {
        free(body);
        errno = EBADMSG;
        return NULL;
    }
    return body;
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    unsigned int len;
    char *body = domid_request(h, XS_IS_DOMAIN_INTRODUCED, domid, &len);

    if (!body)
        return false;
    bool yes = strcmp(body, "F") != 0;
    free(body);
    return yes;
}

char *xs_control_command(struct xs_handle *h, const char *cmd, void *data,
                         unsigned int len)
{
    struct iovec iov[2] = {
        { (void *)cmd, strlen(cmd) + 1 },
        { data, len },
    };
    return xs_talkv(h, XBT_NULL, XS_CONTROL, iov, 2, NULL);
}

char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data,
                       unsigned int len)
{
    return xs_control_command(h, cmd, data, len);
}
