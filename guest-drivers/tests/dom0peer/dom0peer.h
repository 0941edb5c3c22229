/* SPDX-License-Identifier: MIT */
/*
 * What test-dom0peer (a domU) and dom0's keel-dom0-maps
 * (tools/dom0/tests/) agree on: the guest frames holding the pattern, the
 * grant references, and the pattern and reply words.  Plain C with
 * <stdint.h> types, for both the freestanding guest and Linux userspace.
 */
#ifndef DOM0PEER_H
#define DOM0PEER_H

#define DOM0PEER_GFN        0x1000u     /* 16 MiB: the first pattern page */
#define DOM0PEER_PAGES      4u          /* gfns DOM0PEER_GFN .. + 3 */
#define DOM0PEER_GFN_RW     (DOM0PEER_GFN + 0)  /* granted to dom0 read-write */
#define DOM0PEER_GFN_RO     (DOM0PEER_GFN + 1)  /* granted to dom0 read-only */
#define DOM0PEER_GFN_REPLY  (DOM0PEER_GFN + 2)  /* dom0 replies through MMAPBATCH */
#define DOM0PEER_REF_RW     8u
#define DOM0PEER_REF_RO     9u
#define DOM0PEER_WORDS      (4096u / 8u)

/* Word i of pattern page gfn in domain domid: the domid, gfn and byte
 * offset, so that a page mapped from the wrong place or a word at the wrong
 * offset shows. */
static inline uint64_t dom0peer_word(uint16_t domid, uint64_t gfn, uint32_t i)
{
    return (uint64_t)domid << 48 | (gfn & 0xfffffffffull) << 12 | (uint64_t)i * 8u;
}

/* What dom0 writes over a page it replies in. */
static inline uint64_t dom0peer_reply(uint16_t domid, uint64_t gfn, uint32_t i)
{
    return ~dom0peer_word(domid, gfn, i);
}

#endif
