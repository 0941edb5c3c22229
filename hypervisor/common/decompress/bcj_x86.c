/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 BCJ filter's decoder (XZ filter ID 0x04).  The encoder rewrote the
 * 32-bit relative targets of E8 (call) and E9 (jmp) instructions into absolute
 * ones so that repeated calls to one function compress well; this turns them
 * back.  Which E8/E9 bytes were converted depends on the recent E8/E9 bytes
 * that were not (a heuristic for "this is really an instruction"), so the
 * decoder tracks the same history as the encoder did.
 *
 * It runs in place over one whole block's output after LZMA2 has produced
 * it; the last four bytes of a block are never converted.
 */
#include "decompress_priv.h"

/* Operand high bytes of plausible near targets: 0x00 or 0xFF. */
static bool is_near_high_byte(uint8_t byte)
{
    return byte == 0x00 || byte == 0xFF;
}

/*
 * history bits 1..3: an unconverted E8/E9 was 1..3 bytes before the current
 * one; bits 5..7: such an opcode's operand high byte looked near.  Conversion
 * is allowed with at most one recent unconverted opcode and no near high byte.
 */
static bool conversion_allowed(uint32_t history)
{
    uint32_t recent = history >> 1;

    if (recent >= 0x10)
        return false;
    return recent == 0 || recent == 1 || recent == 2 || recent == 4;
}

/* Byte index (1..3) of the operand that an earlier opcode's bytes overlap. */
static uint32_t overlapping_byte(uint32_t history)
{
    uint32_t recent = (history >> 1) & 7;

    if (recent >= 4)
        return 3;
    return recent >= 2 ? 2 : 1;
}

static uint32_t age_history(uint32_t history, size_t distance)
{
    if (distance > 5)
        return 0;
    for (size_t step = 0; step < distance; step++)
        history = (history & 0x77) << 1;
    return history;
}

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/*
 * The absolute target back to a relative one, as the encoder would see it.
 * Encoded data needs at most one extra round; crafted operands can make the
 * rounds cycle forever, so they are capped (such data fails its checksum).
 */
#define BCJ_MAX_ROUNDS 8

static uint32_t unconvert(uint32_t stored, uint32_t next_insn, uint32_t history)
{
    uint32_t target = stored - next_insn;

    for (int round = 0; history != 0 && round < BCJ_MAX_ROUNDS; round++) {
        uint32_t shift = 32 - 8 * overlapping_byte(history);

        if (!is_near_high_byte((uint8_t)(target >> (shift - 8))))
            break;
        stored = target ^ ((1u << shift) - 1);
        target = stored - next_insn;
    }
    return target;
}

/* True if one of the eight bytes at p is E8 or E9 (they differ in bit 0
 * only: OR it in, then look for a byte equal to E9). */
static bool word_has_call_or_jmp(const uint8_t *p)
{
    uint64_t w;

    __builtin_memcpy(&w, p, 8);
    w = (w | 0x0101010101010101ull) ^ 0xE9E9E9E9E9E9E9E9ull;
    return ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) != 0;
}

void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start_offset)
{
    uint32_t history = 0;
    size_t last_opcode_plus5 = 0;   /* position of the last E8/E9, plus 5 */
    size_t pos = 0;

    while (len >= 5 && pos <= len - 5) {
        if (pos + 8 <= len && !word_has_call_or_jmp(&buf[pos])) {
            pos += 8;               /* most of the stream: eight bytes a step */
            continue;
        }
        if (buf[pos] != 0xE8 && buf[pos] != 0xE9) {
            pos++;
            continue;
        }
        history = age_history(history, pos + 5 - last_opcode_plus5);
        last_opcode_plus5 = pos + 5;

        uint8_t high = buf[pos + 4];
        if (is_near_high_byte(high) && conversion_allowed(history)) {
            uint32_t next_insn = start_offset + (uint32_t)pos + 5;
            uint32_t target = unconvert(read_le32(&buf[pos + 1]), next_insn,
                                        history);
            buf[pos + 1] = (uint8_t)target;
            buf[pos + 2] = (uint8_t)(target >> 8);
            buf[pos + 3] = (uint8_t)(target >> 16);
            buf[pos + 4] = (target & (1u << 24)) ? 0xFF : 0x00;
            pos += 5;
            history = 0;
        } else {
            pos++;
            history |= 1;
            if (is_near_high_byte(high))
                history |= 0x10;
        }
    }
}
