/* SPDX-License-Identifier: MIT */
/*
 * PV console ring page (HVM_PARAM_CONSOLE_PFN): two byte rings, guest-to-
 * backend "out" and backend-to-guest "in", with free-running indexes.  The
 * producer writes data, then (after a write barrier) its prod index, then
 * notifies HVM_PARAM_CONSOLE_EVTCHN.  Layout is Xen's (public/io/console.h);
 * text is Keel's.
 */
#ifndef KEEL_PUBLIC_IO_CONSOLE_H
#define KEEL_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/* Index into a ring array (its size is a power of two). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* KEEL_PUBLIC_IO_CONSOLE_H */
