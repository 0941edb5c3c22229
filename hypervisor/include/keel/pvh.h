/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH start info: what a PVH guest finds at its 32-bit entry point.
 * pvh_build_start_info() lays out, in a guest-physical area the caller
 * chooses, a version-1 struct hvm_start_info followed by the module list,
 * the memory map and the command-line strings, and writes them through the
 * same callbacks the ELF loader uses.  The start info's address is what the
 * vCPU gets in %ebx.
 *
 * Linux reads the start info, the command line and the initrd with 32-bit
 * addresses and the module list and memory map before it maps more than
 * 1 GiB: keep the area below 1 GiB (below 4 GiB is enforced here).
 */
#ifndef KEEL_PVH_H
#define KEEL_PVH_H

#include <keel/elf_loader.h>
#include <keel/types.h>
#include <public/arch-x86/hvm/start_info.h>

/* SIF_* start-info flags (Xen's public xen.h). */
#if __has_include(<public/xen.h>)
#include <public/xen.h>
#endif
#ifndef SIF_PRIVILEGED
#define SIF_PRIVILEGED  (1 << 0)    /* the domain is privileged */
#endif
#ifndef SIF_INITDOMAIN
#define SIF_INITDOMAIN  (1 << 1)    /* the domain is the control domain (dom0) */
#endif

#define PVH_START_INFO_VERSION  1
/* Longest command line, its NUL included (Linux's COMMAND_LINE_SIZE). */
#define PVH_CMDLINE_MAX         2048
#define PVH_MAX_MODULES         64
/* Linux copies the map into a 128-entry E820 table, unchecked, and then
 * appends one entry of its own. */
#define PVH_MAX_MEMMAP          127
/* Everything the builder writes must end at or below this address. */
#define PVH_AREA_LIMIT          (1ULL << 32)

struct pvh_module {
    uint64_t paddr;             /* where the module already is in the guest */
    uint64_t size;
    const char *cmdline;        /* NULL: none */
};

struct pvh_start_params {
    uint32_t flags;                             /* SIF_* */
    const char *cmdline;                        /* NULL: none */
    const struct pvh_module *modules;
    uint32_t nr_modules;
    uint64_t rsdp_paddr;                        /* 0: none */
    const struct hvm_memmap_table_entry *memmap;    /* reserved fields ignored */
    uint32_t nr_memmap;
};

/*
 * The number of bytes pvh_build_start_info() uses from 'area_gpa' on.
 * Returns 0, or -EINVAL / -E2BIG for parameters it would refuse.
 */
int pvh_start_info_size(const struct pvh_start_params *params, uint64_t area_gpa,
                        uint64_t *size);

/*
 * Write the start info and what it points to into guest-physical
 * [area_gpa, area_gpa + area_size) and set *start_info_gpa (8-byte aligned,
 * the first structure in the area).  Returns 0; -EINVAL for bad parameters
 * (a range wrapping, a module overlapping the area, the area above 4 GiB);
 * -E2BIG for too many modules or map entries or too long a command line;
 * -ENOSPC if the area is too small; or a callback's error.
 */
int pvh_build_start_info(const struct pvh_start_params *params, uint64_t area_gpa,
                         uint64_t area_size, const struct gpa_write_ops *ops,
                         uint64_t *start_info_gpa);

#endif
