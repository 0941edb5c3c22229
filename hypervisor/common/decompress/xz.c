/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The .xz container: stream header and footer, block headers, block padding
 * and integrity checks, the index, stream padding and concatenated streams.
 * Blocks are decoded by lzma2.c, optionally followed by the x86 BCJ filter
 * (bcj_x86.c).  Supported checks: none, CRC32, CRC64; SHA-256 and the other
 * filters are refused with -EOPNOTSUPP.
 *
 * The index is validated without storing it: while blocks are decoded their
 * (unpadded size, uncompressed size) records are folded into a summary, and
 * the index's records are folded the same way and compared.
 */
#include <keel/decompress.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include "decompress_priv.h"

#define XZ_STREAM_HEADER_LEN   12
#define XZ_STREAM_FOOTER_LEN   12
#define XZ_MAGIC_LEN           6
#define XZ_VLI_MAX_BYTES       9

#define XZ_CHECK_NONE          0x0
#define XZ_CHECK_CRC32         0x1
#define XZ_CHECK_CRC64         0x4
#define XZ_CHECK_SHA256        0xA

#define XZ_FILTER_X86          0x04
#define XZ_FILTER_LZMA2        0x21
#define XZ_MAX_FILTERS         4

#define BLOCK_FLAG_FILTERS     0x03
#define BLOCK_FLAG_RESERVED    0x3c
#define BLOCK_FLAG_PACKED      0x40
#define BLOCK_FLAG_UNPACKED    0x80

static const uint8_t xz_header_magic[XZ_MAGIC_LEN] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t xz_footer_magic[2] = { 'Y', 'Z' };

/* The whole input: every offset in messages is relative to buf. */
struct xz_input {
    const uint8_t *buf;
    size_t len;
};

/* Running totals of block records, for comparison with the index. */
struct index_summary {
    uint64_t records;
    uint64_t unpadded_total;
    uint64_t unpacked_total;
    uint32_t crc;
};

struct xz_block_header {
    size_t header_len;
    bool has_packed;
    bool has_unpacked;
    uint64_t packed;
    uint64_t unpacked;
    bool x86;
    uint32_t x86_start;
    uint32_t dict_size;
};

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/* Size in bytes of the check field for a check type (0..15). */
static size_t check_len(uint32_t type)
{
    static const uint8_t sizes[16] = { 0, 4, 4, 4, 8, 8, 8, 16, 16, 16,
                                       32, 32, 32, 64, 64, 64 };
    return sizes[type & 15];
}

/*
 * A variable-length integer from buf[*pos .. limit): seven bits a byte, least
 * significant first, at most nine bytes, no superfluous zero byte at the end.
 */
static bool read_vli(const uint8_t *buf, size_t limit, size_t *pos, uint64_t *value)
{
    uint64_t v = 0;

    for (uint32_t i = 0; i < XZ_VLI_MAX_BYTES; i++) {
        if (*pos >= limit)
            return false;
        uint8_t byte = buf[(*pos)++];
        v |= (uint64_t)(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) {
            if (byte == 0 && i != 0)
                return false;
            *value = v;
            return true;
        }
    }
    return false;
}

static void summary_add(struct index_summary *s, uint64_t unpadded, uint64_t unpacked)
{
    uint8_t record[16];

    for (int i = 0; i < 8; i++) {
        record[i] = (uint8_t)(unpadded >> (8 * i));
        record[8 + i] = (uint8_t)(unpacked >> (8 * i));
    }
    s->records++;
    s->unpadded_total += unpadded;
    s->unpacked_total += unpacked;
    s->crc = crc32_update(s->crc, record, sizeof(record));
}

