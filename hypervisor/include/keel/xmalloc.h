/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor heap for small objects: power-of-two size classes carved out
 * of whole pages from page_alloc(); requests above half a page take whole
 * pages.  Memory is zeroed by xzalloc(); xfree(NULL) is a no-op; xfree of a
 * pointer the heap did not hand out is detected and logged where possible.
 */
#ifndef KEEL_XMALLOC_H
#define KEEL_XMALLOC_H

#include <keel/types.h>

void *xmalloc(size_t size);     /* 16-byte aligned, NULL when out of memory;
                                   xmalloc(0) acts as xmalloc(1) */
void *xzalloc(size_t size);
void xfree(void *p);
size_t xmalloc_used_bytes(void); /* bytes handed out and not freed, for tests */
size_t xmalloc_heap_pages(void); /* pages held from page_alloc(); an empty
                                    small-object page is never kept */

/* Provided by the environment: the address of a page frame. */
void *pfn_to_virt(pfn_t pfn);
pfn_t virt_to_pfn(const void *va);

#endif
