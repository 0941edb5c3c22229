/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The LZMA2 decoder: LZMA2 chunk headers (uncompressed chunks, LZMA chunks,
 * state/property/dictionary resets) and the LZMA range decoder and model
 * behind them.  Single call: the output buffer is the dictionary, so matches
 * copy from earlier output; nothing but the probability model (static, one
 * decoder at a time) is needed besides.
 *
 * Every chunk states its compressed and uncompressed sizes: the range decoder
 * is confined to the chunk's compressed bytes (reading past them is an error
 * reported after the symbol that did it), and the model to the chunk's
 * uncompressed span, so the work is bounded by the sizes in the headers.
 */
#include <keel/errno.h>
#include <keel/lib.h>
#include "decompress_priv.h"

#define PROB_BITS        11
#define PROB_INIT        (1u << (PROB_BITS - 1))
#define PROB_MOVE_BITS   5
#define RC_TOP           (1u << 24)
#define RC_INIT_BYTES    5

#define LZMA_STATES      12
#define LZMA_LIT_STATES  7          /* states below this follow a literal */
#define POS_STATES_MAX   16
#define LEN_LOW_SYMBOLS  8
#define LEN_MID_SYMBOLS  8
#define LEN_HIGH_SYMBOLS 256
#define MATCH_LEN_MIN    2
#define DIST_STATES      4
#define DIST_SLOT_BITS   6
#define DIST_MODEL_START 4
#define DIST_MODEL_END   14
#define FULL_DISTANCES   128
#define ALIGN_BITS       4
#define LITERAL_CODERS   16         /* 1 << (lc + lp), lc + lp <= 4 */
#define LITERAL_PROBS    0x300

#define LZMA2_MAX_PROPS  (9 * 5 * 5)

struct len_probs {
    uint16_t choice;
    uint16_t choice2;
    uint16_t low[POS_STATES_MAX][LEN_LOW_SYMBOLS];
    uint16_t mid[POS_STATES_MAX][LEN_MID_SYMBOLS];
    uint16_t high[LEN_HIGH_SYMBOLS];
};

struct lzma_probs {
    uint16_t is_match[LZMA_STATES][POS_STATES_MAX];
    uint16_t is_rep[LZMA_STATES];
    uint16_t is_rep0[LZMA_STATES];
    uint16_t is_rep1[LZMA_STATES];
    uint16_t is_rep2[LZMA_STATES];
    uint16_t is_rep0_long[LZMA_STATES][POS_STATES_MAX];
    uint16_t dist_slot[DIST_STATES][1 << DIST_SLOT_BITS];
    uint16_t dist_special[1 + FULL_DISTANCES - DIST_MODEL_END];
    uint16_t dist_align[1 << ALIGN_BITS];
    struct len_probs match_len;
    struct len_probs rep_len;
    uint16_t literal[LITERAL_CODERS][LITERAL_PROBS];
};

/* The model's state and match history: few and hot (kept in registers). */
struct lzma_regs {
    uint32_t state;
    uint32_t rep[4];            /* the last four match distances, minus one */
    uint32_t lc;
    uint32_t lp_mask;
    uint32_t pb_mask;
};

/* The model and match history, kept across the chunks of one LZMA2 stream. */
struct lzma_model {
    struct lzma_regs r;
    struct lzma_probs probs;
};

/* The range decoder over one chunk's compressed bytes. */
struct range_dec {
    const uint8_t *in;
    size_t pos;
    size_t end;
    uint32_t range;
    uint32_t code;
    bool overrun;
};

/* Where a chunk's output goes: out[start .. end), dictionary from dict. */
struct lz_window {
    uint8_t *out;
    size_t dict;                /* first byte of the current dictionary */
    size_t pos;
    size_t end;
};

/* The decoder's inner functions are forced inline into decode_lzma_chunk so
 * that the range decoder, kept there in a local copy, lives in registers. */
#define HOT static inline __attribute__((always_inline))

/* Too big for a 16 KiB hypervisor stack; decoders are not run concurrently. */
static struct lzma_model lzma2_model;
static int lzma2_busy;

HOT void rc_normalize(struct range_dec *rc)
{
    if (rc->range < RC_TOP) {
        uint8_t next = 0;

        if (likely(rc->pos < rc->end))
            next = rc->in[rc->pos++];
        else
            rc->overrun = true;
        rc->range <<= 8;
        rc->code = (rc->code << 8) | next;
    }
}

