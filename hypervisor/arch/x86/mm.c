// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's address space: builds the final page tables (the direct
 * map of every RAM-backed region at DIRECTMAP_BASE, the image at
 * KEEL_VIRT_BASE with text RX, rodata R and data RW, everything but text
 * NX), switches to them, places the frame table and starts the page
 * allocator.  Page-table pages come from a small pool reserved at boot until
 * the allocator runs, from page_alloc() afterwards.
 */
#include <asm/page.h>
#include <asm/processor.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/memmap.h>
#include <keel/page_alloc.h>
#include <keel/panic.h>
#include <keel/selftest.h>
#include <keel/xmalloc.h>

#define FOUR_GIB        GiB(4)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __image_phys_start[], __image_phys_end[];

static paddr_t root_pt;                 /* physical address of the PML4 */
static paddr_t pool_next, pool_end;     /* boot page-table pool */
static bool directmap_live;             /* running on the final tables */
static bool allocator_live;

static void *pt_virt(paddr_t pa)
{
    return directmap_live ? phys_to_virt(pa) : (void *)pa;   /* identity, < 4 GiB */
}

static paddr_t pt_page_alloc(void)
{
    paddr_t pa;

    if (allocator_live) {
        pfn_t pfn = page_alloc(0);
        if (pfn == PFN_INVALID)
            return 0;
        return pfn << PAGE_SHIFT;       /* page_alloc hands out zeroed pages */
    }
    if (pool_next >= pool_end)
        return 0;
    pa = pool_next;
    pool_next += PAGE_SIZE;
    memset(pt_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/* The table entry for va at 'level' (3 = PML4 ... 0 = PT), creating
 * intermediate tables; NULL when a page-table page cannot be had. */
static uint64_t *walk_create(uint64_t va, int level)
{
    uint64_t *table = pt_virt(root_pt);

    for (int l = 3; l > level; l--) {
        uint64_t *e = &table[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_P)) {
            paddr_t pa = pt_page_alloc();
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W;
        }
        BUG_ON(*e & PTE_PS);            /* mappings here never overlap */
        table = pt_virt(*e & PTE_ADDR);
    }
    return &table[(va >> (12 + 9 * level)) & 511];
}

int map_pages(uint64_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
    while (size) {
        int level = 0;
        uint64_t step = PAGE_SIZE;
        uint64_t *e;

        if (cpu_features.pdpe1gb && !((va | pa) & (GiB(1) - 1)) && size >= GiB(1)) {
            level = 2;
            step = GiB(1);
        } else if (!((va | pa) & (MiB(2) - 1)) && size >= MiB(2)) {
            level = 1;
            step = MiB(2);
        }
        e = walk_create(va, level);
        if (!e)
            return -ENOMEM;
        *e = pa | flags | (level ? PTE_PS : 0);
        va += step;
        pa += step;
        size -= step;
    }
    return 0;
}

/* Remove 4 KiB mappings in [va, va+size) from this CPU's view; other CPUs
 * must be flushed by the caller when they may hold them. */
void unmap_pages(uint64_t va, uint64_t size)
{
    for (uint64_t end = va + size; va < end; va += PAGE_SIZE) {
        uint64_t *e = walk_create(va, 0);
        if (e) {
            *e = 0;
            __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
        }
    }
}

uint64_t lookup_pte(uint64_t va, uint64_t *page_size)
{
    uint64_t *table = pt_virt(root_pt);

    for (int l = 3; l >= 0; l--) {
        uint64_t e = table[(va >> (12 + 9 * l)) & 511];
        if (!(e & PTE_P))
            return 0;
        if (l == 0 || (e & PTE_PS)) {
            if (page_size)
                *page_size = 1ULL << (12 + 9 * l);
            return e;
        }
        table = pt_virt(e & PTE_ADDR);
    }
    return 0;
}

void *pfn_to_virt(pfn_t pfn)
{
    return phys_to_virt(pfn << PAGE_SHIFT);
}

/* Only direct-map addresses have a pfn here (xfree relies on it). */
pfn_t virt_to_pfn(const void *va)
{
    uint64_t v = (uint64_t)va;

    if (v < DIRECTMAP_BASE || v >= DIRECTMAP_BASE + DIRECTMAP_SIZE)
        return PFN_INVALID;
    return (v - DIRECTMAP_BASE) >> PAGE_SHIFT;
}

void scrub_page(pfn_t pfn)
{
    memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
}

static bool is_directmapped(uint32_t type)
{
    return type == MEM_RAM || type == MEM_KEEL || type == MEM_MODULE ||
           type == MEM_ACPI || type == MEM_NVS;
}

/* Reserve 'size' bytes of RAM below 'limit' for Keel; panics if none. */
static paddr_t reserve_boot_memory(struct memmap *map, uint64_t size, uint64_t limit,
                                   const char *what)
{
    uint64_t pa;

    if (memmap_find_free(map, size, PAGE_SIZE, limit, &pa) < 0 ||
        memmap_reserve(map, pa, pa + size, MEM_KEEL) < 0)
        panic("not enough memory for the %s (%lu KiB)", what, size >> 10);
    return pa;
}

static void map_image(void)
{
    uint64_t text = (uint64_t)__text_start, rodata = (uint64_t)__rodata_start;
    uint64_t data = (uint64_t)__data_start;

    if (map_pages(text, virt_to_phys(__text_start), (uint64_t)__text_end - text, PAGE_HYP_RX) ||
        map_pages(rodata, virt_to_phys(__rodata_start), (uint64_t)__rodata_end - rodata,
                  PAGE_HYP_RO) ||
        map_pages(data, virt_to_phys(__data_start),
                  ALIGN_UP((uint64_t)__data_end, PAGE_SIZE) - data, PAGE_HYP_RW))
        panic("boot page-table pool too small for the image");
}

static void build_page_tables(struct memmap *map)
{
    /* Worst case: a PT and a PD at each edge of each region, the PDs of
     * the direct map (2 MiB pages), and the image's tables. */
    uint64_t pool_pages = 32 + 4 * (uint64_t)map->nr + (memmap_ram_end(map) >> 30);

    pool_next = reserve_boot_memory(map, pool_pages * PAGE_SIZE, FOUR_GIB,
                                    "boot page tables");
    pool_end = pool_next + pool_pages * PAGE_SIZE;
    root_pt = pt_page_alloc();

    for (uint32_t i = 0; i < map->nr; i++) {
        const struct mem_region *r = &map->r[i];
        uint64_t start = ALIGN_DOWN(r->start, PAGE_SIZE), end = ALIGN_UP(r->end, PAGE_SIZE);
        if (!is_directmapped(r->type) || end > DIRECTMAP_SIZE)
            continue;
        if (map_pages(DIRECTMAP_BASE + start, start, end - start, PAGE_HYP_RW))
            panic("boot page-table pool too small for the direct map");
    }
    map_image();
    write_cr3(root_pt);
    directmap_live = true;
    write_cr4(read_cr4() | X86_CR4_PGE);
}

static void start_page_allocator(struct memmap *map)
{
    pfn_t nr_frames = memmap_ram_end(map) >> PAGE_SHIFT;
    uint64_t table_size = ALIGN_UP(nr_frames * sizeof(struct page_info), PAGE_SIZE);
    paddr_t table = reserve_boot_memory(map, table_size, ~0ULL, "frame table");

    page_alloc_init(phys_to_virt(table), nr_frames);
    for (uint32_t i = 0; i < map->nr; i++) {
        if (map->r[i].type == MEM_RAM)
            page_alloc_add_range(map->r[i].start >> PAGE_SHIFT, map->r[i].end >> PAGE_SHIFT);
    }
    allocator_live = true;
}

/* The RAM in the first MiB stays with Keel: BIOS data, and later the AP
 * trampoline. */
static void reserve_low_memory(struct memmap *map)
{
    for (uint32_t i = 0; i < map->nr && map->r[i].start < MiB(1); i++) {
        const struct mem_region r = map->r[i];
        if (r.type != MEM_RAM)
            continue;
        if (memmap_reserve(map, r.start, MIN(r.end, MiB(1)), MEM_KEEL) < 0)
            panic("cannot reserve low memory 0x%lx-0x%lx", r.start, MIN(r.end, MiB(1)));
        i = (uint32_t)-1;       /* the map changed shape: rescan from the start */
    }
}

void memory_init(const struct boot_info *bi, struct memmap *map)
{
    memmap_sanitize(&bi->raw_map, map);
    reserve_low_memory(map);
    if (memmap_reserve(map, (uint64_t)__image_phys_start, (uint64_t)__image_phys_end,
                       MEM_KEEL) < 0)
        panic("the hypervisor image at 0x%lx-0x%lx is not in RAM",
              (uint64_t)__image_phys_start, (uint64_t)__image_phys_end);
    for (uint32_t i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];
        if (memmap_reserve(map, m->start, m->end, MEM_MODULE) < 0)
            panic("boot module %u at 0x%lx-0x%lx is not in RAM", i, m->start, m->end);
    }
    build_page_tables(map);
    start_page_allocator(map);
}

