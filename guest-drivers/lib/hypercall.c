// SPDX-License-Identifier: MIT
/*
 * Hypercall transport for the guest library: Xen CPUID discovery, the
 * hypercall page (written by the hypervisor when the guest writes the page's
 * guest-physical address to the MSR from CPUID base+2) and the direct
 * VMCALL/VMMCALL instructions, plus a few typed wrappers.
 */
#include <public/errno.h>
#include <public/xen.h>
#include "abi_fallback.h"
#include "cpu.h"
#include "hypercall.h"
#include "lib.h"

#define HYPERCALL_ENTRY_SIZE 32

/* Filled with int3 until the hypervisor writes it. */
extern uint8_t hypercall_page[4096];
asm(".pushsection .text.hypercall_page, \"ax\", @progbits\n"
    ".balign 4096\n"
    ".globl hypercall_page\n"
    "hypercall_page: .fill 4096, 1, 0xcc\n"
    ".popsection\n");

struct xen_cpuid_info xen_cpuid;
static enum hypercall_mode current_mode = HYPERCALL_NONE;

bool xen_cpuid_find(struct xen_cpuid_info *info)
{
    memset(info, 0, sizeof(*info));
    for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
        struct cpuid_regs r = cpuid(base);
        if (r.ebx != XEN_CPUID_SIGNATURE_EBX || r.ecx != XEN_CPUID_SIGNATURE_ECX ||
            r.edx != XEN_CPUID_SIGNATURE_EDX)
            continue;
        info->found = true;
        info->base = base;
        info->max_leaf = r.eax;
        if (r.eax >= base + 1)
            info->version = cpuid(base + 1).eax;
        if (r.eax >= base + 2) {
            struct cpuid_regs p = cpuid(base + 2);
            info->nr_pages = p.eax;
            info->page_msr = p.ebx;
        }
        return true;
    }
    return false;
}

enum hypercall_mode hypercall_direct_mode(void)
{
    struct cpuid_regs v = cpuid(0);
    bool amd = v.ebx == 0x68747541 && v.edx == 0x69746e65 && v.ecx == 0x444d4163;
    bool hygon = v.ebx == 0x6f677948 && v.edx == 0x6e65476e && v.ecx == 0x656e6975;
    return amd || hygon ? HYPERCALL_VMMCALL : HYPERCALL_VMCALL;
}

bool hypercall_init(void)
{
    if (!xen_cpuid_find(&xen_cpuid))
        return false;
    if (xen_cpuid.nr_pages >= 1 && xen_cpuid.page_msr) {
        /* Identity-mapped: the linear address is the guest-physical one. */
        wrmsr(xen_cpuid.page_msr, (uint64_t)(uintptr_t)hypercall_page);
        for (unsigned int i = 0; i < sizeof(hypercall_page); i++) {
            if (hypercall_page[i] != 0xcc) {
                current_mode = HYPERCALL_PAGE;
                return true;
            }
        }
    }
    current_mode = hypercall_direct_mode();
    return true;
}

enum hypercall_mode hypercall_get_mode(void)
{
    return current_mode;
}

void hypercall_set_mode(enum hypercall_mode mode)
{
    current_mode = mode;
}

const char *hypercall_mode_name(enum hypercall_mode mode)
{
    switch (mode) {
    case HYPERCALL_PAGE:    return "hypercall page";
    case HYPERCALL_VMCALL:  return "vmcall";
    case HYPERCALL_VMMCALL: return "vmmcall";
    default:                return "none";
    }
}

long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long ret = nr;

    switch (current_mode) {
    case HYPERCALL_PAGE:
        if (nr >= sizeof(hypercall_page) / HYPERCALL_ENTRY_SIZE)
            return -XEN_ENOSYS;
        asm volatile("call *%[entry]"
                     : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [entry] "r"(hypercall_page + nr * HYPERCALL_ENTRY_SIZE)
                     : "memory");
        break;
    case HYPERCALL_VMCALL:
        asm volatile("vmcall"
                     : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :: "memory");
        break;
    case HYPERCALL_VMMCALL:
        asm volatile("vmmcall"
                     : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :: "memory");
        break;
    default:
        return -XEN_ENOSYS;
    }
    return ret;
}

long hyp_xen_version(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd,
                      (unsigned long)arg);
}

long hyp_console_io(int cmd, unsigned int count, const char *buf)
{
    return hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd, count,
                      (unsigned long)buf);
}

long hyp_sched_op(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd,
                      (unsigned long)arg);
}
