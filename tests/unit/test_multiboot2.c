// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for the Multiboot2 info parser (hypervisor/arch/x86/boot/multiboot2.c):
 * GRUB-like blocks built by a small builder here, checked field by field,
 * then hostile blocks: truncations, bad tag sizes, misalignment, missing NULs,
 * bad memory-map entry sizes, too many entries/modules, random byte flips.
 * Blocks are parsed from a heap copy of exactly 'avail' bytes, so ASan
 * catches any read beyond what the parser was allowed to read.
 */
#include "ktest.h"

#include <keel/bootinfo.h>
#include <keel/errno.h>
#include <keel/lib.h>

#include <fcntl.h>
#include <unistd.h>

/* ---- block builder -------------------------------------------------------- */

#define BLOCK_CAP 65536

struct builder {
    uint8_t buf[BLOCK_CAP] __attribute__((aligned(8)));
    size_t len;
};

static void put_u32_at(struct builder *b, size_t at, uint32_t v)
{
    memcpy(b->buf + at, &v, sizeof(v));
}

static void put(struct builder *b, const void *data, size_t n)
{
    CHECK(b->len + n <= BLOCK_CAP);
    memcpy(b->buf + b->len, data, n);
    b->len += n;
}

static void put_u32(struct builder *b, uint32_t v)
{
    put(b, &v, sizeof(v));
}

static void put_u64(struct builder *b, uint64_t v)
{
    put(b, &v, sizeof(v));
}

static void pad8(struct builder *b)
{
    while (b->len % 8)
        b->buf[b->len++] = 0;
}

static void start_block(struct builder *b)
{
    memset(b->buf, 0, sizeof(b->buf));
    b->len = 0;
    put_u32(b, 0);      /* total_size, set by finish_block */
    put_u32(b, 0);
}

/* Begin a tag; returns its offset for end_tag. */
static size_t begin_tag(struct builder *b, uint32_t type)
{
    size_t at = b->len;
    put_u32(b, type);
    put_u32(b, 0);
    return at;
}

static void end_tag(struct builder *b, size_t at)
{
    put_u32_at(b, at + 4, (uint32_t)(b->len - at));
    pad8(b);
}

static void finish_block(struct builder *b)
{
    size_t at = begin_tag(b, 0);
    end_tag(b, at);
    put_u32_at(b, 0, (uint32_t)b->len);
}

static void add_string_tag(struct builder *b, uint32_t type, const char *s)
{
    size_t at = begin_tag(b, type);
    put(b, s, strlen(s) + 1);
    end_tag(b, at);
}

static void add_module(struct builder *b, uint32_t start, uint32_t end, const char *s)
{
    size_t at = begin_tag(b, 3);
    put_u32(b, start);
    put_u32(b, end);
    put(b, s, strlen(s) + 1);
    end_tag(b, at);
}

static void add_meminfo(struct builder *b, uint32_t lower, uint32_t upper)
{
    size_t at = begin_tag(b, 4);
    put_u32(b, lower);
    put_u32(b, upper);
    end_tag(b, at);
}

struct e820 {
    uint64_t base, len;
    uint32_t type;
};

static void add_mmap(struct builder *b, uint32_t entry_size, const struct e820 *e,
                     size_t n)
{
    size_t at = begin_tag(b, 6);
    put_u32(b, entry_size);
    put_u32(b, 0);
    for (size_t i = 0; i < n; i++) {
        size_t entry_at = b->len;
        put_u64(b, e[i].base);
        put_u64(b, e[i].len);
        put_u32(b, e[i].type);
        put_u32(b, 0);
        while (b->len - entry_at < entry_size)
            put(b, "\xee", 1);      /* vendor extension bytes */
    }
    end_tag(b, at);
}

static void add_acpi(struct builder *b, uint32_t type, uint8_t fill, size_t n)
{
    size_t at = begin_tag(b, type);
    for (size_t i = 0; i < n; i++) {
        uint8_t byte = (uint8_t)(fill + i);
        put(b, &byte, 1);
    }
    end_tag(b, at);
}

/* An unknown tag Keel must skip (framebuffer-sized, odd length). */
static void add_unknown(struct builder *b, uint32_t type, size_t payload)
{
    size_t at = begin_tag(b, type);
    for (size_t i = 0; i < payload; i++)
        put(b, "\x5a", 1);
    end_tag(b, at);
}

