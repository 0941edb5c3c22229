/* SPDX-License-Identifier: MIT */
/*
 * Xenstore wire protocol (Xen's public io/xs_wire.h interface): the message
 * header every request and reply starts with, the message types, the error
 * names sent in XS_ERROR replies, and the shared ring page between a domain
 * and xenstored.  Values and layout are Xen's; the text is Keel's.
 */
#ifndef KEEL_PUBLIC_IO_XS_WIRE_H
#define KEEL_PUBLIC_IO_XS_WIRE_H

#include <stdint.h>

enum xsd_sockmsg_type {
    XS_CONTROL = 0,
#define XS_DEBUG XS_CONTROL
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT, no longer used */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_TYPE_COUNT,
    XS_INVALID = 0xffff
};

#define XS_WRITE_NONE "NONE"
#define XS_WRITE_CREATE "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/* XS_ERROR replies carry one of these names (NUL-terminated). */
struct xsd_errors {
    int errnum;
    const char *errstring;
};

#ifdef EINVAL
#define XSD_ERROR(x) { x, #x }
static const struct xsd_errors xsd_errors[]
#if defined(__GNUC__)
__attribute__((unused))
#endif
    = {
    XSD_ERROR(EINVAL),
    XSD_ERROR(EACCES),
    XSD_ERROR(EEXIST),
    XSD_ERROR(EISDIR),
    XSD_ERROR(ENOENT),
    XSD_ERROR(ENOMEM),
    XSD_ERROR(ENOSPC),
    XSD_ERROR(EIO),
    XSD_ERROR(ENOTEMPTY),
    XSD_ERROR(ENOSYS),
    XSD_ERROR(EROFS),
    XSD_ERROR(EBUSY),
    XSD_ERROR(EAGAIN),
    XSD_ERROR(EISCONN),
    XSD_ERROR(E2BIG),
    XSD_ERROR(EPERM),
};
#endif

struct xsd_sockmsg {
    uint32_t type;      /* enum xsd_sockmsg_type */
    uint32_t req_id;    /* echoed in the reply */
    uint32_t tx_id;     /* transaction id, 0 when none */
    uint32_t len;       /* payload bytes following the header */
};

/* The two strings of an XS_WATCH_EVENT payload. */
enum xs_watch_type {
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/* The shared page between a domain and xenstored. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];   /* requests to xenstored */
    char rsp[XENSTORE_RING_SIZE];   /* replies and watch events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;       /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;            /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;                 /* XENSTORE_ERROR_* */
};

#define XENSTORE_PAYLOAD_MAX 4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO 3

#endif
