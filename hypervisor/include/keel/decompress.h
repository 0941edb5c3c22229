/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decompressors for boot payloads (a Linux bzImage's compressed kernel):
 * XZ (LZMA2, optionally behind the x86 BCJ filter) and gzip (DEFLATE).
 *
 * Every decoder works in one call: the whole input is in memory and the whole
 * output goes to one caller-provided buffer, which is also the LZ dictionary
 * (no other allocation).  Input is treated as hostile: the decoders never read
 * past in[in_len - 1], never write past out[out_cap - 1], do bounded work per
 * input byte, and report a corrupted or truncated stream as an error after
 * logging which check failed and at what input offset.
 *
 * Return values: 0 on success; -EBADMSG corrupt or truncated data (including
 * a failed checksum); -ENOBUFS the output does not fit in out_cap;
 * -EOPNOTSUPP a valid stream using a feature Keel does not implement (SHA-256
 * check, filters other than x86 BCJ + LZMA2); -EINVAL unknown format or bad
 * arguments; -EBUSY another CPU is inside the same decoder (its model state
 * is static, too big for a hypervisor stack).  On error *out_len and
 * *in_used are left unspecified.
 *
 * in_used, if not NULL, receives the number of input bytes the stream
 * occupied, and bytes after it are not looked at (a bzImage appends the
 * uncompressed size after its payload).  With in_used NULL the stream must
 * end exactly at in_len: trailing bytes are an error.
 */
#ifndef KEEL_DECOMPRESS_H
#define KEEL_DECOMPRESS_H

#include <keel/types.h>

enum decompress_format {
    DECOMPRESS_UNKNOWN = 0,
    DECOMPRESS_XZ      = 1,
    DECOMPRESS_GZIP    = 2,
};

/* The format of in[] by its magic bytes (DECOMPRESS_UNKNOWN if none match). */
int decompress_detect(const uint8_t *in, size_t len);
const char *decompress_format_name(int format);

/*
 * One XZ file: one or more concatenated streams, each optionally followed by
 * stream padding (multiples of four zero bytes).  Decoding stops at the first
 * byte that is neither padding nor a stream header.
 */
int xz_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
                  size_t out_cap, size_t *out_len, size_t *in_used);

/* One gzip member (RFC 1952): header, DEFLATE data, CRC32 and ISIZE checked. */
int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
           size_t *out_len, size_t *in_used);

/* Detects the format of in[] and runs the matching decoder. */
int decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
               size_t *out_len, size_t *in_used);

/* Checksums (crc.c), usable on their own.  Start with crc = 0. */
uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t len);
uint64_t crc64_update(uint64_t crc, const uint8_t *buf, size_t len);

#endif
