/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's own page tables (4-level, x86-64): entry bits, the direct
 * map, and mapping helpers.  Leaves may be 4 KiB, 2 MiB or 1 GiB.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <asm/config.h>
#include <keel/bootinfo.h>
#include <keel/types.h>

#define PTE_P       (1ULL << 0)
#define PTE_W       (1ULL << 1)
#define PTE_U       (1ULL << 2)
#define PTE_PWT     (1ULL << 3)
#define PTE_PCD     (1ULL << 4)
#define PTE_A       (1ULL << 5)
#define PTE_D       (1ULL << 6)
#define PTE_PS      (1ULL << 7)
#define PTE_G       (1ULL << 8)
#define PTE_NX      (1ULL << 63)
#define PTE_ADDR    0x000ffffffffff000ULL

#define PAGE_HYP_RX     (PTE_P | PTE_G)
#define PAGE_HYP_RO     (PTE_P | PTE_G | PTE_NX)
#define PAGE_HYP_RW     (PTE_P | PTE_W | PTE_G | PTE_NX)
#define PAGE_HYP_UC     (PTE_P | PTE_W | PTE_G | PTE_NX | PTE_PCD | PTE_PWT)

static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(DIRECTMAP_BASE + pa);
}

static inline paddr_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;

    return v >= KEEL_VIRT_BASE ? v - KEEL_VIRT_BASE : v - DIRECTMAP_BASE;
}

/* Map [va, va+size) to [pa, pa+size) with leaf flags; largest pages that fit.
 * 0, or -ENOMEM when no page-table page can be had. */
int map_pages(uint64_t va, paddr_t pa, uint64_t size, uint64_t flags);

void unmap_pages(uint64_t va, uint64_t size);

/* The leaf entry mapping va (and its page size), 0 if unmapped. */
uint64_t lookup_pte(uint64_t va, uint64_t *page_size);

/* Map firmware data read-only (on demand) and return its address. */
const void *firmware_map(paddr_t pa, uint64_t len);

/* Map device registers uncached and return their address; NULL if the
 * range is RAM or absurd. */
void *ioremap(paddr_t pa, uint64_t len);

/* Build the final page tables (direct map of RAM, image W^X), switch to
 * them, then the frame table and the page allocator.  Fills *map with the
 * sanitised memory map including Keel's carve-outs. */
void memory_init(const struct boot_info *bi, struct memmap *map);

#endif
