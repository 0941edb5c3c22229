/* SPDX-License-Identifier: MIT */
/*
 * Guest ABI constants the guest library needs that Keel's public headers
 * (hypervisor/include/public/) do not define yet: the Xen CPUID leaf layout
 * (Xen's public arch-x86/cpuid.h).  Each is guarded so that the public
 * header wins once it exists; delete this file then.
 */
#ifndef GUEST_ABI_FALLBACK_H
#define GUEST_ABI_FALLBACK_H

#if __has_include(<public/arch-x86/cpuid.h>)
#include <public/arch-x86/cpuid.h>
#endif

/* Leaf base+0: EBX/ECX/EDX spell "XenVMMXenVMM". */
#ifndef XEN_CPUID_SIGNATURE_EBX
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e
#endif

/* Leaf base+4, EAX: HVM-specific features. */
#ifndef XEN_HVM_CPUID_VCPU_ID_PRESENT
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT      (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1u << 3)   /* EBX = vcpu id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1u << 4)   /* ECX = domain id */
#define XEN_HVM_CPUID_EXT_DEST_ID      (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1u << 6)
#endif

#endif
