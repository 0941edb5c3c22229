/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical memory map: what the firmware reported (raw, possibly unsorted,
 * overlapping and unaligned) and the sanitised map Keel works from (sorted,
 * non-overlapping, adjacent same-type regions merged, RAM shrunk inward to
 * whole pages).  Where regions overlap, the more restrictive type wins:
 * MEM_RAM < MEM_ACPI < MEM_NVS < MEM_UNUSABLE < MEM_RESERVED.
 * Keel's own carve-outs (image, modules, boot data) are RAM turned into
 * MEM_KEEL / MEM_MODULE by memmap_reserve().
 */
#ifndef KEEL_MEMMAP_H
#define KEEL_MEMMAP_H

#include <keel/types.h>

enum mem_type {
    MEM_RAM = 1,        /* usable RAM (e820 type 1) */
    MEM_RESERVED = 2,   /* e820 type 2 and every unknown type */
    MEM_ACPI = 3,       /* ACPI reclaimable */
    MEM_NVS = 4,        /* ACPI NVS */
    MEM_UNUSABLE = 5,   /* bad memory */
    MEM_KEEL = 100,     /* RAM Keel keeps: its image, frame table, page tables */
    MEM_MODULE = 101,   /* RAM holding a boot module (dom0 kernel, ramdisk) */
};

#define MEMMAP_MAX 256

struct mem_region {
    uint64_t start;     /* first byte */
    uint64_t end;       /* one past the last byte */
    uint32_t type;      /* enum mem_type */
};

struct memmap {
    uint32_t nr;
    struct mem_region r[MEMMAP_MAX];
};

/* Append a raw entry.  Zero-length and wrapping entries are dropped with a
 * warning; -ENOSPC when the map is full.  Unknown types become MEM_RESERVED. */
int memmap_add(struct memmap *map, uint64_t start, uint64_t len, uint32_t type);

/* Build the sanitised map from a raw one (in and out may not alias). */
void memmap_sanitize(const struct memmap *raw, struct memmap *out);

/* Turn [start, end) of RAM into 'type' (MEM_KEEL or MEM_MODULE), splitting
 * regions as needed; the range is widened to whole pages.  -EINVAL if any
 * part of it is not RAM in the map. */
int memmap_reserve(struct memmap *map, uint64_t start, uint64_t end, uint32_t type);

/* Lowest page-aligned RAM range of 'size' bytes, aligned to 'align', that
 * lies entirely below 'limit'; 0 with *out set, or -ENOMEM.  size rounds up
 * to whole pages and an align below a page counts as a page; a zero size or
 * an align that is not a power of two is -EINVAL. */
int memmap_find_free(const struct memmap *map, uint64_t size, uint64_t align,
                     uint64_t limit, uint64_t *out);

/* Bytes of the given type in the (sanitised) map. */
uint64_t memmap_total(const struct memmap *map, uint32_t type);

/* One past the highest byte of RAM, MEM_KEEL or MEM_MODULE. */
uint64_t memmap_ram_end(const struct memmap *map);

const char *memmap_type_name(uint32_t type);

#endif
