// SPDX-License-Identifier: GPL-2.0-only
/* The shared host environment of tests/unit/mm_fixture.h. */
#include "mm_fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"

#include <keel/errno.h>
#include <keel/smp.h>
#include <keel/xmalloc.h>

struct vcpu;

static struct page_info frame_table[MM_FIX_FRAMES];
static uint8_t *arena;
static uintptr_t ro_start, ro_end, nr_start, nr_end;
uint32_t mm_fix_copies_in, mm_fix_copies_out;

/* One CPU and panic(): tests/unit/host_cpu_stub.c, linked beside this. */

void scrub_page(pfn_t pfn)
{
    memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
}

void *pfn_to_virt(pfn_t pfn)
{
    if (pfn >= MM_FIX_FRAMES) {
        fprintf(stderr, "pfn_to_virt(%#llx): outside the arena\n", (unsigned long long)pfn);
        abort();
    }
    return arena + pfn * PAGE_SIZE;
}

pfn_t virt_to_pfn(const void *va)
{
    const uint8_t *p = va;

    if (p < arena || p >= arena + (size_t)MM_FIX_FRAMES * PAGE_SIZE)
        return PFN_INVALID;
    return (pfn_t)(p - arena) / PAGE_SIZE;
}

void mm_fix_init(void)
{
    arena = aligned_alloc(PAGE_SIZE, (size_t)MM_FIX_FRAMES * PAGE_SIZE);
    if (!arena)
        abort();
    memset(arena, 0xdd, (size_t)MM_FIX_FRAMES * PAGE_SIZE);    /* "dirty" */
    page_alloc_init(frame_table, MM_FIX_FRAMES);
    page_alloc_add_range(1, MM_FIX_FRAMES);
}

pfn_t mm_fix_free_pages(void)
{
    return page_alloc_free_pages();
}

void mm_fix_readonly(const void *gva, uint64_t len)
{
    ro_start = (uintptr_t)gva;
    ro_end = ro_start + len;
}

void mm_fix_unreadable(const void *gva, uint64_t len)
{
    nr_start = (uintptr_t)gva;
    nr_end = nr_start + len;
}

static bool faults(uint64_t gva, uint64_t len)
{
    return gva < MM_FIX_FAULT_BELOW || gva + len < gva || (gva < nr_end && gva + len > nr_start);
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
    (void)v;
    mm_fix_copies_in++;
    if (faults(gva, len))
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len)
{
    (void)v;
    mm_fix_copies_out++;
    if (faults(gva, len) || (gva < ro_end && gva + len > ro_start))
        return -EFAULT;
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}
