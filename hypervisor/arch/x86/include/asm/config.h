/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86-64 hypervisor's virtual address layout and fixed sizes.
 *
 *   0xffff830000000000  direct map of all RAM (virt = DIRECTMAP_BASE + phys)
 *   0xffffffff80000000  the hypervisor image (virt = KEEL_VIRT_BASE + phys),
 *                       loaded by GRUB at KEEL_PHYS_BASE; kernel code model
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#define KEEL_PHYS_BASE      0x200000
#define KEEL_VIRT_BASE      0xffffffff80000000
#define DIRECTMAP_BASE      0xffff830000000000
#define DIRECTMAP_SIZE      0x0000050000000000      /* 5 TiB */

#define STACK_SIZE          (16 * 1024)             /* per CPU */
#define IST_STACK_SIZE      (4 * 1024)

/* Segment selectors of Keel's GDT. */
#define KEEL_CS             0x08
#define KEEL_DS             0x10
#define KEEL_TSS            0x18

#endif
