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

#endif /* KEEL_PUBLIC_ARCH_X86_XEN_H */
