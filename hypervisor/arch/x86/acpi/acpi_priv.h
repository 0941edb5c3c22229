/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the ACPI parsers in this directory only: unaligned
 * little-endian reads from table bytes, Generic Address Structure decoding
 * and printable signatures for log messages.
 */
#ifndef ACPI_PRIV_H
#define ACPI_PRIV_H

#include <asm/acpi.h>

#define ACPI_GAS_LEN 12

static inline uint16_t acpi_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t acpi_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
           ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t acpi_rd64(const uint8_t *p)
{
    return (uint64_t)acpi_rd32(p) | ((uint64_t)acpi_rd32(p + 4) << 32);
}

static inline void acpi_rd_gas(const uint8_t *p, struct acpi_gas *g)
{
    g->space_id = p[0];
    g->bit_width = p[1];
    g->bit_offset = p[2];
    g->access_size = p[3];
    g->address = acpi_rd64(p + 4);
}

/* sum of 'len' bytes, mod 256: 0 for a valid table */
static inline uint8_t acpi_sum(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

/* A signature as a printable NUL-terminated string (bad bytes as '?'). */
static inline void acpi_sig_str(const uint8_t *sig, char out[5])
{
    for (int i = 0; i < 4; i++)
        out[i] = (sig[i] >= 0x20 && sig[i] < 0x7f) ? (char)sig[i] : '?';
    out[4] = '\0';
}

#endif