HOT uint32_t rc_bit(struct range_dec *rc, uint16_t *prob)
{
    uint32_t bound = (rc->range >> PROB_BITS) * *prob;
    uint32_t bit;

    if (rc->code < bound) {
        rc->range = bound;
        *prob += ((1u << PROB_BITS) - *prob) >> PROB_MOVE_BITS;
        bit = 0;
    } else {
        rc->range -= bound;
        rc->code -= bound;
        *prob -= *prob >> PROB_MOVE_BITS;
        bit = 1;
    }
    rc_normalize(rc);
    return bit;
}

/* A bit tree of nbits levels, most significant bit first. */
HOT uint32_t rc_tree(struct range_dec *rc, uint16_t *probs, uint32_t nbits)
{
    uint32_t symbol = 1;

    for (uint32_t i = 0; i < nbits; i++)
        symbol = (symbol << 1) | rc_bit(rc, &probs[symbol]);
    return symbol - (1u << nbits);
}

/* A bit tree read least significant bit first. */
HOT uint32_t rc_tree_reverse(struct range_dec *rc, uint16_t *probs,
                                       uint32_t nbits)
{
    uint32_t node = 1;
    uint32_t value = 0;

    for (uint32_t i = 0; i < nbits; i++) {
        uint32_t bit = rc_bit(rc, &probs[node]);

        node = (node << 1) | bit;
        value |= bit << i;
    }
    return value;
}

/* Bits with probability one half each, most significant first. */
HOT uint32_t rc_direct(struct range_dec *rc, uint32_t nbits)
{
    uint32_t value = 0;

    for (uint32_t i = 0; i < nbits; i++) {
        rc->range >>= 1;
        uint32_t bit = rc->code >= rc->range;
        if (bit)
            rc->code -= rc->range;
        value = (value << 1) | bit;
        rc_normalize(rc);
    }
    return value;
}

static void probs_init(uint16_t *probs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        probs[i] = PROB_INIT;
}

static void model_reset_state(struct lzma_model *m)
{
    m->r.state = 0;
    m->r.rep[0] = m->r.rep[1] = m->r.rep[2] = m->r.rep[3] = 0;
    probs_init((uint16_t *)&m->probs, sizeof(m->probs) / sizeof(uint16_t));
}

static bool model_set_props(struct lzma_model *m, uint8_t props)
{
    if (props >= LZMA2_MAX_PROPS)
        return false;
    uint32_t lc = props % 9;
    uint32_t lp = (props / 9) % 5;
    uint32_t pb = props / 45;
    if (lc + lp > 4)
        return false;
    m->r.lc = lc;
    m->r.lp_mask = (1u << lp) - 1;
    m->r.pb_mask = (1u << pb) - 1;
    return true;
}

HOT uint32_t decode_len(struct range_dec *rc, struct len_probs *lp,
                           uint32_t pos_state)
{
    if (!rc_bit(rc, &lp->choice))
        return rc_tree(rc, lp->low[pos_state], 3);
    if (!rc_bit(rc, &lp->choice2))
        return LEN_LOW_SYMBOLS + rc_tree(rc, lp->mid[pos_state], 3);
    return LEN_LOW_SYMBOLS + LEN_MID_SYMBOLS + rc_tree(rc, lp->high, 8);
}

/* The distance (minus one) of a new match whose length code is len. */
HOT uint32_t decode_dist(struct range_dec *rc, struct lzma_probs *p, uint32_t len)
{
    uint32_t dist_state = len < DIST_STATES ? len : DIST_STATES - 1;
    uint32_t slot = rc_tree(rc, p->dist_slot[dist_state], DIST_SLOT_BITS);

    if (slot < DIST_MODEL_START)
        return slot;
    uint32_t nbits = (slot >> 1) - 1;
    uint32_t dist = (2 | (slot & 1)) << nbits;
    if (slot < DIST_MODEL_END)
        return dist + rc_tree_reverse(rc, &p->dist_special[dist - slot], nbits);
    dist += rc_direct(rc, nbits - ALIGN_BITS) << ALIGN_BITS;
    return dist + rc_tree_reverse(rc, p->dist_align, ALIGN_BITS);
}

