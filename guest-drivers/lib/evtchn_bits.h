/* SPDX-License-Identifier: MIT */
/*
 * Bits of the 2-level event channel bitmaps (shared_info's evtchn_pending
 * and evtchn_mask, a vcpu_info's evtchn_pending_sel): port n is bit n % 64
 * of word n / 64, changed atomically as the hypervisor changes them too.
 */
#ifndef GUEST_EVTCHN_BITS_H
#define GUEST_EVTCHN_BITS_H

#include <stdbool.h>
#include <stdint.h>

static inline bool evtchn_bit_test(volatile uint64_t *words, uint32_t n)
{
    return (words[n / 64] >> (n % 64)) & 1;
}

static inline void evtchn_bit_clear(volatile uint64_t *words, uint32_t n)
{
    __atomic_fetch_and(&words[n / 64], ~(1ULL << (n % 64)), __ATOMIC_SEQ_CST);
}

static inline void evtchn_bit_set(volatile uint64_t *words, uint32_t n)
{
    __atomic_fetch_or(&words[n / 64], 1ULL << (n % 64), __ATOMIC_SEQ_CST);
}

#endif
