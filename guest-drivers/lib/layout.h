/* SPDX-License-Identifier: MIT */
/*
 * Constants shared by the guest library's assembly and C: GDT selectors,
 * control-register and page-table bits, and the fixed memory layout (identity
 * map of the first 4 GiB, a 1 GiB "window" of 2 MiB slots above it).
 * Usable from assembly and C.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define GDT_CODE32          0x08
#define GDT_DATA            0x10
#define GDT_CODE64          0x18

#define CR0_PE              0x00000001
#define CR0_MP              0x00000002
#define CR0_ET              0x00000010
#define CR0_NE              0x00000020
#define CR0_WP              0x00010000
#define CR0_PG              0x80000000
#define CR4_PAE             0x00000020
#define MSR_EFER            0xc0000080
#define EFER_LME            0x00000100

#define PTE_P               0x001
#define PTE_RW              0x002
#define PTE_PS              0x080

/* PD0..PD3 identity-map 0..4 GiB; PD4 is the window at 4 GiB..5 GiB. */
#define BOOT_PD_COUNT       5
#define IDENTITY_PD_ENTRIES 2048
#define WINDOW_PD_INDEX     4
#define WINDOW_BASE         0x100000000
#define WINDOW_SLOT_SIZE    0x200000
#define WINDOW_SLOTS        512

#define BOOT_STACK_SIZE     0x4000

#endif
