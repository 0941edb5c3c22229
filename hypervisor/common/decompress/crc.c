/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checksums for the decompressors: CRC-32 (IEEE 802.3, reflected polynomial
 * 0xEDB88320, as in gzip and xz) and CRC-64 (ECMA-182, reflected polynomial
 * 0xC96C5795D7870F42, as in xz).  CRC-32 reads eight bytes a step through
 * eight tables (table k: the CRC of a byte followed by k zero bytes), CRC-64
 * one byte a step.  Tables are built on first use; building is idempotent, so a
 * racing second builder writes the same values.
 */
#include <keel/decompress.h>

#define CRC32_POLY_REFLECTED 0xEDB88320u
#define CRC64_POLY_REFLECTED 0xC96C5795D7870F42ull

static uint32_t crc32_table[8][256];
static uint64_t crc64_table[256];
static bool crc32_ready;
static bool crc64_ready;

static void crc32_build_table(void)
{
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t value = byte;
        for (int bit = 0; bit < 8; bit++)
            value = (value >> 1) ^ ((value & 1) ? CRC32_POLY_REFLECTED : 0);
        crc32_table[0][byte] = value;
    }
    for (uint32_t byte = 0; byte < 256; byte++) {
        for (int k = 1; k < 8; k++) {
            uint32_t prev = crc32_table[k - 1][byte];
            crc32_table[k][byte] = (prev >> 8) ^ crc32_table[0][prev & 0xff];
        }
    }
    crc32_ready = true;
}

static void crc64_build_table(void)
{
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint64_t value = byte;
        for (int bit = 0; bit < 8; bit++)
            value = (value >> 1) ^ ((value & 1) ? CRC64_POLY_REFLECTED : 0);
        crc64_table[byte] = value;
    }
    crc64_ready = true;
}

uint32_t crc32_update(uint32_t crc, const uint8_t *buf, size_t len)
{
    if (!crc32_ready)
        crc32_build_table();
    crc = ~crc;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint32_t lo = crc ^ ((uint32_t)buf[i] | (uint32_t)buf[i + 1] << 8 |
                             (uint32_t)buf[i + 2] << 16 | (uint32_t)buf[i + 3] << 24);
        uint32_t hi = (uint32_t)buf[i + 4] | (uint32_t)buf[i + 5] << 8 |
                      (uint32_t)buf[i + 6] << 16 | (uint32_t)buf[i + 7] << 24;
        crc = crc32_table[7][lo & 0xff] ^ crc32_table[6][(lo >> 8) & 0xff] ^
              crc32_table[5][(lo >> 16) & 0xff] ^ crc32_table[4][lo >> 24] ^
              crc32_table[3][hi & 0xff] ^ crc32_table[2][(hi >> 8) & 0xff] ^
              crc32_table[1][(hi >> 16) & 0xff] ^ crc32_table[0][hi >> 24];
    }
    for (; i < len; i++)
        crc = crc32_table[0][(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t crc64_update(uint64_t crc, const uint8_t *buf, size_t len)
{
    if (!crc64_ready)
        crc64_build_table();
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc64_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}