HOT void decode_literal(struct range_dec *rc, struct lzma_regs *m, struct lzma_probs *p,
                        struct lz_window *w)
{
    size_t rel = w->pos - w->dict;
    uint32_t prev = rel ? w->out[w->pos - 1] : 0;
    uint32_t coder = (((uint32_t)rel & m->lp_mask) << m->lc) + (prev >> (8 - m->lc));
    uint16_t *probs = p->literal[coder];
    uint32_t symbol = 1;

    if (m->state >= LZMA_LIT_STATES && m->rep[0] < rel) {
        uint32_t match_byte = w->out[w->pos - m->rep[0] - 1];

        do {
            uint32_t match_bit = (match_byte >> 7) & 1;
            match_byte <<= 1;
            uint32_t bit = rc_bit(rc, &probs[((1 + match_bit) << 8) + symbol]);
            symbol = (symbol << 1) | bit;
            if (bit != match_bit)
                break;
        } while (symbol < 0x100);
    }
    while (symbol < 0x100)
        symbol = (symbol << 1) | rc_bit(rc, &probs[symbol]);

    w->out[w->pos++] = (uint8_t)symbol;
    if (m->state < 4)
        m->state = 0;
    else if (m->state < 10)
        m->state -= 3;
    else
        m->state -= 6;
}

/* After an is_rep bit: which earlier distance, or a one-byte "short rep". */
HOT bool decode_rep(struct range_dec *rc, struct lzma_regs *m, struct lzma_probs *p,
                    uint32_t pos_state)
{
    uint32_t s = m->state;
    uint32_t dist;

    if (!rc_bit(rc, &p->is_rep0[s])) {
        if (!rc_bit(rc, &p->is_rep0_long[s][pos_state])) {
            m->state = s < LZMA_LIT_STATES ? 9 : 11;
            return true;
        }
        return false;
    }
    if (!rc_bit(rc, &p->is_rep1[s])) {
        dist = m->rep[1];
    } else {
        if (!rc_bit(rc, &p->is_rep2[s])) {
            dist = m->rep[2];
        } else {
            dist = m->rep[3];
            m->rep[3] = m->rep[2];
        }
        m->rep[2] = m->rep[1];
    }
    m->rep[1] = m->rep[0];
    m->rep[0] = dist;
    return false;
}

/*
 * Copies len bytes from distance bytes back, overlapping as LZ77 means it:
 * eight bytes at a time when the source stays behind the destination.
 */
HOT void lz_copy(uint8_t *dst, size_t distance, uint32_t len)
{
    const uint8_t *src = dst - distance;
    uint32_t i = 0;

    if (distance >= 8) {
        for (; i + 8 <= len; i += 8) {
            uint64_t word;
            __builtin_memcpy(&word, src + i, 8);
            __builtin_memcpy(dst + i, &word, 8);
        }
    }
    for (; i < len; i++)
        dst[i] = src[i];
}

HOT int copy_match(struct lz_window *w, uint32_t dist, uint32_t len, size_t chunk_in_off)
{
    size_t rel = w->pos - w->dict;

    if (dist >= rel) {
        pr_err("lzma2: chunk at input offset %zu: match distance %u reaches "
               "before the dictionary (%zu bytes)\n", chunk_in_off, dist + 1, rel);
        return -EBADMSG;
    }
    if (len > w->end - w->pos) {
        pr_err("lzma2: chunk at input offset %zu: match of %u bytes runs past "
               "the chunk's uncompressed size\n", chunk_in_off, len);
        return -EBADMSG;
    }
    lz_copy(&w->out[w->pos], dist + 1, len);
    w->pos += len;
    return 0;
}

/* One LZMA chunk: exactly w->end - w->pos bytes out of rc's bytes. */
HOT int decode_lzma_symbols(struct lzma_regs *m, struct lzma_probs *p,
                            struct range_dec *rc, struct lz_window *w, size_t chunk_in_off)
{

