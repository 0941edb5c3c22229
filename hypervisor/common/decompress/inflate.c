/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DEFLATE (RFC 1951) decoding: stored, fixed-Huffman and dynamic-Huffman
 * blocks, single call, the output buffer serving as the window.  Huffman
 * codes are decoded through a 10-bit lookup table, longer codes (rare) by
 * walking the canonical code one bit at a time.  Every code table is checked
 * (over-subscribed or, except where RFC 1951 allows it, incomplete codes are
 * errors) and every length, distance and repeat is bounds-checked.
 */
#include <keel/errno.h>
#include <keel/lib.h>
#include "decompress_priv.h"

#define MAX_CODE_BITS     15
#define FAST_BITS         10
#define LITLEN_SYMBOLS    288
#define DIST_SYMBOLS      32
#define CODELEN_SYMBOLS   19
#define END_OF_BLOCK      256
#define FIRST_LEN_SYMBOL  257
#define LEN_SYMBOLS_USED  29        /* 257..285 */
#define DIST_SYMBOLS_USED 30        /* 0..29 */
#define FAST_LEN_SHIFT    9         /* fast entry: length << 9 | symbol */

struct huffman {
    uint16_t count[MAX_CODE_BITS + 1];  /* codes of each length */
    uint16_t symbol[LITLEN_SYMBOLS];    /* symbols in canonical order */
    uint16_t fast[1u << FAST_BITS];     /* 0: code longer than FAST_BITS */
};

struct bit_reader {
    const uint8_t *in;
    size_t len;
    size_t pos;                 /* next byte to load into bits */
    size_t in_off;              /* in[0]'s offset in the file, for messages */
    uint64_t bits;
    uint32_t count;
};

struct inflate_state {
    struct bit_reader br;
    uint8_t *out;
    size_t out_pos;
    size_t out_cap;
    struct huffman litlen;
    struct huffman dist;
};

/* Too big for a 16 KiB hypervisor stack; decoders are not run concurrently. */
static struct inflate_state inflate_work;
static int inflate_busy;

static const uint16_t len_base[LEN_SYMBOLS_USED] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[LEN_SYMBOLS_USED] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[DIST_SYMBOLS_USED] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289,
    16385, 24577 };
static const uint8_t dist_extra[DIST_SYMBOLS_USED] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
/* The order code-length code lengths are sent in. */
static const uint8_t codelen_order[CODELEN_SYMBOLS] = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

static size_t br_offset(const struct bit_reader *br)
{
    return br->in_off + br->pos - br->count / 8;
}

static inline void br_refill(struct bit_reader *br)
{
    while (br->count <= 56 && br->pos < br->len) {
        br->bits |= (uint64_t)br->in[br->pos++] << br->count;
        br->count += 8;
    }
}

/* n (<= 32) bits, or false if the input ends first. */
static inline bool br_bits(struct bit_reader *br, uint32_t n, uint32_t *value)
{
    if (br->count < n) {
        br_refill(br);
        if (br->count < n)
            return false;
    }
    *value = (uint32_t)(br->bits & ((1ull << n) - 1));
    br->bits >>= n;
    br->count -= n;
    return true;
}

static int truncated(const struct bit_reader *br)
{
    pr_err("inflate: data truncated at offset %zu\n", br->in_off + br->len);
    return -EBADMSG;
}

static uint32_t reverse_bits(uint32_t code, uint32_t len)
{
    uint32_t rev = 0;

    for (uint32_t i = 0; i < len; i++) {
        rev = (rev << 1) | (code & 1);
        code >>= 1;
    }
    return rev;
}

