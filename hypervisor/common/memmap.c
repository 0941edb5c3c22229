/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical memory map: collecting raw firmware entries, turning them into
 * the sanitised map (sorted, disjoint, merged, RAM page-aligned), carving
 * Keel's own regions out of RAM and finding free RAM during boot.
 *
 * Sanitising rules (firmware maps are hostile):
 *  - overlaps are resolved per byte: the most restrictive type covering a
 *    byte wins (RAM < MODULE < KEEL < ACPI < NVS < UNUSABLE < RESERVED);
 *  - adjacent regions of the same type are merged;
 *  - RAM then shrinks inward to whole pages (a RAM region smaller than a
 *    page after that disappears); every other type keeps its exact bounds,
 *    so the bytes between shrunken RAM and its neighbour become a hole;
 *  - if the result needs more than MEMMAP_MAX regions, the highest ones are
 *    dropped with an error (a missing region is a hole, never RAM).
 * The sweep is O(n^2) over at most MEMMAP_MAX raw entries and needs no
 * scratch memory, so it can run before any allocator exists.
 */
#include <keel/memmap.h>
#include <keel/errno.h>
#include <keel/lib.h>

static bool mem_type_known(uint32_t type)
{
    return type == MEM_RAM || type == MEM_RESERVED || type == MEM_ACPI ||
           type == MEM_NVS || type == MEM_UNUSABLE;
}

static bool mem_type_is_ram_like(uint32_t type)
{
    return type == MEM_RAM || type == MEM_KEEL || type == MEM_MODULE;
}

/* Higher rank = more restrictive = wins an overlap. */
static uint32_t mem_type_rank(uint32_t type)
{
    switch (type) {
    case MEM_RAM:      return 0;
    case MEM_MODULE:   return 1;
    case MEM_KEEL:     return 2;
    case MEM_ACPI:     return 3;
    case MEM_NVS:      return 4;
    case MEM_UNUSABLE: return 5;
    default:           return 6;    /* MEM_RESERVED and anything unknown */
    }
}

/* Types a raw map may hold; anything else is treated as reserved. */
static uint32_t mem_type_normalise(uint32_t type)
{
    if (mem_type_known(type) || type == MEM_KEEL || type == MEM_MODULE)
        return type;
    return MEM_RESERVED;
}

int memmap_add(struct memmap *map, uint64_t start, uint64_t len, uint32_t type)
{
    if (len == 0) {
        pr_warn("memmap: dropping zero-length entry at %#llx (type %u)\n",
                (unsigned long long)start, type);
        return 0;
    }
    if (start + len < start) {
        pr_warn("memmap: dropping entry %#llx+%#llx (type %u): wraps past 2^64\n",
                (unsigned long long)start, (unsigned long long)len, type);
        return 0;
    }
    if (map->nr >= MEMMAP_MAX) {
        static bool logged;     /* once: a hostile table may be huge */
        if (!logged)
            pr_err("memmap: more than %u entries, dropping %#llx+%#llx "
                   "and any further ones\n", MEMMAP_MAX,
                   (unsigned long long)start, (unsigned long long)len);
        logged = true;
        return -ENOSPC;
    }
    if (!mem_type_known(type)) {
        pr_warn("memmap: unknown type %u at %#llx treated as reserved\n",
                type, (unsigned long long)start);
        type = MEM_RESERVED;
    }
    map->r[map->nr].start = start;
    map->r[map->nr].end = start + len;
    map->r[map->nr].type = type;
    map->nr++;
    return 0;
}

/* ---- sanitising ---------------------------------------------------------- */

struct sweep_out {
    struct memmap *out;
    struct mem_region pending;  /* merged region not yet emitted */
    bool have_pending;
    bool overflowed;
};

