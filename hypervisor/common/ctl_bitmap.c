// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing a CPU set into a caller's struct xenctl_bitmap, as Xen does: a
 * byte map (bit n of byte n / 8), as many bytes as the caller's nr_bits
 * asks, Keel's bits first and zeros after; the caller's nr_bits and handle
 * are left as they were.  -EFAULT if the buffer faults.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/smp.h>

#define BITMAP_CHUNK    64

int ctl_bitmap_put_cpus(struct vcpu *caller, const struct xenctl_bitmap *map,
                        const cpumask_t *cpus, uint32_t nbits)
{
    uint64_t base = xen_guest_handle_addr(map->bitmap);
    uint64_t guest_bytes = ((uint64_t)map->nr_bits + 7) / 8;
    uint8_t chunk[BITMAP_CHUNK];

    for (uint64_t off = 0; off < guest_bytes; off += BITMAP_CHUNK) {
        uint64_t n = MIN(guest_bytes - off, (uint64_t)BITMAP_CHUNK);

        memset(chunk, 0, sizeof(chunk));
        for (uint64_t bit = off * 8; bit < (off + n) * 8 && bit < nbits; bit++)
            if (cpus && cpumask_test(cpus, (unsigned int)bit))
                chunk[(bit - off * 8) / 8] |= (uint8_t)(1u << (bit % 8));
        if (copy_to_guest(caller, base + off, chunk, n) < 0)
            return -EFAULT;
    }
    return 0;
}
