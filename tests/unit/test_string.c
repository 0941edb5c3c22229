// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hypervisor/common/lib/string.c, compiled here under keel_*
 * names beside libc's: memset, memcpy and memmove (word-wise with byte
 * edges) against byte-by-byte reference results for every small length and
 * alignment, overlapping moves both ways, nothing written outside the
 * range; and the string functions' edge cases.
 */
#include "ktest.h"

#include <string.h>

#define memset keel_memset
#define memcpy keel_memcpy
#define memmove keel_memmove
#define memcmp keel_memcmp
#define strlen keel_strlen
#define strnlen keel_strnlen
#define strcmp keel_strcmp
#define strncmp keel_strncmp
#define strchr keel_strchr
#define strstr keel_strstr
#define strlcpy keel_strlcpy
#define strtoull keel_strtoull
#include "../../hypervisor/common/lib/string.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strstr
#undef strlcpy
#undef strtoull

#define BUF 320

static void fill(uint8_t *b, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(seed + i * 7);
}

TEST(memset_every_length_and_alignment)
{
    uint8_t got[BUF], want[BUF];

    for (size_t off = 0; off < 16; off++) {
        for (size_t len = 0; off + len <= 200; len++) {
            fill(got, BUF, 1);
            fill(want, BUF, 1);
            for (size_t i = 0; i < len; i++)
                want[off + i] = 0xa5;
            CHECK(keel_memset(got + off, 0xa5, len) == got + off);
            CHECK(memcmp(got, want, BUF) == 0);
        }
    }
}

TEST(memset_zero_of_a_page)
{
    static uint64_t page[512 + 2];

    for (size_t i = 0; i < 514; i++)
        page[i] = ~0ULL;
    keel_memset(&page[1], 0, 4096);
    CHECK_EQ(page[0], ~0ULL);
    CHECK_EQ(page[513], ~0ULL);
    for (size_t i = 1; i <= 512; i++)
        CHECK_EQ(page[i], 0);
}

TEST(memcpy_every_length_and_both_alignments)
{
    uint8_t src[BUF], got[BUF], want[BUF];

    fill(src, BUF, 3);
    for (size_t so = 0; so < 9; so++) {
        for (size_t dof = 0; dof < 9; dof++) {
            for (size_t len = 0; len <= 150; len++) {
                fill(got, BUF, 9);
                fill(want, BUF, 9);
                for (size_t i = 0; i < len; i++)
                    want[dof + i] = src[so + i];
                CHECK(keel_memcpy(got + dof, src + so, len) == got + dof);
                CHECK(memcmp(got, want, BUF) == 0);
            }
        }
    }
}

static void check_move(size_t dst, size_t src, size_t len)
{
    uint8_t got[BUF], want[BUF], tmp[BUF];

    fill(got, BUF, 5);
    fill(want, BUF, 5);
    memcpy(tmp, want + src, len);
    memcpy(want + dst, tmp, len);
    CHECK(keel_memmove(got + dst, got + src, len) == got + dst);
    CHECK(memcmp(got, want, BUF) == 0);
}

TEST(memmove_overlapping_both_ways)
{
    for (size_t len = 0; len <= 140; len += 3) {
        for (size_t d = 0; d < 80; d += 5) {
            check_move(100 + d, 100, len);      /* dst above src */
            check_move(100, 100 + d, len);      /* dst below src */
        }
    }
}

TEST(memcmp_sign_and_length)
{
    CHECK(keel_memcmp("abc", "abd", 3) < 0);
    CHECK(keel_memcmp("abd", "abc", 3) > 0);
    CHECK(keel_memcmp("abc", "abd", 2) == 0);
    CHECK(keel_memcmp("\x80", "\x01", 1) > 0);         /* unsigned bytes */
    CHECK(keel_memcmp("x", "y", 0) == 0);
}

TEST(string_functions)
{
    char buf[8];

    CHECK_EQ(keel_strlen(""), 0);
    CHECK_EQ(keel_strnlen("abcdef", 3), 3);
    CHECK(keel_strcmp("a", "b") < 0 && keel_strcmp("b", "a") > 0 && keel_strcmp("a", "a") == 0);
    CHECK(keel_strncmp("abcx", "abcy", 3) == 0);
    CHECK(keel_strchr("hello", 'l') != NULL && *keel_strchr("hello", 'l') == 'l');
    CHECK(keel_strchr("hello", 'z') == NULL);
    CHECK(keel_strstr("dom0_mem=1G", "mem") != NULL);
    CHECK_EQ(keel_strlcpy(buf, "truncated text", sizeof(buf)), 14);
    CHECK(strcmp(buf, "truncat") == 0);
    CHECK_EQ(keel_strtoull("0x1f", NULL, 0), 31);
    CHECK_EQ(keel_strtoull("777", NULL, 8), 511);
}