static const struct e820 grub_map[] = {
    { 0x0, 0x9fc00, 1 },
    { 0x9fc00, 0x400, 2 },
    { 0xf0000, 0x10000, 2 },
    { 0x100000, 0x7ee0000, 1 },
    { 0x7fe0000, 0x20000, 2 },
    { 0xfffc0000, 0x40000, 2 },
    { 0x100000000, 0x80000000, 1 },
    { 0x7ffe0000, 0x10000, 3 },
};

#define GRUB_CMDLINE "/boot/keel console=com1 loglvl=all dom0_mem=512M"
#define MOD0_NAME "/boot/vmlinuz-6.1 root=/dev/sda1 ro console=hvc0"
#define MOD1_NAME "/boot/initrd.img-6.1"

/* A block laid out the way GRUB 2 does it. */
static void build_grub_block(struct builder *b)
{
    start_block(b);
    add_string_tag(b, 1, GRUB_CMDLINE);
    add_string_tag(b, 2, "GRUB 2.06-13+deb12u1");
    add_module(b, 0x200000, 0x5a3123, MOD0_NAME);
    add_module(b, 0x5a4000, 0x1200000, MOD1_NAME);
    add_meminfo(b, 639, 2096000);
    add_unknown(b, 5, 12);          /* boot device */
    add_mmap(b, 24, grub_map, ARRAY_SIZE(grub_map));
    add_unknown(b, 8, 31);          /* framebuffer */
    add_acpi(b, 14, 0x10, 20);
    add_acpi(b, 15, 0x40, 36);
    add_unknown(b, 21, 4);          /* load base address */
    finish_block(b);
}

/* ---- parsing helpers --------------------------------------------------------- */

static struct builder blk;
static struct builder mutated;
static struct boot_info info;
static struct boot_info ref;

/* Parse a heap copy of exactly 'avail' bytes of data. */
static int parse_exact(const uint8_t *data, size_t avail, struct boot_info *out)
{
    uint8_t *copy = malloc(avail ? avail : 1);
    CHECK(copy != NULL);
    memcpy(copy, data, avail);
    int rc = mb2_parse(copy, avail, out);
    CHECK_EQ(out->mbi_start, (uintptr_t)copy);
    free(copy);
    return rc;
}

/* Same, with the expected flood of error messages kept off stderr. */
static int parse_quietly(const uint8_t *data, size_t avail, struct boot_info *out)
{
    int saved = dup(2), null_fd = open("/dev/null", O_WRONLY);
    CHECK(saved >= 0 && null_fd >= 0);
    fflush(stderr);
    dup2(null_fd, 2);
    int rc = parse_exact(data, avail, out);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(null_fd);
    return rc;
}

static bool string_in_store(const struct boot_info *out, const char *s)
{
    return s >= out->strings && s < out->strings + sizeof(out->strings);
}

/* Whatever happened, the result is usable: valid strings, sane counts. */
static void check_invariants(const struct boot_info *out)
{
    CHECK(out->cmdline != NULL);
    CHECK(out->loader_name != NULL);
    CHECK(out->strings_used <= sizeof(out->strings));
    CHECK(out->cmdline[0] == '\0' || string_in_store(out, out->cmdline));
    CHECK(out->loader_name[0] == '\0' || string_in_store(out, out->loader_name));
    CHECK(out->nr_modules <= BOOT_MAX_MODULES);
    for (uint32_t i = 0; i < BOOT_MAX_MODULES; i++) {
        const struct boot_module *m = &out->modules[i];
        CHECK(m->cmdline != NULL);
        if (i < out->nr_modules) {
            CHECK(m->start <= m->end);
            CHECK(m->cmdline[0] == '\0' || string_in_store(out, m->cmdline));
        }
    }
    CHECK(out->raw_map.nr <= MEMMAP_MAX);
    CHECK(out->rsdp_len == 0 || out->rsdp_len == 20 || out->rsdp_len == 36);
    CHECK(out->mbi_end >= out->mbi_start);
}

