// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Multiboot2 boot-information parser: turns the block a Multiboot2 boot
 * loader (GRUB) hands over into struct boot_info (keel/bootinfo.h).
 *
 * Block layout: u32 total_size, u32 reserved, then tags {u32 type, u32 size,
 * payload}, each starting 8-byte aligned (size counts header and payload,
 * not the padding), ending with an end tag (type 0).
 *
 * Policy (the block is hostile):
 *  - Nothing is read beyond min(avail, total_size); the block must start
 *    8-byte aligned.  A tag that is too small for its type, runs past
 *    total_size, or a block without an end tag is -EINVAL with a pr_err
 *    naming the tag type and its offset.  Bytes after the end tag are
 *    ignored.
 *  - A string (command line, loader name, module string) without a NUL
 *    inside its tag is malformed (-EINVAL), never guessed at.  Strings are
 *    copied into out->strings; if that store runs out a string is truncated
 *    with a warning (the block itself was fine).
 *  - A second command-line or loader-name tag replaces the first.  Memory-map
 *    tags append to out->raw_map; entries past MEMMAP_MAX are dropped with a
 *    warning, as are modules past BOOT_MAX_MODULES.
 *  - The new-ACPI RSDP (tag 15) wins over the old one (tag 14) whatever
 *    their order.
 *  - On error, out holds what was parsed before the bad tag: every field
 *    initialised, every string pointer valid ("" when absent).
 */
#include <keel/bootinfo.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define MB2_TAG_END             0
#define MB2_TAG_CMDLINE         1
#define MB2_TAG_LOADER_NAME     2
#define MB2_TAG_MODULE          3
#define MB2_TAG_BASIC_MEMINFO   4
#define MB2_TAG_MMAP            6
#define MB2_TAG_ACPI_OLD        14
#define MB2_TAG_ACPI_NEW        15

#define MB2_HEADER_SIZE         8u      /* total_size + reserved */
#define MB2_TAG_HEADER_SIZE     8u      /* type + size */
#define MB2_TAG_ALIGN           8u
#define MB2_MODULE_FIXED        8u      /* mod_start + mod_end */
#define MB2_MEMINFO_SIZE        8u      /* mem_lower + mem_upper */
#define MB2_MMAP_FIXED          8u      /* entry_size + entry_version */
#define MB2_MMAP_ENTRY_MIN      24u     /* base + length + type + reserved */
#define RSDP_V1_LEN             20u
#define RSDP_V2_LEN             36u

/* One tag being parsed: where it sits and its payload. */
struct mb2_tag {
    uint32_t type;
    uint32_t offset;            /* of the tag header, from the block start */
    const uint8_t *payload;
    uint32_t payload_len;
};

struct mb2_state {
    struct boot_info *out;
    bool warned_modules;
    bool warned_mmap_full;
    bool warned_strings;
};

static uint32_t read_u32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t read_u64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static const char *tag_name(uint32_t type)
{
    switch (type) {
    case MB2_TAG_END:           return "end";
    case MB2_TAG_CMDLINE:       return "command line";
    case MB2_TAG_LOADER_NAME:   return "boot loader name";
    case MB2_TAG_MODULE:        return "module";
    case MB2_TAG_BASIC_MEMINFO: return "basic meminfo";
    case MB2_TAG_MMAP:          return "memory map";
    case MB2_TAG_ACPI_OLD:      return "ACPI old RSDP";
    case MB2_TAG_ACPI_NEW:      return "ACPI new RSDP";
    default:                    return "unknown";
    }
}

static int tag_error(const struct mb2_tag *tag, const char *why)
{
    pr_err("mb2: tag %u (%s) at offset %#x: %s\n", tag->type, tag_name(tag->type),
           tag->offset, why);
    return -EINVAL;
}

static int require_payload(const struct mb2_tag *tag, uint32_t min_len)
{
    if (tag->payload_len >= min_len)
        return 0;
    pr_err("mb2: tag %u (%s) at offset %#x: size %u too small (need %u)\n",
           tag->type, tag_name(tag->type), tag->offset,
           tag->payload_len + MB2_TAG_HEADER_SIZE, min_len + MB2_TAG_HEADER_SIZE);
    return -EINVAL;
}

