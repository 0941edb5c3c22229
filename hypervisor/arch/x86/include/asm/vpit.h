/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Channel 2 of an i8254 PIT and the port 0x61 gate, for PVH domains
 * (arch/x86/hvm/vpit.c).  PVH has no PIT, but Linux times its TSC against
 * channel 2 at boot whatever the platform (quick_pit_calibrate, for every
 * AMD CPU): with no PIT, port 0x42 reads 0xff and Linux reads it 100,000
 * times, one exit each, before giving up.  A counting channel 2 lets it
 * give up after a few dozen; Linux then takes the TSC frequency from the
 * pvclock as before.  Channels 0 and 1 stay absent (0xff, writes dropped).
 *
 * The counter counts down at 1193182 Hz from the reload value in binary
 * (BCD is taken as binary); modes 0, 1, 4 and 5 run through zero and wrap
 * with OUT high from the first terminal count, modes 2 and 3 reload.
 * Gate low pauses counting.
 */
#ifndef ASM_VPIT_H
#define ASM_VPIT_H

#include <keel/spinlock.h>
#include <keel/types.h>

#define VPIT_HZ             1193182u
#define VPIT_PORT_CH0       0x40
#define VPIT_PORT_CH2       0x42
#define VPIT_PORT_CONTROL   0x43
#define VPIT_PORT_GATE      0x61        /* NMI status and control (port B) */

struct vpit {
    spinlock_t lock;
    uint8_t mode;               /* 0..5 */
    uint8_t access;             /* 1 low byte, 2 high byte, 3 low then high */
    bool loaded;                /* a count was written since the control word */
    bool write_high;            /* access 3: the next write is the high byte */
    bool read_high;             /* access 3: the next read is the high byte */
    bool latched;               /* a latch command holds 'latch' */
    bool latch_high;            /* access 3: the high byte of the latch is next */
    uint8_t write_low;          /* access 3: the low byte written */
    uint16_t latch;
    uint32_t reload;            /* 1..65536 */
    bool gate;                  /* port 0x61 bit 0 */
    uint8_t port61;             /* bits 0-1 as written */
    bool refresh;               /* bit 4 toggles on each read */
    int64_t start;              /* NOW() when counting (re)started */
    uint64_t ticks_before;      /* counted before the last gate-low pause */
};

/* Power-on: no count loaded, gate low. */
void vpit_init(struct vpit *p);

/* A one-byte access to ports 0x40-0x43 or 0x61 at time 'now' (ns): true if
 * the port is the vPIT's (*val read or written), false otherwise. */
bool vpit_ioport(struct vpit *p, uint16_t port, bool in, uint8_t *val, int64_t now);

#endif