static void fill_fast_table(struct huffman *h)
{
    uint32_t code = 0, index = 0;

    memset(h->fast, 0, sizeof(h->fast));
    for (uint32_t len = 1; len <= FAST_BITS; len++) {
        for (uint32_t n = 0; n < h->count[len]; n++, index++, code++) {
            uint16_t entry = (uint16_t)(len << FAST_LEN_SHIFT | h->symbol[index]);
            for (uint32_t slot = reverse_bits(code, len); slot < (1u << FAST_BITS);
                 slot += 1u << len)
                h->fast[slot] = entry;
        }
        code <<= 1;
    }
}

/*
 * Builds a canonical code from per-symbol lengths.  An empty code is allowed
 * (any use of it fails); an incomplete one only if allow_single and it is a
 * single one-bit code (RFC 1951 allows one distance code; zlib accepts the
 * same for literal/length codes).
 */
static bool huffman_build(struct huffman *h, const uint8_t *lengths, uint32_t n,
                          bool allow_single)
{
    uint16_t offset[MAX_CODE_BITS + 2];
    int32_t left = 1;
    uint32_t used = 0;

    memset(h->count, 0, sizeof(h->count));
    for (uint32_t s = 0; s < n; s++)
        h->count[lengths[s]]++;
    for (uint32_t len = 1; len <= MAX_CODE_BITS; len++) {
        left = (left << 1) - h->count[len];
        if (left < 0)
            return false;       /* over-subscribed */
        used += h->count[len];
    }
    if (left > 0 && used > 0 && !(allow_single && used == 1 && h->count[1] == 1))
        return false;           /* incomplete */
    offset[1] = 0;
    for (uint32_t len = 1; len <= MAX_CODE_BITS; len++)
        offset[len + 1] = offset[len] + h->count[len];
    for (uint32_t s = 0; s < n; s++)
        if (lengths[s])
            h->symbol[offset[lengths[s]]++] = (uint16_t)s;
    h->count[0] = 0;
    fill_fast_table(h);
    return true;
}