static void sweep_emit(struct sweep_out *s, struct mem_region reg)
{
    struct memmap *out = s->out;

    if (reg.type == MEM_RAM) {
        /* a start inside the last page of the address space has no page
         * boundary above it: nothing whole is left */
        if (reg.start > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
            return;
        reg.start = ALIGN_UP(reg.start, PAGE_SIZE);
        reg.end = ALIGN_DOWN(reg.end, PAGE_SIZE);
        if (reg.start >= reg.end)
            return;
    }
    if (out->nr >= MEMMAP_MAX) {
        if (!s->overflowed)
            pr_err("memmap: sanitised map needs more than %u regions, "
                   "ignoring everything from %#llx up\n",
                   MEMMAP_MAX, (unsigned long long)reg.start);
        s->overflowed = true;
        return;
    }
    out->r[out->nr++] = reg;
}

/* Feed the elementary interval [start, end) of 'type'; merges with the
 * pending region when adjacent and of the same type. */
static void sweep_feed(struct sweep_out *s, uint64_t start, uint64_t end,
                       uint32_t type)
{
    if (s->have_pending && s->pending.end == start && s->pending.type == type) {
        s->pending.end = end;
        return;
    }
    if (s->have_pending)
        sweep_emit(s, s->pending);
    s->pending.start = start;
    s->pending.end = end;
    s->pending.type = type;
    s->have_pending = true;
}

static bool raw_entry_valid(const struct mem_region *e)
{
    return e->start < e->end;
}

/* The winning type at address pos (0 when no entry covers it) and the next
 * boundary above pos; false when there is no boundary above pos. */
static bool sweep_step(const struct memmap *raw, uint32_t nr, uint64_t pos,
                       uint32_t *type, uint64_t *next)
{
    bool found = false;
    uint32_t best = 0;

    *type = 0;
    for (uint32_t i = 0; i < nr; i++) {
        const struct mem_region *e = &raw->r[i];
        uint32_t t = mem_type_normalise(e->type);

        if (!raw_entry_valid(e))
            continue;
        if (e->start <= pos && pos < e->end &&
            (*type == 0 || mem_type_rank(t) > best)) {
            *type = t;
            best = mem_type_rank(t);
        }
        if (e->start > pos && (!found || e->start < *next)) {
            *next = e->start;
            found = true;
        }
        if (e->end > pos && (!found || e->end < *next)) {
            *next = e->end;
            found = true;
        }
    }
    return found;
}

void memmap_sanitize(const struct memmap *raw, struct memmap *out)
{
    struct sweep_out s = { .out = out };
    uint32_t nr = MIN(raw->nr, (uint32_t)MEMMAP_MAX);
    bool any = false;
    uint64_t pos = 0;

    out->nr = 0;
    for (uint32_t i = 0; i < nr; i++) {
        if (raw_entry_valid(&raw->r[i]) && (!any || raw->r[i].start < pos)) {
            pos = raw->r[i].start;
            any = true;
        }
    }
    if (!any)
        return;

    for (;;) {
        uint32_t type;
        uint64_t next = 0;

        if (!sweep_step(raw, nr, pos, &type, &next))
            break;
        if (type != 0)
            sweep_feed(&s, pos, next, type);
        pos = next;
    }
    if (s.have_pending)
        sweep_emit(&s, s.pending);
}

/* ---- carving and searching ----------------------------------------------- */

/* Merge neighbours that touch and share a type (after a reserve). */
static void memmap_merge_adjacent(struct memmap *map)
{
    uint32_t w = 0;

    for (uint32_t i = 0; i < map->nr; i++) {
        if (w > 0 && map->r[w - 1].end == map->r[i].start &&
            map->r[w - 1].type == map->r[i].type) {
            map->r[w - 1].end = map->r[i].end;
            continue;
        }
        map->r[w++] = map->r[i];
    }
    map->nr = w;
}

int memmap_reserve(struct memmap *map, uint64_t start, uint64_t end, uint32_t type)
{
    struct mem_region pieces[3];
    uint32_t nr_pieces = 0, idx;

    if (type != MEM_KEEL && type != MEM_MODULE) {
        pr_err("memmap: reserve with invalid type %u\n", type);
        return -EINVAL;
    }
    if (start >= end || end > UINT64_MAX - (PAGE_SIZE - 1)) {
        pr_err("memmap: reserve of bad range [%#llx, %#llx)\n",
               (unsigned long long)start, (unsigned long long)end);
        return -EINVAL;
    }
    start = ALIGN_DOWN(start, PAGE_SIZE);
    end = ALIGN_UP(end, PAGE_SIZE);

    for (idx = 0; idx < map->nr; idx++) {
        const struct mem_region *r = &map->r[idx];
        if (r->type == MEM_RAM && r->start <= start && end <= r->end)
            break;
    }
    if (idx == map->nr) {
        pr_err("memmap: cannot reserve [%#llx, %#llx) as %s: not all RAM\n",
               (unsigned long long)start, (unsigned long long)end,
               memmap_type_name(type));
        return -EINVAL;
    }

    if (map->r[idx].start < start)
        pieces[nr_pieces++] = (struct mem_region){ map->r[idx].start, start, MEM_RAM };
    pieces[nr_pieces++] = (struct mem_region){ start, end, type };
    if (end < map->r[idx].end)
        pieces[nr_pieces++] = (struct mem_region){ end, map->r[idx].end, MEM_RAM };

    if (map->nr + nr_pieces - 1 > MEMMAP_MAX) {
        pr_err("memmap: no room to reserve [%#llx, %#llx)\n",
               (unsigned long long)start, (unsigned long long)end);
        return -ENOSPC;
    }
    memmove(&map->r[idx + nr_pieces], &map->r[idx + 1],
            (map->nr - idx - 1) * sizeof(map->r[0]));
    memcpy(&map->r[idx], pieces, nr_pieces * sizeof(pieces[0]));
    map->nr += nr_pieces - 1;
    memmap_merge_adjacent(map);
    return 0;
}

/* Lowest aligned base of 'size' bytes inside RAM region r and below limit. */
static bool region_fit(const struct mem_region *r, uint64_t size, uint64_t align,
                       uint64_t limit, uint64_t *base)
{
    uint64_t lo = r->start, hi = MIN(r->end, limit);

    if (lo > UINT64_MAX - (align - 1))
        return false;
    lo = ALIGN_UP(lo, align);
    if (lo >= hi || hi - lo < size)
        return false;
    *base = lo;
    return true;
}

int memmap_find_free(const struct memmap *map, uint64_t size, uint64_t align,
                     uint64_t limit, uint64_t *out)
{
    bool found = false;
    uint64_t best = 0;

    if (align < PAGE_SIZE)
        align = PAGE_SIZE;
    if (size == 0 || (align & (align - 1)) != 0 ||
        size > UINT64_MAX - (PAGE_SIZE - 1)) {
        pr_err("memmap: find_free with bad size %#llx or align %#llx\n",
               (unsigned long long)size, (unsigned long long)align);
        return -EINVAL;
    }
    size = ALIGN_UP(size, PAGE_SIZE);

    for (uint32_t i = 0; i < map->nr; i++) {
        uint64_t base;

        if (map->r[i].type != MEM_RAM)
            continue;
        if (region_fit(&map->r[i], size, align, limit, &base) &&
            (!found || base < best)) {
            best = base;
            found = true;
        }
    }
    if (!found)
        return -ENOMEM;
    *out = best;
    return 0;
}

uint64_t memmap_total(const struct memmap *map, uint32_t type)
{
    uint64_t total = 0;

    for (uint32_t i = 0; i < map->nr; i++)
        if (map->r[i].type == type)
            total += map->r[i].end - map->r[i].start;
    return total;
}

uint64_t memmap_ram_end(const struct memmap *map)
{
    uint64_t end = 0;

    for (uint32_t i = 0; i < map->nr; i++)
        if (mem_type_is_ram_like(map->r[i].type) && map->r[i].end > end)
            end = map->r[i].end;
    return end;
}

const char *memmap_type_name(uint32_t type)
{
    static char unknown[24];

    switch (type) {
    case MEM_RAM:      return "ram";
    case MEM_RESERVED: return "reserved";
    case MEM_ACPI:     return "acpi";
    case MEM_NVS:      return "nvs";
    case MEM_UNUSABLE: return "unusable";
    case MEM_KEEL:     return "keel";
    case MEM_MODULE:   return "module";
    default:
        snprintf(unknown, sizeof(unknown), "type %u", type);
        return unknown;
    }
}