static int parse_stream_header(const struct xz_input *x, size_t pos, uint32_t *check)
{
    const uint8_t *h = &x->buf[pos];

    if (x->len - pos < XZ_STREAM_HEADER_LEN) {
        pr_err("xz: truncated stream header at offset %zu\n", pos);
        return -EBADMSG;
    }
    if (memcmp(h, xz_header_magic, XZ_MAGIC_LEN) != 0) {
        pr_err("xz: no stream header magic at offset %zu\n", pos);
        return -EBADMSG;
    }
    if (crc32_update(0, h + 6, 2) != get_le32(h + 8)) {
        pr_err("xz: stream header CRC32 mismatch at offset %zu\n", pos + 8);
        return -EBADMSG;
    }
    if (h[6] != 0 || (h[7] & 0xf0) != 0) {
        pr_err("xz: unsupported stream flags %02x %02x at offset %zu\n",
               h[6], h[7], pos + 6);
        return -EOPNOTSUPP;
    }
    *check = h[7] & 0x0f;
    if (*check != XZ_CHECK_NONE && *check != XZ_CHECK_CRC32 &&
        *check != XZ_CHECK_CRC64) {
        pr_err("xz: check type %u (%s) not supported, at offset %zu\n", *check,
               *check == XZ_CHECK_SHA256 ? "SHA-256" : "reserved", pos + 7);
        return -EOPNOTSUPP;
    }
    return 0;
}

/* One filter's flags inside a block header, checked against what Keel supports. */
static int parse_filter(const uint8_t *hdr, size_t limit, size_t *i, bool last,
                        struct xz_block_header *bh, size_t off)
{
    uint64_t id, props_len;

    if (!read_vli(hdr, limit, i, &id) || !read_vli(hdr, limit, i, &props_len) ||
        props_len > limit - *i) {
        pr_err("xz: malformed filter flags in block header at offset %zu\n", off);
        return -EBADMSG;
    }
    const uint8_t *props = &hdr[*i];
    *i += props_len;
    if (last) {
        if (id != XZ_FILTER_LZMA2) {
            pr_err("xz: block at offset %zu: last filter 0x%llx is not LZMA2\n",
                   off, (unsigned long long)id);
            return -EOPNOTSUPP;
        }
        if (props_len != 1 || !lzma2_dict_size(props[0], &bh->dict_size)) {
            pr_err("xz: block at offset %zu: bad LZMA2 properties\n", off);
            return -EBADMSG;
        }
        return 0;
    }
    if (id != XZ_FILTER_X86 || bh->x86) {
        pr_err("xz: block at offset %zu: filter 0x%llx not supported (only x86 "
               "BCJ before LZMA2)\n", off, (unsigned long long)id);
        return -EOPNOTSUPP;
    }
    if (props_len != 0 && props_len != 4) {
        pr_err("xz: block at offset %zu: bad x86 BCJ properties\n", off);
        return -EBADMSG;
    }
    bh->x86 = true;
    bh->x86_start = props_len == 4 ? get_le32(props) : 0;
    return 0;
}

static int parse_block_header(const struct xz_input *x, size_t pos,
                              struct xz_block_header *bh)
{
    const uint8_t *hdr = &x->buf[pos];

    memset(bh, 0, sizeof(*bh));
    bh->header_len = ((size_t)hdr[0] + 1) * 4;
    if (bh->header_len > x->len - pos) {
        pr_err("xz: truncated block header at offset %zu\n", pos);
        return -EBADMSG;
    }
    size_t limit = bh->header_len - 4;
    if (crc32_update(0, hdr, limit) != get_le32(hdr + limit)) {
        pr_err("xz: block header CRC32 mismatch at offset %zu\n", pos + limit);
        return -EBADMSG;
    }
    uint8_t flags = hdr[1];
    if (flags & BLOCK_FLAG_RESERVED) {
        pr_err("xz: reserved block flags 0x%02x at offset %zu\n", flags, pos + 1);
        return -EOPNOTSUPP;
    }
    size_t i = 2;
    bh->has_packed = flags & BLOCK_FLAG_PACKED;
    bh->has_unpacked = flags & BLOCK_FLAG_UNPACKED;
    if ((bh->has_packed && (!read_vli(hdr, limit, &i, &bh->packed) || bh->packed == 0)) ||
        (bh->has_unpacked && !read_vli(hdr, limit, &i, &bh->unpacked))) {
        pr_err("xz: bad size field in block header at offset %zu\n", pos);
        return -EBADMSG;
    }
    uint32_t filters = (flags & BLOCK_FLAG_FILTERS) + 1;
    for (uint32_t f = 0; f < filters; f++) {
        int err = parse_filter(hdr, limit, &i, f + 1 == filters, bh, pos);
        if (err)
            return err;
    }
    for (; i < limit; i++) {
        if (hdr[i] != 0) {
            pr_err("xz: non-zero block header padding at offset %zu\n", pos + i);
            return -EBADMSG;
        }
    }
    return 0;
}

