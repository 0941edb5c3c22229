// SPDX-License-Identifier: MIT
/*
 * The 2 MiB window slots of the guest page tables and the choice of an
 * unbacked guest-physical address (see paging.h).
 */
#include "cpu.h"
#include "layout.h"
#include "lib.h"
#include "paging.h"
#include "test.h"

extern uint64_t boot_pd[];

static uint64_t *window_pd(void)
{
    return boot_pd + WINDOW_PD_INDEX * 512;
}

void *window_map(unsigned int slot, uint64_t gpa)
{
    void *linear = (void *)(uintptr_t)(WINDOW_BASE + (uint64_t)slot * WINDOW_SLOT_SIZE);
    if (slot >= WINDOW_SLOTS - 1)
        return 0;
    window_pd()[slot] = (gpa & ~(uint64_t)(WINDOW_SLOT_SIZE - 1)) | PTE_P | PTE_RW | PTE_PS;
    invlpg(linear);
    return linear;
}

void window_unmap(unsigned int slot)
{
    if (slot >= WINDOW_SLOTS)
        return;
    window_pd()[slot] = 0;
    invlpg((void *)(uintptr_t)(WINDOW_BASE + (uint64_t)slot * WINDOW_SLOT_SIZE));
}

void *window_unmapped(void)
{
    return (void *)(uintptr_t)(WINDOW_BASE + (uint64_t)(WINDOW_SLOTS - 1) * WINDOW_SLOT_SIZE);
}

static bool memmap_covers(uint64_t start, uint64_t size)
{
    if (!start_info || start_info->version < 1 || !start_info->memmap_paddr)
        return false;
    const struct hvm_memmap_table_entry *map =
        (const void *)(uintptr_t)start_info->memmap_paddr;
    for (uint32_t i = 0; i < start_info->memmap_entries; i++)
        if (map[i].addr < start + size && start < map[i].addr + map[i].size)
            return true;
    return false;
}

uint64_t unbacked_gpa(void)
{
    unsigned int phys_bits = 36;
    if (cpuid(0x80000000).eax >= 0x80000008)
        phys_bits = cpuid(0x80000008).eax & 0xff;
    uint64_t limit = 1ull << phys_bits;

    /* 64 GiB and up: above RAM and the usual 64-bit PCI window of a small VM. */
    for (uint64_t gpa = 64ull << 30; gpa + WINDOW_SLOT_SIZE <= limit; gpa += 64ull << 30)
        if (!memmap_covers(gpa, WINDOW_SLOT_SIZE))
            return gpa;
    return limit - WINDOW_SLOT_SIZE;
}