/* A failed parse of a damaged GRUB block holds a prefix of the good result. */
static void check_subset_of(const struct boot_info *out, const struct boot_info *good)
{
    check_invariants(out);
    CHECK(out->cmdline[0] == '\0' || strcmp(out->cmdline, good->cmdline) == 0);
    CHECK(out->loader_name[0] == '\0' || strcmp(out->loader_name, good->loader_name) == 0);
    CHECK(out->nr_modules <= good->nr_modules);
    for (uint32_t i = 0; i < out->nr_modules; i++) {
        CHECK_EQ(out->modules[i].start, good->modules[i].start);
        CHECK_EQ(out->modules[i].end, good->modules[i].end);
        CHECK(strcmp(out->modules[i].cmdline, good->modules[i].cmdline) == 0);
    }
    CHECK(out->raw_map.nr <= good->raw_map.nr);
    CHECK(memcmp(out->raw_map.r, good->raw_map.r,
                 out->raw_map.nr * sizeof(out->raw_map.r[0])) == 0);
    CHECK(out->mem_lower_kb == 0 || out->mem_lower_kb == good->mem_lower_kb);
}

static void check_grub_result(const struct boot_info *out)
{
    CHECK(strcmp(out->cmdline, GRUB_CMDLINE) == 0);
    CHECK(strcmp(out->loader_name, "GRUB 2.06-13+deb12u1") == 0);
    CHECK(string_in_store(out, out->cmdline));
    CHECK_EQ(out->nr_modules, 2);
    CHECK_EQ(out->modules[0].start, 0x200000);
    CHECK_EQ(out->modules[0].end, 0x5a3123);
    CHECK(strcmp(out->modules[0].cmdline, MOD0_NAME) == 0);
    CHECK_EQ(out->modules[1].start, 0x5a4000);
    CHECK_EQ(out->modules[1].end, 0x1200000);
    CHECK(strcmp(out->modules[1].cmdline, MOD1_NAME) == 0);
    CHECK(strcmp(out->modules[2].cmdline, "") == 0);
    CHECK_EQ(out->mem_lower_kb, 639);
    CHECK_EQ(out->mem_upper_kb, 2096000);
    CHECK(out->have_mmap);
    CHECK_EQ(out->raw_map.nr, ARRAY_SIZE(grub_map));
    for (size_t i = 0; i < ARRAY_SIZE(grub_map); i++) {
        CHECK_EQ(out->raw_map.r[i].start, grub_map[i].base);
        CHECK_EQ(out->raw_map.r[i].end, grub_map[i].base + grub_map[i].len);
        CHECK_EQ(out->raw_map.r[i].type, grub_map[i].type);
    }
    CHECK_EQ(out->rsdp_len, 36);
    for (uint32_t i = 0; i < 36; i++)
        CHECK_EQ(out->rsdp[i], 0x40 + i);
    check_invariants(out);
}

/* ---- well-formed blocks ------------------------------------------------------ */

TEST(grub_block_every_field)
{
    build_grub_block(&blk);
    CHECK_EQ(mb2_parse(blk.buf, blk.len, &info), 0);
    check_grub_result(&info);
    CHECK_EQ(info.mbi_start, (uintptr_t)blk.buf);
    CHECK_EQ(info.mbi_end, (uintptr_t)blk.buf + blk.len);
}

TEST(strings_are_copies)
{
    build_grub_block(&blk);
    CHECK_EQ(mb2_parse(blk.buf, blk.len, &info), 0);
    memset(blk.buf, 0xcc, blk.len);
    check_grub_result(&info);
}

TEST(extra_avail_and_trailing_bytes_are_fine)
{
    build_grub_block(&blk);
    size_t len = blk.len;
    CHECK_EQ(parse_exact(blk.buf, len + 100, &info), 0);
    check_grub_result(&info);
    CHECK_EQ(info.mbi_end - info.mbi_start, len);
    /* total_size beyond the end tag: the rest is ignored. */
    put_u32_at(&blk, 0, (uint32_t)len + 16);
    CHECK_EQ(parse_exact(blk.buf, len + 16, &info), 0);
    check_grub_result(&info);
    CHECK_EQ(info.mbi_end - info.mbi_start, len + 16);
}

