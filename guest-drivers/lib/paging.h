/* SPDX-License-Identifier: MIT */
/*
 * The guest's page tables: the first 4 GiB are identity-mapped with 2 MiB
 * pages (head.S); the window at linear 4 GiB..5 GiB has 512 slots of 2 MiB
 * that tests can point at any guest-physical address (e.g. one with no
 * memory behind it) without touching it.  Slot WINDOW_SLOTS-1 is never
 * mapped: window_unmapped() is a linear address that always page-faults.
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdint.h>

/* Map slot -> gpa (2 MiB aligned); returns the slot's linear address. */
void *window_map(unsigned int slot, uint64_t gpa);
void window_unmap(unsigned int slot);
/* A linear address with no translation. */
void *window_unmapped(void);
/* A 2 MiB-aligned guest-physical address that no memory-map entry covers
 * and that lies below the CPU's physical-address width. */
uint64_t unbacked_gpa(void);

#endif