static bool check_matches(uint32_t check, const uint8_t *data, size_t len,
                          const uint8_t *stored)
{
    switch (check) {
    case XZ_CHECK_CRC32:
        return crc32_update(0, data, len) == get_le32(stored);
    case XZ_CHECK_CRC64:
        return crc64_update(0, data, len) == get_le64(stored);
    default:
        return true;
    }
}

/* The block padding and check after a block's data at *pos. */
static int finish_block(const struct xz_input *x, size_t block_pos, size_t *pos,
                        uint32_t check, const uint8_t *data, size_t data_len)
{
    while ((*pos - block_pos) & 3) {
        if (*pos >= x->len || x->buf[*pos] != 0) {
            pr_err("xz: bad or truncated block padding at offset %zu\n", *pos);
            return -EBADMSG;
        }
        (*pos)++;
    }
    size_t clen = check_len(check);
    if (clen > x->len - *pos) {
        pr_err("xz: truncated block check at offset %zu\n", *pos);
        return -EBADMSG;
    }
    if (!check_matches(check, data, data_len, &x->buf[*pos])) {
        pr_err("xz: %s mismatch for block at offset %zu (check at offset %zu)\n",
               check == XZ_CHECK_CRC32 ? "CRC32" : "CRC64", block_pos, *pos);
        return -EBADMSG;
    }
    *pos += clen;
    return 0;
}

static int decode_block(const struct xz_input *x, size_t *pos, uint32_t check,
                        uint8_t *out, size_t out_cap, size_t *out_pos,
                        struct index_summary *blocks)
{
    struct xz_block_header bh;
    size_t block_pos = *pos;
    int err = parse_block_header(x, block_pos, &bh);
    if (err)
        return err;

    size_t data_pos = block_pos + bh.header_len;
    size_t data_limit = x->len - data_pos;
    if (bh.has_packed && bh.packed < data_limit)
        data_limit = (size_t)bh.packed;
    size_t used, out_end;
    err = lzma2_decode(&x->buf[data_pos], data_limit, data_pos, out,
                       *out_pos, out_cap, &used, &out_end);
    if (err)
        return err;
    size_t produced = out_end - *out_pos;
    if ((bh.has_packed && bh.packed != used) ||
        (bh.has_unpacked && bh.unpacked != produced)) {
        pr_err("xz: block at offset %zu: sizes differ from its header\n",
               block_pos);
        return -EBADMSG;
    }
    if (bh.x86)
        bcj_x86_decode(&out[*out_pos], produced, bh.x86_start);

    *pos = data_pos + used;
    err = finish_block(x, block_pos, pos, check, &out[*out_pos], produced);
    if (err)
        return err;
    summary_add(blocks, bh.header_len + used + check_len(check), produced);
    *out_pos = out_end;
    return 0;
}

/* The index at *pos: its records must summarise to what was decoded. */
static int parse_index(const struct xz_input *x, size_t *pos,
                       const struct index_summary *blocks)
{
    struct index_summary listed = { 0 };
    size_t start = *pos;
    size_t i = start + 1;
    uint64_t count;

    if (!read_vli(x->buf, x->len, &i, &count)) {
        pr_err("xz: bad index record count at offset %zu\n", start + 1);
        return -EBADMSG;
    }
    for (uint64_t r = 0; r < count; r++) {
        uint64_t unpadded, unpacked;

        if (!read_vli(x->buf, x->len, &i, &unpadded) ||
            !read_vli(x->buf, x->len, &i, &unpacked)) {
            pr_err("xz: bad or truncated index record at offset %zu\n", i);
            return -EBADMSG;
        }
        summary_add(&listed, unpadded, unpacked);
    }
    while ((i - start) & 3) {
        if (i >= x->len || x->buf[i] != 0) {
            pr_err("xz: bad or truncated index padding at offset %zu\n", i);
            return -EBADMSG;
        }
        i++;
    }
    if (x->len - i < 4 || crc32_update(0, &x->buf[start], i - start) !=
                          get_le32(&x->buf[i])) {
        pr_err("xz: index CRC32 mismatch or truncated at offset %zu\n", i);
        return -EBADMSG;
    }
    if (listed.records != blocks->records || listed.crc != blocks->crc ||
        listed.unpadded_total != blocks->unpadded_total ||
        listed.unpacked_total != blocks->unpacked_total) {
        pr_err("xz: index at offset %zu does not match the blocks (%llu listed, "
               "%llu decoded)\n", start, (unsigned long long)listed.records,
               (unsigned long long)blocks->records);
        return -EBADMSG;
    }
    *pos = i + 4;
    return 0;
}