    while (w->pos < w->end) {
        uint32_t pos_state = (uint32_t)(w->pos - w->dict) & m->pb_mask;
        uint32_t len;

        if (!rc_bit(rc, &p->is_match[m->state][pos_state])) {
            decode_literal(rc, m, p, w);
        } else if (!rc_bit(rc, &p->is_rep[m->state])) {
            len = decode_len(rc, &p->match_len, pos_state);
            m->rep[3] = m->rep[2];
            m->rep[2] = m->rep[1];
            m->rep[1] = m->rep[0];
            m->state = m->state < LZMA_LIT_STATES ? 7 : 10;
            m->rep[0] = decode_dist(rc, p, len);
            if (m->rep[0] == UINT32_MAX) {
                pr_err("lzma2: chunk at input offset %zu: end-of-payload marker "
                       "inside an LZMA2 chunk\n", chunk_in_off);
                return -EBADMSG;
            }
            int rc_err = copy_match(w, m->rep[0], len + MATCH_LEN_MIN, chunk_in_off);
            if (rc_err)
                return rc_err;
        } else if (decode_rep(rc, m, p, pos_state)) {
            int rc_err = copy_match(w, m->rep[0], 1, chunk_in_off);
            if (rc_err)
                return rc_err;
        } else {
            len = decode_len(rc, &p->rep_len, pos_state);
            m->state = m->state < LZMA_LIT_STATES ? 8 : 11;
            int rc_err = copy_match(w, m->rep[0], len + MATCH_LEN_MIN, chunk_in_off);
            if (rc_err)
                return rc_err;
        }
        if (unlikely(rc->overrun))
            break;
    }
    if (rc->overrun || rc->pos != rc->end || rc->code != 0) {
        pr_err("lzma2: chunk at input offset %zu: compressed data %s its stated "
               "size\n", chunk_in_off, rc->overrun ? "overruns" : "does not end at");
        return -EBADMSG;
    }
    return 0;
}

static int decode_lzma_chunk(struct lzma_model *m, struct range_dec *rc_in,
                             struct lz_window *w_in, size_t chunk_in_off)
{
    struct lzma_probs *p = &m->probs;
    struct range_dec rcl = *rc_in, *rc = &rcl;      /* in registers */
    struct lz_window wl = *w_in, *w = &wl;
    struct lzma_regs rl = m->r;
    int err = decode_lzma_symbols(&rl, p, rc, w, chunk_in_off);

    m->r = rl;
    *rc_in = rcl;
    *w_in = wl;
    return err;
}

static int start_range_dec(struct range_dec *rc, const uint8_t *in, size_t len,
                           size_t chunk_in_off)
{
    if (len < RC_INIT_BYTES || in[0] != 0) {
        pr_err("lzma2: chunk at input offset %zu: bad range coder start\n",
               chunk_in_off);
        return -EBADMSG;
    }
    rc->in = in;
    rc->pos = RC_INIT_BYTES;
    rc->end = len;
    rc->range = UINT32_MAX;
    rc->code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
               (uint32_t)in[3] << 8 | in[4];
    rc->overrun = false;
    return 0;
}

bool lzma2_dict_size(uint8_t prop, uint32_t *dict_size)
{
    if (prop > 40)
        return false;
    if (prop == 40)
        *dict_size = UINT32_MAX;
    else
        *dict_size = (2u | (prop & 1u)) << (prop / 2 + 11);
    return true;
}

/* The parsed header of one LZMA2 chunk. */
struct lzma2_chunk {
    uint8_t control;
    bool is_lzma;
    uint32_t reset;             /* LZMA chunks: 0 none, 1 state, 2 +props, 3 +dict */
    uint32_t unpacked;
    uint32_t packed;            /* LZMA chunks only */
    uint8_t props;
    size_t header_len;
};

static int parse_chunk_header(const uint8_t *in, size_t avail, size_t off,
                              struct lzma2_chunk *c)
{
    c->control = in[0];
    c->is_lzma = c->control >= 0x80;
    if (!c->is_lzma && c->control > 2) {
        pr_err("lzma2: invalid chunk control byte 0x%02x at input offset %zu\n",
               c->control, off);
        return -EBADMSG;
    }
    c->reset = c->is_lzma ? (c->control >> 5) & 3 : 0;
    c->header_len = c->is_lzma ? (c->reset >= 2 ? 6 : 5) : 3;
    if (avail < c->header_len) {
        pr_err("lzma2: truncated chunk header at input offset %zu\n", off);
        return -EBADMSG;
    }
    if (c->is_lzma) {
        c->unpacked = ((uint32_t)(c->control & 0x1f) << 16 |
                       (uint32_t)in[1] << 8 | in[2]) + 1;
        c->packed = ((uint32_t)in[3] << 8 | in[4]) + 1;
        c->props = c->reset >= 2 ? in[5] : 0;
    } else {
        c->unpacked = ((uint32_t)in[1] << 8 | in[2]) + 1;
        c->packed = c->unpacked;
    }
    return 0;
}

