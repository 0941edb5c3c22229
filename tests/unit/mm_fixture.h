/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared fixture of the host tests of hypervisor modules that own guest
 * memory (test_grant_table.c, test_memory_op.c, test_domain.c): the real
 * page allocator over a host arena (this file provides scrub_page,
 * pfn_to_virt and virt_to_pfn), one CPU (number 0) for the real spinlocks,
 * panic() failing the case, and copy_from_guest/copy_to_guest where a guest
 * virtual address is a host pointer, except that:
 *   - addresses below MM_FIX_FAULT_BELOW fault (-EFAULT): an unmapped page;
 *   - a range marked with mm_fix_readonly() faults on copy_to_guest only:
 *     a page the guest can be read from but not written to;
 *   - a range marked with mm_fix_unreadable() faults both ways.
 * Test-specific fakes (domains, vCPUs, the rest of Keel) stay in each test.
 */
#ifndef MM_FIXTURE_H
#define MM_FIXTURE_H

#include <stdint.h>

#include <keel/page_alloc.h>
#include <keel/types.h>

#define MM_FIX_FRAMES       4096            /* 16 MiB arena, pfns 0..4095 */
#define MM_FIX_FAULT_BELOW  0x10000ULL      /* guest addresses below fault */

/* Arena, frame table and allocator (pfn 0 is never handed out). */
void mm_fix_init(void);
/* Free pages now: compare before and after to find leaks. */
pfn_t mm_fix_free_pages(void);

/* copy_to_guest into [gva, gva + len) fails from now on (NULL, 0: none). */
void mm_fix_readonly(const void *gva, uint64_t len);
/* Any copy touching [gva, gva + len) fails from now on (NULL, 0: none). */
void mm_fix_unreadable(const void *gva, uint64_t len);

/* Calls of copy_from_guest and copy_to_guest so far. */
extern uint32_t mm_fix_copies_in, mm_fix_copies_out;

#endif
