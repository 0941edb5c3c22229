/* SPDX-License-Identifier: MIT */
/*
 * Xen ELF note types (Xen's public elfnote.h interface): the numbers a guest
 * kernel puts in the type field of its "Xen"-named ELF notes to tell the
 * domain builder how to load and start it.  Values are Xen's; the text is
 * Keel's.
 */
#ifndef KEEL_PUBLIC_ELFNOTE_H
#define KEEL_PUBLIC_ELFNOTE_H

/* Free-form information string (obsolete). */
#define XEN_ELFNOTE_INFO                0
/* PV entry point, a virtual address. */
#define XEN_ELFNOTE_ENTRY               1
/* Virtual address of the page the builder fills with hypercall stubs. */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2
/* Virtual base the kernel is linked at. */
#define XEN_ELFNOTE_VIRT_BASE           3
/* Difference between virtual and physical load addresses (obsolete). */
#define XEN_ELFNOTE_PADDR_OFFSET        4
/* Xen interface version string the guest was built for ("xen-3.0"). */
#define XEN_ELFNOTE_XEN_VERSION         5
/* Guest operating system name ("linux"). */
#define XEN_ELFNOTE_GUEST_OS            6
/* Guest operating system version string. */
#define XEN_ELFNOTE_GUEST_VERSION       7
/* Loader type string ("generic"). */
#define XEN_ELFNOTE_LOADER              8
/* PAE support string ("yes", "no", "bimodal", "yes[extended-cr3]"). */
#define XEN_ELFNOTE_PAE_MODE            9
/* '|'-separated list of required/optional feature names. */
#define XEN_ELFNOTE_FEATURES            10
/* Request that the builder load the symbol table ("yes"). */
#define XEN_ELFNOTE_BSD_SYMTAB          11
/* Lowest virtual address the hypervisor may claim (PV, 32-bit). */
#define XEN_ELFNOTE_HV_START_LOW        12
/* Mask and value describing a valid L1 page-table entry (PV). */
#define XEN_ELFNOTE_L1_MFN_VALID        13
/* The guest supports the suspend-cancel protocol. */
#define XEN_ELFNOTE_SUSPEND_CANCEL      14
/* Virtual address at which to map the initial p2m table (PV). */
#define XEN_ELFNOTE_INIT_P2M            15
/* The guest accepts mod_start as a PFN (SIF_MOD_START_PFN). */
#define XEN_ELFNOTE_MOD_START_PFN       16
/* Bitmap of XENFEAT_* the kernel supports, in 32-bit words. */
#define XEN_ELFNOTE_SUPPORTED_FEATURES  17
/* 32-bit physical entry point for PVH boot. */
#define XEN_ELFNOTE_PHYS32_ENTRY        18

/* The highest note type a domain builder knows about. */
#define XEN_ELFNOTE_MAX                 XEN_ELFNOTE_PHYS32_ENTRY

/* Notes written into crash dumps by kexec/kdump. */
#define XEN_ELFNOTE_CRASH_INFO          0x1000001
#define XEN_ELFNOTE_CRASH_REGS          0x1000002

/* Notes of the toolstack's dump-core file format. */
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif
