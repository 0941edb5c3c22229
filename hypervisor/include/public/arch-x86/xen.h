/* SPDX-License-Identifier: MIT */
/*
 * x86 basics of the Xen guest ABI: the guest-handle convention, the
 * machine-word types (xen_pfn_t, xen_ulong_t), the legacy vCPU count of the
 * shared-info page and struct arch_shared_info.  Values and layout are Xen's
 * (public/arch-x86/xen.h); text is Keel's.  Included by ../xen.h.
 *
 * Guest handles.  A hypercall argument that points into guest memory is
 * wrapped in a one-member struct so that it cannot be confused with a plain
 * integer.  On x86-64 the struct is 8 bytes: a guest virtual address.
 *
 *   DEFINE_XEN_GUEST_HANDLE(T)     declares the handle types for type T and
 *                                  for const T (T must be a single identifier;
 *                                  use a typedef for structs)
 *   KEEL_DEFINE_GUEST_HANDLE(N, T) the same under the name N, for types
 *                                  that are not one identifier
 *   XEN_GUEST_HANDLE(T)            names the handle type, for struct members
 *   XEN_GUEST_HANDLE_PARAM(T)      the same, for function parameters
 *   set_xen_guest_handle(h, ptr)   stores a pointer into a handle
 *
 * The hypervisor never dereferences .p: it reads the address as an integer
 * (xen_guest_handle_addr) and copies through its own guest-access code.
 */
#ifndef KEEL_PUBLIC_ARCH_X86_XEN_H
#define KEEL_PUBLIC_ARCH_X86_XEN_H

#include <stdint.h>

#if !defined(__x86_64__)
#error "Keel's public headers describe the x86-64 guest ABI only"
#endif

#define KEEL_GUEST_HANDLE_TYPE_(name, type) \
    typedef struct { type *p; } xen_guest_handle_##name
#define KEEL_DEFINE_GUEST_HANDLE(name, type)          \
    KEEL_GUEST_HANDLE_TYPE_(name, type);              \
    KEEL_GUEST_HANDLE_TYPE_(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)  KEEL_DEFINE_GUEST_HANDLE(name, name)
#define XEN_GUEST_HANDLE(name)        xen_guest_handle_##name
#define XEN_GUEST_HANDLE_PARAM(name)  XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle(hnd, val)  do { (hnd).p = (val); } while (0)
#define xen_guest_handle_addr(hnd)      ((uint64_t)(uintptr_t)(hnd).p)

#include "xen-x86_64.h"

/* A guest (pseudo-)physical or machine frame number. */
typedef uint64_t xen_pfn_t;
/* The native machine word: event-channel bitmaps, multicall arguments. */
typedef uint64_t xen_ulong_t;

/* vcpu_info slots embedded in the shared-info page (VCPUOP_register_vcpu_info
 * moves a vCPU's slot elsewhere; vCPUs >= 32 must do so). */
#define XEN_LEGACY_MAX_VCPUS 32

/* Marker macros Xen defines for guests: the upcall mask exists in vcpu_info. */
#define XEN_HAVE_PV_UPCALL_MASK 1

/* Architectural part of struct shared_info: 48 bytes.  Used by PV guests only
 * (PVH guests leave it alone); Keel keeps it zero. */
struct arch_shared_info {
    uint64_t max_pfn;                    /* highest pfn of the P2M list + 1 */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

/*
 * Toolstack-only (Xen hides it from guests): the x86 part of
 * XEN_DOMCTL_createdomain's and getdomaininfo's configuration.  A PVH guest
 * asks for the local APIC only (XEN_X86_EMU_LAPIC); an HVM guest for all.
 */
struct xen_arch_domainconfig {
#define _XEN_X86_EMU_LAPIC          0
#define XEN_X86_EMU_LAPIC           (1U << _XEN_X86_EMU_LAPIC)
#define _XEN_X86_EMU_HPET           1
#define XEN_X86_EMU_HPET            (1U << _XEN_X86_EMU_HPET)
#define _XEN_X86_EMU_PM             2
#define XEN_X86_EMU_PM              (1U << _XEN_X86_EMU_PM)
#define _XEN_X86_EMU_RTC            3
#define XEN_X86_EMU_RTC             (1U << _XEN_X86_EMU_RTC)
#define _XEN_X86_EMU_IOAPIC         4
#define XEN_X86_EMU_IOAPIC          (1U << _XEN_X86_EMU_IOAPIC)
#define _XEN_X86_EMU_PIC            5
#define XEN_X86_EMU_PIC             (1U << _XEN_X86_EMU_PIC)
#define _XEN_X86_EMU_VGA            6
#define XEN_X86_EMU_VGA             (1U << _XEN_X86_EMU_VGA)
#define _XEN_X86_EMU_IOMMU          7
#define XEN_X86_EMU_IOMMU           (1U << _XEN_X86_EMU_IOMMU)
#define _XEN_X86_EMU_PIT            8
#define XEN_X86_EMU_PIT             (1U << _XEN_X86_EMU_PIT)
#define _XEN_X86_EMU_USE_PIRQ       9
#define XEN_X86_EMU_USE_PIRQ        (1U << _XEN_X86_EMU_USE_PIRQ)
#define _XEN_X86_EMU_VPCI           10
#define XEN_X86_EMU_VPCI            (1U << _XEN_X86_EMU_VPCI)
#define XEN_X86_EMU_ALL             0x7ffU   /* bits 0..10 */
    uint32_t emulation_flags;
#define XEN_X86_MSR_RELAXED         (1U << 0)
    uint32_t misc_flags;
};
#define XEN_X86_MISC_FLAGS_MAX      XEN_X86_MSR_RELAXED

/*
 * One CPUID leaf and one MSR of a CPU policy (XEN_DOMCTL_get/set_cpu_policy,
 * XEN_SYSCTL_get_cpu_policy).  subleaf is XEN_CPUID_NO_SUBLEAF for leaves
 * that have none; an MSR entry's flags must be zero.
 */
typedef struct xen_cpuid_leaf {
#define XEN_CPUID_NO_SUBLEAF        0xffffffffU
    uint32_t leaf;
    uint32_t subleaf;
    uint32_t a;
    uint32_t b;
    uint32_t c;
    uint32_t d;
} xen_cpuid_leaf_t;
DEFINE_XEN_GUEST_HANDLE(xen_cpuid_leaf_t);

typedef struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags;
    uint64_t val;
} xen_msr_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_msr_entry_t);

#endif /* KEEL_PUBLIC_ARCH_X86_XEN_H */
