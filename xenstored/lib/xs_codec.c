// SPDX-License-Identifier: LGPL-2.1-only
/*
 * libxenstore wire codec: request building, stream framing and reply
 * decoding.  Everything the daemon sends is treated as untrusted: lengths,
 * types, request ids and string termination are all checked here.
 */
#include "xs_codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XS_DIRPART_MAX_BYTES (64u << 20)    /* sanity cap on a listing */
#define XS_DIRPART_MAX_RESTARTS 1000u

ssize_t xs_codec_build(uint8_t *buf, uint32_t type, uint32_t req_id,
                       uint32_t tx_id, const struct iovec *iov, unsigned int n)
{
    size_t len = 0;

    for (unsigned int i = 0; i < n; i++) {
        if (iov[i].iov_len > XENSTORE_PAYLOAD_MAX - len) {
            errno = E2BIG;
            return -1;
        }
        len += iov[i].iov_len;
    }
    struct xsd_sockmsg hdr = {
        .type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len,
    };
    memcpy(buf, &hdr, XS_HDR_LEN);
    size_t pos = XS_HDR_LEN;
    for (unsigned int i = 0; i < n; i++) {
        if (iov[i].iov_len)
            memcpy(buf + pos, iov[i].iov_base, iov[i].iov_len);
        pos += iov[i].iov_len;
    }
    return (ssize_t)pos;
}

ssize_t xs_codec_parse(const uint8_t *buf, size_t len, struct xs_msg *msg)
{
    struct xsd_sockmsg hdr;

    if (len < XS_HDR_LEN)
        return 0;
    memcpy(&hdr, buf, XS_HDR_LEN);
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = EBADMSG;
        return -1;
    }
    if (len - XS_HDR_LEN < hdr.len)
        return 0;
    char *body = malloc((size_t)hdr.len + 1);
    if (!body) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(body, buf + XS_HDR_LEN, hdr.len);
    body[hdr.len] = '\0';
    msg->hdr = hdr;
    msg->body = body;
    return (ssize_t)(XS_HDR_LEN + hdr.len);
}

int xs_codec_errno(const char *name)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (strcmp(name, xsd_errors[i].errstring) == 0)
            return xsd_errors[i].errnum;
    return EINVAL;
}

int xs_codec_check_reply(const struct xs_msg *msg, uint32_t type,
                         uint32_t req_id)
{
    if (msg->hdr.req_id != req_id)
        return EBADMSG;
    if (msg->hdr.type == XS_ERROR) {
        /* The name must be a NUL-terminated string filling the payload. */
        if (msg->hdr.len == 0 || msg->body[msg->hdr.len - 1] != '\0' ||
            strlen(msg->body) != msg->hdr.len - 1)
            return EBADMSG;
        return xs_codec_errno(msg->body);
    }
    if (msg->hdr.type != type)
        return EBADMSG;
    return 0;
}

unsigned int xs_codec_count_strings(const char *s, size_t len)
{
    unsigned int num = 0;

    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0')
            num++;
    return num;
}

char **xs_codec_split(const char *s, size_t len, unsigned int *num)
{
    /* Only bytes up to the last NUL form strings. */
    while (len && s[len - 1] != '\0')
        len--;
    unsigned int n = xs_codec_count_strings(s, len);
    char **vec = malloc(((size_t)n + 1) * sizeof(char *) + len);
    if (!vec) {
        errno = ENOMEM;
        return NULL;
    }
    char *copy = (char *)(vec + n + 1);
    if (len)
        memcpy(copy, s, len);
    for (unsigned int i = 0; i < n; i++) {
        vec[i] = copy;
        copy += strlen(copy) + 1;
    }
    vec[n] = NULL;
    *num = n;
    return vec;
}

char **xs_codec_event_vec(const char *s, size_t len, unsigned int *num)
{
    if (xs_codec_count_strings(s, len) < 2) {
        errno = EBADMSG;
        return NULL;
    }
    return xs_codec_split(s, len, num);
}