/* Firmware data (ACPI tables, the BIOS area) outside the RAM the direct map
 * covers: map the pages read-only into the direct map on first use.  NULL
 * for empty, wrapping or absurd ranges, or when no page table can be had. */
const void *firmware_map(paddr_t pa, uint64_t len)
{
    uint64_t start = ALIGN_DOWN(pa, PAGE_SIZE);

    if (len == 0 || len > MiB(64) || pa + len < pa || pa + len > DIRECTMAP_SIZE)
        return NULL;
    for (uint64_t p = start; p < pa + len; p += PAGE_SIZE) {
        if (lookup_pte(DIRECTMAP_BASE + p, NULL))
            continue;
        if (map_pages(DIRECTMAP_BASE + p, p, PAGE_SIZE, PAGE_HYP_RO) < 0)
            return NULL;
    }
    return phys_to_virt(pa);
}

/* Device registers (local APIC, IOAPIC, HPET): mapped uncached into the
 * direct map, writable, NX.  Never RAM. */
void *ioremap(paddr_t pa, uint64_t len)
{
    uint64_t start = ALIGN_DOWN(pa, PAGE_SIZE);

    if (len == 0 || len > MiB(16) || pa + len < pa || pa + len > DIRECTMAP_SIZE)
        return NULL;
    for (uint64_t p = start; p < pa + len; p += PAGE_SIZE) {
        uint64_t pte = lookup_pte(DIRECTMAP_BASE + p, NULL);
        if (pte & PTE_PCD)
            continue;
        if (pte) {
            pr_err("mm: ioremap of 0x%lx: the page is RAM or firmware data\n", p);
            return NULL;
        }
        if (map_pages(DIRECTMAP_BASE + p, p, PAGE_SIZE, PAGE_HYP_UC) < 0)
            return NULL;
    }
    return phys_to_virt(pa);
}

