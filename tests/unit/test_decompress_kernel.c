/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The decompressors on a real Linux payload: Debian's own kernel image,
 * fetched at build time into DECOMPRESS_KERNEL_DIR (tests/unit/decompress.mk).
 * The payload is found through the bzImage setup header (setup_sects at
 * 0x1f1, payload_offset/payload_length at 0x248/0x24c, Documentation/x86/
 * boot.rst), decompressed into a buffer of exactly the size the bzImage
 * appends after it, and must equal, byte for byte, vmlinux.ref: what
 * Python's lzma made of the same payload at build time
 * (decompress_vectors.py kernel).  vmlinux.ref.gz, that reference recoded
 * by Python's gzip at level 9, must decode to it through decompress() as a
 * gzip bzImage payload and through gunzip().
 *
 * If the image could not be fetched the tests FAIL, printing why.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "ktest.h"
#include <keel/decompress.h>

#ifndef DECOMPRESS_KERNEL_DIR
#error "DECOMPRESS_KERNEL_DIR must be defined"
#endif

#define SETUP_SECTS_OFF     0x1f1
#define HEADER_MAGIC_OFF    0x202
#define PAYLOAD_OFFSET_OFF  0x248
#define PAYLOAD_LENGTH_OFF  0x24c

struct file_data {
    uint8_t *data;
    size_t len;
};

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static bool read_file(const char *path, struct file_data *f)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    fseek(fp, 0, SEEK_END);
    f->len = (size_t)ftell(fp);
    rewind(fp);
    f->data = malloc(f->len ? f->len : 1);
    bool ok = fread(f->data, 1, f->len, fp) == f->len;
    fclose(fp);
    return ok;
}

/* The kernel image, or a failed check with the fetch error printed. */
static bool load_kernel(struct file_data *image)
{
    struct file_data why;

    if (read_file(DECOMPRESS_KERNEL_DIR "/vmlinuz", image))
        return true;
    if (read_file(DECOMPRESS_KERNEL_DIR "/vmlinuz.error", &why)) {
        fprintf(stderr, "%.*s", (int)why.len, (const char *)why.data);
        free(why.data);
    }
    fprintf(stderr, "no kernel image at %s/vmlinuz: the build could not fetch "
            "Debian's linux-image package (apt-get download)\n", DECOMPRESS_KERNEL_DIR);
    CHECK(!"Debian kernel image available");
    return false;
}

/* The compressed payload (with its 4-byte size trailer) inside a bzImage. */
static bool find_payload(const struct file_data *image, const uint8_t **payload,
                         size_t *len)
{
    if (image->len < 0x260 || memcmp(image->data + HEADER_MAGIC_OFF, "HdrS", 4) != 0) {
        CHECK(!"bzImage setup header present");
        return false;
    }
    uint32_t setup_sects = image->data[SETUP_SECTS_OFF] ? image->data[SETUP_SECTS_OFF] : 4;
    size_t pm_start = ((size_t)setup_sects + 1) * 512;
    size_t off = pm_start + le32_at(image->data + PAYLOAD_OFFSET_OFF);
    size_t plen = le32_at(image->data + PAYLOAD_LENGTH_OFF);
    if (off > image->len || plen > image->len - off || plen < 4) {
        CHECK(!"payload inside the image");
        return false;
    }
    *payload = image->data + off;
    *len = plen;
    return true;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A reference file written at build time from Python's lzma and gzip. */
static bool load_ref(const char *name, struct file_data *f)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", DECOMPRESS_KERNEL_DIR, name);
    if (read_file(path, f))
        return true;
    fprintf(stderr, "no %s: run make (decompress_vectors.py kernel)\n", path);
    CHECK(!"reference file available");
    return false;
}

/* out[0 .. len) must be the reference vmlinux; says where it differs. */
static void check_vmlinux(const uint8_t *out, size_t len, const struct file_data *ref)
{
    CHECK_EQ(len, ref->len);
    for (size_t i = 0; i < MIN(len, ref->len); i++) {
        if (out[i] != ref->data[i]) {
            fprintf(stderr, "differs from Python's lzma output at offset %zu: %02x, not %02x\n",
                    i, out[i], ref->data[i]);
            CHECK(!"output equals the reference");
            break;
        }
    }
}

/* Decodes payload[0 .. plen - 4) into exactly the size the trailer states. */
static uint8_t *decode_timed(const uint8_t *payload, size_t plen, size_t *out_len,
                             const char *what)
{
    size_t size = le32_at(payload + plen - 4), used = 0;
    uint8_t *out = malloc(size);
    double t0 = seconds_now();
    int rc = decompress(payload, plen, out, size, out_len, &used);
    double t = seconds_now() - t0;

    CHECK_EQ(rc, 0);
    CHECK_EQ(*out_len, size);
    CHECK_EQ(used, plen - 4);
    fprintf(stderr, "%s: %zu -> %zu bytes in %.3f s: %.1f MB/s of output%s\n",
            what, plen - 4, *out_len, t, (double)*out_len / t / 1e6,
#if defined(__SANITIZE_ADDRESS__)
            " (ASan build)"
#else
            ""
#endif
            );
    return out;
}

TEST(debian_kernel_xz_payload)
{
    struct file_data image, ref;
    const uint8_t *payload;
    size_t plen, out_len;

    if (!load_kernel(&image))
        return;
    if (!find_payload(&image, &payload, &plen) || !load_ref("vmlinux.ref", &ref)) {
        free(image.data);
        return;
    }
    CHECK_EQ(decompress_detect(payload, plen), DECOMPRESS_XZ);
    uint8_t *out = decode_timed(payload, plen, &out_len, "xz kernel payload");
    check_vmlinux(out, out_len, &ref);

    /* One byte short of room, and a truncated payload: clean errors. */
    size_t used;
    CHECK_EQ(xz_decompress(payload, plen - 4, out, out_len - 1, &out_len, &used), -ENOBUFS);
    CHECK_EQ(xz_decompress(payload, plen / 2, out, le32_at(payload + plen - 4),
                           &out_len, &used), -EBADMSG);
    free(out);
    free(ref.data);
    free(image.data);
}

/* The reference recoded with gzip -9, as a gzip bzImage payload is. */
TEST(debian_kernel_gzip_payload)
{
    struct file_data gz, ref;
    size_t out_len, used;

    if (!load_ref("vmlinux.ref", &ref))
        return;
    if (!load_ref("vmlinux.ref.gz", &gz)) {
        free(ref.data);
        return;
    }
    /* A bzImage payload: the gzip member, then the le32 size. */
    uint8_t *with_size = malloc(gz.len + 4);
    uint32_t size = (uint32_t)ref.len;
    memcpy(with_size, gz.data, gz.len);
    for (unsigned int i = 0; i < 4; i++)
        with_size[gz.len + i] = (uint8_t)(size >> (8 * i));
    uint8_t *out = decode_timed(with_size, gz.len + 4, &out_len, "gzip -9 kernel");
    check_vmlinux(out, out_len, &ref);
    memset(out, 0, ref.len);
    CHECK_EQ(gunzip(gz.data, gz.len, out, ref.len, &out_len, &used), 0);
    CHECK_EQ(used, gz.len);
    check_vmlinux(out, out_len, &ref);
    free(out);
    free(with_size);
    free(gz.data);
    free(ref.data);
}