TEST(minimal_block_has_defaults)
{
    start_block(&blk);
    finish_block(&blk);
    CHECK_EQ(blk.len, 16);
    memset(&info, 0xa5, sizeof(info));
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK(strcmp(info.cmdline, "") == 0);
    CHECK(strcmp(info.loader_name, "") == 0);
    CHECK_EQ(info.nr_modules, 0);
    CHECK(!info.have_mmap);
    CHECK_EQ(info.raw_map.nr, 0);
    CHECK_EQ(info.mem_lower_kb, 0);
    CHECK_EQ(info.mem_upper_kb, 0);
    CHECK_EQ(info.rsdp_len, 0);
    CHECK_EQ(info.strings_used, 0);
    CHECK_EQ(info.mbi_end - info.mbi_start, 16);
    check_invariants(&info);
}

TEST(old_acpi_alone)
{
    start_block(&blk);
    add_acpi(&blk, 14, 0x80, 20);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.rsdp_len, 20);
    for (uint32_t i = 0; i < 20; i++)
        CHECK_EQ(info.rsdp[i], 0x80 + i);
    CHECK_EQ(info.rsdp[20], 0);
}

TEST(new_acpi_wins_in_either_order)
{
    start_block(&blk);
    add_acpi(&blk, 15, 0x40, 36);
    add_acpi(&blk, 14, 0x10, 20);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.rsdp_len, 36);
    CHECK_EQ(info.rsdp[0], 0x40);
    CHECK_EQ(info.rsdp[35], 0x40 + 35);
}

TEST(mmap_with_larger_entry_size)
{
    start_block(&blk);
    add_mmap(&blk, 40, grub_map, 4);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.raw_map.nr, 4);
    CHECK_EQ(info.raw_map.r[3].start, 0x100000);
    CHECK_EQ(info.raw_map.r[3].end, 0x100000 + 0x7ee0000);
    CHECK_EQ(info.raw_map.r[3].type, 1);
}

TEST(mmap_partial_trailing_entry_ignored)
{
    start_block(&blk);
    size_t at = begin_tag(&blk, 6);
    put_u32(&blk, 24);
    put_u32(&blk, 0);
    put_u64(&blk, 0x1000);
    put_u64(&blk, 0x2000);
    put_u32(&blk, 1);
    put_u32(&blk, 0);
    put_u64(&blk, 0x9000);          /* 12 bytes of a second entry */
    put_u32(&blk, 0x1000);
    end_tag(&blk, at);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.raw_map.nr, 1);
    CHECK_EQ(info.raw_map.r[0].end, 0x3000);
}

TEST(empty_module_and_empty_strings)
{
    start_block(&blk);
    add_string_tag(&blk, 1, "");
    add_module(&blk, 0x1000, 0x1000, "");
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.nr_modules, 1);
    CHECK_EQ(info.modules[0].start, info.modules[0].end);
    CHECK(strcmp(info.modules[0].cmdline, "") == 0);
    CHECK(strcmp(info.cmdline, "") == 0);
}

TEST(second_cmdline_replaces_first)
{
    start_block(&blk);
    add_string_tag(&blk, 1, "first");
    add_string_tag(&blk, 1, "second");
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK(strcmp(info.cmdline, "second") == 0);
}

TEST(seventeen_modules_keep_sixteen)
{
    char name[32];
    start_block(&blk);
    for (uint32_t i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "mod%u", i);
        add_module(&blk, 0x100000 * (i + 1), 0x100000 * (i + 1) + 0x800, name);
    }
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.nr_modules, BOOT_MAX_MODULES);
    CHECK(strcmp(info.modules[15].cmdline, "mod15") == 0);
    CHECK_EQ(info.modules[15].start, 0x1000000);
    CHECK(ktest_log_contains("more than 16 modules"));
    check_invariants(&info);
}

