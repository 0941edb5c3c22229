/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host tests of the decompressors (hypervisor/common/decompress/): every
 * vector made by tests/unit/decompress_vectors.py (Python's lzma, zlib and
 * gzip, hand-assembled .xz streams, invalid streams) decoded and compared,
 * and hostile input: truncations, an output buffer one byte short, seeded
 * random byte flips and bursts, trailing data.  Inputs and outputs live in
 * exactly-sized heap buffers so ASan catches any read or write past them.
 */
#include <errno.h>
#include <string.h>
#include "ktest.h"
#include <keel/decompress.h>
#include "../../hypervisor/common/decompress/decompress_priv.h"

#ifndef DECOMPRESS_VECTORS
#error "DECOMPRESS_VECTORS (the vector file's path) must be defined"
#endif

enum { EXPECT_OK = 0, EXPECT_EBADMSG = 1, EXPECT_EOPNOTSUPP = 2 };
enum { F_CHECKED = 1, F_TRUNC_ALL = 2, F_FLIPS = 4, F_TRAILING = 8, F_NO_TRUNC = 16 };

struct blob {
    const uint8_t *data;
    size_t len;
};

struct vector {
    char name[64];
    char log[64];
    uint8_t expect;
    uint8_t flags;
    struct blob input;          /* the original data */
    size_t stream_len;          /* expected in_used */
    struct blob comp;
};

static uint8_t *file_buf;
static struct blob inputs[32];
static uint32_t n_inputs;
static struct vector vectors[512];
static uint32_t n_vectors;

static uint32_t take32(const uint8_t **p)
{
    uint32_t v = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 |
                 (uint32_t)(*p)[2] << 16 | (uint32_t)(*p)[3] << 24;
    *p += 4;
    return v;
}

static void take_str(const uint8_t **p, char *dst, size_t cap)
{
    uint32_t len = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8;
    *p += 2;
    if (len >= cap) {
        fprintf(stderr, "vector string too long\n");
        abort();
    }
    memcpy(dst, *p, len);
    dst[len] = 0;
    *p += len;
}