/* Copy a string of len bytes (NUL excluded) into the string store. */
static const char *save_string(struct mb2_state *st, const char *src, size_t len)
{
    struct boot_info *out = st->out;
    size_t room = sizeof(out->strings) - out->strings_used;
    char *dst = out->strings + out->strings_used;

    if (len + 1 > room) {
        if (!st->warned_strings)
            pr_warn("mb2: boot strings exceed %u bytes, truncating\n",
                    (uint32_t)sizeof(out->strings));
        st->warned_strings = true;
        if (room == 0)
            return "";
        len = room - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
    out->strings_used += (uint32_t)(len + 1);
    return dst;
}

/* The NUL-terminated string at the start of [p, p + max): its copy, or NULL
 * (error logged) when there is no NUL in that range. */
static const char *take_string(struct mb2_state *st, const struct mb2_tag *tag,
                               const uint8_t *p, uint32_t max)
{
    size_t len = strnlen((const char *)p, max);

    if (len == max) {
        tag_error(tag, "string not NUL-terminated within the tag");
        return NULL;
    }
    return save_string(st, (const char *)p, len);
}

static int parse_string_tag(struct mb2_state *st, const struct mb2_tag *tag,
                            const char **dst)
{
    const char *s = take_string(st, tag, tag->payload, tag->payload_len);

    if (!s)
        return -EINVAL;
    *dst = s;
    return 0;
}

static int parse_module(struct mb2_state *st, const struct mb2_tag *tag)
{
    struct boot_info *out = st->out;
    uint32_t start, end;
    const char *name;

    if (require_payload(tag, MB2_MODULE_FIXED + 1) < 0)
        return -EINVAL;
    start = read_u32(tag->payload);
    end = read_u32(tag->payload + 4);
    if (start > end)
        return tag_error(tag, "module start is above its end");
    if (out->nr_modules == BOOT_MAX_MODULES) {
        if (!st->warned_modules)
            pr_warn("mb2: more than %u modules, dropping the rest\n", BOOT_MAX_MODULES);
        st->warned_modules = true;
        return 0;
    }
    name = take_string(st, tag, tag->payload + MB2_MODULE_FIXED,
                       tag->payload_len - MB2_MODULE_FIXED);
    if (!name)
        return -EINVAL;
    out->modules[out->nr_modules].start = start;
    out->modules[out->nr_modules].end = end;
    out->modules[out->nr_modules].cmdline = name;
    out->nr_modules++;
    return 0;
}

static int parse_meminfo(struct mb2_state *st, const struct mb2_tag *tag)
{
    if (require_payload(tag, MB2_MEMINFO_SIZE) < 0)
        return -EINVAL;
    st->out->mem_lower_kb = read_u32(tag->payload);
    st->out->mem_upper_kb = read_u32(tag->payload + 4);
    return 0;
}

static int parse_mmap(struct mb2_state *st, const struct mb2_tag *tag)
{
    uint32_t entry_size, count;
    const uint8_t *entries = tag->payload + MB2_MMAP_FIXED;

    if (require_payload(tag, MB2_MMAP_FIXED) < 0)
        return -EINVAL;
    entry_size = read_u32(tag->payload);
    if (entry_size < MB2_MMAP_ENTRY_MIN) {
        pr_err("mb2: tag %u (%s) at offset %#x: entry_size %u below %u\n", tag->type,
               tag_name(tag->type), tag->offset, entry_size, MB2_MMAP_ENTRY_MIN);
        return -EINVAL;
    }
    st->out->have_mmap = true;
    count = (tag->payload_len - MB2_MMAP_FIXED) / entry_size;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = entries + (size_t)i * entry_size;
        int rc = memmap_add(&st->out->raw_map, read_u64(e), read_u64(e + 8),
                            read_u32(e + 16));
        if (rc == -ENOSPC) {
            if (!st->warned_mmap_full)
                pr_warn("mb2: memory map has more than %u entries, dropping the rest\n",
                        MEMMAP_MAX);
            st->warned_mmap_full = true;
            break;
        }
    }
    return 0;
}

static int parse_rsdp(struct mb2_state *st, const struct mb2_tag *tag, uint32_t len)
{
    struct boot_info *out = st->out;

    if (require_payload(tag, len) < 0)
        return -EINVAL;
    if (out->rsdp_len > len)    /* a v2 RSDP is already there: keep it */
        return 0;
    memset(out->rsdp, 0, sizeof(out->rsdp));
    memcpy(out->rsdp, tag->payload, len);
    out->rsdp_len = len;
    return 0;
}

