/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Format detection by magic bytes and the dispatching decompress(): the entry
 * point boot code uses for a kernel payload of either supported format.
 */
#include <keel/decompress.h>
#include <keel/errno.h>
#include <keel/lib.h>

static const uint8_t xz_magic[] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t gzip_magic[] = { 0x1F, 0x8B };

int decompress_detect(const uint8_t *in, size_t len)
{
    if (!in)
        return DECOMPRESS_UNKNOWN;
    if (len >= sizeof(xz_magic) && memcmp(in, xz_magic, sizeof(xz_magic)) == 0)
        return DECOMPRESS_XZ;
    if (len >= sizeof(gzip_magic) && memcmp(in, gzip_magic, sizeof(gzip_magic)) == 0)
        return DECOMPRESS_GZIP;
    return DECOMPRESS_UNKNOWN;
}

const char *decompress_format_name(int format)
{
    switch (format) {
    case DECOMPRESS_XZ:
        return "xz";
    case DECOMPRESS_GZIP:
        return "gzip";
    default:
        return "unknown";
    }
}

int decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
               size_t *out_len, size_t *in_used)
{
    switch (decompress_detect(in, in_len)) {
    case DECOMPRESS_XZ:
        return xz_decompress(in, in_len, out, out_cap, out_len, in_used);
    case DECOMPRESS_GZIP:
        return gunzip(in, in_len, out, out_cap, out_len, in_used);
    default:
        pr_err("decompress: unknown format (first bytes %02x %02x)\n",
               in && in_len > 0 ? in[0] : 0, in && in_len > 1 ? in[1] : 0);
        return -EINVAL;
    }
}
