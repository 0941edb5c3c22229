/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxenstore: Keel's client library for xenstored.  It owns the public API
 * (names, types and semantics as in Xen's <xenstore.h>, so existing Xen tools
 * build against it unchanged) plus a few Keel helpers at the end.
 *
 * Every call that can fail sets errno: the errno named by the daemon's
 * XS_ERROR reply (ENOENT, EACCES, EAGAIN, ...), or a local error (EBADMSG for
 * a malformed reply, ECONNRESET when the daemon went away, E2BIG for a request
 * over XENSTORE_PAYLOAD_MAX).  After a malformed reply the connection is dead
 * and every later call fails.
 *
 * Threads: one handle may be shared.  Requests are serialised; any thread
 * waiting for a reply or a watch event reads the socket when no other thread
 * is, and hands each message to its owner (the pending request, or the watch
 * queue).  So one thread can block in xs_read_watch() while others make
 * requests.  xs_fileno() is readable while watch events are queued or the
 * socket has unread data; xs_check_watch() then never blocks.
 */
#ifndef KEEL_XENSTORE_H
#define KEEL_XENSTORE_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/io/xs_wire.h>

#define XBT_NULL 0

/* Open flags.  Xen ignores the first two; so does Keel. */
#define XS_OPEN_READONLY    (1UL << 0)
#define XS_OPEN_SOCKETONLY  (1UL << 1)
/* After xs_unwatch() returns, no queued event of that watch is delivered. */
#define XS_UNWATCH_FILTER   (1UL << 2)

struct xs_handle;
typedef uint32_t xs_transaction_t;

struct xs_permissions {
    unsigned int id;        /* domid */
    unsigned int perms;     /* XS_PERM_* bits */
#define XS_PERM_NONE        0x00
#define XS_PERM_READ        0x01
#define XS_PERM_WRITE       0x02
#define XS_PERM_ENOENT_OK   0x04    /* internal to the daemon */
#define XS_PERM_OWNER       0x08
#define XS_PERM_IGNORE      0x10    /* internal to the daemon */
};

/* Digits of an unsigned type plus sign and NUL (Xen's definition). */
#define MAX_STRLEN(x) ((sizeof(x) * CHAR_BIT + CHAR_BIT - 1) / 10 * 3 + 2)

/* Connection.  The socket is $XENSTORED_PATH, else
 * $XENSTORED_RUNDIR/socket, else /run/xenstored/socket; if that cannot be
 * reached, /dev/xen/xenbus.  Returns NULL with errno on failure. */
struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *h);             /* NULL is fine */
struct xs_handle *xs_daemon_open(void);         /* = xs_open(0) */
struct xs_handle *xs_domain_open(void);         /* = xs_open(0) */
struct xs_handle *xs_daemon_open_readonly(void);/* = xs_open(0) */
void xs_daemon_close(struct xs_handle *h);      /* = xs_close() */
/* In a child after fork(): drop the handle without talking to the daemon. */
void xs_daemon_destroy_postfork(struct xs_handle *h);

/* Paths the library uses; environment variables override. */
const char *xs_daemon_rundir(void);
const char *xs_daemon_socket(void);
const char *xs_daemon_socket_ro(void);

/* Children of path: one malloc'd block (free() it once) of *num pointers
 * followed by the strings.  Large directories use XS_DIRECTORY_PART. */
char **xs_directory(struct xs_handle *h, xs_transaction_t t,
                    const char *path, unsigned int *num);

/* Value of path, malloc'd and NUL-terminated; *len (if non-NULL) excludes
 * the terminator.  NULL on failure. */
void *xs_read(struct xs_handle *h, xs_transaction_t t,
              const char *path, unsigned int *len);

bool xs_write(struct xs_handle *h, xs_transaction_t t,
              const char *path, const void *data, unsigned int len);
bool xs_write_all(int fd, const void *data, unsigned int len);

/* Succeeds if path already exists. */
bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);
/* Removes path and its children. */
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);
/* Always fails (Xen keeps it for ABI compatibility). */
bool xs_restrict(struct xs_handle *h, unsigned int domid);

/* perms[0] is the owner and the access of everyone not listed after it.
 * Returns a malloc'd array of *num entries, or NULL. */
struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t,
                                          const char *path, unsigned int *num);
bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms);

/* Watches.  The daemon fires each new watch once straight away. */
bool xs_watch(struct xs_handle *h, const char *path, const char *token);
bool xs_watch_depth(struct xs_handle *h, const char *path, const char *token,
                    unsigned int depth);
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token);
int xs_fileno(struct xs_handle *h);
/* Next event, blocking.  Returns a malloc'd vector (free() once) of *num
 * strings; vec[XS_WATCH_PATH] and vec[XS_WATCH_TOKEN] are always present. */
char **xs_read_watch(struct xs_handle *h, unsigned int *num);
/* Next event without blocking; NULL with errno EAGAIN when there is none. */
char **xs_check_watch(struct xs_handle *h);

/* Transactions.  xs_transaction_start returns XBT_NULL on failure;
 * xs_transaction_end fails with errno EAGAIN when the commit conflicted. */
xs_transaction_t xs_transaction_start(struct xs_handle *h);
bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort);

/* Domains (the daemon allows these to dom0 only). */
bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn);
bool xs_set_target(struct xs_handle *h, unsigned int domid,
                   unsigned int target);
bool xs_resume_domain(struct xs_handle *h, unsigned int domid);
bool xs_release_domain(struct xs_handle *h, unsigned int domid);
char *xs_get_domain_path(struct xs_handle *h, unsigned int domid);
bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid);

/* XS_CONTROL: cmd, then len bytes of data.  Returns the malloc'd reply. */
char *xs_control_command(struct xs_handle *h, const char *cmd,
                         void *data, unsigned int len);
char *xs_debug_command(struct xs_handle *h, const char *cmd,
                       void *data, unsigned int len);

/* True if child is parent or below it (string comparison only). */
bool xs_path_is_subpath(const char *parent, const char *child);

/* Parse num NUL-separated permission strings ("r0", "b5", ...).
 * False with errno EINVAL on a malformed string. */
bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings);

/* Keel helper: format one permission as the daemon does ("n0", "b3"), into
 * buf of at least MAX_STRLEN(unsigned int) + 1 bytes.  False (EINVAL) for
 * bits that have no letter. */
bool xs_perm_to_string(const struct xs_permissions *perm, char *buf,
                       size_t buf_len);

#endif /* KEEL_XENSTORE_H */
