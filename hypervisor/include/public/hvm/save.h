/* SPDX-License-Identifier: MIT */
/*
 * HVM save records (XEN_DOMCTL_gethvmcontext / sethvmcontext): a buffer is a
 * series of records, each a descriptor followed by `length` bytes of the
 * record type named by `typecode`, ending with a typecode-0 (END) record of
 * length 0.  The first record is the HEADER.  Per-vCPU records carry the
 * vCPU id as their instance.  Layouts and codes are Xen 4.17's
 * (public/hvm/save.h); the text is Keel's.
 *
 * Xen names a type's code HVM_SAVE_CODE(<TYPE>) through type-system macros;
 * Keel spells the same numbers as plain constants HVM_SAVE_CODE_<TYPE>.
 */
#ifndef KEEL_PUBLIC_HVM_SAVE_H
#define KEEL_PUBLIC_HVM_SAVE_H

#include <stdint.h>

struct hvm_save_descriptor {
    uint16_t typecode;          /* HVM_SAVE_CODE_* */
    uint16_t instance;          /* vCPU id for per-vCPU records, else 0 */
    uint32_t length;            /* bytes after this descriptor */
};

/* The END record: no payload. */
#define HVM_SAVE_CODE_END       0

#include "../arch-x86/hvm/save.h"

#endif
