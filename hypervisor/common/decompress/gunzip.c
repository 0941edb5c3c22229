/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gzip container (RFC 1952): member header with its optional FEXTRA,
 * FNAME, FCOMMENT and FHCRC fields, the DEFLATE data (inflate.c), and the
 * trailer's CRC32 and ISIZE, both checked.  One member is decoded.
 */
#include <keel/decompress.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include "decompress_priv.h"

#define GZIP_FIXED_HEADER_LEN 10
#define GZIP_TRAILER_LEN      8
#define GZIP_METHOD_DEFLATE   8

#define GZIP_FTEXT            0x01
#define GZIP_FHCRC            0x02
#define GZIP_FEXTRA           0x04
#define GZIP_FNAME            0x08
#define GZIP_FCOMMENT         0x10
#define GZIP_FRESERVED        0xe0

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Skips a zero-terminated header string; false if the input ends first. */
static bool skip_string(const uint8_t *in, size_t len, size_t *pos)
{
    while (*pos < len) {
        if (in[(*pos)++] == 0)
            return true;
    }
    return false;
}

/* The member header; *pos receives the offset of the DEFLATE data. */
static int parse_header(const uint8_t *in, size_t len, size_t *pos)
{
    if (len < GZIP_FIXED_HEADER_LEN || in[0] != 0x1f || in[1] != 0x8b) {
        pr_err("gunzip: no gzip header (%zu bytes of input)\n", len);
        return -EBADMSG;
    }
    if (in[2] != GZIP_METHOD_DEFLATE) {
        pr_err("gunzip: compression method %u not supported\n", in[2]);
        return -EOPNOTSUPP;
    }
    uint8_t flags = in[3];
    if (flags & GZIP_FRESERVED) {
        pr_err("gunzip: reserved header flags 0x%02x set\n", flags);
        return -EBADMSG;
    }
    size_t p = GZIP_FIXED_HEADER_LEN;
    if (flags & GZIP_FEXTRA) {
        if (len - p < 2 || len - p - 2 < (size_t)(in[p] | in[p + 1] << 8)) {
            pr_err("gunzip: truncated FEXTRA field at offset %zu\n", p);
            return -EBADMSG;
        }
        p += 2 + (size_t)(in[p] | in[p + 1] << 8);
    }
    if (((flags & GZIP_FNAME) && !skip_string(in, len, &p)) ||
        ((flags & GZIP_FCOMMENT) && !skip_string(in, len, &p))) {
        pr_err("gunzip: unterminated FNAME/FCOMMENT field\n");
        return -EBADMSG;
    }
    if (flags & GZIP_FHCRC) {
        if (len - p < 2) {
            pr_err("gunzip: truncated header CRC at offset %zu\n", p);
            return -EBADMSG;
        }
        if ((crc32_update(0, in, p) & 0xffff) != (uint32_t)(in[p] | in[p + 1] << 8)) {
            pr_err("gunzip: header CRC16 mismatch at offset %zu\n", p);
            return -EBADMSG;
        }
        p += 2;
    }
    *pos = p;
    return 0;
}

int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
           size_t *out_len, size_t *in_used)
{
    size_t pos, used, produced;

    if (!in || !out_len || (!out && out_cap))
        return -EINVAL;
    int err = parse_header(in, in_len, &pos);
    if (err)
        return err;
    err = inflate_raw(&in[pos], in_len - pos, pos, out, out_cap, &used, &produced);
    if (err)
        return err;
    pos += used;
    if (in_len - pos < GZIP_TRAILER_LEN) {
        pr_err("gunzip: truncated trailer at offset %zu\n", pos);
        return -EBADMSG;
    }
    if (crc32_update(0, out, produced) != get_le32(&in[pos])) {
        pr_err("gunzip: CRC32 mismatch (trailer at offset %zu)\n", pos);
        return -EBADMSG;
    }
    if ((uint32_t)produced != get_le32(&in[pos + 4])) {
        pr_err("gunzip: ISIZE mismatch: %zu bytes decoded, trailer at offset "
               "%zu says %u\n", produced, pos + 4, get_le32(&in[pos + 4]));
        return -EBADMSG;
    }
    pos += GZIP_TRAILER_LEN;
    if (!in_used && pos != in_len) {
        pr_err("gunzip: %zu bytes of trailing data at offset %zu\n",
               in_len - pos, pos);
        return -EBADMSG;
    }
    if (in_used)
        *in_used = pos;
    *out_len = produced;
    return 0;
}
