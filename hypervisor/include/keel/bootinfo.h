/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot loader told Keel, in Keel's own terms: filled by the
 * multiboot2 parser (arch/x86/boot/multiboot2.c), read by setup.
 * Strings point into a copy owned by struct boot_info, so the loader's
 * memory may be reused afterwards.
 */
#ifndef KEEL_BOOTINFO_H
#define KEEL_BOOTINFO_H

#include <keel/types.h>
#include <keel/memmap.h>

#define BOOT_MAX_MODULES   16
#define BOOT_STRINGS_SIZE  8192

struct boot_module {
    uint64_t start;         /* physical, first byte */
    uint64_t end;           /* physical, one past the last byte */
    const char *cmdline;    /* never NULL ("" when none) */
};

struct boot_info {
    const char *cmdline;            /* never NULL */
    const char *loader_name;        /* never NULL */
    struct memmap raw_map;          /* as the loader gave it, unsanitised */
    bool have_mmap;                 /* a memory-map tag was present */
    uint64_t mem_lower_kb, mem_upper_kb; /* basic meminfo tag, 0 if absent */
    uint32_t nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    uint8_t rsdp[36];               /* copy of the RSDP from an ACPI tag */
    uint32_t rsdp_len;              /* 0: no ACPI tag; 20: v1; 36: v2 */
    uint64_t mbi_start, mbi_end;    /* where the loader's info block lies */
    char strings[BOOT_STRINGS_SIZE];/* backing store for the strings above */
    uint32_t strings_used;
};

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* Parse a multiboot2 information block.  'avail' is how many bytes at mbi
 * may be read (the parser never reads beyond it, nor beyond the block's own
 * total_size).  0 on success; -EINVAL with a logged reason for a malformed
 * block.  Unknown tags are skipped; more than BOOT_MAX_MODULES modules or
 * MEMMAP_MAX map entries are logged and the rest dropped. */
int mb2_parse(const void *mbi, size_t avail, struct boot_info *out);

#endif