TEST(mmap_overflowing_memmap_max)
{
    static struct e820 many[300];
    for (size_t i = 0; i < ARRAY_SIZE(many); i++)
        many[i] = (struct e820){ 0x100000ULL * i, 0x80000, (uint32_t)(i % 2) + 1 };
    start_block(&blk);
    add_mmap(&blk, 24, many, ARRAY_SIZE(many));
    add_string_tag(&blk, 1, "after the map");
    finish_block(&blk);
    CHECK_EQ(parse_quietly(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.raw_map.nr, MEMMAP_MAX);
    CHECK_EQ(info.raw_map.r[MEMMAP_MAX - 1].start, 0x100000ULL * (MEMMAP_MAX - 1));
    CHECK_EQ(info.raw_map.r[MEMMAP_MAX - 1].type, (MEMMAP_MAX - 1) % 2 + 1);
    CHECK(strcmp(info.cmdline, "after the map") == 0);
    CHECK(ktest_log_contains("mb2: memory map has more than 256 entries"));
}

TEST(string_store_overflow_truncates)
{
    static char big[6000];
    memset(big, 'c', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    start_block(&blk);
    add_string_tag(&blk, 1, big);
    add_string_tag(&blk, 2, big);
    add_module(&blk, 0, 0x1000, "m");
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(strlen(info.cmdline), sizeof(big) - 1);
    CHECK_EQ(strlen(info.loader_name), BOOT_STRINGS_SIZE - sizeof(big) - 1);
    CHECK(strcmp(info.modules[0].cmdline, "") == 0);
    CHECK_EQ(info.strings_used, BOOT_STRINGS_SIZE);
    CHECK(ktest_log_contains("truncating"));
    check_invariants(&info);
}

/* Strings that exactly fill the store, and one byte more. */
TEST(string_store_exact_fit)
{
    static char first[6001], second[BOOT_STRINGS_SIZE - 6001 + 1];
    memset(first, 'a', sizeof(first) - 1);
    memset(second, 'b', sizeof(second) - 1);

    second[sizeof(second) - 2] = '\0';     /* fits exactly, NUL included */
    start_block(&blk);
    add_string_tag(&blk, 1, first);
    add_string_tag(&blk, 2, second);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.strings_used, BOOT_STRINGS_SIZE);
    CHECK_EQ(strlen(info.loader_name), sizeof(second) - 2);
    CHECK(!ktest_log_contains("truncating"));

    second[sizeof(second) - 2] = 'b';       /* one byte too many */
    start_block(&blk);
    add_string_tag(&blk, 1, first);
    add_string_tag(&blk, 2, second);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK_EQ(info.strings_used, BOOT_STRINGS_SIZE);
    CHECK_EQ(strlen(info.loader_name), sizeof(second) - 2);
    CHECK(ktest_log_contains("truncating"));
    CHECK(strcmp(info.cmdline, first) == 0);
}

/* ---- hostile blocks ----------------------------------------------------------- */

TEST(null_and_tiny_blocks)
{
    uint8_t small[16] __attribute__((aligned(8))) = { 16, 0, 0, 0 };
    CHECK_EQ(mb2_parse(NULL, 100, &info), -EINVAL);
    check_invariants(&info);
    CHECK_EQ(mb2_parse(small, 7, &info), -EINVAL);
    CHECK(ktest_log_contains("header truncated"));
    CHECK_EQ(mb2_parse(small, 0, &info), -EINVAL);
    CHECK_EQ(mb2_parse(small, 15, &info), -EINVAL);
    CHECK(ktest_log_contains("exceeds"));
    small[0] = 8;
    CHECK_EQ(mb2_parse(small, 16, &info), -EINVAL);
    CHECK(ktest_log_contains("total_size 8 too small"));
    small[0] = 16;
    small[8] = 0;
    small[12] = 8;
    CHECK_EQ(mb2_parse(small, 16, &info), 0);
    CHECK_EQ(mb2_parse(small, 16, NULL), -EINVAL);
}

TEST(misaligned_block_pointer)
{
    build_grub_block(&blk);
    memmove(blk.buf + 4, blk.buf, blk.len);
    CHECK_EQ(mb2_parse(blk.buf + 4, blk.len, &info), -EINVAL);
    CHECK(ktest_log_contains("not 8-byte aligned"));
    check_invariants(&info);
}

TEST(every_avail_truncation)
{
    build_grub_block(&blk);
    CHECK_EQ(mb2_parse(blk.buf, blk.len, &ref), 0);
    for (size_t avail = 0; avail < blk.len; avail++) {
        CHECK_EQ(parse_quietly(blk.buf, avail, &info), -EINVAL);
        check_subset_of(&info, &ref);
    }
    CHECK_EQ(parse_quietly(blk.buf, blk.len, &info), 0);
    check_grub_result(&info);
}

TEST(every_total_size_truncation)
{
    build_grub_block(&blk);
    size_t len = blk.len;
    CHECK_EQ(mb2_parse(blk.buf, len, &ref), 0);
    for (uint32_t total = 0; total <= len + 8; total++) {
        memcpy(mutated.buf, blk.buf, len);
        memcpy(mutated.buf, &total, sizeof(total));
        /* The buffer stops at total_size (bytes past the end tag are
         * ignored), or at the real block end (a larger total_size is a lie). */
        int rc = parse_quietly(mutated.buf, total, &info);
        CHECK(rc == (total >= len ? 0 : -EINVAL));
        check_subset_of(&info, &ref);
        rc = parse_quietly(mutated.buf, len, &info);
        CHECK(rc == (total == len ? 0 : -EINVAL));
        check_subset_of(&info, &ref);
        if (total < len && total >= 16)
            CHECK(info.mbi_end - info.mbi_start == total);
    }
}

/* A block with one cmdline tag whose size field is forced to 'size'. */
static int parse_with_tag_size(uint32_t size)
{
    start_block(&blk);
    add_string_tag(&blk, 1, "console=com1");
    finish_block(&blk);
    put_u32_at(&blk, 12, size);
    ktest_log_clear();
    return parse_exact(blk.buf, blk.len, &info);
}

TEST(tag_size_zero_four_huge)
{
    CHECK_EQ(parse_with_tag_size(0), -EINVAL);
    CHECK(ktest_log_contains("tag 1 (command line) at offset 0x8: size below 8"));
    CHECK_EQ(parse_with_tag_size(4), -EINVAL);
    CHECK(ktest_log_contains("size below 8"));
    CHECK_EQ(parse_with_tag_size(0xffffffff), -EINVAL);
    CHECK(ktest_log_contains("tag 1 (command line) at offset 0x8: runs past total_size"));
    CHECK_EQ(parse_with_tag_size(0x80000000), -EINVAL);
    CHECK(ktest_log_contains("runs past total_size"));
    /* Size 8: no payload, so no NUL; the old payload is then read as the
     * next tag, which must not matter. */
    CHECK_EQ(parse_with_tag_size(8), -EINVAL);
    CHECK(ktest_log_contains("not NUL-terminated"));
    CHECK_EQ(parse_with_tag_size(21), 0);
    CHECK(strcmp(info.cmdline, "console=com1") == 0);
}

TEST(empty_string_tag_payload_is_unterminated)
{
    /* A size-8 command-line tag then the end tag: the "string" is empty
     * with no NUL; it must be refused, and the parse must not read on. */
    start_block(&blk);
    size_t at = begin_tag(&blk, 1);
    end_tag(&blk, at);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
    CHECK(ktest_log_contains("not NUL-terminated"));
}

TEST(misaligned_tags)
{
    /* A 13-byte tag followed by the end tag without padding. */
    start_block(&blk);
    size_t at = begin_tag(&blk, 1);
    put(&blk, "abcd", 5);
    put_u32_at(&blk, at + 4, (uint32_t)(blk.len - at));
    put_u32(&blk, 0);
    put_u32(&blk, 8);
    pad8(&blk);
    put_u32_at(&blk, 0, (uint32_t)blk.len);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
    check_invariants(&info);
    /* The same with total_size ending right after the unpadded end tag. */
    put_u32_at(&blk, 0, 29);
    CHECK_EQ(parse_exact(blk.buf, 29, &info), -EINVAL);
    CHECK(ktest_log_contains("no end tag"));
}

TEST(unterminated_strings)
{
    static const uint32_t types[] = { 1, 2 };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        start_block(&blk);
        size_t at = begin_tag(&blk, types[i]);
        put(&blk, "abcdefgh", 8);
        end_tag(&blk, at);
        finish_block(&blk);
        ktest_log_clear();
        CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
        CHECK(ktest_log_contains("not NUL-terminated"));
        CHECK(ktest_log_contains("at offset 0x8"));
        CHECK(strcmp(info.cmdline, "") == 0);
        CHECK(strcmp(info.loader_name, "") == 0);
    }
}

