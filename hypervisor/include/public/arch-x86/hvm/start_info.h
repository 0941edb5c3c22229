/* SPDX-License-Identifier: MIT */
/*
 * The PVH start info (Xen's public arch-x86/hvm/start_info.h interface): the
 * structure whose guest-physical address a PVH guest finds in %ebx at its
 * 32-bit entry point, the module list and the memory map it points to.
 * Layout and values are Xen's; the text is Keel's.
 *
 * Version 0 ends after rsdp_paddr (40 bytes); version 1 adds the memory
 * map (56 bytes).  All addresses are guest-physical; strings are
 * NUL-terminated.
 */
#ifndef KEEL_PUBLIC_ARCH_X86_HVM_START_INFO_H
#define KEEL_PUBLIC_ARCH_X86_HVM_START_INFO_H

#include <stdint.h>

/* "xEn3" with bit 7 of the 'E' set. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* Memory map entry types: the ACPI/E820 address range types. */
#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

struct hvm_start_info {
    uint32_t magic;             /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;           /* 0 or 1 */
    uint32_t flags;             /* SIF_* (public/xen.h) */
    uint32_t nr_modules;        /* entries at modlist_paddr */
    uint64_t modlist_paddr;     /* array of struct hvm_modlist_entry */
    uint64_t cmdline_paddr;     /* kernel command line, or 0 */
    uint64_t rsdp_paddr;        /* ACPI RSDP, or 0 */
    /* Version 1 and later: */
    uint64_t memmap_paddr;      /* array of struct hvm_memmap_table_entry */
    uint32_t memmap_entries;    /* 0: no memory map given */
    uint32_t reserved;          /* zero */
};

struct hvm_modlist_entry {
    uint64_t paddr;             /* where the module starts */
    uint64_t size;              /* its length in bytes */
    uint64_t cmdline_paddr;     /* its command line, or 0 */
    uint64_t reserved;          /* zero */
};

struct hvm_memmap_table_entry {
    uint64_t addr;              /* first byte of the range */
    uint64_t size;              /* length in bytes */
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;          /* zero */
};

#endif
