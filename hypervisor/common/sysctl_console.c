// SPDX-License-Identifier: GPL-2.0-only
/*
 * XEN_SYSCTL_readconsole: the control domain reads Keel's log ring
 * (common/log_ring.c), as Xen's `xl dmesg` reads its console ring.
 * Xen's rules: reading starts at the oldest byte kept, or, with
 * incremental, at index if index lies in (oldest, newest]; at most count
 * bytes go out; count returns how many did and index where reading
 * stopped (ring positions in 32 bits, as Xen's); clear then forgets
 * everything before that point.  A buffer that faults: -EFAULT.
 */
#include <asm/hvm_vcpu.h>
#include <keel/console.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define READCONSOLE_CHUNK   256

/* Where reading starts: index, if incremental and index (a 32-bit ring
 * position) is one of (tail, head]; else the tail. */
static uint64_t readconsole_start(const struct xen_sysctl_readconsole *rc,
                                  uint64_t tail, uint64_t head)
{
    uint32_t ahead = (uint32_t)head - rc->index;     /* bytes index is behind head */

    if (rc->incremental && ahead < head - tail)
        return head - ahead;
    return tail;
}

SYSCTL_HANDLER(sysctl_readconsole)
{
    struct xen_sysctl_readconsole *rc = &op->u.readconsole;
    uint64_t buf = xen_guest_handle_addr(rc->buffer);
    uint64_t head = log_ring_head();
    uint64_t pos = readconsole_start(rc, log_ring_tail(), head);
    uint32_t sofar = 0;
    char chunk[READCONSOLE_CHUNK];

    *copyback = true;
    while (pos < head && sofar < rc->count) {
        size_t want = MIN((uint64_t)(rc->count - sofar), MIN(head - pos, sizeof(chunk)));
        size_t n = log_ring_read(&pos, chunk, want);

        if (n == 0)
            break;
        if (copy_to_guest(caller, buf + sofar, chunk, n) < 0)
            return -EFAULT;
        sofar += (uint32_t)n;
    }
    if (rc->clear)
        log_ring_clear(pos);
    rc->count = sofar;
    rc->index = (uint32_t)pos;
    return 0;
}