/* Applies a chunk's resets; false if the chunk sequence is invalid. */
static bool apply_resets(struct lzma_model *m, const struct lzma2_chunk *c,
                         bool *need_dict_reset, bool *need_props, size_t off)
{
    bool dict_reset = c->control == 1 || (c->is_lzma && c->reset == 3);

    if (dict_reset) {
        *need_dict_reset = false;
        *need_props = true;
    } else if (*need_dict_reset) {
        pr_err("lzma2: first chunk (input offset %zu) does not reset the "
               "dictionary\n", off);
        return false;
    }
    if (!c->is_lzma)
        return true;
    if (c->reset >= 2) {
        if (!model_set_props(m, c->props)) {
            pr_err("lzma2: invalid LZMA properties 0x%02x at input offset %zu\n",
                   c->props, off + 5);
            return false;
        }
        *need_props = false;
    } else if (*need_props) {
        pr_err("lzma2: chunk at input offset %zu lacks the properties it "
               "needs\n", off);
        return false;
    }
    if (c->reset >= 1)
        model_reset_state(m);
    return true;
}

static int decode_chunks(struct lzma_model *m, const uint8_t *in, size_t in_len,
                         size_t in_off, uint8_t *out, size_t out_start,
                         size_t out_cap, size_t *in_used, size_t *out_end)
{
    struct lz_window w = { .out = out, .dict = out_start, .pos = out_start };
    bool need_dict_reset = true, need_props = true;
    size_t ip = 0;

    for (;;) {
        struct lzma2_chunk c;
        size_t off = in_off + ip;

        if (ip >= in_len) {
            pr_err("lzma2: data truncated at input offset %zu\n", off);
            return -EBADMSG;
        }
        if (in[ip] == 0x00) {
            *in_used = ip + 1;
            *out_end = w.pos;
            return 0;
        }
        int err = parse_chunk_header(&in[ip], in_len - ip, off, &c);
        if (err)
            return err;
        if (!apply_resets(m, &c, &need_dict_reset, &need_props, off))
            return -EBADMSG;
        if (c.control == 1 || (c.is_lzma && c.reset == 3))
            w.dict = w.pos;
        ip += c.header_len;
        if (c.packed > in_len - ip) {
            pr_err("lzma2: chunk at input offset %zu: %u compressed bytes "
                   "stated, %zu present\n", off, c.packed, in_len - ip);
            return -EBADMSG;
        }
        if (c.unpacked > out_cap - w.pos) {
            pr_err("lzma2: chunk at input offset %zu: output buffer full "
                   "(%zu bytes)\n", off, out_cap);
            return -ENOBUFS;
        }
        if (c.is_lzma) {
            struct range_dec rc;

            err = start_range_dec(&rc, &in[ip], c.packed, off);
            if (err)
                return err;
            w.end = w.pos + c.unpacked;
            err = decode_lzma_chunk(m, &rc, &w, off);
            if (err)
                return err;
        } else {
            memcpy(&out[w.pos], &in[ip], c.unpacked);
            w.pos += c.unpacked;
        }
        ip += c.packed;
    }
}

int lzma2_decode(const uint8_t *in, size_t in_len, size_t in_off,
                 uint8_t *out, size_t out_start, size_t out_cap,
                 size_t *in_used, size_t *out_end)
{
    if (out_start > out_cap)
        return -EINVAL;
    if (__atomic_exchange_n(&lzma2_busy, 1, __ATOMIC_ACQUIRE)) {
        pr_err("lzma2: decoder already in use\n");
        return -EBUSY;
    }
    int err = decode_chunks(&lzma2_model, in, in_len, in_off, out, out_start,
                            out_cap, in_used, out_end);
    __atomic_store_n(&lzma2_busy, 0, __ATOMIC_RELEASE);
    return err;
}