struct xs_permissions *xs_codec_perms(const char *s, size_t len,
                                      unsigned int *num)
{
    if (len == 0 || s[len - 1] != '\0') {
        errno = EBADMSG;
        return NULL;
    }
    unsigned int n = xs_codec_count_strings(s, len);
    struct xs_permissions *perms = calloc(n, sizeof(*perms));
    if (!perms) {
        errno = ENOMEM;
        return NULL;
    }
    if (!xs_strings_to_perms(perms, n, s)) {
        free(perms);
        errno = EBADMSG;
        return NULL;
    }
    *num = n;
    return perms;
}

bool xs_codec_u32(const char *s, size_t len, uint32_t *out)
{
    uint64_t v = 0;
    size_t i;

    /* Digits, then exactly one NUL at the end of the payload. */
    for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > UINT32_MAX)
            return false;
    }
    if (i == 0 || i + 1 != len || s[i] != '\0')
        return false;
    *out = (uint32_t)v;
    return true;
}

static int dirpart_restart(struct xs_dirpart *d)
{
    free(d->strings);
    d->strings = NULL;
    d->off = 0;
    d->gen[0] = '\0';
    if (++d->restarts > XS_DIRPART_MAX_RESTARTS) {
        errno = EAGAIN;
        return -1;
    }
    return 0;
}

int xs_dirpart_feed(struct xs_dirpart *d, const char *body, size_t len)
{
    const char *nul = memchr(body, '\0', len);
    if (!nul || (size_t)(nul - body) >= sizeof(d->gen) || nul == body) {
        errno = EBADMSG;
        return -1;
    }
    size_t genlen = (size_t)(nul - body);
    if (d->off == 0) {
        memcpy(d->gen, body, genlen + 1);
    } else if (strcmp(d->gen, body) != 0) {
        return dirpart_restart(d);      /* node changed: start over */
    }
    const char *chunk = nul + 1;
    size_t chunk_len = len - genlen - 1;
    /* Each part holds whole names, so it is non-empty and NUL-ended. */
    if (chunk_len == 0 || chunk[chunk_len - 1] != '\0' ||
        chunk_len > XS_DIRPART_MAX_BYTES - d->off) {
        errno = EBADMSG;
        return -1;
    }
    char *grown = realloc(d->strings, d->off + chunk_len);
    if (!grown) {
        errno = ENOMEM;
        return -1;
    }
    d->strings = grown;
    memcpy(d->strings + d->off, chunk, chunk_len);
    d->off += chunk_len;
    /* The list ends with an empty name: "\0" alone or "...\0\0". */
    if (d->off == 1 || d->strings[d->off - 2] == '\0') {
        d->off--;
        return 1;
    }
    return 0;
}

void xs_dirpart_free(struct xs_dirpart *d)
{
    free(d->strings);
    d->strings = NULL;
    d->off = 0;
}

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings)
{
    const char *p = strings;

    for (unsigned int i = 0; i < num; i++) {
        switch (*p) {
        case 'n': perms[i].perms = XS_PERM_NONE; break;
        case 'r': perms[i].perms = XS_PERM_READ; break;
        case 'w': perms[i].perms = XS_PERM_WRITE; break;
        case 'b': perms[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
        default:
            errno = EINVAL;
            return false;
        }
        p++;
        char *end;
        errno = 0;
        unsigned long id = strtoul(p, &end, 0);
        if (*p < '0' || *p > '9' || *end != '\0' || errno || id > UINT32_MAX) {
            errno = EINVAL;
            return false;
        }
        perms[i].id = (unsigned int)id;
        p = end + 1;
    }
    return true;
}

bool xs_perm_to_string(const struct xs_permissions *perm, char *buf,
                       size_t buf_len)
{
    char letter;

    switch (perm->perms & ~(unsigned int)XS_PERM_IGNORE) {
    case XS_PERM_NONE: letter = 'n'; break;
    case XS_PERM_READ: letter = 'r'; break;
    case XS_PERM_WRITE: letter = 'w'; break;
    case XS_PERM_READ | XS_PERM_WRITE: letter = 'b'; break;
    default:
        errno = EINVAL;
        return false;
    }
    if (buf_len < 2) {
        errno = EINVAL;
        return false;
    }
    snprintf(buf, buf_len, "%c%u", letter, perm->id);
    return true;
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
    size_t len = strlen(parent);

    /* Whole components only, as Xen: "/a" is under "/a" but not "/ab". */
    if (strncmp(child, parent, len) != 0)
        return false;
    return child[len] == '\0' || child[len] == '/';
}