/* A code longer than FAST_BITS (or none): walk the canonical code. */
static int decode_slow(struct bit_reader *br, const struct huffman *h)
{
    uint32_t code = 0, first = 0, index = 0;

    for (uint32_t len = 1; len <= MAX_CODE_BITS && len <= br->count; len++) {
        code |= (uint32_t)(br->bits >> (len - 1)) & 1;
        uint32_t count = h->count[len];
        if (code - first < count) {
            br->bits >>= len;
            br->count -= len;
            return h->symbol[index + code - first];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    if (br->count < MAX_CODE_BITS && br->pos >= br->len)
        return truncated(br);
    pr_err("inflate: invalid Huffman code at offset %zu\n", br_offset(br));
    return -EBADMSG;
}

/* The next symbol of code h, or a negative errno. */
static inline int decode_symbol(struct bit_reader *br, const struct huffman *h)
{
    if (br->count < MAX_CODE_BITS)
        br_refill(br);
    uint16_t entry = h->fast[br->bits & ((1u << FAST_BITS) - 1)];
    uint32_t len = entry >> FAST_LEN_SHIFT;
    if (entry == 0 || len > br->count)
        return decode_slow(br, h);
    br->bits >>= len;
    br->count -= len;
    return entry & ((1u << FAST_LEN_SHIFT) - 1);
}

static int copy_stored(struct inflate_state *s)
{
    struct bit_reader *br = &s->br;

    /* Drop to a byte boundary and give the whole buffered bytes back. */
    br->pos -= br->count / 8;
    br->bits = 0;
    br->count = 0;
    if (br->len - br->pos < 4)
        return truncated(br);
    const uint8_t *hdr = &br->in[br->pos];
    uint32_t len = hdr[0] | (uint32_t)hdr[1] << 8;
    uint32_t nlen = hdr[2] | (uint32_t)hdr[3] << 8;
    if (len != (~nlen & 0xffff)) {
        pr_err("inflate: stored block length check failed at offset %zu\n",
               br->in_off + br->pos);
        return -EBADMSG;
    }
    br->pos += 4;
    if (br->len - br->pos < len)
        return truncated(br);
    if (s->out_cap - s->out_pos < len) {
        pr_err("inflate: output buffer full (%zu bytes)\n", s->out_cap);
        return -ENOBUFS;
    }
    memcpy(&s->out[s->out_pos], &br->in[br->pos], len);
    s->out_pos += len;
    br->pos += len;
    return 0;
}

static int copy_match(struct inflate_state *s, int len_sym)
{
    struct bit_reader *br = &s->br;
    uint32_t extra, len, dist;

    if (len_sym >= FIRST_LEN_SYMBOL + LEN_SYMBOLS_USED) {
        pr_err("inflate: invalid length symbol %d at offset %zu\n", len_sym,
               br_offset(br));
        return -EBADMSG;
    }
    uint32_t li = (uint32_t)len_sym - FIRST_LEN_SYMBOL;
    if (!br_bits(br, len_extra[li], &extra))
        return truncated(br);
    len = len_base[li] + extra;

    int dist_sym = decode_symbol(br, &s->dist);
    if (dist_sym < 0)
        return dist_sym;
    if (dist_sym >= DIST_SYMBOLS_USED) {
        pr_err("inflate: invalid distance symbol %d at offset %zu\n", dist_sym,
               br_offset(br));
        return -EBADMSG;
    }
    if (!br_bits(br, dist_extra[dist_sym], &extra))
        return truncated(br);
    dist = dist_base[dist_sym] + extra;
    if (dist > s->out_pos) {
        pr_err("inflate: distance %u too far back (%zu bytes out) at offset %zu\n",
               dist, s->out_pos, br_offset(br));
        return -EBADMSG;
    }
    if (len > s->out_cap - s->out_pos) {
        pr_err("inflate: output buffer full (%zu bytes)\n", s->out_cap);
        return -ENOBUFS;
    }
    uint8_t *dst = &s->out[s->out_pos];
    const uint8_t *src = dst - dist;
    for (uint32_t i = 0; i < len; i++)
        dst[i] = src[i];
    s->out_pos += len;
    return 0;
}

static int inflate_codes(struct inflate_state *s)
{
    for (;;) {
        int sym = decode_symbol(&s->br, &s->litlen);
        if (sym < 0)
            return sym;
        if (sym < END_OF_BLOCK) {
            if (s->out_pos >= s->out_cap) {
                pr_err("inflate: output buffer full (%zu bytes)\n", s->out_cap);
                return -ENOBUFS;
            }
            s->out[s->out_pos++] = (uint8_t)sym;
        } else if (sym == END_OF_BLOCK) {
            return 0;
        } else {
            int err = copy_match(s, sym);
            if (err)
                return err;
        }
    }
}

static void build_fixed_codes(struct inflate_state *s)
{
    uint8_t lengths[LITLEN_SYMBOLS];
    uint32_t i = 0;

    for (; i < 144; i++)
        lengths[i] = 8;
    for (; i < 256; i++)
        lengths[i] = 9;
    for (; i < 280; i++)
        lengths[i] = 7;
    for (; i < LITLEN_SYMBOLS; i++)
        lengths[i] = 8;
    huffman_build(&s->litlen, lengths, LITLEN_SYMBOLS, false);
    for (i = 0; i < DIST_SYMBOLS; i++)
        lengths[i] = 5;
    huffman_build(&s->dist, lengths, DIST_SYMBOLS, false);
}

static int bad_header(const struct bit_reader *br, const char *what)
{
    pr_err("inflate: dynamic block header: %s at offset %zu\n", what, br_offset(br));
    return -EBADMSG;
}

/* The literal/length and distance code lengths, run-length coded. */
static int read_code_lengths(struct bit_reader *br, const struct huffman *codelen,
                             uint8_t *lengths, uint32_t total)
{
    uint32_t n = 0;

    while (n < total) {
        int sym = decode_symbol(br, codelen);
        uint32_t repeat, extra;
        uint8_t value = 0;

        if (sym < 0)
            return sym;
        if (sym < 16) {
            lengths[n++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (n == 0)
                return bad_header(br, "repeat with no previous length");
            value = lengths[n - 1];
            if (!br_bits(br, 2, &extra))
                return truncated(br);
            repeat = 3 + extra;
        } else if (sym == 17) {
            if (!br_bits(br, 3, &extra))
                return truncated(br);
            repeat = 3 + extra;
        } else {
            if (!br_bits(br, 7, &extra))
                return truncated(br);
            repeat = 11 + extra;
        }
        if (repeat > total - n)
            return bad_header(br, "lengths repeat past the end");
        while (repeat--)
            lengths[n++] = value;
    }
    return 0;
}

static int build_dynamic_codes(struct inflate_state *s)
{
    struct bit_reader *br = &s->br;
    uint8_t lengths[LITLEN_SYMBOLS + DIST_SYMBOLS];
    uint32_t hlit, hdist, hclen, v;

    if (!br_bits(br, 5, &hlit) || !br_bits(br, 5, &hdist) || !br_bits(br, 4, &hclen))
        return truncated(br);
    hlit += 257;
    hdist += 1;
    hclen += 4;
    if (hlit > 286 || hdist > 30)
        return bad_header(br, "too many length or distance codes");

    memset(lengths, 0, CODELEN_SYMBOLS);
    for (uint32_t i = 0; i < hclen; i++) {
        if (!br_bits(br, 3, &v))
            return truncated(br);
        lengths[codelen_order[i]] = (uint8_t)v;
    }
    /* The code-length code is decoded with the distance table's storage. */
    if (!huffman_build(&s->dist, lengths, CODELEN_SYMBOLS, false))
        return bad_header(br, "bad code-length code");
    int err = read_code_lengths(br, &s->dist, lengths, hlit + hdist);
    if (err)
        return err;
    if (lengths[END_OF_BLOCK] == 0)
        return bad_header(br, "no end-of-block code");
    if (!huffman_build(&s->litlen, lengths, hlit, true))
        return bad_header(br, "bad literal/length code");
    if (!huffman_build(&s->dist, lengths + hlit, hdist, true))
        return bad_header(br, "bad distance code");
    return 0;
}

static int inflate_blocks(struct inflate_state *s)
{
    uint32_t last, type;

    do {
        if (!br_bits(&s->br, 1, &last) || !br_bits(&s->br, 2, &type))
            return truncated(&s->br);
        int err;
        switch (type) {
        case 0:
            err = copy_stored(s);
            break;
        case 1:
            build_fixed_codes(s);
            err = inflate_codes(s);
            break;
        case 2:
            err = build_dynamic_codes(s);
            if (!err)
                err = inflate_codes(s);
            break;
        default:
            pr_err("inflate: invalid block type 3 at offset %zu\n",
                   br_offset(&s->br));
            err = -EBADMSG;
        }
        if (err)
            return err;
    } while (!last);
    return 0;
}

int inflate_raw(const uint8_t *in, size_t in_len, size_t in_off,
                uint8_t *out, size_t out_cap, size_t *in_used, size_t *out_len)
{
    if (__atomic_exchange_n(&inflate_busy, 1, __ATOMIC_ACQUIRE)) {
        pr_err("inflate: decoder already in use\n");
        return -EBUSY;
    }
    struct inflate_state *s = &inflate_work;
    s->br = (struct bit_reader){ .in = in, .len = in_len, .in_off = in_off };
    s->out = out;
    s->out_pos = 0;
    s->out_cap = out_cap;
    int err = inflate_blocks(s);
    if (!err) {
        *in_used = s->br.pos - s->br.count / 8;
        *out_len = s->out_pos;
    }
    __atomic_store_n(&inflate_busy, 0, __ATOMIC_RELEASE);
    return err;
}
