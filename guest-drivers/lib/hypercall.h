/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls from a PVH/HVM guest.  hypercall_init() finds the Xen CPUID
 * leaves (signature "XenVMMXenVMM" at 0x40000000 + n*0x100), asks the
 * hypervisor to write the hypercall page through the MSR named by leaf
 * base+2, and picks the page as the default mechanism.  The direct
 * instructions are also available: VMMCALL on AMD/Hygon, VMCALL otherwise.
 * hypercallN(nr, ...) issue hypercall nr with the x86-64 convention (RAX =
 * number, args in RDI RSI RDX R10 R8, result in RAX).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

enum hypercall_mode {
    HYPERCALL_NONE,     /* no Xen interface found: every call returns -ENOSYS */
    HYPERCALL_PAGE,     /* call into the hypercall page (nr * 32) */
    HYPERCALL_VMCALL,   /* direct VMCALL (Intel VMX) */
    HYPERCALL_VMMCALL,  /* direct VMMCALL (AMD SVM) */
};

struct xen_cpuid_info {
    bool found;
    uint32_t base;          /* 0x40000000 + n * 0x100 */
    uint32_t max_leaf;      /* EAX of the base leaf */
    uint32_t version;       /* base+1 EAX: major << 16 | minor */
    uint32_t nr_pages;      /* base+2 EAX */
    uint32_t page_msr;      /* base+2 EBX */
};

/* Filled by hypercall_init(). */
extern struct xen_cpuid_info xen_cpuid;

/* Search the hypervisor CPUID range for Xen; fills *info, returns found. */
bool xen_cpuid_find(struct xen_cpuid_info *info);

/* Find Xen, install the hypercall page; returns false if no Xen found. */
bool hypercall_init(void);

/* The direct instruction for this CPU's vendor (VMMCALL for AMD/Hygon). */
enum hypercall_mode hypercall_direct_mode(void);

enum hypercall_mode hypercall_get_mode(void);
void hypercall_set_mode(enum hypercall_mode mode);
const char *hypercall_mode_name(enum hypercall_mode mode);

long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4, unsigned long a5);

static inline long hypercall0(unsigned int nr)
{
    return hypercall5(nr, 0, 0, 0, 0, 0);
}
static inline long hypercall1(unsigned int nr, unsigned long a1)
{
    return hypercall5(nr, a1, 0, 0, 0, 0);
}
static inline long hypercall2(unsigned int nr, unsigned long a1, unsigned long a2)
{
    return hypercall5(nr, a1, a2, 0, 0, 0);
}
static inline long hypercall3(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3)
{
    return hypercall5(nr, a1, a2, a3, 0, 0);
}
static inline long hypercall4(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4)
{
    return hypercall5(nr, a1, a2, a3, a4, 0);
}

/* Typed wrappers for the hypercalls the library itself uses. */
long hyp_xen_version(int cmd, void *arg);
long hyp_console_io(int cmd, unsigned int count, const char *buf);
long hyp_sched_op(int cmd, void *arg);

#endif