TEST(unterminated_module_string)
{
    start_block(&blk);
    add_module(&blk, 0x1000, 0x2000, "ok");
    size_t at = begin_tag(&blk, 3);
    put_u32(&blk, 0x3000);
    put_u32(&blk, 0x4000);
    put(&blk, "xyz", 3);
    end_tag(&blk, at);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
    CHECK(ktest_log_contains("tag 3 (module) at offset 0x20: string not NUL-terminated"));
    CHECK_EQ(info.nr_modules, 1);
    check_invariants(&info);
}

TEST(module_too_small_or_backwards)
{
    start_block(&blk);
    size_t at = begin_tag(&blk, 3);
    put_u32(&blk, 0x3000);
    put_u32(&blk, 0x4000);
    end_tag(&blk, at);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
    CHECK(ktest_log_contains("tag 3 (module) at offset 0x8: size 16 too small"));

    start_block(&blk);
    add_module(&blk, 0x5000, 0x4000, "backwards");
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
    CHECK(ktest_log_contains("module start is above its end"));
    CHECK_EQ(info.nr_modules, 0);
}

TEST(fixed_payloads_too_small)
{
    static const struct { uint32_t type; uint32_t payload; const char *name; } cases[] = {
        { 4, 7, "tag 4 (basic meminfo)" },
        { 6, 7, "tag 6 (memory map)" },
        { 14, 19, "tag 14 (ACPI old RSDP)" },
        { 15, 35, "tag 15 (ACPI new RSDP)" },
        { 15, 20, "tag 15 (ACPI new RSDP)" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        start_block(&blk);
        add_acpi(&blk, cases[i].type, 24, cases[i].payload);
        finish_block(&blk);
        ktest_log_clear();
        CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
        CHECK(ktest_log_contains(cases[i].name));
        CHECK(ktest_log_contains("too small"));
        CHECK_EQ(info.rsdp_len, 0);
    }
}

TEST(mmap_entry_size_too_small_or_zero)
{
    static const uint32_t sizes[] = { 0, 8, 16, 23 };
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        start_block(&blk);
        size_t at = begin_tag(&blk, 6);
        put_u32(&blk, sizes[i]);
        put_u32(&blk, 0);
        for (int k = 0; k < 12; k++)
            put_u32(&blk, 0x1000);
        end_tag(&blk, at);
        finish_block(&blk);
        ktest_log_clear();
        CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
        CHECK(ktest_log_contains("entry_size"));
        CHECK(ktest_log_contains("tag 6 (memory map) at offset 0x8"));
        CHECK_EQ(info.raw_map.nr, 0);
    }
}

TEST(mmap_huge_entry_size_has_no_entries)
{
    start_block(&blk);
    add_mmap(&blk, 24, grub_map, 2);
    put_u32_at(&blk, 16, 0xfffffff8);
    finish_block(&blk);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), 0);
    CHECK(info.have_mmap);
    CHECK_EQ(info.raw_map.nr, 0);
}

TEST(missing_end_tag)
{
    start_block(&blk);
    add_string_tag(&blk, 1, "no end");
    put_u32_at(&blk, 0, (uint32_t)blk.len);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
    CHECK(ktest_log_contains("no end tag"));
    /* Room for a tag header but it is not an end tag. */
    add_unknown(&blk, 99, 0);
    put_u32_at(&blk, 0, (uint32_t)blk.len);
    CHECK_EQ(parse_exact(blk.buf, blk.len, &info), -EINVAL);
    CHECK(strcmp(info.cmdline, "no end") == 0);
}

/* xorshift32: a fixed seed makes failures reproducible. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

TEST(random_byte_flips)
{
    uint32_t seed = 0x6b65656c;
    int successes = 0;

    build_grub_block(&blk);
    size_t len = blk.len;
    CHECK_EQ(mb2_parse(blk.buf, len, &ref), 0);
    for (int iter = 0; iter < 4000; iter++) {
        memcpy(mutated.buf, blk.buf, len);
        uint32_t flips = next_random(&seed) % 8 + 1;
        for (uint32_t f = 0; f < flips; f++) {
            uint32_t pos = next_random(&seed) % (uint32_t)len;
            /* Bias toward the header words, where the size fields live. */
            if (iter % 4 == 0)
                pos &= ~3u;
            mutated.buf[pos] = (uint8_t)next_random(&seed);
        }
        int rc = parse_quietly(mutated.buf, len, &info);
        CHECK(rc == 0 || rc == -EINVAL);
        check_invariants(&info);
        successes += rc == 0;
    }
    /* Flips inside payloads leave the block valid: both paths are taken. */
    CHECK(successes > 0 && successes < 4000);
}