static int parse_stream_footer(const struct xz_input *x, size_t pos,
                               size_t index_len, const uint8_t *header_flags)
{
    const uint8_t *f = &x->buf[pos];

    if (x->len - pos < XZ_STREAM_FOOTER_LEN) {
        pr_err("xz: truncated stream footer at offset %zu\n", pos);
        return -EBADMSG;
    }
    if (memcmp(f + 10, xz_footer_magic, sizeof(xz_footer_magic)) != 0) {
        pr_err("xz: no stream footer magic at offset %zu\n", pos + 10);
        return -EBADMSG;
    }
    if (crc32_update(0, f + 4, 6) != get_le32(f)) {
        pr_err("xz: stream footer CRC32 mismatch at offset %zu\n", pos);
        return -EBADMSG;
    }
    if (((uint64_t)get_le32(f + 4) + 1) * 4 != index_len) {
        pr_err("xz: stream footer backward size disagrees with the index "
               "(%zu bytes) at offset %zu\n", index_len, pos + 4);
        return -EBADMSG;
    }
    if (memcmp(f + 8, header_flags, 2) != 0) {
        pr_err("xz: stream footer flags differ from the header at offset %zu\n",
               pos + 8);
        return -EBADMSG;
    }
    return 0;
}

/* One stream at *pos, appending its output at *out_pos. */
static int decode_stream(const struct xz_input *x, size_t *pos, uint8_t *out,
                         size_t out_cap, size_t *out_pos)
{
    struct index_summary blocks = { 0 };
    size_t stream_pos = *pos;
    uint32_t check;

    int err = parse_stream_header(x, stream_pos, &check);
    if (err)
        return err;
    size_t p = stream_pos + XZ_STREAM_HEADER_LEN;
    for (;;) {
        if (p >= x->len) {
            pr_err("xz: stream truncated at offset %zu\n", p);
            return -EBADMSG;
        }
        if (x->buf[p] == 0)
            break;              /* the index indicator */
        err = decode_block(x, &p, check, out, out_cap, out_pos, &blocks);
        if (err)
            return err;
    }
    size_t index_pos = p;
    err = parse_index(x, &p, &blocks);
    if (err)
        return err;
    err = parse_stream_footer(x, p, p - index_pos, &x->buf[stream_pos + 6]);
    if (err)
        return err;
    *pos = p + XZ_STREAM_FOOTER_LEN;
    return 0;
}

/* Skips stream padding; true if another stream header follows it. */
static bool skip_stream_padding(const struct xz_input *x, size_t *pos)
{
    while (x->len - *pos >= 4 && get_le32(&x->buf[*pos]) == 0)
        *pos += 4;
    return x->len - *pos >= XZ_MAGIC_LEN &&
           memcmp(&x->buf[*pos], xz_header_magic, XZ_MAGIC_LEN) == 0;
}

int xz_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
                  size_t out_cap, size_t *out_len, size_t *in_used)
{
    struct xz_input x = { .buf = in, .len = in_len };
    size_t pos = 0, out_pos = 0;

    if (!in || !out_len || (!out && out_cap))
        return -EINVAL;
    do {
        int err = decode_stream(&x, &pos, out, out_cap, &out_pos);
        if (err)
            return err;
    } while (skip_stream_padding(&x, &pos));

    if (!in_used && pos != in_len) {
        pr_err("xz: %zu bytes of trailing data at offset %zu\n", in_len - pos, pos);
        return -EBADMSG;
    }
    if (in_used)
        *in_used = pos;
    *out_len = out_pos;
    return 0;
}