static int parse_tag(struct mb2_state *st, const struct mb2_tag *tag)
{
    switch (tag->type) {
    case MB2_TAG_CMDLINE:
        return parse_string_tag(st, tag, &st->out->cmdline);
    case MB2_TAG_LOADER_NAME:
        return parse_string_tag(st, tag, &st->out->loader_name);
    case MB2_TAG_MODULE:
        return parse_module(st, tag);
    case MB2_TAG_BASIC_MEMINFO:
        return parse_meminfo(st, tag);
    case MB2_TAG_MMAP:
        return parse_mmap(st, tag);
    case MB2_TAG_ACPI_OLD:
        return parse_rsdp(st, tag, RSDP_V1_LEN);
    case MB2_TAG_ACPI_NEW:
        return parse_rsdp(st, tag, RSDP_V2_LEN);
    default:
        return 0;   /* tags Keel does not use */
    }
}

static void init_boot_info(struct boot_info *out, const void *mbi)
{
    memset(out, 0, sizeof(*out));
    out->cmdline = "";
    out->loader_name = "";
    for (uint32_t i = 0; i < BOOT_MAX_MODULES; i++)
        out->modules[i].cmdline = "";
    out->mbi_start = (uintptr_t)mbi;
    out->mbi_end = (uintptr_t)mbi;
}

/* total_size, once checked against avail; 0 (error logged) when bad. */
static uint32_t checked_total_size(const uint8_t *block, size_t avail)
{
    uint32_t total;

    if (avail < MB2_HEADER_SIZE) {
        pr_err("mb2: info block header truncated (%zu bytes available)\n", avail);
        return 0;
    }
    total = read_u32(block);
    if (total < MB2_HEADER_SIZE + MB2_TAG_HEADER_SIZE) {
        pr_err("mb2: total_size %u too small\n", total);
        return 0;
    }
    if (total > avail) {
        pr_err("mb2: total_size %u exceeds the %zu bytes available\n", total, avail);
        return 0;
    }
    return total;
}

/* Read the tag header at offset; false (error logged) when it is bad. */
static bool read_tag(const uint8_t *block, uint32_t total, uint32_t offset,
                     struct mb2_tag *tag)
{
    uint32_t size;

    tag->offset = offset;
    if (total - offset < MB2_TAG_HEADER_SIZE) {
        pr_err("mb2: no end tag (tag at offset %#x would run past total_size %u)\n",
               offset, total);
        return false;
    }
    tag->type = read_u32(block + offset);
    size = read_u32(block + offset + 4);
    if (size < MB2_TAG_HEADER_SIZE) {
        tag_error(tag, "size below 8");
        return false;
    }
    if (size > total - offset) {
        tag_error(tag, "runs past total_size");
        return false;
    }
    tag->payload = block + offset + MB2_TAG_HEADER_SIZE;
    tag->payload_len = size - MB2_TAG_HEADER_SIZE;
    return true;
}

/* Parse every tag up to the end tag; total >= 16 and readable. */
static int walk_tags(struct mb2_state *st, const uint8_t *block, uint32_t total)
{
    uint32_t offset = MB2_HEADER_SIZE;
    struct mb2_tag tag;

    for (;;) {
        if (!read_tag(block, total, offset, &tag))
            return -EINVAL;
        if (tag.type == MB2_TAG_END)
            return 0;
        if (parse_tag(st, &tag) < 0)
            return -EINVAL;
        /* offset + size <= total < 2^32: the 64-bit round-up cannot wrap. */
        uint64_t next = ALIGN_UP((uint64_t)offset + MB2_TAG_HEADER_SIZE +
                                 tag.payload_len, MB2_TAG_ALIGN);
        if (next >= total) {
            pr_err("mb2: no end tag (block ends after tag %u at offset %#x)\n",
                   tag.type, offset);
            return -EINVAL;
        }
        offset = (uint32_t)next;
    }
}

int mb2_parse(const void *mbi, size_t avail, struct boot_info *out)
{
    struct mb2_state st = { .out = out };
    uint32_t total;

    if (!out)
        return -EINVAL;
    init_boot_info(out, mbi);
    if (!mbi || ((uintptr_t)mbi & (MB2_TAG_ALIGN - 1))) {
        pr_err("mb2: info block at %#lx is NULL or not 8-byte aligned\n",
               (unsigned long)(uintptr_t)mbi);
        return -EINVAL;
    }
    total = checked_total_size(mbi, avail);
    if (!total)
        return -EINVAL;
    out->mbi_end = out->mbi_start + total;
    return walk_tags(&st, mbi, total);
}