const void *acpi_map(uint64_t phys, uint64_t len)
{
    return firmware_map(phys, len);
}

/* W^X: text is executable and read-only, rodata read-only and NX, data
 * writable and NX, the direct map NX, and nothing is mapped at 0. */
static int check_mapping(const char *what, uint64_t va, uint64_t want_set, uint64_t want_clear)
{
    uint64_t pte = lookup_pte(va, NULL);

    if (!(pte & PTE_P) || (pte & want_set) != want_set || (pte & want_clear)) {
        pr_err("mm: %s at %016lx mapped with pte %016lx\n", what, va, pte);
        return -1;
    }
    return 0;
}

static int selftest_wx(void)
{
    int rc = 0;

    rc |= check_mapping("text", (uint64_t)__text_start, 0, PTE_W | PTE_NX);
    rc |= check_mapping("rodata", (uint64_t)__rodata_start, PTE_NX, PTE_W);
    rc |= check_mapping("data", (uint64_t)__data_start, PTE_W | PTE_NX, 0);
    rc |= check_mapping("direct map", (uint64_t)phys_to_virt(MiB(2)), PTE_W | PTE_NX, 0);
    if (lookup_pte(0, NULL) || lookup_pte(0xdead0000UL, NULL)) {
        pr_err("mm: low addresses are still mapped\n");
        rc = -1;
    }
    return rc;
}
SELFTEST(wx, selftest_wx);