/* The generator's file (trusted: it is made by the build). */
static void load_vectors(void)
{
    if (file_buf)
        return;
    FILE *f = fopen(DECOMPRESS_VECTORS, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", DECOMPRESS_VECTORS);
        abort();
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    file_buf = malloc((size_t)size);
    if (!file_buf || fread(file_buf, 1, (size_t)size, f) != (size_t)size)
        abort();
    fclose(f);
    const uint8_t *p = file_buf;
    if (memcmp(p, "KDV1", 4) != 0)
        abort();
    p += 4;
    n_inputs = take32(&p);
    for (uint32_t i = 0; i < n_inputs && i < ARRAY_SIZE(inputs); i++) {
        inputs[i].len = take32(&p);
        inputs[i].data = p;
        p += inputs[i].len;
    }
    n_vectors = take32(&p);
    if (n_vectors > ARRAY_SIZE(vectors))
        abort();
    for (uint32_t i = 0; i < n_vectors; i++) {
        struct vector *v = &vectors[i];
        take_str(&p, v->name, sizeof(v->name));
        take_str(&p, v->log, sizeof(v->log));
        v->expect = *p++;
        v->flags = *p++;
        v->input = inputs[take32(&p)];
        v->stream_len = take32(&p);
        v->comp.len = take32(&p);
        v->comp.data = p;
        p += v->comp.len;
    }
}

/* A heap copy of exactly len bytes (at least one allocated byte). */
static uint8_t *exact_copy(const uint8_t *src, size_t len)
{
    uint8_t *buf = malloc(len ? len : 1);
    if (len)
        memcpy(buf, src, len);
    return buf;
}

/*
 * Decodes in[0..in_len) into a fresh buffer of exactly out_cap bytes with
 * the decoder for format, or decompress() if DECOMPRESS_UNKNOWN.
 */
static int run_as(int format, const uint8_t *in, size_t in_len, size_t out_cap,
                  uint8_t **out, size_t *out_len, size_t *in_used)
{
    uint8_t *in_copy = exact_copy(in, in_len);
    int rc;

    *out = malloc(out_cap ? out_cap : 1);
    *out_len = (size_t)-1;
    if (format == DECOMPRESS_XZ)
        rc = xz_decompress(in_copy, in_len, *out, out_cap, out_len, in_used);
    else if (format == DECOMPRESS_GZIP)
        rc = gunzip(in_copy, in_len, *out, out_cap, out_len, in_used);
    else
        rc = decompress(in_copy, in_len, *out, out_cap, out_len, in_used);
    free(in_copy);
    return rc;
}

static int run(const uint8_t *in, size_t in_len, size_t out_cap, uint8_t **out,
               size_t *out_len, size_t *in_used)
{
    return run_as(DECOMPRESS_UNKNOWN, in, in_len, out_cap, out, out_len, in_used);
}

static bool is_clean_error(int rc)
{
    return rc == -EBADMSG || rc == -ENOBUFS || rc == -EOPNOTSUPP || rc == -EINVAL;
}

/* xorshift64*: the seeded generator for corruption tests. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

TEST(crc_known_answers)
{
    const uint8_t digits[] = "123456789";

    CHECK_EQ(crc32_update(0, digits, 9), 0xCBF43926u);
    CHECK_EQ(crc64_update(0, digits, 9), 0x995DC9BBDF1939FAull);
    CHECK_EQ(crc32_update(crc32_update(0, digits, 4), digits + 4, 5), 0xCBF43926u);
    CHECK_EQ(crc32_update(0, digits, 0), 0);
}

TEST(detect_by_magic)
{
    const uint8_t xz[] = { 0xFD, '7', 'z', 'X', 'Z', 0x00, 0x00, 0x01 };
    const uint8_t gz[] = { 0x1F, 0x8B, 0x08 };
    const uint8_t other[] = { 0x7F, 'E', 'L', 'F' };
    uint8_t out[16];
    size_t out_len;

    CHECK_EQ(decompress_detect(xz, sizeof(xz)), DECOMPRESS_XZ);
    CHECK_EQ(decompress_detect(xz, 5), DECOMPRESS_UNKNOWN);
    CHECK_EQ(decompress_detect(gz, sizeof(gz)), DECOMPRESS_GZIP);
    CHECK_EQ(decompress_detect(gz, 1), DECOMPRESS_UNKNOWN);
    CHECK_EQ(decompress_detect(other, sizeof(other)), DECOMPRESS_UNKNOWN);
    CHECK_EQ(decompress_detect(NULL, 0), DECOMPRESS_UNKNOWN);
    CHECK(strcmp(decompress_format_name(DECOMPRESS_XZ), "xz") == 0);
    CHECK_EQ(decompress(other, sizeof(other), out, sizeof(out), &out_len, NULL), -EINVAL);
    CHECK(ktest_log_contains("unknown format"));
    CHECK_EQ(decompress(NULL, 0, out, sizeof(out), &out_len, NULL), -EINVAL);
}

TEST(vectors_decode)
{
    uint32_t ok = 0;

    load_vectors();
    CHECK(n_vectors > 100);
    for (uint32_t i = 0; i < n_vectors; i++) {
        const struct vector *v = &vectors[i];
        uint8_t *out;
        size_t out_len, used = 0;

        if (v->expect != EXPECT_OK)
            continue;
        int rc = run(v->comp.data, v->comp.len, v->input.len, &out, &out_len, &used);
        if (rc != 0 || out_len != v->input.len || used != v->stream_len ||
            memcmp(out, v->input.data, v->input.len) != 0) {
            fprintf(stderr, "vector %s: rc %d, %zu of %zu bytes, used %zu of %zu\n",
                    v->name, rc, out_len, v->input.len, used, v->stream_len);
            CHECK(!"vector decodes to its input");
        } else {
            ok++;
        }
        free(out);
    }
    fprintf(stderr, "%u vectors decoded and compared\n", ok);
}

/* Without in_used the stream must fill the input exactly. */
TEST(vectors_trailing_data)
{
    load_vectors();
    for (uint32_t i = 0; i < n_vectors; i++) {
        const struct vector *v = &vectors[i];
        uint8_t *out;
        size_t out_len;

        if (v->expect != EXPECT_OK)
            continue;
        ktest_log_clear();
        int rc = run(v->comp.data, v->comp.len, v->input.len, &out, &out_len, NULL);
        if (v->flags & F_TRAILING) {
            CHECK_EQ(rc, -EBADMSG);
            CHECK(ktest_log_contains("trailing data"));
        } else {
            CHECK_EQ(rc, 0);
        }
        free(out);
    }
}

TEST(vectors_output_one_byte_short)
{
    load_vectors();
    for (uint32_t i = 0; i < n_vectors; i++) {
        const struct vector *v = &vectors[i];
        uint8_t *out;
        size_t out_len, used;

        if (v->expect != EXPECT_OK || v->input.len == 0)
            continue;
        ktest_log_clear();
        int rc = run(v->comp.data, v->comp.len, v->input.len - 1, &out, &out_len, &used);
        if (rc != -ENOBUFS)
            fprintf(stderr, "vector %s: rc %d\n", v->name, rc);
        CHECK_EQ(rc, -ENOBUFS);
        CHECK(ktest_log_contains("output buffer full"));
        free(out);
        rc = run(v->comp.data, v->comp.len, 0, &out, &out_len, &used);
        CHECK_EQ(rc, -ENOBUFS);
        free(out);
    }
}

TEST(vectors_expected_errors)
{
    uint32_t seen = 0;

    load_vectors();
    for (uint32_t i = 0; i < n_vectors; i++) {
        const struct vector *v = &vectors[i];
        uint8_t *out;
        size_t out_len, used;
        int want = v->expect == EXPECT_EBADMSG ? -EBADMSG : -EOPNOTSUPP;

        if (v->expect == EXPECT_OK)
            continue;
        seen++;
        ktest_log_clear();
        int rc = run(v->comp.data, v->comp.len, v->input.len + 64, &out, &out_len, &used);
        if (rc != want || !ktest_log_contains(v->log)) {
            fprintf(stderr, "vector %s: rc %d, want %d and \"%s\" logged\n",
                    v->name, rc, want, v->log);
            CHECK(!"invalid vector refused with the expected error");
        }
        free(out);
    }
    CHECK(seen >= 20);
}

/* A truncated stream at in_len: a clean, logged -EBADMSG. */
static void check_truncation(const struct vector *v, size_t in_len)
{
    uint8_t *out;
    size_t out_len, used;

    ktest_log_clear();
    int format = decompress_detect(v->comp.data, v->comp.len);
    int rc = run_as(format, v->comp.data, in_len, v->input.len, &out, &out_len, &used);
    if (rc != -EBADMSG || !ktest_log_contains(":")) {
        fprintf(stderr, "vector %s cut at %zu: rc %d\n", v->name, in_len, rc);
        CHECK(!"truncated stream refused");
    }
    free(out);
}

TEST(truncation_every_length)
{
    uint32_t tried = 0;

    load_vectors();
    for (uint32_t i = 0; i < n_vectors; i++) {
        const struct vector *v = &vectors[i];

        if (v->expect != EXPECT_OK || !(v->flags & F_TRUNC_ALL))
            continue;
        for (size_t len = 0; len < v->stream_len; len++, tried++)
            check_truncation(v, len);
    }
    fprintf(stderr, "%u truncations\n", tried);
    CHECK(tried > 10000);
}

TEST(truncation_sampled)
{
    load_vectors();
    rng_state = 0x7472756e63617465ull;
    for (uint32_t i = 0; i < n_vectors; i++) {
        const struct vector *v = &vectors[i];

        if (v->expect != EXPECT_OK || (v->flags & (F_TRUNC_ALL | F_TRAILING | F_NO_TRUNC)) ||
            v->input.len > 300000)
            continue;
        for (size_t back = 1; back <= 8 && back <= v->stream_len; back++)
            check_truncation(v, v->stream_len - back);
        for (int n = 0; n < 12 && v->stream_len > 0; n++)
            check_truncation(v, rng_next() % v->stream_len);
    }
}

/* One corrupted copy: a clean error, or (if checked) the right output. */
static bool check_corrupted(const struct vector *v, const uint8_t *data, size_t len)
{
    uint8_t *out;
    size_t out_len, used;
    size_t cap = v->input.len + 4096;

    ktest_log_clear();
    int rc = run(data, len, cap, &out, &out_len, &used);
    bool detected = rc != 0;
    if (rc != 0 && (!is_clean_error(rc) || !ktest_log_contains(":"))) {
        fprintf(stderr, "vector %s: corruption gave rc %d\n", v->name, rc);
        CHECK(!"clean, logged error");
    }
    if (rc == 0 && (v->flags & F_CHECKED) &&
        (out_len != v->input.len || memcmp(out, v->input.data, out_len) != 0)) {
        fprintf(stderr, "vector %s: corrupted input decoded to wrong data\n", v->name);
        CHECK(!"integrity check catches corruption");
    }
    free(out);
    return detected;
}

static void corrupt_vectors(uint64_t seed, uint32_t per_vector, bool burst)
{
    uint32_t tried = 0, detected = 0;

    load_vectors();
    rng_state = seed;
    for (uint32_t i = 0; i < n_vectors; i++) {
        const struct vector *v = &vectors[i];

        if (v->expect != EXPECT_OK || !(v->flags & F_FLIPS) || v->stream_len == 0)
            continue;
        uint8_t *copy = exact_copy(v->comp.data, v->stream_len);
        for (uint32_t n = 0; n < per_vector; n++, tried++) {
            size_t at = rng_next() % v->stream_len;
            size_t span = burst ? 1 + rng_next() % 16 : 1;
            if (span > v->stream_len - at)
                span = v->stream_len - at;
            for (size_t k = 0; k < span; k++)
                copy[at + k] ^= (uint8_t)(1 + rng_next() % 255);
            detected += check_corrupted(v, copy, v->stream_len);
            memcpy(copy + at, v->comp.data + at, span);
        }
        free(copy);
    }
    fprintf(stderr, "%u corruptions, %u detected\n", tried, detected);
    CHECK(tried >= 2000);
}

TEST(random_byte_flips)
{
    corrupt_vectors(0x666c697073ull, 1000, false);
}

TEST(random_bursts)
{
    corrupt_vectors(0x6275727374ull, 300, true);
}

/* Crafted operands can make the x86 BCJ conversion loop cycle: bounded. */
TEST(bcj_x86_hostile_operands)
{
    size_t len = 1 << 20;
    uint8_t *buf = malloc(len);
    static const uint8_t pick[] = { 0xE8, 0xE9, 0x00, 0xFF, 0xE8, 0x0F };

    rng_state = 0x62636a;
    for (size_t i = 0; i < len; i++)
        buf[i] = (rng_next() & 1) ? pick[rng_next() % sizeof(pick)] : (uint8_t)rng_next();
    bcj_x86_decode(buf, len, 0);
    bcj_x86_decode(buf, len, 0xFFFFFFF0u);
    for (size_t n = 0; n < 5; n++)
        bcj_x86_decode(buf, n, 0);
    free(buf);
}

/* An x86 BCJ decode of a buffer with no E8/E9 bytes changes nothing. */
TEST(bcj_x86_identity_without_branches)
{
    uint8_t buf[256], copy[256];

    for (int i = 0; i < 256; i++)
        buf[i] = (uint8_t)(i == 0xE8 || i == 0xE9 ? 0x90 : i);
    memcpy(copy, buf, sizeof(buf));
    bcj_x86_decode(buf, sizeof(buf), 0);
    CHECK(memcmp(buf, copy, sizeof(buf)) == 0);
}

TEST(lzma2_dict_sizes)
{
    uint32_t size;

    CHECK(lzma2_dict_size(0, &size));
    CHECK_EQ(size, 4096);
    CHECK(lzma2_dict_size(1, &size));
    CHECK_EQ(size, 6144);
    CHECK(lzma2_dict_size(18, &size));
    CHECK_EQ(size, 2u << 20);
    CHECK(lzma2_dict_size(40, &size));
    CHECK_EQ(size, UINT32_MAX);
    CHECK(!lzma2_dict_size(41, &size));
}
