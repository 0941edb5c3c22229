// SPDX-License-Identifier: MIT
/*
 * test-cpuid: the CPUID view a Xen PVH guest relies on.  The Xen leaves
 * (signature at a base in 0x40000000..0x4000ff00, version leaf matching
 * XENVER_version, hypercall-page leaf, HVM feature leaf), the hypervisor bit,
 * SVM hidden from the guest, and SME/SEV not advertised.
 */
#include <public/version.h>
#include "guest.h"

const char test_title[] = "cpuid";

#define CPUID1_ECX_HYPERVISOR   (1u << 31)
#define EXT1_ECX_SVM            (1u << 2)
#define EXT1F_EAX_SME_SEV       0x3u

static void check_xen_leaves(void)
{
    struct xen_cpuid_info xi;

    if (!xen_cpuid_find(&xi))
        test_abort("no \"XenVMMXenVMM\" signature in 0x40000000..0x4000ff00");
    uint32_t base = xi.base;
    printf("Xen leaves at 0x%x, max leaf 0x%x\n", base, xi.max_leaf);
    CHECK((base & 0xff) == 0, "base 0x%x not a multiple of 0x100", base);
    CHECK(xi.max_leaf >= base + 2 && xi.max_leaf < base + 0x100,
          "max leaf 0x%x out of range for base 0x%x", xi.max_leaf, base);

    /* base+1: version. */
    printf("  version leaf: %u.%u\n", xi.version >> 16, xi.version & 0xffff);
    CHECK(xi.version >> 16 >= 4, "major version %u < 4 (Linux skips features)", xi.version >> 16);
    long hv = hyp_xen_version(XENVER_version, 0);
    CHECK(hv >= 0 && (uint32_t)hv == xi.version,
          "XENVER_version 0x%lx differs from CPUID 0x%x", hv, xi.version);

    /* base+2: hypercall page count and MSR. */
    printf("  hypercall leaf: %u page(s), MSR 0x%x\n", xi.nr_pages, xi.page_msr);
    CHECK(xi.nr_pages >= 1, "hypercall leaf reports %u pages", xi.nr_pages);
    CHECK(xi.page_msr != 0, "hypercall leaf reports MSR 0");
    CHECK(hypercall_get_mode() == HYPERCALL_PAGE,
          "writing the hypercall MSR did not fill the page");

    /* base+3 (time) is optional; base+4: HVM features. */
    if (xi.max_leaf < base + 4) {
        test_fail("no HVM feature leaf (base+4); Linux reads it unconditionally");
        return;
    }
    struct cpuid_regs h = cpuid(base + 4);
    printf("  HVM leaf: eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x\n", h.eax, h.ebx, h.ecx, h.edx);
    if (h.eax & XEN_HVM_CPUID_VCPU_ID_PRESENT) {
        printf("  vcpu id %u\n", h.ebx);
        CHECK(h.ebx == 0, "boot vCPU reports vcpu id %u", h.ebx);
    }
    if (h.eax & XEN_HVM_CPUID_DOMID_PRESENT)
        printf("  domain id %u\n", h.ecx);
}

static void check_native_leaves(void)
{
    struct cpuid_regs v = cpuid(0);
    char vendor[13];
    memcpy(vendor + 0, &v.ebx, 4);
    memcpy(vendor + 4, &v.edx, 4);
    memcpy(vendor + 8, &v.ecx, 4);
    vendor[12] = '\0';
    printf("Vendor %s, max basic leaf 0x%x, direct hypercalls via %s\n", vendor, v.eax,
           hypercall_mode_name(hypercall_direct_mode()));

    struct cpuid_regs l1 = cpuid(1);
    printf("Leaf 1: eax 0x%x ecx 0x%x edx 0x%x\n", l1.eax, l1.ecx, l1.edx);
    CHECK(l1.ecx & CPUID1_ECX_HYPERVISOR, "hypervisor bit (CPUID.1:ECX[31]) clear");

    uint32_t max_ext = cpuid(0x80000000).eax;
    printf("Max extended leaf 0x%x\n", max_ext);
    if (max_ext >= 0x80000001) {
        struct cpuid_regs e1 = cpuid(0x80000001);
        printf("Leaf 0x80000001: ecx 0x%x edx 0x%x\n", e1.ecx, e1.edx);
        CHECK(!(e1.ecx & EXT1_ECX_SVM), "SVM visible to the guest (0x80000001 ECX[2])");
    }
    if (max_ext >= 0x8000001f) {
        struct cpuid_regs e1f = cpuid(0x8000001f);
        printf("Leaf 0x8000001f: eax 0x%x\n", e1f.eax);
        CHECK(!(e1f.eax & EXT1F_EAX_SME_SEV), "SME/SEV advertised (0x8000001f EAX[1:0])");
    }
}

void test_main(void)
{
    check_xen_leaves();
    check_native_leaves();
}
