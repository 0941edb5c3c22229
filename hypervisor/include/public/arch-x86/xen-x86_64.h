/* SPDX-License-Identifier: MIT */
/*
 * x86-64 specifics of the Xen guest ABI: the per-vCPU architectural slot in
 * vcpu_info.  Keel is 64-bit only, so this is the only width it describes.
 * Values and layout are Xen's (public/arch-x86/xen-x86_64.h); text is Keel's.
 */
#ifndef KEEL_PUBLIC_ARCH_X86_XEN_X86_64_H
#define KEEL_PUBLIC_ARCH_X86_XEN_X86_64_H

#include <stdint.h>

/* Architectural part of struct vcpu_info: 16 bytes. */
struct arch_vcpu_info {
    uint64_t cr2;   /* PV only: faulting address of the last page fault */
    uint64_t pad;   /* keeps struct vcpu_info at 64 bytes */
};

#endif /* KEEL_PUBLIC_ARCH_X86_XEN_X86_64_H */
