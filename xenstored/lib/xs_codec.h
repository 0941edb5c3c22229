/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxenstore's private wire codec: building request messages, cutting
 * complete messages out of a byte stream, checking replies and decoding
 * their payloads (error names, string lists, permissions, directory parts).
 * No I/O and no handle state, so the unit tests drive it directly.
 */
#ifndef KEEL_XS_CODEC_H
#define KEEL_XS_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "xenstore.h"

#define XS_HDR_LEN ((size_t)sizeof(struct xsd_sockmsg))
#define XS_MSG_MAX (XS_HDR_LEN + XENSTORE_PAYLOAD_MAX)

/* One received message; body is malloc'd with a NUL after len bytes. */
struct xs_msg {
    struct xsd_sockmsg hdr;
    char *body;
};

/* Build header + the concatenated iov parts into buf (XS_MSG_MAX bytes).
 * Returns the total length, or -1 with errno E2BIG when the payload is over
 * XENSTORE_PAYLOAD_MAX. */
ssize_t xs_codec_build(uint8_t *buf, uint32_t type, uint32_t req_id,
                       uint32_t tx_id, const struct iovec *iov, unsigned int n);

/* Cut the first complete message out of buf[0..len).  Returns bytes used
 * (>0) and fills *msg, 0 when more bytes are needed, or -1 with errno:
 * EBADMSG when the header announces more than XENSTORE_PAYLOAD_MAX,
 * ENOMEM when the body cannot be allocated. */
ssize_t xs_codec_parse(const uint8_t *buf, size_t len, struct xs_msg *msg);

/* Check a reply to request (type, req_id): 0 when it is that request's
 * reply, the errno an XS_ERROR reply names, or EBADMSG for anything else
 * (other type, other req_id, malformed error). */
int xs_codec_check_reply(const struct xs_msg *msg, uint32_t type,
                         uint32_t req_id);

/* The errno for an XS_ERROR name ("ENOENT"); EINVAL for unknown names. */
int xs_codec_errno(const char *name);

/* NUL-terminated strings in s[0..len) (a trailing unterminated fragment is
 * not counted). */
unsigned int xs_codec_count_strings(const char *s, size_t len);

/* A malloc'd vector of the NUL-terminated strings in s[0..len), pointers
 * first then the strings, in one block.  Unterminated trailing bytes are
 * dropped.  NULL with errno ENOMEM. */
char **xs_codec_split(const char *s, size_t len, unsigned int *num);

/* A watch event payload as a vector (see xs_read_watch); NULL with errno
 * EBADMSG if it has fewer than two strings. */
char **xs_codec_event_vec(const char *s, size_t len, unsigned int *num);

/* Reply of XS_GET_PERMS as a malloc'd array; NULL with errno EBADMSG when
 * it is empty or a string is not a permission. */
struct xs_permissions *xs_codec_perms(const char *s, size_t len,
                                      unsigned int *num);

/* Parse one decimal uint32 filling a whole NUL-terminated reply body. */
bool xs_codec_u32(const char *s, size_t len, uint32_t *out);

/* Accumulates the replies of XS_DIRECTORY_PART for one directory. */
struct xs_dirpart {
    char gen[24];           /* generation of the node at offset 0 */
    char *strings;          /* children bytes gathered so far */
    size_t off;             /* bytes in strings == next offset to ask */
    unsigned int restarts;  /* times the node changed under us */
};

/* Feed the reply body for offset d->off.  Returns 1 when the list is
 * complete (d->strings/d->off hold "name\0..." without the final empty
 * string), 0 to ask for the next offset (d->off; 0 again if the node changed
 * meanwhile), or -1 with errno (EBADMSG, ENOMEM). */
int xs_dirpart_feed(struct xs_dirpart *d, const char *body, size_t len);
void xs_dirpart_free(struct xs_dirpart *d);

#endif /* KEEL_XS_CODEC_H */
